package org.waymark.android.app

import android.content.Context
import android.os.Handler
import android.os.Looper
import java.util.concurrent.ExecutorService
import java.util.concurrent.Executors
import org.waymark.app.model.AppCore
import org.waymark.app.model.AppEvent
import org.waymark.app.model.AppUpdate
import org.waymark.app.model.Effect
import org.waymark.app.RelayHttp

/**
 * The one app model of the process, and the thread it works on. Events go to the core on a
 * single worker thread (unlocking stretches the PIN for about half a second, which must not
 * freeze the screen); answers come back on the main thread, where the phone's own effects are
 * carried out and the screen, if one is showing, draws the view model.
 */
class Shell(context: Context, val core: AppCore) {
    private val app = context.applicationContext
    private val main = Handler(Looper.getMainLooper())
    private val phone = PhoneEffects(app)
    val worker: ExecutorService = Executors.newSingleThreadExecutor { r ->
        Thread(r, "waymark-core").apply { isDaemon = true }
    }

    /** The showing screen; it carries out the effects that need one (dialler, camera, ...). */
    @Volatile
    var screen: ((AppUpdate) -> Unit)? = null

    /**
     * Texts to send by hand (`ComposeSms`: the person refused SEND_SMS, or a phone that cannot
     * text by itself) that came while no screen was in front: Android does not let an app in
     * the background open another app, so they wait for [screenInFront].
     */
    private val waiting = mutableListOf<Effect.ComposeSms>()

    fun keepForScreen(text: Effect.ComposeSms) = synchronized(waiting) { waiting.add(text) }

    /** A screen is in front: it gets the texts that waited, in order. */
    fun screenInFront() {
        val texts = synchronized(waiting) { waiting.toList().also { waiting.clear() } }
        if (texts.isEmpty()) return
        worker.execute {
            val view = core.view()
            main.post {
                val draw = screen
                if (draw != null) draw(AppUpdate(view, texts)) else texts.forEach(::keepForScreen)
            }
        }
    }

    fun send(event: AppEvent) = onWorker { dispatch -> dispatch(event) }

    /**
     * Runs [block] on the worker thread; each event it hands to `dispatch` is handled there at
     * once, in order (a photo streamed chunk by chunk, a picked file read while its descriptor
     * is open), and each answer is delivered on the main thread.
     */
    fun onWorker(block: (dispatch: (AppEvent) -> Unit) -> Unit) {
        worker.execute {
            block { event ->
                val update = core.dispatch(event)
                main.post { deliver(update) }
            }
        }
    }

    /**
     * Long work (an export): `runWork` blocks for seconds to minutes, so it runs on its own
     * thread; the worker keeps answering events meanwhile (Cancel among them), and the screen
     * redraws the progress from `view()`.
     */
    fun runWork(id: String) {
        workInFlight.incrementAndGet()
        Thread({
            try {
                val update = core.runWork(id)
                main.post { deliver(update) }
            } finally {
                workInFlight.decrementAndGet()
            }
        }, "waymark-work").apply { isDaemon = true }.start()
    }

    /**
     * Long work whose answer has not yet been posted to the main thread. The core's view says
     * the work ended before `runWork` returns; only when this is 0 is its answer (the share
     * sheet, the card's removal) queued for the screen.
     */
    val workInFlight = java.util.concurrent.atomic.AtomicInteger(0)

    /** Redraws the showing screen from the current view model (progress of long work). */
    fun refresh() = worker.execute {
        val view = core.view()
        main.post { screen?.invoke(AppUpdate(view, emptyList())) }
    }

    /**
     * A request to the check-in relay: carried on a thread of its own (it may wait up to 15 s
     * for a slow network), its answer sent back as an event like any other outcome.
     */
    fun http(effect: Effect.Http) {
        Thread({ send(RelayHttp.carry(effect)) }, "waymark-relay").apply { isDaemon = true }.start()
    }

    private fun deliver(update: AppUpdate) {
        update.effects.filterIsInstance<Effect.Http>().forEach(::http)
        val outcomes = phone.carryOut(update.effects)
        val draw = screen
        if (draw != null) draw(update) else update.effects.filterIsInstance<Effect.ComposeSms>().forEach(::keepForScreen)
        outcomes.forEach(::send)
    }

    /**
     * For receivers (woken with or without a screen): handles [event] on the worker thread,
     * after any event already in flight, and carries out the phone's effects there at once
     * (texts, alarms, notifications), then their outcomes; [done] runs last, whatever happened.
     * A showing screen gets the answers to draw. The main thread never waits for the core,
     * which an unlock can hold for half a second.
     */
    fun handleInBackground(event: AppEvent, done: () -> Unit) {
        worker.execute {
            try {
                var pending = listOf(event)
                // Outcomes can lead to more effects; a few rounds at most (a text, then its outcome).
                repeat(MAX_ROUNDS) {
                    if (pending.isEmpty()) return@repeat
                    pending = pending.flatMap { e ->
                        val update = core.dispatch(e)
                        val outcomes = phone.carryOut(update.effects)
                        // The screen carries out only its own effects; the phone's are done.
                        val draw = screen
                        if (draw != null) {
                            main.post { draw(update) }
                        } else {
                            update.effects.filterIsInstance<Effect.ComposeSms>().forEach(::keepForScreen)
                        }
                        outcomes
                    }
                }
            } finally {
                done()
            }
        }
    }

    private companion object {
        const val MAX_ROUNDS = 4
    }
}
