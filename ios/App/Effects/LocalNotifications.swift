// Apple-only (UserNotifications). Compiled by Xcode, never on Linux.
import UserNotifications
import WaymarkKit

/// Reminders and check-in alerts as local notifications. The title and body come from the app
/// model, which never puts a place, a person or what was logged in them; on top of that, the
/// category hides the body behind a placeholder when the person's previews are "when unlocked".
final class LocalNotifications: NotificationPoster {
    private let center = UNUserNotificationCenter.current()
    private static let category = "org.waymark.notice"

    init() {
        center.setNotificationCategories([
            UNNotificationCategory(identifier: Self.category, actions: [], intentIdentifiers: [],
                                   hiddenPreviewsBodyPlaceholder: "", options: []),
        ])
    }

    func show(id: String, title: String, body: String) {
        let content = UNMutableNotificationContent()
        content.title = title
        content.body = body
        content.categoryIdentifier = Self.category
        content.sound = .default
        center.add(UNNotificationRequest(identifier: id, content: content, trigger: nil))
    }

    func clear(id: String) {
        center.removeDeliveredNotifications(withIdentifiers: [id])
        center.removePendingNotificationRequests(withIdentifiers: [id])
    }
}
