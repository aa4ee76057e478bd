// Apple-only (CryptoKit, Security). Compiled by Xcode, never on Linux.
import CryptoKit
import Foundation
import Security
import WaymarkKit

/// The vault's hardware PRF on iOS: HMAC-SHA256 with a random 256-bit key kept in the Keychain.
///
/// - This device only: the item is never synced to iCloud Keychain and never restored onto
///   another phone from a backup, so a copy of the app's files taken off the phone has nothing
///   to guess PINs against.
/// - After first unlock: the check-in deadlines run from a background refresh while the phone may
///   be locked, and the armed check-in's key is derived through this PRF, so the key must be
///   readable once the phone has been unlocked since it started
///   (`kSecAttrAccessibleAfterFirstUnlockThisDeviceOnly`). Before the first unlock after a
///   restart nothing can read it, the app included.
///
/// Needs Xcode and a device or simulator to test; the contract it implements (32 bytes, same
/// input gives the same output, another key gives another output) is tested on Linux with the
/// plain-Swift `InMemoryHmacPrf`.
final class KeychainHardwarePrf: HardwarePrf, @unchecked Sendable {
    private let service = "org.waymark.vault"
    private let account: String
    private let lock = NSLock()

    init(account: String = "waymark-vault-prf") {
        self.account = account
    }

    func evaluate(input: Data) throws -> Data {
        let key = SymmetricKey(data: try loadOrCreateKey())
        return Data(HMAC<SHA256>.authenticationCode(for: input, using: key))
    }

    private var baseQuery: [String: Any] {
        [
            kSecClass as String: kSecClassGenericPassword,
            kSecAttrService as String: service,
            kSecAttrAccount as String: account,
            kSecAttrSynchronizable as String: false,
        ]
    }

    private func read() throws -> Data? {
        var query = baseQuery
        query[kSecReturnData as String] = true
        query[kSecMatchLimit as String] = kSecMatchLimitOne
        var item: CFTypeRef?
        let status = SecItemCopyMatching(query as CFDictionary, &item)
        switch status {
        case errSecSuccess:
            guard let data = item as? Data, data.count == 32 else {
                throw WaymarkError.Platform(reason: "keychain item has the wrong size")
            }
            return data
        case errSecItemNotFound:
            return nil
        case errSecInteractionNotAllowed:
            // The phone has not been unlocked since it restarted.
            throw WaymarkError.Platform(reason: "keychain not available before first unlock")
        default:
            throw WaymarkError.Platform(reason: "keychain read failed (\(status))")
        }
    }

    private func loadOrCreateKey() throws -> Data {
        // One thread creates the key; the others then read it.
        lock.lock()
        defer { lock.unlock() }
        if let key = try read() { return key }
        var key = Data(count: 32)
        let rc = key.withUnsafeMutableBytes { buf -> Int32 in
            guard let base = buf.baseAddress else { return errSecAllocate }
            return SecRandomCopyBytes(kSecRandomDefault, 32, base)
        }
        guard rc == errSecSuccess else { throw WaymarkError.Platform(reason: "no randomness") }
        var add = baseQuery
        add[kSecAttrAccessible as String] = kSecAttrAccessibleAfterFirstUnlockThisDeviceOnly
        add[kSecValueData as String] = key
        let added = SecItemAdd(add as CFDictionary, nil)
        if added == errSecDuplicateItem, let existing = try read() {
            return existing  // another process (the app extension or a second launch) won
        }
        guard added == errSecSuccess else {
            throw WaymarkError.Platform(reason: "keychain write failed (\(added))")
        }
        return key
    }
}
