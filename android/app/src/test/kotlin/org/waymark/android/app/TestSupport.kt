package org.waymark.android.app

import android.graphics.Bitmap
import android.graphics.Canvas
import android.graphics.Rect
import android.os.Looper
import android.util.TypedValue
import android.view.View
import android.view.ViewGroup
import android.widget.EditText
import android.widget.ScrollView
import android.widget.TextView
import org.junit.Assert.assertNotNull
import org.junit.Assert.assertTrue
import org.junit.Assert.fail
import org.robolectric.Robolectric
import org.robolectric.Shadows.shadowOf
import org.robolectric.android.controller.ActivityController
import org.waymark.app.MacHardwarePrf
import org.waymark.app.model.AppConfig
import org.waymark.app.model.SmsAbility
import org.waymark.ffi.HardwarePrf
import org.waymark.ffi.KeyDerivation
import org.waymark.ffi.WallClock
import java.io.File
import java.io.FileOutputStream
import java.time.Duration
import java.time.Instant
import javax.crypto.spec.SecretKeySpec

/** A clock the test moves by hand (the app model, the vault and the check-in all read it). */
class TestClock(@Volatile var now: Instant = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS)) : WallClock {
    /**
     * Set to stop the long-work thread ("waymark-work") at its first reading of the clock until
     * the latch opens, so a test can act while the work is under way (an export reads the clock
     * early, before rendering); [held] opens when it has stopped there.
     */
    @Volatile var holdWork: java.util.concurrent.CountDownLatch? = null
    val held = java.util.concurrent.CountDownLatch(1)

    override fun now(): Instant {
        val hold = holdWork
        if (hold != null && Thread.currentThread().name == "waymark-work") {
            held.countDown()
            hold.await()
        }
        return now
    }
    fun advance(by: Duration) { now = now.plus(by) }
}

/**
 * The app as tests run it: a software PRF instead of the Keystore (the same fixed key as the
 * CLI's `SoftwarePrfNoHardware`, so a test can also open the vault with the `waymark` command),
 * cheap key stretching, a scripted clock starting now.
 */
class TestApp : WaymarkApplication() {
    override fun onCreate() {
        oneSandbox()
        super.onCreate()
    }

    val clock = TestClock()
    val key = SecretKeySpec("waymark software prf: no hardware protection".toByteArray(), "HmacSHA256")
    fun prf(): HardwarePrf = MacHardwarePrf({ key })
    override fun hardwarePrf(): HardwarePrf = prf()
    override fun keyDerivation(): KeyDerivation = KeyDerivation.MinimalForTestsOnly
    override fun clock(): WallClock = clock
    override fun config() = AppConfig(language = "en-GB", region = "GB", sms = SmsAbility.SEND_SILENTLY, utcOffsetMinutes = 0)
}

/**
 * Fails clearly when a test runs in a second Robolectric sandbox in this process. The Rust
 * library is loaded once per process, and UniFFI registers the Kotlin callback table (hardware
 * PRF, clock) with it once per class loader; the library keeps the first, so a later sandbox's
 * callbacks would be looked up in the first one's handle map ("a platform callback failed").
 * The pom gives every class the same sandbox (sdk 34, native graphics).
 */
fun oneSandbox() {
    val mine = System.identityHashCode(HardwarePrf::class.java.classLoader).toString()
    // System properties belong to the JVM, not to a sandbox: the first sandbox writes its id.
    val first = System.getProperty("waymark.test.sandbox") ?: mine.also { System.setProperty("waymark.test.sandbox", it) }
    check(first == mine) {
        "a second Robolectric sandbox in one JVM: give this test class sdk = [34] and native graphics like the others"
    }
}

/** Drives the real MainActivity like a person would: taps by tag, waits for the core's answers. */
class Driver(val controller: ActivityController<MainActivity> = Robolectric.buildActivity(MainActivity::class.java)) {
    val activity: MainActivity get() = controller.get()
    val app: TestApp get() = activity.application as TestApp
    var taps = 0

    fun start(): Driver { controller.setup(); settle(); return this }

    /** Lets the core's worker finish and the main thread draw, a few rounds (outcomes lead to events). */
    fun settle() {
        repeat(6) {
            app.shell.worker.submit {}.get()
            shadowOf(Looper.getMainLooper()).idle()
        }
    }

    fun find(tag: String): View? = activity.window.decorView.findViewWithTag(tag)

    fun view(tag: String): View = find(tag) ?: fail("no '$tag' on screen; tags: ${tags()}") as Nothing

    fun tap(tag: String) {
        val v = view(tag)
        assertTrue("'$tag' is disabled", v.isEnabled)
        assertTrue("'$tag' did not click", v.performClick())
        taps++
        settle()
    }

    fun pin(digits: String, submit: Boolean = true) {
        for (d in digits) tap("pin-$d")
        if (submit) tap("pin-submit")
    }

    fun type(tag: String, text: String) {
        (view("field-$tag") as EditText).setText(text)
    }

    fun text(tag: String): String = (view(tag) as TextView).text.toString()

    /** Every text on screen, to prove something is (or is not) shown. */
    fun texts(): List<String> = all(activity.window.decorView).filterIsInstance<TextView>()
        .filter { it.isShown }.map { it.text.toString() }

    fun tags(): List<String> = all(activity.window.decorView).mapNotNull { it.tag as? String }

    /** Time passes: the clock moves and the screen's once-a-second tick runs. */
    fun wait(by: Duration) {
        app.clock.advance(by)
        shadowOf(Looper.getMainLooper()).idleFor(Duration.ofSeconds(1))
        settle()
    }
}

fun all(v: View): List<View> = if (v is ViewGroup) listOf(v) + (0 until v.childCount).flatMap { all(v.getChildAt(it)) } else listOf(v)

/**
 * Draws the whole window at phone size into a PNG (folder: -Dwaymark.screens.dir, printed), and
 * checks what a person needs to read and use it: every clickable thing at least 48 dp each way,
 * text at least 14 sp, no text cut off, no sibling views on top of each other.
 */
object Screens {
    val dir: File = File(System.getProperty("waymark.screens.dir") ?: "target/screens").apply { mkdirs() }
    private var announced = false

    fun shoot(activity: MainActivity, name: String) {
        val decor = activity.window.decorView
        // Lay the whole scrolling content out at full height, so the picture shows all of it.
        val scroll = decor.findViewWithTag<ScrollView>("scroll")
        val extra = scroll?.getChildAt(0)?.let { (it.height - scroll.height).coerceAtLeast(0) } ?: 0
        val width = decor.width
        val height = decor.height + extra
        decor.measure(View.MeasureSpec.makeMeasureSpec(width, View.MeasureSpec.EXACTLY), View.MeasureSpec.makeMeasureSpec(height, View.MeasureSpec.EXACTLY))
        decor.layout(0, 0, width, height)
        audit(activity, name)
        val bitmap = Bitmap.createBitmap(width, height, Bitmap.Config.ARGB_8888)
        decor.draw(Canvas(bitmap))
        val dark = (activity.resources.configuration.uiMode and android.content.res.Configuration.UI_MODE_NIGHT_MASK) ==
            android.content.res.Configuration.UI_MODE_NIGHT_YES
        val out = File(dir, "$name-${if (dark) "dark" else "light"}.png")
        FileOutputStream(out).use { bitmap.compress(Bitmap.CompressFormat.PNG, 100, it) }
        if (!announced) {
            println("screens drawn to ${dir.absolutePath}")
            announced = true
        }
    }

    fun audit(activity: MainActivity, name: String) {
        val dm = activity.resources.displayMetrics
        val minPx = TypedValue.applyDimension(TypedValue.COMPLEX_UNIT_DIP, 48f, dm) - 0.5f
        val views = all(activity.window.decorView).filter { it.isShown }
        for (v in views) {
            if (v.isClickable && v.isEnabled && v !is ScrollView) {
                assertTrue("$name: '${v.tag ?: v}' is ${v.width}x${v.height} px, under 48 dp", v.width >= minPx && v.height >= minPx)
            }
            if (v is TextView && v.text.isNotEmpty()) {
                val sp = v.textSize / dm.scaledDensity
                assertTrue("$name: '${v.text}' at ${"%.1f".format(sp)} sp, under 14", sp >= 13.95f)
                val layout = v.layout
                assertNotNull("$name: '${v.text}' not laid out", layout)
                for (line in 0 until layout.lineCount) {
                    assertTrue("$name: '${v.text}' is cut off", layout.getEllipsisCount(line) == 0)
                }
                val needed = layout.height + v.compoundPaddingTop + v.compoundPaddingBottom
                assertTrue("$name: '${v.text}' needs $needed px, has ${v.height}", v.height >= needed - 1)
            }
        }
        // A grid's cells line up: those side by side in one row share their top and height.
        for (g in views.filterIsInstance<android.widget.GridLayout>()) {
            val cells = (0 until g.childCount).map { g.getChildAt(it) }.filter { it.visibility == View.VISIBLE }
            for (row in cells.chunked(g.columnCount)) {
                assertTrue("$name: a row of '${g.tag}' is uneven: ${row.map { it.top to it.height }}", row.map { it.top to it.height }.distinct().size == 1)
            }
        }
        // Siblings in a linear layout or grid never overlap.
        for (g in views.filterIsInstance<ViewGroup>()) {
            if (g !is android.widget.LinearLayout && g !is android.widget.GridLayout) continue
            val kids = (0 until g.childCount).map { g.getChildAt(it) }.filter { it.visibility == View.VISIBLE && it.width > 0 && it.height > 0 }
            for (i in kids.indices) for (j in i + 1 until kids.size) {
                val a = Rect(kids[i].left, kids[i].top, kids[i].right, kids[i].bottom)
                val b = Rect(kids[j].left, kids[j].top, kids[j].right, kids[j].bottom)
                assertTrue("$name: '${kids[i].tag}' overlaps '${kids[j].tag}'", !Rect.intersects(a, b))
            }
        }
    }
}

const val PHOTO_MARKER = "WAYMARK-PHOTO-MARKER"

/**
 * After "add a photo": the system camera (faked) writes a JPEG into the URI it was handed and
 * returns OK. Returns the bytes it wrote.
 */
fun Driver.takePhoto(): ByteArray {
    tap("add-take-photo")
    val request = shadowOf(activity).nextStartedActivityForResult
    assertNotNull("the camera was opened", request)
    org.junit.Assert.assertEquals(android.provider.MediaStore.ACTION_IMAGE_CAPTURE, request.intent.action)
    @Suppress("DEPRECATION")
    val out = request.intent.getParcelableExtra<android.net.Uri>(android.provider.MediaStore.EXTRA_OUTPUT)!!
    org.junit.Assert.assertEquals(VaultFileProvider.AUTHORITY, out.authority)
    val photo = byteArrayOf(0xFF.toByte(), 0xD8.toByte(), 0xFF.toByte(), 0xE0.toByte()) + ByteArray(150_000) { (it % 251).toByte() } +
        PHOTO_MARKER.toByteArray() + byteArrayOf(0xFF.toByte(), 0xD9.toByte())
    activity.contentResolver.openOutputStream(out)!!.use { it.write(photo) }
    shadowOf(activity).receiveResult(request.intent, android.app.Activity.RESULT_OK, null)
    settle()
    return photo
}

const val VIDEO_MARKER = "WAYMARK-VIDEO-MARKER"

/**
 * After "record a video": the system camera (faked) records into the URI it was handed (an MP4
 * of [size] bytes with [VIDEO_MARKER] in it) and returns OK. Returns the bytes it wrote.
 */
fun Driver.recordVideo(size: Int = 3 * 1024 * 1024 + 17): ByteArray {
    tap("add-record-video")
    val request = shadowOf(activity).nextStartedActivityForResult
    assertNotNull("the camera was opened", request)
    org.junit.Assert.assertEquals(android.provider.MediaStore.ACTION_VIDEO_CAPTURE, request.intent.action)
    @Suppress("DEPRECATION")
    val out = request.intent.getParcelableExtra<android.net.Uri>(android.provider.MediaStore.EXTRA_OUTPUT)!!
    org.junit.Assert.assertEquals(VaultFileProvider.AUTHORITY, out.authority)
    org.junit.Assert.assertEquals("video/mp4", activity.contentResolver.getType(out))
    // The app model's limits reach the camera: 20 minutes, a sixteenth under the core's 4 GiB.
    org.junit.Assert.assertEquals(20 * 60, request.intent.getIntExtra(android.provider.MediaStore.EXTRA_DURATION_LIMIT, -1))
    org.junit.Assert.assertEquals((4L shl 30) - (4L shl 30) / 16, request.intent.getLongExtra(android.provider.MediaStore.EXTRA_SIZE_LIMIT, -1))
    val head = "\u0000\u0000\u0000\u0018ftypmp42\u0000\u0000\u0000\u0000mp42isom".toByteArray(Charsets.ISO_8859_1)
    val video = head + ByteArray(size - head.size - VIDEO_MARKER.length) { (it % 249).toByte() } + VIDEO_MARKER.toByteArray()
    activity.contentResolver.openOutputStream(out)!!.use { it.write(video) }
    shadowOf(activity).receiveResult(request.intent, android.app.Activity.RESULT_OK, null)
    settle()
    return video
}

/** Waits (up to a minute) for long work started by the app model to end, the main thread idling. */
fun Driver.awaitWork(done: () -> Boolean) {
    val deadline = System.nanoTime() + 60_000_000_000L
    // The work thread's answer must be on the main queue too, not only the core's state changed.
    while (!(done() && app.shell.workInFlight.get() == 0)) {
        assertTrue("the long work did not end within a minute", System.nanoTime() < deadline)
        Thread.sleep(50)
        settle()
    }
}

/** From home: the export screen, the report made; returns the share sheet's intent. */
fun Driver.exportReport(shoot: Boolean = false): android.content.Intent {
    tap("nav-export")
    if (shoot) Screens.shoot(activity, "50-export")
    tap("export-report")
    awaitWork { (screen() as? org.waymark.app.model.Screen.Export)?.export?.ready != null && app.shell.core.view().work == null }
    settle()
    if (shoot) Screens.shoot(activity, "51-export-ready")
    val chooser = generateSequence { shadowOf(activity).nextStartedActivity }.firstOrNull { it.action == android.content.Intent.ACTION_CHOOSER }
    assertNotNull("the share sheet opened", chooser)
    @Suppress("DEPRECATION")
    return chooser!!.getParcelableExtra<android.content.Intent>(android.content.Intent.EXTRA_INTENT)!!
}
