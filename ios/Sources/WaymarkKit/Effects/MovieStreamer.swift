import Foundation

/// Reads a recorded file piece by piece: `FileChunkReader` in the app; tests fake one that hands
/// over uneven pieces.
public protocol ChunkReader: AnyObject {
    /// The next bytes, at most `max` (fewer is fine); empty at the end.
    func read(max: Int) throws -> Data
    func close()
}

public final class FileChunkReader: ChunkReader {
    private let handle: FileHandle

    public init(url: URL) throws {
        handle = try FileHandle(forReadingFrom: url)
    }

    public func read(max: Int) throws -> Data {
        try handle.read(upToCount: max) ?? Data()
    }

    public func close() {
        try? handle.close()
    }
}

/// Recorded videos on their way into the vault. AVFoundation's movie output can only write a
/// file, so a video is in the clear while it is recorded and read back: in a folder of its own
/// (`AppBundle.capturesDirectory`, protected by `VaultFolder`), under a random name, deleted as
/// soon as it was streamed in, cancelled or failed, and at the next launch if the app was killed
/// in between (`sweep`).
///
/// Streaming hands the file to the app model in pieces of at most `EffectDispatcher.maxChunk`
/// bytes and waits until each was handled before reading the next, so at most one piece is in
/// memory, whatever the video's size; the app model encrypts each as it arrives.
public final class MovieStreamer: @unchecked Sendable {
    public let folder: URL
    private let open: (URL) throws -> ChunkReader
    /// A piece not handled within this long (the store gone at teardown) no longer holds up the
    /// next: events still reach the app model in order through the store's serial queue.
    private let patience: DispatchTimeInterval

    public init(folder: URL = FileManager.default.temporaryDirectory.appendingPathComponent("waymark-captures", isDirectory: true),
                open: @escaping (URL) throws -> ChunkReader = { try FileChunkReader(url: $0) },
                patience: DispatchTimeInterval = .seconds(30)) {
        self.folder = folder
        self.open = open
        self.patience = patience
    }

    /// A new, unused path for a recording (the folder is made if missing); nil if it cannot be.
    public func newFile() -> URL? {
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
        } catch {
            return nil
        }
        return folder.appendingPathComponent("movie-\(UUID().uuidString).mov")
    }

    /// Streams `file` into the app model as `cameraChunk`s then `cameraDone` (`cameraCancelled`
    /// if it cannot be read to the end), then deletes it. Blocks: run it off the queues events
    /// and views use.
    public func stream(_ file: URL, report: (AppEvent, (() -> Void)?) -> Void) {
        let sent = streamPieces(file, report: report)
        // Deleted before the end is reported: by the time the app model hears of it, no plain
        // copy is left.
        discard(file)
        report(sent.map { $0 > 0 ? .cameraDone : .cameraCancelled } ?? .cameraCancelled, nil)
    }

    /// The bytes handed over, or nil if the file could not be read to its end.
    private func streamPieces(_ file: URL, report: (AppEvent, (() -> Void)?) -> Void) -> Int? {
        guard let reader = try? open(file) else { return nil }
        defer { reader.close() }
        let handled = DispatchSemaphore(value: 0)
        var sent = 0
        do {
            while true {
                let piece = try reader.read(max: EffectDispatcher.maxChunk)
                if piece.isEmpty { return sent }
                // A reader may hand over more than asked for: still bounded pieces.
                var start = piece.startIndex
                while start < piece.endIndex {
                    let end = piece.index(start, offsetBy: EffectDispatcher.maxChunk, limitedBy: piece.endIndex) ?? piece.endIndex
                    report(.cameraChunk(bytes: piece.subdata(in: start..<end))) { handled.signal() }
                    _ = handled.wait(timeout: .now() + patience)
                    sent += end - start
                    start = end
                }
            }
        } catch {
            return nil
        }
    }

    /// Deletes a recording (cancelled, failed, or streamed in).
    public func discard(_ file: URL) {
        try? FileManager.default.removeItem(at: file)
    }

    /// Deletes whatever a killed app left in the folder. Call at launch, before any recording.
    @discardableResult
    public func sweep() -> Int {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        var removed = 0
        for name in names where (try? FileManager.default.removeItem(at: folder.appendingPathComponent(name))) != nil {
            removed += 1
        }
        return removed
    }
}
