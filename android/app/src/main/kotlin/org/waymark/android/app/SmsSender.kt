package org.waymark.android.app

import android.app.PendingIntent
import android.content.Context
import android.content.Intent
import android.net.Uri
import android.os.Build
import android.telephony.SmsManager
import android.telephony.SubscriptionManager

/**
 * Carries out `SendSms`: the text goes out through the phone's own SMS service (one or several
 * parts), at most once per effect id ([OnceLedger]). Each part carries a "sent" PendingIntent:
 * the radio's answer comes back to [SmsResultReceiver], which reports `SmsSent { ok }` once
 * every part went (or as soon as one failed). Without the SEND_SMS permission or telephony the
 * answer is [Outcome.Failed] at once.
 *
 * No "delivered" PendingIntent: delivery reports depend on the carrier and on the buddy's phone
 * being on, and a text that is out but not yet delivered is not a failure the person can act
 * on; the app model has nothing to do with it.
 */
class SmsSender(private val context: Context, private val ledger: OnceLedger = OnceLedger(context)) {
    enum class Outcome {
        /** Handed to the radio; `SmsSent` follows from [SmsResultReceiver]. */
        Handed,
        Failed,
        AlreadySent,
    }

    fun send(id: String, to: String, body: String): Outcome {
        if (!ledger.firstTime(id)) return Outcome.AlreadySent
        return try {
            val sms = manager() ?: return Outcome.Failed
            val parts = sms.divideMessage(body)
            if (parts.size <= 1) {
                sms.sendTextMessage(to, null, body, sentIntent(id, 0, 1), null)
            } else {
                val sent = ArrayList((0 until parts.size).map { sentIntent(id, it, parts.size) })
                sms.sendMultipartTextMessage(to, null, parts, sent, null)
            }
            Outcome.Handed
        } catch (e: SecurityException) {
            Outcome.Failed
        } catch (e: IllegalArgumentException) {
            Outcome.Failed
        } catch (e: UnsupportedOperationException) {
            Outcome.Failed
        }
    }

    /** One PendingIntent per part (its data names the id and the part, so none replaces another). */
    private fun sentIntent(id: String, part: Int, parts: Int): PendingIntent {
        val intent = Intent(SmsResultReceiver.ACTION_SENT)
            .setClassName(context.packageName, SmsResultReceiver::class.java.name)
            .setData(Uri.fromParts("waymark-sms", "$id#$part", null))
            .putExtra(SmsResultReceiver.EXTRA_ID, id)
            .putExtra(SmsResultReceiver.EXTRA_PARTS, parts)
        return PendingIntent.getBroadcast(context, 0, intent, PendingIntent.FLAG_IMMUTABLE or PendingIntent.FLAG_ONE_SHOT)
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
