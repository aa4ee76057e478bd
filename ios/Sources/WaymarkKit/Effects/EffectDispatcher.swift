import Foundation

/// Carries out the app model's effects through the ports the Apple layer implements, and turns
/// each outcome into the event the app model expects. It decides nothing about what the person
/// sees; it only keeps the promises the effects come with:
///
/// - a text to a buddy (`ComposeSms`/`SendSms`) is handed to the composer once per id, however
///   many times it is asked, and one composer shows at a time; texts that arrive while no
///   composer can be shown (the app is in the background) wait for `appIsActive()`;
/// - wake-ups are kept by id (`WakeLedger`) and iOS is asked for the earliest;
/// - camera chunks of any size reach the app model in pieces of at most `maxChunk` bytes;
/// - a recorded video is streamed from its file into the app model piece by piece, each piece
///   handled before the next is read (never the whole video in memory), and the file is deleted
///   whatever happened (`MovieStreamer`);
/// - each picker source goes to its own port (`files`, `photos`).
///
/// Not thread-safe by itself: the store calls it on one queue, and ports call back through
/// `report`, which the store makes safe.
public final class EffectDispatcher {
    /// Largest piece of a capture sent to the app model in one event (a video frame buffer can be
    /// many megabytes; each event copies its bytes once across the FFI).
    public static let maxChunk = 256 * 1024

    private let ports: EffectPorts
    /// Sends an outcome back to the app model. `handled` runs once the app model has handled it
    /// (a picked file must stay readable until then).
    public var report: (AppEvent, (() -> Void)?) -> Void = { _, _ in }
    /// Runs long work the app model prepared (`RunWork`): the store calls `AppCore.runWork` off
    /// the queue events go through, so `CancelWork` and redraws still reach the app model.
    public var runWork: (String) -> Void = { _ in }

    private var workRunning = 0
    private var heldFiles: [() -> Void] = []
    private var messagesSeen = Set<String>()
    private var messageQueue: [(id: String, to: String, body: String)] = []
    private var composing = false
    public let wakes = WakeLedger()

    private let movieFiles: MovieStreamer
    private let streaming: Executor

    /// - `movies`: where recorded videos wait to be streamed in (the protected capture folder).
    /// - `streaming`: where a recorded video is read and handed over (never the queue events or
    ///   views run on: each piece waits there until the app model handled the one before).
    public init(ports: EffectPorts, movies: MovieStreamer = MovieStreamer(),
                streaming: Executor = QueueExecutor(DispatchQueue.global(qos: .userInitiated))) {
        self.ports = ports
        self.movieFiles = movies
        self.streaming = streaming
    }

    public func perform(_ effects: [Effect]) {
        for effect in effects { perform(effect) }
    }

    public func perform(_ effect: Effect) {
        switch effect {
        case let .dial(number):
            // Only digits, +, * and # reach the URL; anything else is dropped, never dialled.
            if let url = try? EmergencyCall.dialURL(number) { _ = ports.dialer.open(url) }
        case let .sendSms(id, to, body), let .composeSms(id, to, body):
            // iOS cannot send silently: both become a composer the person sends from.
            enqueueMessage(id: id, to: to, body: body)
        case let .scheduleWake(id, at):
            wakes.schedule(id: id, at: at)
            requestEarliestWake()
        case let .cancelWake(id):
            wakes.cancel(id: id)
            requestEarliestWake()
        case let .showNotification(id, title, body):
            ports.notifications.show(id: id, title: title, body: body)
        case let .scheduleNotification(id, at, title, body):
            // iOS runs the app in the background only when it likes: the check-in's reminders
            // and deadline are handed to the phone ahead, so they show on time regardless.
            ports.notifications.schedule(id: id, at: at, title: title, body: body)
        case let .clearNotification(id):
            ports.notifications.clear(id: id)
        case let .setDisguise(kind):
            ports.icon.setAlternateIcon(AppBundle.alternateIcon(for: kind))
        case let .openCamera(kind, sound, maxSeconds, maxBytes):
            switch kind {
            case .photo:
                ports.camera.start(into: CameraRelay(report: { [weak self] in self?.report($0, nil) }))
            case .video:
                recordMovie(sound: sound, maxSeconds: maxSeconds, maxBytes: maxBytes)
            }
        case let .pickFile(source):
            let picker = source == .photos ? ports.photos : ports.files
            picker.pick { [weak self] file in
                guard let self else { return }
                guard let file else { return self.report(.filePickCancelled, nil) }
                self.report(.filePicked(path: file.url.path)) { [weak self] in self?.releaseAfterWork(file.release) }
            }
        case let .shareFile(path, mime):
            ports.sharer.share(path: path, mime: mime)
        case let .secureScreen(on):
            // iOS has no FLAG_SECURE: the cover keeps the app switcher snapshot blank (it shows
            // whenever the app leaves the foreground) and hides a recorded or mirrored screen.
            ports.cover.setCoverWhileCaptured(on)
        case let .hideContent(hidden):
            ports.cover.setCovered(hidden)
        case let .requestPermission(what, reason):
            ports.permissions.ask(PermissionKind(what), reason: reason) { [weak self] granted in
                self?.report(.permissionResult(what: what, granted: granted), nil)
            }
        case .requestLocation:
            ports.locator.oneFix { [weak self] lat, lon, accuracy in
                self?.report(.locationFix(lat: lat, lon: lon, accuracyM: accuracy), nil)
            }
        case let .haptic(kind):
            ports.haptics.play(kind == .confirm ? .confirm : .warning)
        case let .runWork(id):
            workRunning += 1
            runWork(id)
        case let .http(id, method, url, headers, body):
            guard let request = RelayHTTP.request(method: method, url: url, headers: headers, body: body) else {
                return report(.httpFailed(id: id), nil)
            }
            ports.http.send(request) { [weak self] status, reply in
                self?.report(RelayHTTP.outcome(id: id, status: status, body: reply), nil)
            }
        }
    }

    /// A video: recorded into a new file of the capture folder, then streamed in and deleted.
    private func recordMovie(sound: Bool, maxSeconds: UInt32?, maxBytes: UInt64) {
        let files = movieFiles
        guard let file = files.newFile() else { return report(.cameraCancelled, nil) }
        let request = MovieRequest(file: file, sound: sound, maxSeconds: maxSeconds, maxBytes: maxBytes)
        ports.movies.record(request) { [weak self] recorded in
            guard let self, recorded else {
                files.discard(file)
                self?.report(.cameraCancelled, nil)
                return
            }
            let report = self.report
            self.streaming.run { files.stream(file, report: report) }
        }
    }

    /// Long work the app model asked for ended (its final view was drawn). A picked file the work
    /// was reading (a map import reads it there, not while the pick is handled) is let go now.
    public func workEnded() {
        workRunning = max(workRunning - 1, 0)
        guard workRunning == 0 else { return }
        let held = heldFiles
        heldFiles = []
        held.forEach { $0() }
    }

    /// A picked file stays readable (a security-scoped URL open, a Photos copy kept) until the
    /// app model handled it and any long work it started has ended.
    private func releaseAfterWork(_ release: @escaping () -> Void) {
        if workRunning > 0 { heldFiles.append(release) } else { release() }
    }

    /// Covers the content now (see `AppStore.leavingForeground`).
    public func cover() {
        ports.cover.setCovered(true)
    }

    /// The app is in front again: show any text that waited.
    public func appIsActive() {
        presentNextMessage()
    }

    /// Wake-ups whose time has come (a background refresh ran, or the foreground tick).
    public func dueWakes(now: Date) -> [AppEvent] {
        let due = wakes.takeDue(now: now)
        if !due.isEmpty { requestEarliestWake() }
        return due.map { .wakeFired(id: $0) }
    }

    /// Texts waiting for the app to come to the front.
    public var waitingMessages: Int { messageQueue.count }

    private func requestEarliestWake() {
        if let at = wakes.earliest { ports.wakes.requestWake(at: at) } else { ports.wakes.cancelAllWakes() }
    }

    private func enqueueMessage(id: String, to: String, body: String) {
        guard messagesSeen.insert(id).inserted else { return }
        messageQueue.append((id, to, body))
        presentNextMessage()
    }

    private func presentNextMessage() {
        guard !composing, !messageQueue.isEmpty, ports.composer.canPresent else { return }
        let message = messageQueue.removeFirst()
        composing = true
        ports.composer.compose(to: message.to, body: message.body) { [weak self] result in
            guard let self else { return }
            self.composing = false
            self.report(.smsSent(id: message.id, ok: result == .sent), nil)
            self.presentNextMessage()
        }
    }
}

extension PermissionKind {
    init(_ p: Permission) {
        switch p {
        case .location: self = .location
        case .notifications: self = .notifications
        case .camera: self = .camera
        case .microphone: self = .microphone
        case .sms: self = .sms
        }
    }
}

/// Turns what a camera delivers into the app model's capture events, in bounded pieces.
final class CameraRelay: CaptureSink {
    private let report: (AppEvent) -> Void
    private var ended = false

    init(report: @escaping (AppEvent) -> Void) {
        self.report = report
    }

    func chunk(_ bytes: Data) {
        guard !ended else { return }
        var start = bytes.startIndex
        while start < bytes.endIndex {
            let end = bytes.index(start, offsetBy: EffectDispatcher.maxChunk, limitedBy: bytes.endIndex) ?? bytes.endIndex
            report(.cameraChunk(bytes: bytes.subdata(in: start..<end)))
            start = end
        }
    }

    func finished() {
        guard !ended else { return }
        ended = true
        report(.cameraDone)
    }

    func cancelled() {
        guard !ended else { return }
        ended = true
        report(.cameraCancelled)
    }
}
