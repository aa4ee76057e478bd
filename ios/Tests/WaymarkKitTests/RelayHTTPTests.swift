import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import XCTest
import WaymarkKit

/// The shell's part of the check-in relay: `Effect.http` goes to the transport exactly as the app
/// model built it, and the answer (or its absence) comes back as `HttpDone` / `HttpFailed`.
final class RelayHTTPTests: XCTestCase {
    var phone: FakePhone!
    var dispatcher: EffectDispatcher!
    var reported: [AppEvent] = []

    override func setUp() {
        phone = FakePhone()
        dispatcher = EffectDispatcher(ports: phone.ports)
        reported = []
        dispatcher.report = { [unowned self] event, _ in reported.append(event) }
    }

    func testTheRequestIsSentAsBuiltAndAnyAnswerComesBack() throws {
        let body = Data("{\"deadline\":1}".utf8)
        dispatcher.perform(.http(id: "relay-1", method: "POST", url: "https://relay.example.org/v1/checkins/ab/extend",
                                 headers: [HttpHeader(name: "waymark-signature", value: "c2ln"),
                                           HttpHeader(name: "content-type", value: "application/json")],
                                 body: body))
        let sent = try XCTUnwrap(phone.http.sent.first)
        XCTAssertEqual(sent.request.httpMethod, "POST")
        XCTAssertEqual(sent.request.url?.absoluteString, "https://relay.example.org/v1/checkins/ab/extend")
        XCTAssertEqual(sent.request.value(forHTTPHeaderField: "waymark-signature"), "c2ln")
        XCTAssertEqual(sent.request.httpBody, body)
        XCTAssertEqual(sent.request.timeoutInterval, RelayHTTP.timeout)
        // A refusal is an answer like any other: the app model reads it.
        sent.done(403, Data("{\"error\":\"wrong_secret\"}".utf8))
        XCTAssertEqual(reported, [.httpDone(id: "relay-1", status: 403, body: Data("{\"error\":\"wrong_secret\"}".utf8))])
    }

    func testNoAnswerIsHttpFailedAndBigAnswersAreCut() throws {
        dispatcher.perform(.http(id: "relay-2", method: "GET", url: "https://relay.example.org/v1/key", headers: [], body: Data()))
        let sent = try XCTUnwrap(phone.http.sent.first)
        XCTAssertNil(sent.request.httpBody, "a GET carries no body")
        sent.done(nil, nil)
        XCTAssertEqual(reported, [.httpFailed(id: "relay-2")])
        let big = RelayHTTP.outcome(id: "relay-3", status: 200, body: Data(count: RelayHTTP.maxReplyBytes * 2))
        guard case let .httpDone(_, status, body) = big else { return XCTFail("\(big)") }
        XCTAssertEqual(status, 200)
        XCTAssertEqual(body.count, RelayHTTP.maxReplyBytes)
    }

    func testAnAddressThatIsNotAUrlFailsWithoutSending() {
        for (n, address) in ["", "relay.example.org/v1/key", "file:///etc/passwd", "https://"].enumerated() {
            dispatcher.perform(.http(id: "relay-4-\(n)", method: "GET", url: address, headers: [], body: Data()))
            XCTAssertTrue(phone.http.sent.isEmpty, address)
            XCTAssertEqual(reported.last, .httpFailed(id: "relay-4-\(n)"), address)
        }
        XCTAssertEqual(reported.count, 4)
    }
}
