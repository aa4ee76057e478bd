package org.waymark.android.app

import android.content.ComponentName
import android.content.Context
import android.content.pm.PackageManager
import org.waymark.app.model.Disguise

/**
 * Carries out `SetDisguise`: the launcher name and icon the person chose (in the app model's
 * set-up or settings) is one activity-alias, enabled; the others are disabled
 * (AndroidManifest.xml). The names here are component names, not words on screen.
 */
object DisguiseSwitcher {
    val ALIASES = mapOf(
        Disguise.PLAIN to "org.waymark.LauncherDefault",
        Disguise.NOTES to "org.waymark.LauncherNotes",
        Disguise.TASKS to "org.waymark.LauncherTasks",
        Disguise.WEATHER to "org.waymark.LauncherWeather",
        Disguise.CALCULATOR to "org.waymark.LauncherCalculator",
    )

    /** Enables the alias for [kind] first, then disables the rest, so there is always an entry. */
    fun apply(context: Context, kind: Disguise) {
        val chosen = ALIASES.getValue(kind)
        val pm = context.packageManager
        fun set(name: String, on: Boolean) = pm.setComponentEnabledSetting(
            ComponentName(context.packageName, name),
            if (on) PackageManager.COMPONENT_ENABLED_STATE_ENABLED else PackageManager.COMPONENT_ENABLED_STATE_DISABLED,
            PackageManager.DONT_KILL_APP,
        )
        set(chosen, true)
        for (other in ALIASES.values) if (other != chosen) set(other, false)
    }

    /** The launcher entry showing now (the manifest enables the plain one until a choice). */
    fun current(context: Context): Disguise? = ALIASES.entries.firstOrNull { (kind, name) ->
        val state = context.packageManager.getComponentEnabledSetting(ComponentName(context.packageName, name))
        state == PackageManager.COMPONENT_ENABLED_STATE_ENABLED ||
            (state == PackageManager.COMPONENT_ENABLED_STATE_DEFAULT && kind == Disguise.PLAIN)
    }?.key
}
