import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

// What the Apple layer (ios/App/Effects) implements so the effect dispatcher can carry out the
// app model's effects. Each port does one phone thing and reports how it went; none decides
// anything or builds a sentence: every word comes from the app model.

/// Opens the phone's own dialler (`tel:`; the call is never placed by the app).
public protocol Dialer: AnyObject {
    /// `url` is already checked (`EmergencyCall.dialURL`). Returns false if iOS refused.
    func open(_ url: URL) -> Bool
}

/// How a message composer closed.
public enum ComposeResult: Equatable, Sendable {
    case sent
    case cancelled
    case failed
    /// This phone cannot send texts (an iPad, no SIM).
    case unavailable
}

/// MFMessageComposeViewController: the text filled in, the person presses Send (iOS never lets
/// an app send an SMS by itself).
public protocol MessageComposer: AnyObject {
    /// Whether a composer can be shown right now (the app is in front, nothing else presented).
    var canPresent: Bool { get }
    func compose(to: String, body: String, done: @escaping (ComposeResult) -> Void)
}

/// UNUserNotificationCenter. The words come from the app model, which keeps anything personal
/// out of them (they can be read off the lock screen).
public protocol NotificationPoster: AnyObject {
    func show(id: String, title: String, body: String)
    /// Shows it at `at` whether or not the app runs then (a time-sensitive local notification
    /// with a date trigger); the same id replaces a pending one.
    func schedule(id: String, at: Date, title: String, body: String)
    /// Removes it, shown or still pending.
    func clear(id: String)
}

/// UIApplication.setAlternateIconName: the home-screen icon (nil: the app's own). iOS cannot
/// change the name under it at run time.
public protocol HomeScreenIcon: AnyObject {
    func setAlternateIcon(_ name: String?)
}

/// BGTaskScheduler: asks iOS to wake the app at or after `at`. iOS decides when (it may be
/// later, or not at all if the person rarely opens the app).
public protocol WakeScheduler: AnyObject {
    func requestWake(at: Date)
    func cancelAllWakes()
}

/// What a camera hands over while it records: bytes in whatever sizes it likes, then the end.
public protocol CaptureSink: AnyObject {
    func chunk(_ bytes: Data)
    func finished()
    func cancelled()
}

/// AVFoundation photo capture, straight into the sink (nothing in the Photos library, no
/// temporary file in the clear).
public protocol Camera: AnyObject {
    func start(into sink: CaptureSink)
}

/// How the app model asked for a video (`OpenCamera` with `kind: .video`).
public struct MovieRequest: Equatable, Sendable {
    /// Where to record: a new file in the app's protected capture folder (`MovieStreamer`).
    public let file: URL
    /// Record sound too (false when the microphone was refused).
    public let sound: Bool
    /// Stop there (AVCaptureMovieFileOutput's maxRecordedDuration / maxRecordedFileSize).
    public let maxSeconds: UInt32?
    public let maxBytes: UInt64

    public init(file: URL, sound: Bool, maxSeconds: UInt32?, maxBytes: UInt64) {
        self.file = file
        self.sound = sound
        self.maxSeconds = maxSeconds
        self.maxBytes = maxBytes
    }
}

/// AVFoundation movie recording (AVCaptureMovieFileOutput) into `request.file`. `done(true)`
/// once a movie was recorded there, `done(false)` if the person cancelled or it failed. The port
/// only records: WaymarkKit streams the file into the vault and deletes it (`MovieStreamer`),
/// whatever `done` said.
public protocol MovieRecorder: AnyObject {
    func record(_ request: MovieRequest, done: @escaping (Bool) -> Void)
}

/// A file the person picked, readable until `release` (a security-scoped URL from the Files
/// picker stays open until the app model has read it into the vault).
public struct PickedFile {
    public let url: URL
    public let release: () -> Void

    public init(url: URL, release: @escaping () -> Void = {}) {
        self.url = url
        self.release = release
    }
}

/// A system picker: the Files app (UIDocumentPickerViewController) or the photo library
/// (PHPickerViewController), one port each; `done(nil)` if the person cancelled.
public protocol FilePicker: AnyObject {
    func pick(done: @escaping (PickedFile?) -> Void)
}

/// The share sheet (UIActivityViewController) for a file the core wrote.
public protocol Sharer: AnyObject {
    func share(path: String, mime: String)
}

/// The blank view over the app (background, app switcher snapshot, panic).
public protocol PrivacyCover: AnyObject {
    func setCovered(_ covered: Bool)
    /// iOS cannot block screenshots; with this on, the app is also covered while the screen is
    /// being recorded or mirrored (UIScreen.isCaptured).
    func setCoverWhileCaptured(_ on: Bool)
}

/// Camera, microphone, location, notifications permission prompts; `done(granted)`.
public enum PermissionKind: Equatable, Sendable {
    case location, notifications, camera, microphone, sms
}

public protocol PermissionAsker: AnyObject {
    func ask(_ what: PermissionKind, reason: String, done: @escaping (Bool) -> Void)
}

/// One position fix (Core Location), if allowed; nil when there is none.
public protocol Locator: AnyObject {
    func oneFix(done: @escaping (_ lat: Double, _ lon: Double, _ accuracyM: Double?) -> Void)
}

public enum HapticFeel: Equatable, Sendable {
    case confirm, warning
}

public protocol Haptics: AnyObject {
    func play(_ feel: HapticFeel)
}

/// The one network use: a request to the check-in relay the person chose, sent exactly as the
/// app model built and signed it. `done(status, body)` for any answer (4xx and 5xx too),
/// `done(nil, nil)` when there was none. `URLSessionTransport` is the real one.
public protocol HTTPTransport: AnyObject {
    func send(_ request: URLRequest, done: @escaping (_ status: Int?, _ body: Data?) -> Void)
}

/// Every port, as the app wires them (and the tests fake them).
public struct EffectPorts {
    public var dialer: Dialer
    public var composer: MessageComposer
    public var notifications: NotificationPoster
    public var wakes: WakeScheduler
    public var camera: Camera
    public var movies: MovieRecorder
    /// `PickFile { source: .files }`: documents, voicemails, a map file.
    public var files: FilePicker
    /// `PickFile { source: .photos }`: screenshots, photos and videos in the library.
    public var photos: FilePicker
    public var sharer: Sharer
    public var cover: PrivacyCover
    public var permissions: PermissionAsker
    public var locator: Locator
    public var haptics: Haptics
    public var icon: HomeScreenIcon
    public var http: HTTPTransport

    public init(dialer: Dialer, composer: MessageComposer, notifications: NotificationPoster,
                wakes: WakeScheduler, camera: Camera, movies: MovieRecorder, files: FilePicker,
                photos: FilePicker, sharer: Sharer,
                cover: PrivacyCover, permissions: PermissionAsker, locator: Locator, haptics: Haptics,
                icon: HomeScreenIcon, http: HTTPTransport = URLSessionTransport()) {
        self.dialer = dialer
        self.composer = composer
        self.notifications = notifications
        self.wakes = wakes
        self.camera = camera
        self.movies = movies
        self.files = files
        self.photos = photos
        self.sharer = sharer
        self.cover = cover
        self.permissions = permissions
        self.locator = locator
        self.haptics = haptics
        self.icon = icon
        self.http = http
    }
}
