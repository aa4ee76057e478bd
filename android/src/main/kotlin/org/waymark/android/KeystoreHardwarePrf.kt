package org.waymark.android

import android.content.pm.PackageManager
import android.content.Context
import android.security.keystore.KeyGenParameterSpec
import android.security.keystore.KeyProperties
import android.security.keystore.StrongBoxUnavailableException
import java.security.KeyStore
import javax.crypto.KeyGenerator
import javax.crypto.SecretKey
import org.waymark.app.MacHardwarePrf

/**
 * The vault's hardware PRF on Android: an HMAC-SHA256 key generated inside the Keystore
 * (StrongBox where the phone has one), never exportable. Copying the app's files off the phone
 * therefore gives an attacker nothing to guess PINs against.
 */
object KeystoreHardwarePrf {
    private const val KEYSTORE = "AndroidKeyStore"

    fun create(context: Context, alias: String = "waymark-vault-prf"): MacHardwarePrf {
        val strongBox = context.packageManager.hasSystemFeature(PackageManager.FEATURE_STRONGBOX_KEYSTORE)
        return MacHardwarePrf({ loadOrCreate(alias, strongBox) })
    }

    @Synchronized
    private fun loadOrCreate(alias: String, strongBox: Boolean): SecretKey {
        val store = KeyStore.getInstance(KEYSTORE).apply { load(null) }
        (store.getKey(alias, null) as? SecretKey)?.let { return it }
        return try {
            generate(alias, strongBox)
        } catch (e: StrongBoxUnavailableException) {
            generate(alias, false)
        }
    }

    private fun generate(alias: String, strongBox: Boolean): SecretKey {
        val spec = KeyGenParameterSpec.Builder(alias, KeyProperties.PURPOSE_SIGN)
            .setIsStrongBoxBacked(strongBox)
            // Usable while the phone is locked: the armed check-in's key comes from this PRF,
            // and a missed check-in must alert the buddy from a locked phone in a pocket.
            .setUnlockedDeviceRequired(false)
            .setUserAuthenticationRequired(false)
            .build()
        return KeyGenerator.getInstance(KeyProperties.KEY_ALGORITHM_HMAC_SHA256, KEYSTORE)
            .apply { init(spec) }
            .generateKey()
    }
}
