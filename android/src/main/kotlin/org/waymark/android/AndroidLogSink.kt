package org.waymark.android

import android.util.Log
import org.waymark.ffi.LogEvent
import org.waymark.ffi.LogLevel
import org.waymark.ffi.LogSink

/** Sends the core's log events (already free of personal data) to Logcat. */
class AndroidLogSink(private val tag: String = "Waymark") : LogSink {
    override fun log(event: LogEvent) {
        val text = "${event.target}: ${event.message}"
        when (event.level) {
            LogLevel.ERROR -> Log.e(tag, text)
            LogLevel.WARN -> Log.w(tag, text)
            LogLevel.INFO -> Log.i(tag, text)
            LogLevel.DEBUG -> Log.d(tag, text)
            LogLevel.TRACE -> Log.v(tag, text)
        }
    }
}
