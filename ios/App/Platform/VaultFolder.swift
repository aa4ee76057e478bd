// Apple-only (file protection, backup exclusion). Compiled by Xcode, never on Linux.
import Foundation
import WaymarkKit

/// Prepares the vault folder before the core opens it.
///
/// - Excluded from iCloud and device backups: a backup is a copy of the vault off the phone.
/// - File protection "until first unlock", set on the folder so every file the core creates in it
///   (databases, write-ahead logs, the armed check-in file, evidence) inherits it: the check-in
///   deadlines run from a background refresh while the phone may be locked and must read and
///   rewrite the armed file then. Everything in the folder is already encrypted with the vault's
///   own keys; the rest of the app's files keep the stricter default ("Complete", from the
///   entitlements).
enum VaultFolder {
    /// Where the vault lives, without touching the disk.
    static func path() -> URL {
        let support = FileManager.default.urls(for: .applicationSupportDirectory, in: .userDomainMask)[0]
        return AppBundle.vaultDirectory(applicationSupport: support)
    }

    static func prepare() throws -> URL {
        let fm = FileManager.default
        var dir = path()
        try fm.createDirectory(at: dir, withIntermediateDirectories: true,
                               attributes: [.protectionKey: FileProtectionType.completeUntilFirstUserAuthentication])
        try fm.setAttributes([.protectionKey: FileProtectionType.completeUntilFirstUserAuthentication],
                             ofItemAtPath: dir.path)
        var values = URLResourceValues()
        values.isExcludedFromBackup = true
        try dir.setResourceValues(values)
        // The parent too, so nothing the app adds beside the vault later is backed up either.
        var parent = dir.deletingLastPathComponent()
        try parent.setResourceValues(values)
        return dir
    }
}
