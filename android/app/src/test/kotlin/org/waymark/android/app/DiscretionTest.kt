package org.waymark.android.app

import android.app.Activity
import android.content.pm.PackageManager
import android.graphics.Color
import android.text.InputType
import android.view.WindowManager
import android.view.inputmethod.EditorInfo
import android.widget.EditText
import org.junit.Assert.assertEquals
import org.junit.Assert.assertTrue
import org.junit.Test
import org.junit.runner.RunWith
import org.robolectric.Robolectric
import org.robolectric.RobolectricTestRunner
import org.robolectric.RuntimeEnvironment
import org.robolectric.annotation.Config
import org.waymark.R

@RunWith(RobolectricTestRunner::class)
@Config(sdk = [34])
class DiscretionTest {
    @Test
    fun everyActivityIsSecure() {
        val context = RuntimeEnvironment.getApplication()
        val activities = context.packageManager
            .getPackageInfo(context.packageName, PackageManager.GET_ACTIVITIES).activities!!
            .map { it.targetActivity ?: it.name }
            .toSet()
        assertTrue(activities.isNotEmpty())
        for (name in activities) {
            @Suppress("UNCHECKED_CAST")
            val cls = Class.forName(name) as Class<out Activity>
            val activity = Robolectric.buildActivity(cls).setup().get()
            val flags = activity.window.attributes.flags
            assertTrue("$name has no FLAG_SECURE", flags and WindowManager.LayoutParams.FLAG_SECURE != 0)
        }
    }

    /**
     * Notification headers, Settings > Apps and permission dialogs show the application's label,
     * whichever launcher alias is on: it must not say Waymark. The launcher's default entry may.
     */
    @Test
    fun theNameAndroidShowsOutsideTheLauncherIsNeutral() {
        val context = RuntimeEnvironment.getApplication()
        val pm = context.packageManager
        val label = context.applicationInfo.loadLabel(pm).toString()
        val disguises = listOf(R.string.disguise_notes, R.string.disguise_tasks, R.string.disguise_weather).map(context::getString)
        assertTrue("application label '$label'", label in disguises)
        assertTrue(!label.contains(context.getString(R.string.app_name), ignoreCase = true))
        // A notification's header is built from that label (the small icon is a neutral dot).
        Notifier.show(context, "t", "Reminder", "Check in soon")
        val n = org.robolectric.Shadows.shadowOf(context.getSystemService(android.app.NotificationManager::class.java)).allNotifications.single()
        assertEquals(label, pm.getApplicationLabel(pm.getApplicationInfo(context.packageName, 0)).toString())
        assertEquals(R.drawable.ic_notify, n.smallIcon.resId)
    }

    @Test
    fun privateFieldsKeepTheKeyboardFromLearning() {
        val activity = Robolectric.buildActivity(MainActivity::class.java).setup().get()
        val note = EditText(activity).also { Discretion.privateField(it, multiLine = true) }
        assertTrue(note.imeOptions and EditorInfo.IME_FLAG_NO_PERSONALIZED_LEARNING != 0)
        assertTrue(note.inputType and InputType.TYPE_TEXT_FLAG_NO_SUGGESTIONS != 0)
        val phone = EditText(activity).also { Discretion.privatePhoneField(it) }
        assertTrue(phone.imeOptions and EditorInfo.IME_FLAG_NO_PERSONALIZED_LEARNING != 0)
        assertEquals(InputType.TYPE_CLASS_PHONE, phone.inputType and InputType.TYPE_MASK_CLASS)
    }

    @Test
    fun textColoursMeetWcagAaInTheLightTheme() = checkContrast()

    @Test
    @Config(qualifiers = "night")
    fun textColoursMeetWcagAaInTheDarkTheme() = checkContrast()

    private fun checkContrast() {
        val res = RuntimeEnvironment.getApplication().resources
        fun c(id: Int) = res.getColor(id, null)
        val pairs = listOf(
            "text on background" to (R.color.on_background to R.color.background),
            "muted on background" to (R.color.muted to R.color.background),
            "text on surface" to (R.color.on_background to R.color.surface),
            "muted on surface" to (R.color.muted to R.color.surface),
            "text on surface variant" to (R.color.on_background to R.color.surface_variant),
            "primary button" to (R.color.on_primary to R.color.primary),
            "999 button" to (R.color.on_danger to R.color.danger),
            "primary text on background" to (R.color.primary to R.color.background),
            "good on background" to (R.color.good to R.color.background),
            "caution on background" to (R.color.caution to R.color.background),
            "neutral banner" to (R.color.on_background to R.color.banner_neutral),
            "good banner" to (R.color.on_background to R.color.banner_good),
            "caution banner" to (R.color.on_background to R.color.banner_caution),
            "danger banner" to (R.color.on_background to R.color.banner_danger),
            // Tone-coloured text on its own banner (a check-in's status) and urgent text.
            "good on good banner" to (R.color.good to R.color.banner_good),
            "caution on caution banner" to (R.color.caution to R.color.banner_caution),
            "danger text on danger banner" to (R.color.danger_text to R.color.banner_danger),
            "danger text on background" to (R.color.danger_text to R.color.background),
            "danger text on surface" to (R.color.danger_text to R.color.surface),
            "muted on caution banner" to (R.color.muted to R.color.banner_caution),
            "muted on danger banner" to (R.color.muted to R.color.banner_danger),
        )
        for ((what, colours) in pairs) {
            val ratio = Contrast.ratio(c(colours.first), c(colours.second))
            assertTrue("$what: contrast ${"%.2f".format(ratio)} < 4.5", ratio >= 4.5)
        }
    }
}

/** WCAG 2.x contrast ratio. */
object Contrast {
    private fun channel(v: Int): Double {
        val s = v / 255.0
        return if (s <= 0.03928) s / 12.92 else Math.pow((s + 0.055) / 1.055, 2.4)
    }

    fun luminance(color: Int) =
        0.2126 * channel(Color.red(color)) + 0.7152 * channel(Color.green(color)) + 0.0722 * channel(Color.blue(color))

    fun ratio(a: Int, b: Int): Double {
        val (hi, lo) = listOf(luminance(a), luminance(b)).sortedDescending()
        return (hi + 0.05) / (lo + 0.05)
    }
}
