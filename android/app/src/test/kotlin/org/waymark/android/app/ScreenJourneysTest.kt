package org.waymark.android.app

import android.app.Activity
import android.content.ContentProvider
import android.content.ContentValues
import android.content.Intent
import android.database.Cursor
import android.net.Uri
import android.os.ParcelFileDescriptor
import org.junit.Assert.assertEquals
import org.junit.Assert.assertFalse
import org.junit.Assert.assertNotNull
import org.junit.Assert.assertNull
import org.junit.Assert.assertTrue
import org.junit.Test
import org.junit.runner.RunWith
import org.robolectric.Robolectric
import org.robolectric.RobolectricTestRunner
import org.robolectric.Shadows.shadowOf
import org.robolectric.annotation.Config
import org.robolectric.annotation.GraphicsMode
import org.waymark.app.model.Screen
import org.waymark.ffi.Vault
import java.io.File
import java.time.Duration
import java.util.concurrent.CountDownLatch
import java.util.concurrent.TimeUnit

/** A document app as the system picker returns it: one file behind a content URI. */
class DocumentsProvider : ContentProvider() {
    override fun onCreate() = true
    override fun openFile(uri: Uri, mode: String): ParcelFileDescriptor =
        ParcelFileDescriptor.open(File(uri.path!!), ParcelFileDescriptor.MODE_READ_ONLY)
    override fun getType(uri: Uri) = "application/pdf"
    override fun query(uri: Uri, p: Array<out String>?, s: String?, a: Array<out String>?, o: String?): Cursor? = null
    override fun insert(uri: Uri, values: ContentValues?): Uri? = null
    override fun delete(uri: Uri, s: String?, a: Array<out String>?) = 0
    override fun update(uri: Uri, v: ContentValues?, s: String?, a: Array<out String>?) = 0

    companion object {
        const val AUTHORITY = "org.waymark.test.documents"
    }
}

/**
 * The later screens driven as a person would, through the real Activity and the real core:
 * an export cancelled half-way, a document imported from the system picker, routes between
 * two saved places, the patterns of what was logged, a risk question answered.
 */
@RunWith(RobolectricTestRunner::class)
@Config(sdk = [34], application = TestApp::class, qualifiers = "w360dp-h780dp-xhdpi")
@GraphicsMode(GraphicsMode.Mode.NATIVE)
class ScreenJourneysTest {
    private fun logSize(d: Driver): ULong {
        val vault = Vault.open(d.app.vaultDir().path, d.app.prf(), d.app.clock)
        vault.unlock(PIN)
        return vault.incidentLog().treeHead().size.also { vault.lock() }
    }

    /**
     * The report is stopped while it is being made (the work thread is held at its first
     * reading of the clock, so Cancel is pressed mid-way every time): the progress card shows
     * on screen, Cancel ends it, nothing is shared, nothing is left in the export folder and
     * nothing is added to the log.
     */
    @Test
    fun anExportCancelledHalfWayLeavesNothingAndLogsNothing() {
        val d = Driver().start()
        d.firstRun()
        d.tap("quick-followed")
        val before = logSize(d)
        val release = CountDownLatch(1)
        d.app.clock.holdWork = release
        try {
            d.tap("nav-export")
            d.tap("export-report")
            assertTrue("the export started", d.app.clock.held.await(30, TimeUnit.SECONDS))
            // The progress card, redrawn from view() while the work runs.
            shadowOf(android.os.Looper.getMainLooper()).idleFor(Duration.ofMillis(300))
            d.settle()
            assertNotNull("the work card shows", d.find("work"))
            Screens.shoot(d.activity, "52-export-working")
            d.tap("work-cancel")
        } finally {
            d.app.clock.holdWork = null
            release.countDown()
        }
        d.awaitWork { d.app.shell.core.view().work == null }
        d.settle()
        assertNull("the card is gone", d.find("work"))
        assertTrue(
            "nothing shared",
            generateSequence { shadowOf(d.activity).nextStartedActivity }.none { it.action == Intent.ACTION_CHOOSER },
        )
        assertEquals("no file left", 0, VaultFileProvider.shareDir(d.activity).listFiles()?.size ?: 0)
        assertNull((d.screen() as Screen.Export).export.ready)
        assertEquals("nothing logged", before, logSize(d))
    }

    /**
     * "Add a file" opens the system picker (ACTION_OPEN_DOCUMENT); the document it returns is
     * read by the core straight from its file descriptor into the vault, attached to the
     * incident, and no copy of it is left in the app's files.
     */
    @Test
    fun aDocumentFromTheSystemPickerIsStoredWithTheIncident() {
        val d = Driver().start()
        d.firstRun()
        d.tap("quick-unwanted_contact")
        val marker = "WAYMARK-DOCUMENT-MARKER"
        val doc = File.createTempFile("voicemail", ".pdf").apply {
            writeBytes("%PDF-1.4\n".toByteArray() + ByteArray(70_000) { (it % 13).toByte() } + marker.toByteArray())
            deleteOnExit()
        }
        Robolectric.setupContentProvider(DocumentsProvider::class.java, DocumentsProvider.AUTHORITY)
        d.tap("add-files")
        val request = shadowOf(d.activity).nextStartedActivityForResult
        assertNotNull("the picker opened", request)
        assertEquals(Intent.ACTION_OPEN_DOCUMENT, request.intent.action)
        assertTrue(request.intent.hasCategory(Intent.CATEGORY_OPENABLE))
        assertEquals("*/*", request.intent.type)
        assertNull("any kind of file", request.intent.getStringArrayExtra(Intent.EXTRA_MIME_TYPES))
        val uri = Uri.Builder().scheme("content").authority(DocumentsProvider.AUTHORITY).path(doc.path).build()
        shadowOf(d.activity).receiveResult(request.intent, Activity.RESULT_OK, Intent().setData(uri))
        d.settle()

        val id = (d.screen() as Screen.Home).home.recent.first().id
        d.tap("recent-$id")
        val incident = (d.screen() as Screen.Incident).incident
        assertEquals(1, incident.evidence.size)
        assertEquals(doc.length().toULong(), incident.evidence.single().size)
        // Only the vault's ciphertext holds it: the marker is in no file of the app.
        val leaked = d.app.filesDir.parentFile!!.walkTopDown().filter { it.isFile }
            .filter { String(it.readBytes(), Charsets.ISO_8859_1).contains(marker) }.toList()
        assertTrue("plain copies: $leaked", leaked.isEmpty())
    }

    /**
     * "Add a photo or screenshot" opens the system photo picker (ACTION_PICK_IMAGES on API 33+),
     * not the files app; the screenshot it returns is stored as a picture.
     */
    @Test
    fun aScreenshotFromThePhotoPickerIsStoredAsAPicture() {
        val d = Driver().start()
        d.firstRun()
        d.tap("quick-online_accounts")
        val marker = "WAYMARK-SCREENSHOT-MARKER"
        val png = byteArrayOf(0x89.toByte(), 'P'.code.toByte(), 'N'.code.toByte(), 'G'.code.toByte(), 13, 10, 26, 10)
        val shot = File.createTempFile("Screenshot", ".png").apply {
            writeBytes(png + ByteArray(40_000) { (it % 7).toByte() } + marker.toByteArray())
            deleteOnExit()
        }
        Robolectric.setupContentProvider(DocumentsProvider::class.java, DocumentsProvider.AUTHORITY)
        d.tap("add-photos")
        val request = shadowOf(d.activity).nextStartedActivityForResult
        assertNotNull("the picker opened", request)
        assertEquals(android.provider.MediaStore.ACTION_PICK_IMAGES, request.intent.action)
        val uri = Uri.Builder().scheme("content").authority(DocumentsProvider.AUTHORITY).path(shot.path).build()
        shadowOf(d.activity).receiveResult(request.intent, Activity.RESULT_OK, Intent().setData(uri))
        d.settle()
        assertEquals("Picture added.", d.app.shell.core.view().banner?.text)
        val id = (d.screen() as Screen.Home).home.recent.first().id
        d.tap("recent-$id")
        val row = (d.screen() as Screen.Incident).incident.evidence.single()
        assertEquals("Picture", row.label)
        assertEquals("image/png", row.mediaType)
        val leaked = d.app.filesDir.parentFile!!.walkTopDown().filter { it.isFile }
            .filter { String(it.readBytes(), Charsets.ISO_8859_1).contains(marker) }.toList()
        assertTrue("plain copies: $leaked", leaked.isEmpty())
    }

    /** Two places saved, routes found between them, another one chosen, a week planned. */
    @Test
    fun routesBetweenTwoSavedPlacesCanBeChosenAndPlanned() {
        val d = Driver().start()
        d.firstRun()
        d.tap("nav-routes")
        for ((name, at) in listOf("Home" to ("60.1690" to "24.9400"), "Work" to ("60.1760" to "24.9480"))) {
            d.type("place-name", name)
            d.type("place-lat", at.first)
            d.type("place-lon", at.second)
            d.tap("add-place")
        }
        assertNotNull(d.find("place-Home"))
        assertNotNull(d.find("place-Work"))
        d.type("route-from", "Home")
        d.type("route-to", "Work")
        d.tap("find-routes")
        var routes = (d.screen() as Screen.Routes).routes
        assertTrue("at least two different routes: ${routes.alternatives.size}", routes.alternatives.size >= 2)
        assertEquals(listOf(0u), routes.alternatives.filter { it.selected }.map { it.index })
        assertEquals(routes.alternatives.size, routes.drawing!!.routes.size)
        d.tap("select-route-1")
        routes = (d.screen() as Screen.Routes).routes
        assertEquals(listOf(1u), routes.alternatives.filter { it.selected }.map { it.index })
        assertNull("the chosen one has no 'choose' button", d.find("select-route-1"))
        assertNotNull(d.find("select-route-0"))
        d.type("arrive-by", "0900")
        d.tap("plan-trips")
        val plan = (d.screen() as Screen.Routes).routes.plan
        assertNotNull("a plan: ${d.app.shell.core.view().banner}", plan)
        assertTrue("a trip per day: ${plan!!.trips.size}", plan.trips.size >= 5)
        assertTrue("each arrives by 09:00: ${plan.trips.map { it.arrive }}", plan.trips.all { it.arrive <= "09:00" })
        assertNotNull(d.find("plan-today") ?: d.find("plan-trips"))
        assertEquals(540u, RoutesView.minuteOfDay("09:00"))
        assertEquals(null, RoutesView.minuteOfDay("25:00"))
        // Saved places stay: after a lock and unlock they are still there.
        d.tap("back")
        d.tap("lock-now")
        d.pin(PIN)
        d.tap("nav-routes")
        assertEquals(listOf("Home", "Work"), (d.screen() as Screen.Routes).routes.places.map { it.name }.sorted())
    }

    /** What was logged shows in the patterns; a risk question answered stays answered. */
    @Test
    fun patternsCountWhatWasLoggedAndARiskAnswerIsKept() {
        val d = Driver().start()
        d.firstRun()
        repeat(3) {
            d.tap("quick-followed")
            d.wait(Duration.ofMinutes(20))
        }
        d.tap("quick-watching")
        d.tap("nav-insights")
        val ins = (d.screen() as Screen.Insights).insights
        assertEquals(4u, ins.incidentCount)
        assertEquals(4u, ins.byHour.sum())
        assertNotNull(d.find("safety-note"))
        d.tap("back")

        d.tap("nav-risk")
        val risk = (d.screen() as Screen.Risk).risk
        val q = risk.questions.first()
        assertNull(q.answer)
        d.type("note-${q.id}", "Since the summer")
        d.tap("question-${q.id}-yes")
        assertEquals("YES", (d.screen() as Screen.Risk).risk.questions.first().answer?.choice?.name)
        assertTrue(d.texts().contains("Since the summer"))
        d.tap("back")
        d.tap("lock-now")
        d.pin(PIN)
        d.tap("nav-risk")
        val again = (d.screen() as Screen.Risk).risk.questions.first { it.id == q.id }
        assertEquals("YES", again.answer?.choice?.name)
        assertEquals("Since the summer", again.answer?.note)
        assertFalse(d.texts().any { it.contains("Invalid") })
    }
}
