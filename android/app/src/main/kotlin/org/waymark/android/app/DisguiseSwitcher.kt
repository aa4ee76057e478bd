package org.waymark.android.app

import android.content.ComponentName
import android.content.Context
import android.content.pm.PackageManager

/**
 * The launcher name and icon the person chose: one activity-alias enabled, the others
 * disabled (AndroidManifest.xml). The names here are component names, not words on screen.
 */
object DisguiseSwitcher {
    val ALIASES = mapOf(
        "default" to "org.waymark.LauncherDefault",
        "notes" to "org.waymark.LauncherNotes",
        "tasks" to "org.waymark.LauncherTasks",
        "weather" to "org.waymark.LauncherWeather",
    )

    /** Enables the alias for [id] first, then disables the rest, so there is always an entry. */
    fun apply(context: Context, id: String): Boolean {
        val chosen = ALIASES[id] ?: return false
        val pm = context.packageManager
        fun set(name: String, on: Boolean) = pm.setComponentEnabledSetting(
            ComponentName(context.packageName, name),
            if (on) PackageManager.COMPONENT_ENABLED_STATE_ENABLED else PackageManager.COMPONENT_ENABLED_STATE_DISABLED,
            PackageManager.DONT_KILL_APP,
        )
        set(chosen, true)
        for (other in ALIASES.values) if (other != chosen) set(other, false)
        return true
    }

    fun current(context: Context): String? = ALIASES.entries.firstOrNull { (_, name) ->
        val state = context.packageManager.getComponentEnabledSetting(ComponentName(context.packageName, name))
        state == PackageManager.COMPONENT_ENABLED_STATE_ENABLED ||
            (state == PackageManager.COMPONENT_ENABLED_STATE_DEFAULT && name == ALIASES["default"])
    }?.key
}
