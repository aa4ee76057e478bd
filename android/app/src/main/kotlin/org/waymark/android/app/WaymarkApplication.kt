package org.waymark.android.app

import android.app.Application
import android.content.pm.PackageManager
import java.io.File
import java.util.Locale
import java.util.TimeZone
import org.waymark.android.KeystoreHardwarePrf
import org.waymark.app.model.AppConfig
import org.waymark.app.model.AppCore
import org.waymark.app.model.SmsAbility
import org.waymark.ffi.HardwarePrf
import org.waymark.ffi.KeyDerivation
import org.waymark.ffi.WallClock
import org.waymark.ffi.openApp

/**
 * Process-wide: the app model (one per process, shared by the screen and the receivers), the
 * notification channel, and no camera file left from a killed process.
 * Tests subclass it to give a software PRF, a cheap key derivation and a scripted clock.
 */
open class WaymarkApplication : Application() {
    open val shell: Shell by lazy { Shell(this, openCore()) }

    override fun onCreate() {
        super.onCreate()
        Notifier.ensureChannel(this)
        VaultFileProvider.sweepCaptures(this)
    }

    /** The Keystore HMAC key (StrongBox where present), usable while the phone is locked. */
    protected open fun hardwarePrf(): HardwarePrf = KeystoreHardwarePrf.create(this)

    /** About half a second of Argon2id on this phone, measured when the vault is created. */
    protected open fun keyDerivation(): KeyDerivation = KeyDerivation.Calibrated(500u)

    /** Null: the system clock. */
    protected open fun clock(): WallClock? = null

    /** In no-backup storage, so no backup tool copies it even if backup were turned on. */
    open fun vaultDir(): File = File(noBackupFilesDir, "vault")

    protected open fun config(): AppConfig {
        val locale = Locale.getDefault()
        val canText = packageManager.hasSystemFeature(PackageManager.FEATURE_TELEPHONY_MESSAGING)
        return AppConfig(
            language = locale.toLanguageTag(),
            region = locale.country,
            sms = if (canText) SmsAbility.SEND_SILENTLY else SmsAbility.COMPOSE_ONLY,
            utcOffsetMinutes = TimeZone.getDefault().getOffset(System.currentTimeMillis()) / 60_000,
        )
    }

    private fun openCore(): AppCore =
        openApp(vaultDir().path, hardwarePrf(), keyDerivation(), config(), clock())
}
