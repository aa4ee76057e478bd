import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import WaymarkKit

// Fakes for every port the Apple layer implements: they record what they were asked and let
// the test decide what the "phone" answers.

final class FakeDialer: Dialer {
    var opened: [URL] = []
    func open(_ url: URL) -> Bool { opened.append(url); return true }
}

final class FakeComposer: MessageComposer {
    var canPresent = true
    var shown: [(to: String, body: String)] = []
    private var pending: ((ComposeResult) -> Void)?
    var isShowing: Bool { pending != nil }

    func compose(to: String, body: String, done: @escaping (ComposeResult) -> Void) {
        precondition(pending == nil, "two composers at once")
        shown.append((to, body))
        pending = done
    }

    /// The person presses Send (or Cancel).
    func close(_ result: ComposeResult) {
        let done = pending
        pending = nil
        done?(result)
    }
}

final class FakeNotifications: NotificationPoster {
    var shown: [(id: String, title: String, body: String)] = []
    var scheduled: [(id: String, at: Date, title: String, body: String)] = []
    var cleared: [String] = []
    /// Schedules and clears in the order they came.
    private var log: [(id: String, at: Date?, body: String)] = []

    func show(id: String, title: String, body: String) { shown.append((id, title, body)) }
    func schedule(id: String, at: Date, title: String, body: String) {
        scheduled.append((id, at, title, body))
        log.append((id, at, body))
    }
    func clear(id: String) {
        cleared.append(id)
        log.append((id, nil, ""))
    }

    /// What is still to come, as the phone keeps it: one per id, the latest wins, cleared ones gone.
    var pending: [String: Date] {
        var out: [String: Date] = [:]
        for entry in log { out[entry.id] = entry.at }
        return out
    }
}

final class FakeIcon: HomeScreenIcon {
    var set: [String?] = []
    func setAlternateIcon(_ name: String?) { set.append(name) }
}

final class FakeWakes: WakeScheduler {
    var requested: [Date] = []
    var cancelledAll = 0
    func requestWake(at: Date) { requested.append(at) }
    func cancelAllWakes() { cancelledAll += 1 }
}

/// Delivers the given pieces, as a camera would, then finishes (or cancels).
final class FakeCamera: Camera {
    var pieces: [Data] = []
    var cancel = false
    var started = 0
    /// Set to keep the sink and deliver later (from another thread, say).
    var deliverLater = false
    var sink: CaptureSink?

    func start(into sink: CaptureSink) {
        started += 1
        self.sink = sink
        if !deliverLater { deliver() }
    }

    func deliver() {
        guard let sink else { return }
        for piece in pieces { sink.chunk(piece) }
        if cancel { sink.cancelled() } else { sink.finished() }
        // A camera that keeps talking after the end must change nothing.
        sink.chunk(Data([0xFF]))
        sink.finished()
    }
}

/// Records into the file it was given, as AVCaptureMovieFileOutput would, then says whether a
/// movie was recorded (a camera may write part of a file and then be cancelled).
final class FakeMovieRecorder: MovieRecorder {
    var movie = Data()
    var recorded = true
    var requests: [MovieRequest] = []

    func record(_ request: MovieRequest, done: @escaping (Bool) -> Void) {
        requests.append(request)
        FileManager.default.createFile(atPath: request.file.path, contents: movie)
        done(recorded)
    }
}

/// Reads a file in uneven pieces (some larger than asked for, as a reader may), can fail after
/// some bytes, and checks it is never asked to read while a piece it handed over is unhandled.
final class UnevenReader: ChunkReader {
    private let data: Data
    private var at = 0
    private var turn = 0
    let sizes: [Int]
    let failAfter: Int?
    let mustNotRead: () -> Bool
    private(set) var reads = 0
    private(set) var readWhileBusy = 0
    private(set) var closed = false

    init(url: URL, sizes: [Int], failAfter: Int? = nil, mustNotRead: @escaping () -> Bool = { false }) throws {
        data = try Data(contentsOf: url)
        self.sizes = sizes
        self.failAfter = failAfter
        self.mustNotRead = mustNotRead
    }

    struct Broken: Error {}

    func read(max: Int) throws -> Data {
        reads += 1
        if mustNotRead() { readWhileBusy += 1 }
        if let failAfter, at >= failAfter { throw Broken() }
        let n = min(sizes[turn % sizes.count], data.count - at)
        turn += 1
        defer { at += n }
        return data.subdata(in: at..<at + n)
    }

    func close() { closed = true }
}

final class FakePicker: FilePicker {
    var answer: URL?
    var released = 0
    var opened = 0
    func pick(done: @escaping (PickedFile?) -> Void) {
        opened += 1
        done(answer.map { PickedFile(url: $0) { [weak self] in self?.released += 1 } })
    }
}

final class FakeSharer: Sharer {
    var shared: [(path: String, mime: String)] = []
    func share(path: String, mime: String) { shared.append((path, mime)) }
}

final class FakeCover: PrivacyCover {
    var states: [Bool] = []
    var whileCaptured: Bool?
    var covered: Bool { states.last ?? false }
    func setCovered(_ covered: Bool) { states.append(covered) }
    func setCoverWhileCaptured(_ on: Bool) { whileCaptured = on }
}

final class FakePermissions: PermissionAsker {
    var grant = true
    /// Refused whatever `grant` says.
    var refuse: Set<PermissionKind> = []
    var asked: [(PermissionKind, String)] = []
    func ask(_ what: PermissionKind, reason: String, done: @escaping (Bool) -> Void) {
        asked.append((what, reason))
        done(grant && !refuse.contains(what))
    }
}

final class FakeLocator: Locator {
    var fix: (Double, Double, Double?)? = (51.5072, -0.1276, 12)
    var asked = 0
    func oneFix(done: @escaping (Double, Double, Double?) -> Void) {
        asked += 1
        if let fix { done(fix.0, fix.1, fix.2) }
    }
}

final class FakeHaptics: Haptics {
    var played: [HapticFeel] = []
    func play(_ feel: HapticFeel) { played.append(feel) }
}

/// All the fakes, wired as the app wires the real ports.
final class FakePhone {
    let dialer = FakeDialer()
    let composer = FakeComposer()
    let notifications = FakeNotifications()
    let wakes = FakeWakes()
    let camera = FakeCamera()
    let movies = FakeMovieRecorder()
    let files = FakePicker()
    let photos = FakePicker()
    let sharer = FakeSharer()
    let cover = FakeCover()
    let permissions = FakePermissions()
    let locator = FakeLocator()
    let haptics = FakeHaptics()
    let icon = FakeIcon()
    let http = FakeHTTP()

    var ports: EffectPorts {
        EffectPorts(dialer: dialer, composer: composer, notifications: notifications, wakes: wakes,
                    camera: camera, movies: movies, files: files, photos: photos, sharer: sharer, cover: cover,
                    permissions: permissions, locator: locator, haptics: haptics, icon: icon,
                    http: http)
    }
}

/// Records each relay request; the test answers it (or not) when it likes.
final class FakeHTTP: HTTPTransport {
    var sent: [(request: URLRequest, done: (Int?, Data?) -> Void)] = []
    func send(_ request: URLRequest, done: @escaping (Int?, Data?) -> Void) { sent.append((request, done)) }
}
