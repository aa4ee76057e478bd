package org.waymark.android.app

import android.content.Context
import android.os.Build
import android.telephony.SmsManager
import android.telephony.SubscriptionManager

/**
 * Carries out `SendSms`: the text goes out through the phone's own SMS service (one or several
 * parts), at most once per effect id ([OnceLedger]). Returns whether the text was handed to the
 * radio; without the SEND_SMS permission, or without telephony, that is false and the app model
 * falls back to the SMS app.
 */
class SmsSender(private val context: Context, private val ledger: OnceLedger = OnceLedger(context)) {
    enum class Outcome { Sent, Failed, AlreadySent }

    fun send(id: String, to: String, body: String): Outcome {
        if (!ledger.firstTime(id)) return Outcome.AlreadySent
        return try {
            val sms = manager() ?: return Outcome.Failed
            val parts = sms.divideMessage(body)
            if (parts.size <= 1) {
                sms.sendTextMessage(to, null, body, null, null)
            } else {
                sms.sendMultipartTextMessage(to, null, parts, null, null)
            }
            Outcome.Sent
        } catch (e: SecurityException) {
            Outcome.Failed
        } catch (e: IllegalArgumentException) {
            Outcome.Failed
        } catch (e: UnsupportedOperationException) {
            Outcome.Failed
        }
    }

    /** The SMS SIM the person chose (dual-SIM phones), else the phone's default. */
    @Suppress("DEPRECATION")
    private fun manager(): SmsManager? {
        val base = if (Build.VERSION.SDK_INT >= Build.VERSION_CODES.S) {
            context.getSystemService(SmsManager::class.java) ?: SmsManager.getDefault()
        } else {
            SmsManager.getDefault()
        }
        val sub = SubscriptionManager.getDefaultSmsSubscriptionId()
        return if (sub != SubscriptionManager.INVALID_SUBSCRIPTION_ID) base.createForSubscriptionId(sub) else base
    }
}
