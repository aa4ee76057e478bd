package org.waymark.android.app

import android.content.Context
import org.waymark.app.model.AppEvent
import org.waymark.app.model.Effect

/**
 * The effects a phone carries out with or without a screen: texts to a buddy, wake-ups,
 * notifications (now or scheduled) and the launcher disguise. Returns the outcomes to report back to the app model. Effects that need a
 * screen (dialler, camera, pickers, share) are [MainActivity]'s.
 */
class PhoneEffects(private val context: Context) {
    private val sms = SmsSender(context)

    fun carryOut(effects: List<Effect>): List<AppEvent> = effects.mapNotNull(::carryOut)

    private fun carryOut(effect: Effect): AppEvent? {
        when (effect) {
            is Effect.SendSms -> return when (sms.send(effect.id, effect.to, effect.body)) {
                // The radio's answer comes later, to SmsResultReceiver.
                SmsSender.Outcome.Handed -> null
                SmsSender.Outcome.Failed -> AppEvent.SmsSent(effect.id, false)
                // Already carried out (and reported) once: never twice.
                SmsSender.Outcome.AlreadySent -> null
            }
            is Effect.ScheduleWake -> WakeScheduler.schedule(context, effect.id, effect.at.toEpochMilli())
            is Effect.CancelWake -> WakeScheduler.cancel(context, effect.id)
            is Effect.ShowNotification -> Notifier.show(context, effect.id, effect.title, effect.body)
            is Effect.ScheduleNotification ->
                NoticeScheduler.schedule(context, effect.id, effect.at.toEpochMilli(), effect.title, effect.body)
            is Effect.ClearNotification -> NoticeScheduler.clear(context, effect.id)
            is Effect.SetDisguise -> DisguiseSwitcher.apply(context, effect.kind)
            // Handled by the shell (its own threads), not here.
            is Effect.RunWork, is Effect.Http -> {}
            // A screen's effects.
            is Effect.Dial, is Effect.ComposeSms, is Effect.OpenCamera, is Effect.PickFile,
            is Effect.ShareFile, is Effect.SecureScreen, is Effect.HideContent,
            is Effect.RequestPermission, is Effect.RequestLocation, is Effect.Haptic -> {}
        }
        return null
    }
}
