package org.waymark.app

import javax.crypto.Mac
import javax.crypto.SecretKey
import org.waymark.ffi.HardwarePrf

/**
 * The vault's hardware PRF as an HMAC whose key the platform holds. On a phone the key lives in
 * the Android Keystore and never leaves it ([org.waymark.android.KeystoreHardwarePrf] supplies
 * it); JVM tests give an in-memory key. Any exception thrown here reaches the core as
 * `WaymarkException.Platform`, never as a crash.
 */
class MacHardwarePrf(
    private val key: () -> SecretKey,
    private val algorithm: String = "HmacSHA256",
) : HardwarePrf {
    override fun evaluate(input: ByteArray): ByteArray {
        // Mac objects are not thread-safe; one per call is cheap next to the Keystore round trip.
        val mac = Mac.getInstance(algorithm)
        mac.init(key())
        return mac.doFinal(input)
    }
}
