#if canImport(CryptoKit) && canImport(Security)
import CryptoKit
import Foundation
import Security

/// The vault's hardware PRF on iOS: HMAC-SHA256 with a random key kept in the Keychain,
/// readable only on this device while it is unlocked and never included in backups
/// (`kSecAttrAccessibleWhenUnlockedThisDeviceOnly`). A copy of the app's files taken off the
/// phone therefore has nothing to guess PINs against. Compiled on Apple platforms only; it
/// needs Xcode and a device or simulator to test.
public final class KeychainHardwarePrf: HardwarePrf, @unchecked Sendable {
    private let account: String

    public init(account: String = "waymark-vault-prf") {
        self.account = account
    }

    public func evaluate(input: Data) throws -> Data {
        let key = SymmetricKey(data: try loadOrCreateKey())
        return Data(HMAC<SHA256>.authenticationCode(for: input, using: key))
    }

    private func loadOrCreateKey() throws -> Data {
        let query: [String: Any] = [
            kSecClass as String: kSecClassGenericPassword,
            kSecAttrAccount as String: account,
            kSecReturnData as String: true,
        ]
        var item: CFTypeRef?
        let status = SecItemCopyMatching(query as CFDictionary, &item)
        if status == errSecSuccess, let data = item as? Data { return data }
        guard status == errSecItemNotFound else {
            throw WaymarkError.Platform(reason: "keychain read failed (\(status))")
        }
        var key = Data(count: 32)
        let rc = key.withUnsafeMutableBytes { buf -> Int32 in
            guard let base = buf.baseAddress else { return errSecAllocate }
            return SecRandomCopyBytes(kSecRandomDefault, 32, base)
        }
        guard rc == errSecSuccess else { throw WaymarkError.Platform(reason: "no randomness") }
        let add: [String: Any] = [
            kSecClass as String: kSecClassGenericPassword,
            kSecAttrAccount as String: account,
            kSecAttrAccessible as String: kSecAttrAccessibleWhenUnlockedThisDeviceOnly,
            kSecValueData as String: key,
        ]
        let added = SecItemAdd(add as CFDictionary, nil)
        guard added == errSecSuccess else {
            throw WaymarkError.Platform(reason: "keychain write failed (\(added))")
        }
        return key
    }
}
#endif
