import Foundation
import XCTest
import WaymarkKit

/// The capture flow driven from Swift (JourneyTests' helpers): a photo for the incident just logged, through the store,
/// the dispatcher and a fake camera that hands over uneven chunks (one bigger than twice the
/// dispatcher's piece size); a cancelled capture keeps nothing; a picked file is imported and
/// only released once the app model has read it.
extension JourneyTests {
    func bytes(_ n: Int, seed: Int) -> Data { Data((0..<n).map { UInt8(($0 * 31 + seed) % 251) }) }
    func hex(_ b: [UInt8]) -> String { b.map { String(format: "%02x", $0) }.joined() }

    /// A vault opened beside the app (same folder and phone key) to look at what was stored.
    func inspect(_ app: App) throws -> Vault {
        let vault = try Vault.open(dir: app.dir, prf: app.prf, clock: nil)
        try vault.unlock(secret: pinDigits)
        return vault
    }

    func testAPhotoInUnevenChunksLandsInTheVaultAttachedToTheIncident() throws {
        let app = try App()
        try firstRun(app)
        app.store.send(.quickLog(kind: .followed))
        let incidentId = try XCTUnwrap(try home(app.view).recent.first?.id)

        let pieces = [bytes(1, seed: 1), bytes(EffectDispatcher.maxChunk * 2 + 17, seed: 2), bytes(7, seed: 3),
                      Data(), bytes(100_003, seed: 4)]
        let photo = pieces.reduce(Data(), +)
        app.phone.camera.pieces = pieces
        app.store.send(.addEvidence(source: .takePhoto))
        XCTAssertEqual(app.phone.permissions.asked.map(\.0), [.camera], "asked once, with the app model's reason")
        XCTAssertFalse(app.phone.permissions.asked.first?.1.isEmpty ?? true)
        XCTAssertEqual(app.phone.camera.started, 1)
        XCTAssertEqual(app.view.banner?.tone, .good)

        let vault = try inspect(app)
        let items = try vault.evidenceStore().forIncident(incidentId: incidentId)
        XCTAssertEqual(items.count, 1)
        XCTAssertEqual(items.first?.size, UInt64(photo.count))
        XCTAssertEqual(items.first?.sha256, hex(SHA256.hash([UInt8](photo))), "every byte, in order, once")
        XCTAssertTrue(try vault.evidenceStore().verifyAll().problems.isEmpty)

        // The second photo: the camera was allowed, so no question this time.
        app.phone.camera.pieces = [bytes(5000, seed: 9)]
        app.store.send(.addEvidence(source: .takePhoto))
        XCTAssertEqual(app.phone.permissions.asked.count, 1)
        XCTAssertEqual(try vault.evidenceStore().forIncident(incidentId: incidentId).count, 2)
    }

    func testACancelledCaptureKeepsNothing() throws {
        let app = try App()
        try firstRun(app)
        app.store.send(.quickLog(kind: .followed))
        app.phone.camera.pieces = [bytes(300_000, seed: 5)]
        app.phone.camera.cancel = true
        app.store.send(.addEvidence(source: .takePhoto))
        let vault = try inspect(app)
        XCTAssertEqual(try vault.evidenceStore().list().count, 0)
        XCTAssertEqual(try vault.evidenceStore().sweepLeftovers(), 0, "nothing half-written left behind")
    }

    func testAPickedFileIsImportedAndReleasedOnlyAfterItWasRead() throws {
        let app = try App()
        try firstRun(app)
        app.store.send(.quickLog(kind: .followed))
        let incidentId = try XCTUnwrap(try home(app.view).recent.first?.id)
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("waymark-pick-\(UUID().uuidString).pdf")
        let content = bytes(70_000, seed: 6)
        try content.write(to: file)
        app.phone.files.answer = file
        app.store.send(.addEvidence(source: .files))
        XCTAssertEqual(app.phone.files.released, 1)
        let items = try inspect(app).evidenceStore().forIncident(incidentId: incidentId)
        XCTAssertEqual(items.first?.sha256, hex(SHA256.hash([UInt8](content))))

        app.phone.files.answer = nil
        app.store.send(.addEvidence(source: .files))
        XCTAssertEqual(try inspect(app).evidenceStore().forIncident(incidentId: incidentId).count, 1, "cancelled: nothing added")
    }

    func evidence(_ s: ViewModel) throws -> [EvidenceRow] {
        guard case let .incident(incident) = s.screen else { XCTFail("expected the incident, got \(s.screen)"); throw CancellationError() }
        return incident.evidence
    }

    /// "Record a video": the camera, then the microphone asked for with the app model's reasons;
    /// the recorder's file streamed in through the real app model, listed as a video, byte for
    /// byte, and the capture folder left empty.
    func testAVideoIsRecordedWithSoundStreamedInAndItsFileDeleted() throws {
        let app = try App()
        try firstRun(app)
        app.store.send(.quickLog(kind: .turnedUpHome))
        let incidentId = try XCTUnwrap(try home(app.view).recent.first?.id)
        let buttons = try XCTUnwrap(try home(app.view).logged?.addEvidence)
        XCTAssertEqual(buttons.map(\.source), [.takePhoto, .recordVideo, .photos, .files])
        XCTAssertFalse(buttons.contains { $0.label.isEmpty })

        var movie = Data([0, 0, 0, 0x14] + Array("ftypqt  ".utf8) + [0, 0, 0, 0] + Array("qt  ".utf8))
        movie.append(bytes(EffectDispatcher.maxChunk * 5 + 999, seed: 8))
        app.phone.movies.movie = movie
        app.store.send(.openIncident(id: incidentId))
        app.store.send(.addEvidence(source: .recordVideo))
        XCTAssertEqual(app.phone.permissions.asked.map(\.0), [.camera, .microphone])
        XCTAssertEqual(app.phone.movies.requests.map(\.sound), [true])
        XCTAssertEqual(app.phone.movies.requests.first?.maxSeconds, 20 * 60)
        XCTAssertEqual(app.phone.camera.started, 0)

        let rows = try evidence(app.view)
        XCTAssertEqual(rows.count, 1)
        XCTAssertEqual(rows.first?.mediaType, "video/quicktime")
        XCTAssertEqual(rows.first?.label, "Video")
        XCTAssertEqual(app.view.banner?.text, "Video added.")
        let items = try inspect(app).evidenceStore().forIncident(incidentId: incidentId)
        XCTAssertEqual(items.first?.sha256, hex(SHA256.hash([UInt8](movie))), "every byte, in order, once")
        XCTAssertEqual((try? FileManager.default.contentsOfDirectory(atPath: app.captures.path)) ?? [], [],
                       "no plain copy left in the capture folder")
    }

    func testWithoutTheMicrophoneTheVideoIsRecordedWithoutSound() throws {
        let app = try App()
        try firstRun(app)
        app.store.send(.quickLog(kind: .followed))
        app.phone.permissions.refuse = [.microphone]
        app.phone.movies.movie = Data([0, 0, 0, 0x18] + Array("ftypmp42".utf8) + [0, 0, 0, 0] + Array("mp42isom".utf8)) + bytes(9000, seed: 2)
        app.store.send(.addEvidence(source: .recordVideo))
        XCTAssertEqual(app.phone.movies.requests.map(\.sound), [false])
        XCTAssertEqual(try inspect(app).evidenceStore().list().map(\.mediaType), ["video/mp4"])
    }

    /// "Add a photo or screenshot" opens the photo library's picker, not Files.
    func testAScreenshotFromThePhotoLibraryIsAPicture() throws {
        let app = try App()
        try firstRun(app)
        app.store.send(.quickLog(kind: .onlineAccounts))
        let incidentId = try XCTUnwrap(try home(app.view).recent.first?.id)
        let shot = FileManager.default.temporaryDirectory.appendingPathComponent("waymark-shot-\(UUID().uuidString)")
        try (Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) + bytes(20_000, seed: 3)).write(to: shot)
        app.phone.photos.answer = shot
        app.store.send(.addEvidence(source: .photos))
        XCTAssertEqual([app.phone.photos.opened, app.phone.files.opened], [1, 0])
        XCTAssertEqual(app.phone.photos.released, 1)
        XCTAssertEqual(app.view.banner?.text, "Picture added.")
        app.store.send(.openIncident(id: incidentId))
        XCTAssertEqual(try evidence(app.view).map(\.label), ["Picture"])
        try? FileManager.default.removeItem(at: shot)
    }
}
