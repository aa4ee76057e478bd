// Apple-only (Data Protection, backup exclusion). Compiled by Xcode, never on Linux.
// What to protect and how is decided in WaymarkKit (VaultFolder); this only makes the calls.
import Foundation
import WaymarkKit

final class FolderProtection: FolderProtector {
    private let fm = FileManager.default

    func exists(_ url: URL) -> Bool {
        fm.fileExists(atPath: url.path)
    }

    func createFolder(_ url: URL) throws {
        try fm.createDirectory(at: url, withIntermediateDirectories: true,
                               attributes: [.posixPermissions: 0o700])
    }

    func setProtection(_ url: URL, _ level: FileProtectionLevel) throws {
        let type: FileProtectionType
        switch level {
        case .complete: type = .complete
        case .untilFirstUnlock: type = .completeUntilFirstUserAuthentication
        case .completeUnlessOpen: type = .completeUnlessOpen
        }
        try fm.setAttributes([.protectionKey: type], ofItemAtPath: url.path)
    }

    func excludeFromBackup(_ url: URL) throws {
        var values = URLResourceValues()
        values.isExcludedFromBackup = true
        var url = url
        try url.setResourceValues(values)
    }
}
