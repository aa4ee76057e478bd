import Foundation
import XCTest
import WaymarkKit

/// Each effect reaches the right port, and each outcome comes back as the event the app model
/// expects; the promises effects come with (a text once per id, one composer at a time, wake-ups
/// by id, bounded camera pieces) hold.
final class EffectDispatchTests: XCTestCase {
    var phone: FakePhone!
    var dispatcher: EffectDispatcher!
    var reported: [AppEvent] = []
    var handledCallbacks = 0

    override func setUp() {
        phone = FakePhone()
        dispatcher = EffectDispatcher(ports: phone.ports)
        reported = []
        dispatcher.report = { [unowned self] event, handled in
            reported.append(event)
            if let handled { handledCallbacks += 1; handled() }
        }
    }

    func testDialOpensThePhoneAppWithTheNumberAndNothingElse() {
        dispatcher.perform([.dial(number: "999"), .dial(number: "0808 802 0300"), .dial(number: "999&body=x"), .dial(number: "")])
        XCTAssertEqual(phone.dialer.opened.map(\.absoluteString), ["tel:999", "tel:08088020300"])
    }

    func testATextGoesToTheComposerOncePerIdAndTheOutcomeComesBack() {
        let text = Effect.composeSms(id: "ev-1", to: "07700900123", body: "I missed my check-in")
        dispatcher.perform([text, text])
        XCTAssertEqual(phone.composer.shown.count, 1)
        XCTAssertEqual(phone.composer.shown.first?.to, "07700900123")
        XCTAssertEqual(phone.composer.shown.first?.body, "I missed my check-in")
        phone.composer.close(.sent)
        dispatcher.perform(text)
        XCTAssertEqual(phone.composer.shown.count, 1, "asked again after it was sent: still once")
        XCTAssertEqual(reported, [.smsSent(id: "ev-1", ok: true)])
    }

    func testSilentSendingBecomesAComposerOnIos() {
        dispatcher.perform(.sendSms(id: "ev-2", to: "07700900456", body: "Alert"))
        XCTAssertEqual(phone.composer.shown.map(\.to), ["07700900456"])
        phone.composer.close(.cancelled)
        XCTAssertEqual(reported, [.smsSent(id: "ev-2", ok: false)])
    }

    func testTextsWaitForTheAppToBeInFrontAndShowOneAtATime() {
        phone.composer.canPresent = false
        dispatcher.perform([.composeSms(id: "a", to: "1", body: "first"), .composeSms(id: "b", to: "2", body: "second")])
        XCTAssertTrue(phone.composer.shown.isEmpty)
        XCTAssertEqual(dispatcher.waitingMessages, 2)
        phone.composer.canPresent = true
        dispatcher.appIsActive()
        XCTAssertEqual(phone.composer.shown.map(\.body), ["first"])
        dispatcher.appIsActive()
        XCTAssertEqual(phone.composer.shown.count, 1, "never two composers at once")
        phone.composer.close(.sent)
        XCTAssertEqual(phone.composer.shown.map(\.body), ["first", "second"])
        phone.composer.close(.failed)
        XCTAssertEqual(reported, [.smsSent(id: "a", ok: true), .smsSent(id: "b", ok: false)])
        XCTAssertEqual(dispatcher.waitingMessages, 0)
    }

    func testWakeUpsAreKeptByIdAndIosIsAskedForTheEarliest() {
        let t0 = Date(timeIntervalSince1970: 1_780_300_000)
        dispatcher.perform([.scheduleWake(id: "checkin", at: t0.addingTimeInterval(900)),
                            .scheduleWake(id: "auto-lock", at: t0.addingTimeInterval(60))])
        XCTAssertEqual(phone.wakes.requested.last, t0.addingTimeInterval(60))
        dispatcher.perform(.cancelWake(id: "auto-lock"))
        XCTAssertEqual(phone.wakes.requested.last, t0.addingTimeInterval(900))
        XCTAssertEqual(dispatcher.dueWakes(now: t0.addingTimeInterval(899)), [])
        XCTAssertEqual(dispatcher.dueWakes(now: t0.addingTimeInterval(900)), [.wakeFired(id: "checkin")])
        XCTAssertEqual(dispatcher.dueWakes(now: t0.addingTimeInterval(5000)), [])
        XCTAssertEqual(phone.wakes.cancelledAll, 1, "nothing left: the background request is withdrawn")
    }

    func testNotificationsShowTheAppModelsWordsAndClear() {
        dispatcher.perform([.showNotification(id: "n1", title: "Reminder", body: "Time to check in"),
                            .clearNotification(id: "n1")])
        XCTAssertEqual(phone.notifications.shown.map(\.body), ["Time to check in"])
        XCTAssertEqual(phone.notifications.shown.map(\.title), ["Reminder"])
        XCTAssertEqual(phone.notifications.cleared, ["n1"])
    }

    func testScheduledNoticesReachThePhoneWithTheirTimeAndClearRemovesThem() {
        let at = Date(timeIntervalSince1970: 1_780_300_000)
        dispatcher.perform([.scheduleNotification(id: "checkin.due", at: at, title: "Reminder", body: "Time to check in."),
                            .scheduleNotification(id: "checkin.due", at: at.addingTimeInterval(900), title: "Reminder", body: "Time to check in."),
                            .scheduleNotification(id: "checkin.soon", at: at.addingTimeInterval(-600), title: "Reminder", body: "Soon.")])
        XCTAssertEqual(phone.notifications.pending, ["checkin.due": at.addingTimeInterval(900), "checkin.soon": at.addingTimeInterval(-600)])
        XCTAssertTrue(phone.notifications.shown.isEmpty, "scheduled, not shown now")
        dispatcher.perform(.clearNotification(id: "checkin.soon"))
        XCTAssertEqual(phone.notifications.pending, ["checkin.due": at.addingTimeInterval(900)])
        XCTAssertTrue(reported.isEmpty, "nothing to report back")
    }

    func testEveryDisguiseSwitchesToItsOwnIconAndPlainToTheAppsOwn() {
        dispatcher.perform([.setDisguise(kind: .weather), .setDisguise(kind: .notes), .setDisguise(kind: .tasks),
                            .setDisguise(kind: .calculator), .setDisguise(kind: .plain)])
        XCTAssertEqual(phone.icon.set, ["AppIcon-Weather", "AppIcon-Notes", "AppIcon-Tasks", "AppIcon-Calculator", nil])
    }

    func testCameraPiecesOfAnySizeArriveInOrderBoundedAndEndOnce() {
        let big = Data((0..<(EffectDispatcher.maxChunk * 2 + 17)).map { UInt8(truncatingIfNeeded: $0 &* 7) })
        phone.camera.pieces = [Data([1]), Data(), big, Data([2, 3])]
        dispatcher.perform(.openCamera)
        var bytes = Data()
        var ends: [AppEvent] = []
        for event in reported {
            if case let .cameraChunk(piece) = event {
                XCTAssertTrue(ends.isEmpty, "no bytes after the end")
                XCTAssertLessThanOrEqual(piece.count, EffectDispatcher.maxChunk)
                XCTAssertFalse(piece.isEmpty)
                bytes.append(piece)
            } else {
                ends.append(event)
            }
        }
        XCTAssertEqual(bytes, Data([1]) + big + Data([2, 3]))
        XCTAssertEqual(ends, [.cameraDone])
    }

    func testACancelledCaptureSaysSo() {
        phone.camera.pieces = [Data([9, 9])]
        phone.camera.cancel = true
        dispatcher.perform(.openCamera)
        XCTAssertEqual(reported.last, .cameraCancelled)
        XCTAssertEqual(reported.filter { $0 == .cameraDone || $0 == .cameraCancelled }.count, 1)
    }

    func testAPickedFileStaysReadableUntilTheAppModelHandledIt() {
        phone.picker.answer = URL(fileURLWithPath: "/private/var/mobile/picked/screenshot.png")
        dispatcher.report = { [unowned self] event, handled in
            reported.append(event)
            if case .filePicked = event {
                XCTAssertEqual(phone.picker.released, 0, "released before the app model read it")
            }
            handled?()
        }
        dispatcher.perform(.pickFile)
        XCTAssertEqual(reported, [.filePicked(path: "/private/var/mobile/picked/screenshot.png")])
        XCTAssertEqual(phone.picker.released, 1)
        phone.picker.answer = nil
        dispatcher.perform(.pickFile)
        XCTAssertEqual(reported.last, .filePickCancelled)
    }

    func testShareCoverPermissionsLocationAndHaptics() {
        dispatcher.perform([.shareFile(path: "/tmp/report.pdf", mime: "application/pdf"),
                            .hideContent(hidden: true), .hideContent(hidden: false), .secureScreen(on: true),
                            .requestPermission(what: .camera, reason: "To take photos"),
                            .requestLocation, .haptic(kind: .warning)])
        XCTAssertEqual(phone.sharer.shared.map(\.path), ["/tmp/report.pdf"])
        XCTAssertEqual(phone.cover.states, [true, false])
        XCTAssertEqual(phone.cover.whileCaptured, true)
        XCTAssertEqual(phone.permissions.asked.map(\.0), [.camera])
        XCTAssertEqual(phone.permissions.asked.map(\.1), ["To take photos"])
        XCTAssertEqual(phone.haptics.played, [.warning])
        XCTAssertEqual(reported, [.permissionResult(what: .camera, granted: true),
                                  .locationFix(lat: 51.5072, lon: -0.1276, accuracyM: 12)])
    }
}
