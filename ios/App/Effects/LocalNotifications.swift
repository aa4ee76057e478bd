// Apple-only (UserNotifications). Compiled by Xcode, never on Linux.
import UserNotifications
import WaymarkKit

/// Reminders and check-in alerts as local notifications. The title and body come from the app
/// model, which never puts a place, a person or what was logged in them; on top of that, the
/// category hides the body behind a placeholder when the person's previews are "when unlocked".
final class LocalNotifications: NSObject, NotificationPoster, UNUserNotificationCenterDelegate {
    private let center = UNUserNotificationCenter.current()
    private static let category = "org.waymark.notice"

    override init() {
        super.init()
        // A scheduled notice whose moment comes while the app is open shows too (the app model
        // does not show it a second time).
        center.delegate = self
        center.setNotificationCategories([
            UNNotificationCategory(identifier: Self.category, actions: [], intentIdentifiers: [],
                                   hiddenPreviewsBodyPlaceholder: "", options: []),
        ])
    }

    func show(id: String, title: String, body: String) {
        center.add(UNNotificationRequest(identifier: id, content: content(title, body), trigger: nil))
    }

    /// At the time, whether or not the app runs (the check-in's reminders and deadline).
    func schedule(id: String, at: Date, title: String, body: String) {
        let when = Calendar.current.dateComponents([.year, .month, .day, .hour, .minute, .second], from: at)
        let trigger = UNCalendarNotificationTrigger(dateMatching: when, repeats: false)
        center.add(UNNotificationRequest(identifier: id, content: content(title, body), trigger: trigger))
    }

    private func content(_ title: String, _ body: String) -> UNMutableNotificationContent {
        let content = UNMutableNotificationContent()
        content.title = title
        content.body = body
        content.categoryIdentifier = Self.category
        content.sound = .default
        // Breaks through Focus and scheduled summaries (the entitlement is in Waymark.entitlements).
        content.interruptionLevel = .timeSensitive
        return content
    }

    func clear(id: String) {
        center.removeDeliveredNotifications(withIdentifiers: [id])
        center.removePendingNotificationRequests(withIdentifiers: [id])
    }
}

extension LocalNotifications {
    func userNotificationCenter(_ center: UNUserNotificationCenter, willPresent notification: UNNotification,
                                withCompletionHandler completionHandler: @escaping (UNNotificationPresentationOptions) -> Void) {
        completionHandler([.banner, .list, .sound])
    }
}
