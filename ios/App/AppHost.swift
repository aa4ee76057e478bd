// Apple-only (SwiftUI, UIKit). Compiled by Xcode, never on Linux.
import SwiftUI
import UIKit
import WaymarkKit

/// Owns the store and the Apple implementations of the effect ports, and publishes the view
/// model to SwiftUI. Holds no logic of its own.
final class AppHost: ObservableObject {
    @Published private(set) var view: ViewModel
    @Published private(set) var covered = false

    let store: AppStore
    private let cover: CoverPort
    private var ticker: Timer?

    init() {
        let support = FileManager.default.urls(for: .applicationSupportDirectory, in: .userDomainMask)[0]
        let core = AppHost.makeCore(support: support)
        let cover = CoverPort()
        self.cover = cover
        // A video a killed app was recording or streaming in is deleted before anything else.
        let movies = MovieStreamer(folder: AppBundle.capturesDirectory(applicationSupport: support))
        movies.sweep()
        store = AppStore(
            core: core,
            ports: EffectPorts(
                dialer: PhoneDialer(),
                composer: SMSComposer(),
                notifications: LocalNotifications(),
                wakes: BackgroundRefresh(),
                camera: CameraCapture(),
                movies: MovieCapture(),
                files: DocumentAndPhotoPicker(source: .files),
                photos: DocumentAndPhotoPicker(source: .photos),
                sharer: ShareSheet(),
                cover: cover,
                permissions: PermissionPrompts(),
                locator: OneShotLocator(),
                haptics: HapticsPort(),
                icon: AlternateIcon()),
            work: QueueExecutor(DispatchQueue(label: "org.waymark.app-model", qos: .userInitiated)),
            deliver: QueueExecutor(.main),
            movies: movies)
        view = store.view
        store.onView = { [weak self] in
            self?.view = $0
            self?.followWork()
        }
        cover.onChange = { [weak self] in self?.covered = $0 }
    }

    func start() {
        _ = setLogSink(sink: OSLogSink(), maxLevel: .info)
        store.send(.started)
        // The countdowns (retry wait, Undo, check-in) move once a second while the app is open.
        ticker = Timer.scheduledTimer(withTimeInterval: 1, repeats: true) { [weak self] _ in
            self?.store.tick()
        }
    }

    func send(_ event: AppEvent) { store.send(event) }

    /// While long work runs (an export), its progress is redrawn four times a second.
    private var workTimer: Timer?
    private func followWork() {
        guard store.isWorking, workTimer == nil else { return }
        workTimer = Timer.scheduledTimer(withTimeInterval: 0.25, repeats: true) { [weak self] timer in
            guard let self, self.store.isWorking else {
                timer.invalidate()
                self?.workTimer = nil
                return
            }
            self.store.refreshWhileWorking()
        }
    }

    private static func makeCore(support: URL) -> AppCoreProtocol {
        let config = AppConfig(
            language: Locale.preferredLanguages.first ?? "en-GB",
            region: Locale.current.region?.identifier ?? "GB",
            sms: .composeOnly,  // iOS never sends a text by itself
            utcOffsetMinutes: Int32(TimeZone.current.secondsFromGMT() / 60))
        // If the folder cannot be prepared (the phone is out of space), the app model still gets
        // its path: it shows the emergency bar and help numbers, and says what went wrong when it
        // tries to write there.
        let (dir, problems) = VaultFolder.prepare(applicationSupport: support, using: FolderProtection())
        for problem in problems { OSLogSink.warn(problem) }
        do {
            return try openApp(dir: dir.path, prf: KeychainHardwarePrf(),
                               keyDerivation: .calibrated(targetMs: 500), config: config)
        } catch {
            // openApp only refuses a malformed path, which Application Support never is.
            fatalError("the vault path was refused: \(error)")
        }
    }
}

/// The blank view over everything: while the app model says so, and while the screen is
/// recorded or mirrored if the app model asked for a secure screen. RootView draws it in SwiftUI,
/// and a window of its own is raised above every window too, because a sheet iOS presents (the
/// Messages composer holding a buddy's alert, the share sheet, the camera) sits above the SwiftUI
/// root and would otherwise be what the app switcher's snapshot shows.
final class CoverPort: PrivacyCover {
    var onChange: ((Bool) -> Void)?
    private var covered = false
    private var whileCaptured = false
    private var observer: NSObjectProtocol?
    private var window: UIWindow?

    init() {
        observer = NotificationCenter.default.addObserver(
            forName: UIScreen.capturedDidChangeNotification, object: nil, queue: .main
        ) { [weak self] _ in self?.publish() }
    }

    func setCovered(_ covered: Bool) {
        self.covered = covered
        publish()
    }

    func setCoverWhileCaptured(_ on: Bool) {
        whileCaptured = on
        publish()
    }

    private func publish() {
        let on = covered || (whileCaptured && UIScreen.main.isCaptured)
        onChange?(on)
        if on { raiseWindow() } else { window?.isHidden = true }
    }

    private func raiseWindow() {
        if window == nil,
           let scene = UIApplication.shared.connectedScenes.compactMap({ $0 as? UIWindowScene }).first {
            let cover = UIWindow(windowScene: scene)
            cover.windowLevel = .alert + 1
            cover.rootViewController = UIHostingController(rootView: PrivacyCoverView())
            window = cover
        }
        window?.isHidden = false
    }
}
