import Foundation

/// Identifiers the app's code and its bundle (ios/Config/Info.plist, ios/project.yml, the asset
/// catalog) must agree on. AppBundleTests reads those files on Linux and fails if they drift.
public enum AppBundle {
    /// The BGAppRefreshTask that runs the armed check-in's deadlines while the app is not open.
    /// Listed in Info.plist's BGTaskSchedulerPermittedIdentifiers.
    public static let checkInRefreshTask = "org.waymark.app.checkin"

    /// Alternate home-screen icons (asset catalog names). iOS can switch the icon at run time,
    /// not the name under it.
    public static let alternateIcons = ["AppIcon-Calculator", "AppIcon-Notes", "AppIcon-Tasks", "AppIcon-Weather"]

    /// The alternate icon for the disguise the app model chose (`SetDisguise`); nil is the
    /// app's own icon. Every disguise has one (AppBundleTests checks them against the catalog).
    public static func alternateIcon(for disguise: Disguise) -> String? {
        switch disguise {
        case .plain: return nil
        case .notes: return "AppIcon-Notes"
        case .tasks: return "AppIcon-Tasks"
        case .weather: return "AppIcon-Weather"
        case .calculator: return "AppIcon-Calculator"
        }
    }

    /// The vault folder, under Application Support (never Documents, which the Files app shows).
    public static let vaultFolderName = "vault"

    public static func vaultDirectory(applicationSupport: URL) -> URL {
        applicationSupport.appendingPathComponent("Waymark", isDirectory: true)
            .appendingPathComponent(vaultFolderName, isDirectory: true)
    }

    /// Where the app model writes exports for the share sheet: beside the vault folder
    /// (app/src/screens/export.rs, EXPORT_FOLDER).
    public static func exportsDirectory(applicationSupport: URL) -> URL {
        vaultDirectory(applicationSupport: applicationSupport).deletingLastPathComponent()
            .appendingPathComponent("exports", isDirectory: true)
    }

    /// Where a video is recorded before it is streamed into the vault (`MovieStreamer`).
    public static func capturesDirectory(applicationSupport: URL) -> URL {
        vaultDirectory(applicationSupport: applicationSupport).deletingLastPathComponent()
            .appendingPathComponent("captures", isDirectory: true)
    }
}
