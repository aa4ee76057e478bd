import Foundation
import XCTest
import WaymarkKit

final class EvidenceTests: XCTestCase {
    func bytes(_ n: Int) -> Data { Data((0..<n).map { UInt8($0 * 31 % 251) }) }
    func hex(_ b: [UInt8]) -> String { b.map { String(format: "%02x", $0) }.joined() }

    func testStreamACaptureInChunksAttachVerifyAndExtract() throws {
        let created = try newVault()
        let store = created.vault.evidenceStore()
        let incident = try created.vault.incidentLog().record(incident: incident("Zostawił list w skrzynce ✉️"))
        let data = bytes(300_000)
        let writer = try store.begin(new: NewEvidence(how: .camera))
        var offset = 0
        var size = 1
        while offset < data.count {
            let end = min(offset + size, data.count)
            try writer.writeChunk(bytes: data.subdata(in: offset..<end))
            offset = end
            size = size * 7 + 13
        }
        XCTAssertEqual(try writer.size(), UInt64(data.count))
        let item = try writer.finish()
        XCTAssertEqual(item.sha256, hex(SHA256.hash([UInt8](data))), "the hash computed while streaming is the original's")
        XCTAssertThrowsError(try writer.writeChunk(bytes: Data([1])))

        XCTAssertEqual(try store.attach(evidenceId: item.id, incidentId: incident.id).incidents, [incident.id])
        XCTAssertEqual(try store.verify(id: item.id).sha256, item.sha256)
        XCTAssertTrue(try store.verifyAll().problems.isEmpty)
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("waymark-out-\(UUID().uuidString).bin")
        _ = try store.extractToPath(id: item.id, outPath: out.path)
        XCTAssertEqual(try Data(contentsOf: out), data)
        XCTAssertThrowsError(try store.extractToPath(id: item.id, outPath: out.path), "never overwrites")
    }

    func testIngestFromAPathAndCaptureFromSeveralThreads() throws {
        let created = try newVault()
        let store = created.vault.evidenceStore()
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("waymark-in-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let file = dir.appendingPathComponent("notatka-żółw.txt")
        try Data("a note left on the car".utf8).write(to: file)
        let item = try store.addFile(path: file.path, new: NewEvidence(how: .document))
        XCTAssertEqual(item.originalName, "notatka-żółw.txt")

        let lock = NSLock()
        var ids: [String] = []
        var errors: [Error] = []
        DispatchQueue.concurrentPerform(iterations: 4) { t in
            do {
                let w = try store.begin(new: NewEvidence(how: .audio))
                for _ in 0..<20 { try w.writeChunk(bytes: bytes(4096 + t)) }
                let id = try w.finish().id
                lock.lock(); ids.append(id); lock.unlock()
            } catch {
                lock.lock(); errors.append(error); lock.unlock()
            }
        }
        XCTAssertTrue(errors.isEmpty, "\(errors)")
        XCTAssertEqual(Set(ids).count, 4)
        XCTAssertEqual(try store.list().count, 5)
        let report = try store.verifyAll()
        XCTAssertEqual(report.checked, 5)
        XCTAssertTrue(report.problems.isEmpty)
    }
}
