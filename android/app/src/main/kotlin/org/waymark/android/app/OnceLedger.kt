package org.waymark.android.app

import android.content.Context

/**
 * Effect ids this phone has already carried out (texts to a buddy). The app model emits such an
 * effect once; this makes sure that a repeat (a wake-up delivered twice, a process restarted
 * mid-way) never sends a second text. Holds opaque ids only, never a number or a message.
 */
class OnceLedger(context: Context, private val keep: Int = 500) {
    private val prefs = context.getSharedPreferences("waymark.effects", Context.MODE_PRIVATE)

    /** True the first time [id] is seen (and records it), false ever after. */
    @Synchronized
    fun firstTime(id: String): Boolean {
        val ids = prefs.getString(KEY, "")!!.split('\n').filter { it.isNotEmpty() }
        if (id in ids) return false
        val kept = (ids + id).takeLast(keep)
        // commit(), not apply(): the text is sent right after, and a crash in between must not
        // lose the record.
        prefs.edit().putString(KEY, kept.joinToString("\n")).commit()
        return true
    }

    private companion object {
        const val KEY = "done"
    }
}
