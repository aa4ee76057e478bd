// Apple-only (SwiftUI, UIKit, BackgroundTasks). Compiled by Xcode, never on Linux.
import BackgroundTasks
import SwiftUI
import UIKit
import WaymarkKit

@main
struct WaymarkApp: App {
    @UIApplicationDelegateAdaptor(AppDelegate.self) private var delegate
    @Environment(\.scenePhase) private var phase

    var body: some Scene {
        WindowGroup {
            RootView(host: delegate.host)
        }
        .onChange(of: phase) { phase in
            switch phase {
            case .active: delegate.host.store.foregrounded()
            // The app switcher takes its snapshot right after this: cover now, not after a
            // round trip through the app model.
            case .inactive: delegate.host.store.leavingForeground()
            case .background: delegate.host.store.backgrounded()
            @unknown default: break
            }
        }
    }
}

final class AppDelegate: NSObject, UIApplicationDelegate {
    private(set) lazy var host = AppHost()

    func application(_ application: UIApplication,
                     didFinishLaunchingWithOptions launchOptions: [UIApplication.LaunchOptionsKey: Any]? = nil) -> Bool {
        // iOS requires the background task handler to be registered before launch finishes.
        BackgroundRefresh.register { [weak self] done in
            guard let self else { return done() }
            self.host.store.backgroundRefresh(done: done)
        }
        host.start()
        return true
    }
}
