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
        dispatcher.perform(Self.photoCamera)
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
        dispatcher.perform(Self.photoCamera)
        XCTAssertEqual(reported.last, .cameraCancelled)
        XCTAssertEqual(reported.filter { $0 == .cameraDone || $0 == .cameraCancelled }.count, 1)
    }

    func testAPickedFileStaysReadableUntilTheAppModelHandledIt() {
        phone.files.answer = URL(fileURLWithPath: "/private/var/mobile/picked/screenshot.png")
        dispatcher.report = { [unowned self] event, handled in
            reported.append(event)
            if case .filePicked = event {
                XCTAssertEqual(phone.files.released, 0, "released before the app model read it")
            }
            handled?()
        }
        dispatcher.perform(.pickFile(source: .files))
        XCTAssertEqual(reported, [.filePicked(path: "/private/var/mobile/picked/screenshot.png")])
        XCTAssertEqual(phone.files.released, 1)
        phone.files.answer = nil
        dispatcher.perform(.pickFile(source: .files))
        XCTAssertEqual(reported.last, .filePickCancelled)
    }

    static let photoCamera = Effect.openCamera(kind: .photo, sound: false, maxSeconds: nil, maxBytes: 1 << 30)

    func testEachPickerSourceGoesToItsOwnPort() {
        phone.photos.answer = URL(fileURLWithPath: "/private/var/mobile/tmp/IMG_0042.PNG")
        phone.files.answer = URL(fileURLWithPath: "/private/var/mobile/Files/voicemail.m4a")
        dispatcher.perform(.pickFile(source: .photos))
        XCTAssertEqual([phone.photos.opened, phone.files.opened], [1, 0])
        dispatcher.perform(.pickFile(source: .files))
        XCTAssertEqual([phone.photos.opened, phone.files.opened], [1, 1])
        XCTAssertEqual(reported, [.filePicked(path: "/private/var/mobile/tmp/IMG_0042.PNG"),
                                  .filePicked(path: "/private/var/mobile/Files/voicemail.m4a")])
        XCTAssertEqual([phone.photos.released, phone.files.released], [1, 1])
        XCTAssertEqual(phone.movies.requests.count + phone.camera.started, 0, "no camera for a picker")
    }

    func movieFolder() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("waymark-movies-\(UUID().uuidString)")
    }

    func leftovers(_ folder: URL) -> [String] {
        (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
    }

    /// A recorded video reaches the app model in bounded pieces, each handled before the next is
    /// read (the streamer runs on its own queue; this thread plays the app model, slowly), and its
    /// file is gone before the end is reported.
    func testAVideoIsStreamedOnePieceAtATimeAndItsFileIsDeletedBeforeTheEnd() throws {
        let folder = movieFolder()
        let lock = NSLock()
        var busy = false
        var reader: UnevenReader?
        let movies = MovieStreamer(folder: folder, open: { url in
            let r = try UnevenReader(url: url, sizes: [1, EffectDispatcher.maxChunk * 2 + 17, 7, 100_003, EffectDispatcher.maxChunk],
                                     mustNotRead: { lock.lock(); defer { lock.unlock() }; return busy })
            reader = r
            return r
        })
        dispatcher = EffectDispatcher(ports: phone.ports, movies: movies,
                                      streaming: QueueExecutor(DispatchQueue(label: "test.stream")))
        let arrived = DispatchSemaphore(value: 0)
        var inbox: [(AppEvent, (() -> Void)?)] = []
        dispatcher.report = { event, handled in
            lock.lock()
            if case .cameraChunk = event { busy = true }
            inbox.append((event, handled))
            lock.unlock()
            arrived.signal()
        }
        let movie = Data((0..<(3 * 1024 * 1024 + 5)).map { UInt8(truncatingIfNeeded: $0 &* 13 &+ 1) })
        phone.movies.movie = movie
        dispatcher.perform(.openCamera(kind: .video, sound: true, maxSeconds: 1200, maxBytes: 4_026_531_840))
        XCTAssertEqual(phone.movies.requests.map(\.sound), [true])
        XCTAssertEqual(phone.movies.requests.first?.maxSeconds, 1200)
        XCTAssertEqual(phone.movies.requests.first?.maxBytes, 4_026_531_840)
        XCTAssertEqual(phone.movies.requests.first?.file.deletingLastPathComponent().path, folder.path)
        XCTAssertEqual(phone.camera.started, 0, "a video is not the photo camera's")

        var bytes = Data()
        var end: AppEvent?
        while end == nil {
            // A guard against a hang, not a timing assumption: each piece arrives at once.
            XCTAssertEqual(arrived.wait(timeout: .now() + 60), .success, "the stream stalled")
            lock.lock()
            let (event, handled) = inbox.removeFirst()
            lock.unlock()
            switch event {
            case let .cameraChunk(piece):
                XCTAssertFalse(piece.isEmpty)
                XCTAssertLessThanOrEqual(piece.count, EffectDispatcher.maxChunk)
                bytes.append(piece)
                XCTAssertNotNil(handled, "each piece waits to be handled")
                lock.lock(); busy = false; lock.unlock()
                handled?()
            default:
                end = event
                XCTAssertEqual(leftovers(folder), [], "deleted before the end was reported")
            }
        }
        XCTAssertEqual(end, .cameraDone)
        XCTAssertEqual(bytes, movie, "every byte, in order, once")
        XCTAssertEqual(reader?.readWhileBusy, 0, "read ahead while a piece was unhandled")
        XCTAssertEqual(reader?.closed, true)
    }

    func testACancelledOrBrokenRecordingLeavesNoFileAndSaysCancelled() throws {
        let folder = movieFolder()
        let movies = MovieStreamer(folder: folder, open: { try UnevenReader(url: $0, sizes: [70_000], failAfter: 140_000) })
        dispatcher = EffectDispatcher(ports: phone.ports, movies: movies, streaming: InlineExecutor())
        dispatcher.report = { [unowned self] event, handled in reported.append(event); handled?() }
        let video = Effect.openCamera(kind: .video, sound: false, maxSeconds: 1200, maxBytes: 1 << 30)
        // Cancelled after the camera wrote part of a file.
        phone.movies.movie = Data(repeating: 7, count: 500_000)
        phone.movies.recorded = false
        dispatcher.perform(video)
        XCTAssertEqual(reported, [.cameraCancelled])
        XCTAssertEqual(leftovers(folder), [])
        // Recorded, but the file cannot be read to its end (the reader fails after 140 kB).
        reported = []
        phone.movies.recorded = true
        dispatcher.perform(video)
        XCTAssertEqual(reported.last, .cameraCancelled)
        XCTAssertEqual(reported.filter { if case .cameraChunk = $0 { return true } else { return false } }.count, 2)
        XCTAssertEqual(leftovers(folder), [])
        // An empty recording is no recording.
        reported = []
        phone.movies.movie = Data()
        dispatcher.perform(video)
        XCTAssertEqual(reported, [.cameraCancelled])
        XCTAssertEqual(leftovers(folder), [])
        // What a killed app left behind goes at the next launch.
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        for name in ["movie-1.mov", "movie-2.mov"] {
            FileManager.default.createFile(atPath: folder.appendingPathComponent(name).path, contents: Data([1, 2, 3]))
        }
        XCTAssertEqual(movies.sweep(), 2)
        XCTAssertEqual(leftovers(folder), [])
        try? FileManager.default.removeItem(at: folder)
    }

    func testShareCoverPermissionsLocationAndHaptics() {
        dispatcher.perform([.shareFile(path: "/tmp/report.pdf", mime: "application/pdf"),
                            .hideContent(hidden: true), .hideContent(hidden: false), .secureScreen(on: true),
                            .requestPermission(what: .camera, reason: "To take photos"),
                            .requestPermission(what: .microphone, reason: "For sound"),
                            .requestLocation, .haptic(kind: .warning)])
        XCTAssertEqual(phone.sharer.shared.map(\.path), ["/tmp/report.pdf"])
        XCTAssertEqual(phone.cover.states, [true, false])
        XCTAssertEqual(phone.cover.whileCaptured, true)
        XCTAssertEqual(phone.permissions.asked.map(\.0), [.camera, .microphone])
        XCTAssertEqual(phone.permissions.asked.map(\.1), ["To take photos", "For sound"])
        XCTAssertEqual(phone.haptics.played, [.warning])
        XCTAssertEqual(reported, [.permissionResult(what: .camera, granted: true),
                                  .permissionResult(what: .microphone, granted: true),
                                  .locationFix(lat: 51.5072, lon: -0.1276, accuracyM: 12)])
    }
}
