// Apple-only (AVFoundation, CoreLocation, UserNotifications, UIKit). Compiled by Xcode, never on Linux.
import AVFoundation
import CoreLocation
import UIKit
import UserNotifications
import WaymarkKit

/// The system permission prompts. The app model shows its own reason first (in its words).
final class PermissionPrompts: NSObject, PermissionAsker, CLLocationManagerDelegate {
    private let location = CLLocationManager()
    private var locationDone: ((Bool) -> Void)?

    func ask(_ what: PermissionKind, reason: String, done: @escaping (Bool) -> Void) {
        let main: (Bool) -> Void = { granted in DispatchQueue.main.async { done(granted) } }
        switch what {
        case .camera:
            AVCaptureDevice.requestAccess(for: .video, completionHandler: main)
        case .microphone:
            AVCaptureDevice.requestAccess(for: .audio, completionHandler: main)
        case .notifications:
            UNUserNotificationCenter.current().requestAuthorization(options: [.alert, .sound]) { granted, _ in main(granted) }
        case .location:
            locationDone = main
            location.delegate = self
            location.requestWhenInUseAuthorization()
        case .sms:
            // No permission exists for composing a text on iOS.
            main(true)
        }
    }

    func locationManagerDidChangeAuthorization(_ manager: CLLocationManager) {
        guard manager.authorizationStatus != .notDetermined, let done = locationDone else { return }
        locationDone = nil
        done(manager.authorizationStatus == .authorizedWhenInUse || manager.authorizationStatus == .authorizedAlways)
    }
}

/// One position fix for a quick log, if the person allowed location.
final class OneShotLocator: NSObject, Locator, CLLocationManagerDelegate {
    private let manager = CLLocationManager()
    private var done: ((Double, Double, Double?) -> Void)?

    func oneFix(done: @escaping (Double, Double, Double?) -> Void) {
        guard manager.authorizationStatus == .authorizedWhenInUse || manager.authorizationStatus == .authorizedAlways else { return }
        self.done = done
        manager.delegate = self
        manager.desiredAccuracy = kCLLocationAccuracyNearestTenMeters
        manager.requestLocation()
    }

    func locationManager(_ manager: CLLocationManager, didUpdateLocations locations: [CLLocation]) {
        guard let fix = locations.last, let done else { return }
        self.done = nil
        done(fix.coordinate.latitude, fix.coordinate.longitude,
             fix.horizontalAccuracy >= 0 ? fix.horizontalAccuracy : nil)
    }

    func locationManager(_ manager: CLLocationManager, didFailWithError error: Error) {
        done = nil  // no fix: the incident is logged without a place
    }
}

final class HapticsPort: Haptics {
    func play(_ feel: HapticFeel) {
        UINotificationFeedbackGenerator().notificationOccurred(feel == .confirm ? .success : .warning)
    }
}

/// The home-screen icon the app model chose (`SetDisguise`, mapped by AppBundle.alternateIcon).
/// iOS shows its own note that the icon changed; it cannot change the name under the icon.
final class AlternateIcon: HomeScreenIcon {
    func setAlternateIcon(_ name: String?) {
        DispatchQueue.main.async {
            guard UIApplication.shared.supportsAlternateIcons,
                  UIApplication.shared.alternateIconName != name else { return }
            UIApplication.shared.setAlternateIconName(name) { error in
                if let error { OSLogSink.warn("the icon was not changed: \(error.localizedDescription)") }
            }
        }
    }
}
