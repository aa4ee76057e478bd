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
        app.store.send(.addPhoto)
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
        app.store.send(.addPhoto)
        XCTAssertEqual(app.phone.permissions.asked.count, 1)
        XCTAssertEqual(try vault.evidenceStore().forIncident(incidentId: incidentId).count, 2)
    }

    func testACancelledCaptureKeepsNothing() throws {
        let app = try App()
        try firstRun(app)
        app.store.send(.quickLog(kind: .followed))
        app.phone.camera.pieces = [bytes(300_000, seed: 5)]
        app.phone.camera.cancel = true
        app.store.send(.addPhoto)
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
        app.phone.picker.answer = file
        app.store.send(.addFile)
        XCTAssertEqual(app.phone.picker.released, 1)
        let items = try inspect(app).evidenceStore().forIncident(incidentId: incidentId)
        XCTAssertEqual(items.first?.sha256, hex(SHA256.hash([UInt8](content))))

        app.phone.picker.answer = nil
        app.store.send(.addFile)
        XCTAssertEqual(try inspect(app).evidenceStore().forIncident(incidentId: incidentId).count, 1, "cancelled: nothing added")
    }
}
