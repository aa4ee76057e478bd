import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The shell's whole part in the check-in relay: `Effect.http` becomes a `URLRequest` exactly as
/// the app model built and signed it, and the answer becomes `HttpDone` (any status, at most
/// `maxReplyBytes` of the body) or `HttpFailed` (no answer). It reads and decides nothing.
public enum RelayHTTP {
    public static let timeout: TimeInterval = 15
    public static let maxReplyBytes = 64 * 1024

    /// nil for anything but an http(s) address with a host (the app model never builds one).
    /// Checked here because Linux Foundation's `URL(string: "")` is not nil.
    public static func request(method: String, url: String, headers: [HttpHeader], body: Data) -> URLRequest? {
        guard let url = URL(string: url), let scheme = url.scheme?.lowercased(),
              scheme == "https" || scheme == "http", let host = url.host, !host.isEmpty else { return nil }
        var request = URLRequest(url: url, cachePolicy: .reloadIgnoringLocalAndRemoteCacheData, timeoutInterval: timeout)
        request.httpMethod = method
        for header in headers { request.setValue(header.value, forHTTPHeaderField: header.name) }
        if method == "POST" { request.httpBody = body }
        return request
    }

    public static func outcome(id: String, status: Int?, body: Data?) -> AppEvent {
        guard let status, (0...Int(UInt16.max)).contains(status) else { return .httpFailed(id: id) }
        return .httpDone(id: id, status: UInt16(status), body: (body ?? Data()).prefix(maxReplyBytes))
    }
}

/// URLSession, ephemeral (no cookies, no cache on disk), following no redirect: a redirect would
/// send the signed request somewhere the person did not choose.
public final class URLSessionTransport: HTTPTransport {
    private let session = URLSession(configuration: .ephemeral, delegate: NoRedirects(), delegateQueue: nil)

    public init() {}

    public func send(_ request: URLRequest, done: @escaping (Int?, Data?) -> Void) {
        session.dataTask(with: request) { data, response, error in
            guard error == nil, let http = response as? HTTPURLResponse else { return done(nil, nil) }
            done(http.statusCode, data ?? Data())
        }.resume()
    }
}

/// Answers every redirect with "don't": the 3xx itself comes back as the answer.
final class NoRedirects: NSObject, URLSessionTaskDelegate {
    func urlSession(_ session: URLSession, task: URLSessionTask,
                    willPerformHTTPRedirection response: HTTPURLResponse,
                    newRequest request: URLRequest,
                    completionHandler: @escaping (URLRequest?) -> Void) {
        completionHandler(nil)
    }
}
