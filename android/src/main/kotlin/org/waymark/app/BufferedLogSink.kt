package org.waymark.app

import org.waymark.ffi.LogEvent
import org.waymark.ffi.LogSink

/**
 * Keeps the last [capacity] log events from the core in memory (for a "send diagnostics"
 * screen, or tests). Events are already free of personal data; this adds nothing to them.
 * Thread-safe: the core logs from whichever thread made the call.
 */
class BufferedLogSink(private val capacity: Int = 500) : LogSink {
    private val events = ArrayDeque<LogEvent>()

    override fun log(event: LogEvent) {
        synchronized(events) {
            if (events.size == capacity) events.removeFirst()
            events.addLast(event)
        }
    }

    fun snapshot(): List<LogEvent> = synchronized(events) { events.toList() }
}
