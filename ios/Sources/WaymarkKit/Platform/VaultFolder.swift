import Foundation

/// iOS Data Protection classes the vault folder can be given (NSFileProtectionType).
public enum FileProtectionLevel: Equatable, Sendable {
    /// Unreadable whenever the phone is locked.
    case complete
    /// Readable from the first unlock after a restart until the next restart.
    case untilFirstUnlock
    /// Like `complete`, but a file already open when the phone locks stays writable (a video
    /// being recorded as the screen locks).
    case completeUnlessOpen
}

/// What the vault folder needs from the file system. The Apple layer implements it with
/// FileManager and URLResourceValues (ios/App/Platform/FolderProtection.swift); tests fake it.
public protocol FolderProtector: AnyObject {
    func exists(_ url: URL) -> Bool
    /// Creates the folder and any missing parents, readable by the app only.
    func createFolder(_ url: URL) throws
    func setProtection(_ url: URL, _ level: FileProtectionLevel) throws
    /// Kept out of iCloud and device backups (isExcludedFromBackup covers the whole subtree).
    func excludeFromBackup(_ url: URL) throws
}

/// Where the vault lives on iOS and how its folder is protected, decided here so it is tested.
///
/// - Under Application Support (never Documents, which the Files app shows), in `Waymark/vault`.
/// - Excluded from iCloud and device backups: a backup is a copy of the vault off the phone.
///   Set on `Waymark/`, so it covers the vault and anything the app keeps beside it later.
/// - File protection "until first unlock" on `Waymark/`: every file the core creates inside
///   (databases, write-ahead logs, the armed check-in file, evidence) inherits it. The check-in
///   deadlines run from a background refresh while the phone may be locked, and must read and
///   rewrite the armed file then. Everything in the vault is encrypted with its own keys; the rest
///   of the app keeps the stricter default ("complete", from the entitlements).
/// - The export folder beside the vault (`Waymark/exports`, where the app model writes a report
///   or bundle for the share sheet; those files are NOT encrypted) is created here with
///   "complete" protection: an export is made and shared while the app is in front, so its
///   plaintext never needs to be readable while the phone is locked. The app model empties the
///   folder but keeps it, so the protection stays.
/// - The capture folder beside it (`Waymark/captures`): AVFoundation's movie output can only
///   write a file, so a video sits there in the clear while it is recorded and streamed into the
///   vault (then it is deleted: `MovieStreamer`). "Complete unless open": unreadable while the
///   phone is locked, except that a recording under way as the screen locks carries on.
/// - The vault folder itself is left for the core to create when the vault is made (it creates
///   it owner-only and refuses a folder that holds anything else); an existing one (a vault from
///   an earlier version) gets the same protection and exclusion.
///
/// Never throws: the app must open even when this fails (the phone is full), to show 999 and the
/// help numbers. The problems are returned for the log; the path is always returned.
public enum VaultFolder {
    public static let protection: FileProtectionLevel = .untilFirstUnlock
    public static let exportProtection: FileProtectionLevel = .complete
    public static let captureProtection: FileProtectionLevel = .completeUnlessOpen

    public static func prepare(applicationSupport: URL, using fs: FolderProtector) -> (vault: URL, problems: [String]) {
        let vault = AppBundle.vaultDirectory(applicationSupport: applicationSupport)
        let parent = vault.deletingLastPathComponent()
        var problems: [String] = []
        func attempt(_ what: String, _ step: () throws -> Void) {
            do { try step() } catch { problems.append("\(what): \(error)") }
        }
        if !fs.exists(parent) { attempt("create the app folder") { try fs.createFolder(parent) } }
        var folders = [parent]
        if fs.exists(vault) { folders.append(vault) }
        for folder in folders where fs.exists(folder) {
            // Exclusion first: a folder that cannot be protected must still stay out of backups.
            attempt("exclude \(folder.lastPathComponent) from backups") { try fs.excludeFromBackup(folder) }
            attempt("protect \(folder.lastPathComponent)") { try fs.setProtection(folder, protection) }
        }
        let beside = [(AppBundle.exportsDirectory(applicationSupport: applicationSupport), "exports", exportProtection),
                      (AppBundle.capturesDirectory(applicationSupport: applicationSupport), "captures", captureProtection)]
        for (folder, name, level) in beside where fs.exists(parent) {
            if !fs.exists(folder) { attempt("create the \(name) folder") { try fs.createFolder(folder) } }
            if fs.exists(folder) {
                attempt("protect \(name)") { try fs.setProtection(folder, level) }
            }
        }
        return (vault, problems)
    }
}
