package org.waymark.android.app

import android.Manifest
import android.app.Activity
import android.content.ActivityNotFoundException
import android.content.ClipData
import android.content.Intent
import android.content.pm.PackageManager
import android.location.LocationManager
import android.net.Uri
import android.os.Build
import android.os.Bundle
import android.os.Handler
import android.os.Looper
import android.provider.MediaStore
import android.view.HapticFeedbackConstants
import android.view.View
import android.view.ViewGroup
import android.view.WindowManager
import android.widget.FrameLayout
import android.widget.LinearLayout
import android.widget.ScrollView
import android.widget.Toast
import java.io.File
import org.waymark.R
import org.waymark.android.EmergencyDialer
import org.waymark.app.model.AppEvent
import org.waymark.app.model.AppUpdate
import org.waymark.app.model.CaptureKind
import org.waymark.app.model.Effect
import org.waymark.app.model.HapticKind
import org.waymark.app.model.Permission
import org.waymark.app.model.PickSource
import org.waymark.app.model.Screen
import org.waymark.app.model.ViewModel

/**
 * The one Activity. It reports what the person does and what the phone did as events, draws
 * each view model the app model answers with, and carries out the effects that need a screen
 * (dialler, SMS app, camera, file picker, share sheet, permissions, location, haptics). It
 * decides nothing: which screen, which words and what happens next are the app model's.
 */
class MainActivity : Activity() {
    private lateinit var shell: Shell
    private lateinit var ui: Ui
    private lateinit var chrome: Chrome
    private lateinit var fields: Fields
    private lateinit var root: FrameLayout
    private lateinit var cover: View
    private val main = Handler(Looper.getMainLooper())
    private var shown: ViewModel? = null
    private var shownScreen: Class<*>? = null
    private var started = false

    /** Between onStart and onStop: only then may the app open another app (the SMS app). */
    private var inFront = false

    /** The camera's file while it is out taking a photo or video. */
    private var captureFile: File? = null

    /** About once a second while something on screen counts down. */
    private val ticker = object : Runnable {
        override fun run() {
            shell.send(AppEvent.Tick)
            main.postDelayed(this, 1000)
        }
    }

    /** About 4 times a second while long work shows its progress. */
    private val progress = object : Runnable {
        override fun run() {
            if (shown?.work == null) return
            shell.refresh()
            main.postDelayed(this, 250)
        }
    }

    override fun onCreate(savedInstanceState: Bundle?) {
        Discretion.secureWindow(this)
        super.onCreate(savedInstanceState)
        shell = (application as WaymarkApplication).shell
        ui = Ui(this)
        chrome = Chrome(ui, ::send)
        fields = Fields(ui)
        root = FrameLayout(this)
        cover = View(this).apply {
            setBackgroundColor(ui.color(R.color.background))
            visibility = View.GONE
            tag = "cover"
        }
        setContentView(root)
        shell.screen = ::onUpdate
        send(AppEvent.Started)
    }

    override fun onStart() {
        super.onStart()
        inFront = true
        if (started) send(AppEvent.Foregrounded)
        started = true
        shell.screenInFront()
    }

    override fun onResume() {
        super.onResume()
        main.removeCallbacks(ticker)
        main.postDelayed(ticker, 1000)
    }

    override fun onPause() {
        main.removeCallbacks(ticker)
        super.onPause()
    }

    override fun onStop() {
        // Covered at once, before the system takes its picture for the app switcher.
        cover.visibility = View.VISIBLE
        inFront = false
        send(AppEvent.Backgrounded)
        super.onStop()
    }

    override fun onDestroy() {
        if (shell.screen == ::onUpdate) shell.screen = null
        main.removeCallbacks(ticker)
        main.removeCallbacks(progress)
        super.onDestroy()
    }

    @Deprecated("Activity API")
    override fun onBackPressed() {
        if (shown?.backLabel != null) send(AppEvent.Back) else moveTaskToBack(true)
    }

    fun send(event: AppEvent) = shell.send(event)

    private fun onUpdate(update: AppUpdate) {
        for (effect in update.effects) carryOut(effect)
        val wasWorking = shown?.work != null
        if (update.view != shown) draw(update.view)
        if (!wasWorking && update.view.work != null) main.postDelayed(progress, 250)
    }

    // ----- drawing -----

    private fun draw(view: ViewModel) {
        val previous = root.findViewWithTag<ScrollView>("scroll")?.scrollY ?: 0
        val sameScreen = shownScreen == view.screen.javaClass
        if (!sameScreen) fields.clear()
        shown = view
        shownScreen = view.screen.javaClass
        title = view.title
        root.removeAllViews()
        cover.visibility = if (view.hideContent) View.VISIBLE else View.GONE
        if (!view.hideContent) {
            val page = LinearLayout(this).apply { orientation = LinearLayout.VERTICAL }
            page.addView(chrome.titleBar(view.title, view.backLabel))
            val content = LinearLayout(this).apply { orientation = LinearLayout.VERTICAL }
            view.work?.let { content.addView(chrome.work(it), ui.spaced(8).apply { marginStart = ui.dp(16); marginEnd = ui.dp(16) }) }
            view.smsFailed?.let { content.addView(chrome.smsFailure(it), ui.spaced(8).apply { marginStart = ui.dp(16); marginEnd = ui.dp(16) }) }
            view.banner?.let { content.addView(chrome.banner(it), ui.spaced(8).apply { marginStart = ui.dp(16); marginEnd = ui.dp(16) }) }
            content.addView(screen(view.screen))
            val scroll = ScrollView(this).apply {
                tag = "scroll"
                isFillViewport = true
                addView(content)
            }
            page.addView(scroll, LinearLayout.LayoutParams(ViewGroup.LayoutParams.MATCH_PARENT, 0, 1f))
            page.addView(chrome.emergencyBar(view.emergency, showHelp = view.screen !is Screen.Help))
            root.addView(page)
            if (sameScreen) scroll.post { scroll.scrollTo(0, previous) }
        }
        root.addView(cover, FrameLayout.LayoutParams(ViewGroup.LayoutParams.MATCH_PARENT, ViewGroup.LayoutParams.MATCH_PARENT))
    }

    private fun screen(s: Screen): View = when (s) {
        is Screen.Lock -> LockView.draw(ui, chrome, s.lock, ::send)
        is Screen.FirstRun -> FirstRunView.draw(ui, fields, s.setup, ::send)
        is Screen.Home -> HomeView.draw(ui, chrome, fields, s.home, ::send)
        is Screen.Help -> HelpView.draw(ui, s.help, ::send)
        is Screen.CheckIn -> CheckInView.draw(ui, chrome, fields, s.checkin, ::send)
        is Screen.Incidents -> IncidentsView.draw(ui, s.incidents, ::send)
        is Screen.Incident -> IncidentView.draw(ui, fields, s.incident, ::send)
        is Screen.Settings -> SettingsView.draw(ui, s.settings, ::send)
        is Screen.Export -> ExportView.draw(ui, s.export, ::send)
        is Screen.Routes -> RoutesView.draw(ui, fields, s.routes, ::send)
        is Screen.Insights -> InsightsView.draw(ui, s.insights, ::send)
        is Screen.Risk -> RiskView.draw(ui, fields, s.risk, ::send)
    }

    // ----- effects that need a screen -----

    private fun carryOut(effect: Effect) {
        when (effect) {
            is Effect.Dial -> try {
                startActivity(EmergencyDialer.intent(effect.number))
            } catch (e: IllegalArgumentException) {
                // Not a phone number: the app model never sends one; nothing to dial.
            } catch (e: ActivityNotFoundException) {
                // No dialler (a tablet): nothing the app can do; the number is on screen.
            }
            is Effect.ComposeSms -> if (!inFront) shell.keepForScreen(effect) else {
                val intent = Intent(Intent.ACTION_SENDTO, Uri.fromParts("smsto", effect.to, null))
                    .putExtra("sms_body", effect.body)
                val ok = try {
                    startActivity(intent); true
                } catch (e: ActivityNotFoundException) {
                    false
                }
                send(AppEvent.SmsSent(effect.id, ok))
            }
            is Effect.OpenCamera -> openCamera(effect.kind, effect.maxSeconds, effect.maxBytes)
            is Effect.PickFile -> pick(effect.source)
            is Effect.ShareFile -> share(effect.path, effect.mime)
            is Effect.RunWork -> shell.runWork(effect.id)
            is Effect.SecureScreen -> if (effect.on) {
                Discretion.secureWindow(this)
            } else {
                window.clearFlags(WindowManager.LayoutParams.FLAG_SECURE)
            }
            is Effect.HideContent -> cover.visibility = if (effect.hidden) View.VISIBLE else View.GONE
            is Effect.RequestPermission -> requestPermission(effect.what, effect.reason)
            is Effect.RequestLocation -> requestLocation()
            is Effect.Haptic -> window.decorView.performHapticFeedback(
                when (effect.kind) {
                    HapticKind.CONFIRM -> if (Build.VERSION.SDK_INT >= 30) HapticFeedbackConstants.CONFIRM else HapticFeedbackConstants.VIRTUAL_KEY
                    HapticKind.WARNING -> if (Build.VERSION.SDK_INT >= 30) HapticFeedbackConstants.REJECT else HapticFeedbackConstants.LONG_PRESS
                },
            )
            // The phone's own effects (and relay requests) were carried out by the shell already.
            is Effect.SendSms, is Effect.ScheduleWake, is Effect.CancelWake,
            is Effect.ShowNotification, is Effect.ScheduleNotification, is Effect.ClearNotification,
            is Effect.SetDisguise, is Effect.Http -> {}
        }
    }

    /**
     * The system camera writes the photo or video into an empty file of ours (VaultFileProvider);
     * it never goes to the gallery. The file is streamed into the vault and deleted on return.
     * The camera app records a video's sound itself (with its own microphone permission), so
     * `sound` needs nothing here; this app holds neither CAMERA nor RECORD_AUDIO.
     */
    private fun openCamera(kind: CaptureKind, maxSeconds: UInt?, maxBytes: ULong) {
        val video = kind == CaptureKind.VIDEO
        val (file, uri) = VaultFileProvider.newCapture(this, if (video) "mp4" else "jpg")
        val intent = Intent(if (video) MediaStore.ACTION_VIDEO_CAPTURE else MediaStore.ACTION_IMAGE_CAPTURE)
            .putExtra(MediaStore.EXTRA_OUTPUT, uri)
            .addFlags(Intent.FLAG_GRANT_WRITE_URI_PERMISSION or Intent.FLAG_GRANT_READ_URI_PERMISSION)
        if (video) {
            intent.putExtra(MediaStore.EXTRA_VIDEO_QUALITY, 1)
            intent.putExtra(MediaStore.EXTRA_SIZE_LIMIT, maxBytes.toLong())
            maxSeconds?.let { intent.putExtra(MediaStore.EXTRA_DURATION_LIMIT, it.toInt()) }
        }
        intent.clipData = ClipData.newRawUri("", uri)
        try {
            captureFile = file
            startActivityForResult(intent, REQUEST_CAMERA)
        } catch (e: ActivityNotFoundException) {
            file.delete()
            captureFile = null
            send(AppEvent.CameraCancelled)
        }
    }

    /**
     * Photos: the system photo picker (API 33+), pictures and videos only; before that the
     * documents UI limited to them. Files: any document. Either way the app gets a content URI
     * with a one-off read grant, and no storage permission.
     */
    private fun pick(source: PickSource) {
        val documents = Intent(Intent.ACTION_OPEN_DOCUMENT).addCategory(Intent.CATEGORY_OPENABLE).setType("*/*")
        val intents = when (source) {
            PickSource.FILES -> listOf(documents)
            PickSource.PHOTOS -> {
                documents.putExtra(Intent.EXTRA_MIME_TYPES, arrayOf("image/*", "video/*"))
                if (Build.VERSION.SDK_INT >= 33) listOf(Intent(MediaStore.ACTION_PICK_IMAGES), documents) else listOf(documents)
            }
        }
        for (intent in intents) {
            try {
                startActivityForResult(intent, REQUEST_FILE)
                return
            } catch (e: ActivityNotFoundException) {
                // The next way, or none.
            }
        }
        send(AppEvent.FilePickCancelled)
    }

    private fun share(path: String, mime: String) {
        val uri = VaultFileProvider.shareUri(this, File(path)) ?: return
        val intent = Intent(Intent.ACTION_SEND)
            .setType(mime)
            .putExtra(Intent.EXTRA_STREAM, uri)
            .addFlags(Intent.FLAG_GRANT_READ_URI_PERMISSION)
        intent.clipData = ClipData.newRawUri("", uri)
        try {
            startActivity(Intent.createChooser(intent, null))
        } catch (e: ActivityNotFoundException) {
        }
    }

    @Deprecated("Activity API")
    override fun onActivityResult(requestCode: Int, resultCode: Int, data: Intent?) {
        @Suppress("DEPRECATION")
        super.onActivityResult(requestCode, resultCode, data)
        when (requestCode) {
            REQUEST_CAMERA -> {
                val file = captureFile ?: VaultFileProvider.captureDir(this).listFiles()?.firstOrNull()
                captureFile = null
                val elsewhere = data?.data?.takeIf { it.authority != VaultFileProvider.AUTHORITY }
                when {
                    resultCode != RESULT_OK -> {
                        file?.delete()
                        send(AppEvent.CameraCancelled)
                    }
                    file != null && file.length() > 0 -> streamIntoVault(file)
                    // A camera app that ignored EXTRA_OUTPUT and kept the video in its own
                    // gallery: the evidence is kept all the same (its copy there is not ours to
                    // delete).
                    elsewhere != null -> {
                        file?.delete()
                        streamFromUri(elsewhere)
                    }
                    else -> {
                        file?.delete()
                        send(AppEvent.CameraCancelled)
                    }
                }
            }
            REQUEST_FILE -> {
                val uri = data?.data
                if (resultCode == RESULT_OK && uri != null) importDocument(uri) else send(AppEvent.FilePickCancelled)
            }
        }
    }

    /**
     * The photo or video goes to the vault's evidence writer in chunks (never whole in memory);
     * then the plain file is deleted, whatever happened.
     */
    private fun streamIntoVault(file: File) {
        shell.onWorker { dispatch ->
            try {
                file.inputStream().use { streamChunks(it, dispatch) }
            } catch (e: java.io.IOException) {
                dispatch(AppEvent.CameraCancelled)
            } finally {
                file.delete()
            }
        }
    }

    private fun streamFromUri(uri: Uri) {
        shell.onWorker { dispatch ->
            try {
                val input = contentResolver.openInputStream(uri)
                if (input == null) dispatch(AppEvent.CameraCancelled) else input.use { streamChunks(it, dispatch) }
            } catch (e: java.io.IOException) {
                dispatch(AppEvent.CameraCancelled)
            } catch (e: SecurityException) {
                dispatch(AppEvent.CameraCancelled)
            }
        }
    }

    private fun streamChunks(input: java.io.InputStream, dispatch: (AppEvent) -> Unit) {
        val buffer = ByteArray(CHUNK)
        while (true) {
            val n = input.read(buffer)
            if (n < 0) break
            if (n > 0) dispatch(AppEvent.CameraChunk(buffer.copyOf(n)))
        }
        dispatch(AppEvent.CameraDone)
    }

    /**
     * A picked document is read by the core straight from the open file descriptor
     * (/proc/self/fd/N): no plain copy is written anywhere.
     */
    private fun importDocument(uri: Uri) {
        shell.onWorker { dispatch ->
            try {
                val fd = contentResolver.openFileDescriptor(uri, "r")
                if (fd == null) {
                    dispatch(AppEvent.FilePickCancelled)
                } else {
                    // Handled on this thread before the descriptor closes.
                    fd.use { dispatch(AppEvent.FilePicked("/proc/self/fd/${it.fd}")) }
                }
            } catch (e: java.io.IOException) {
                dispatch(AppEvent.FilePickCancelled)
            } catch (e: SecurityException) {
                dispatch(AppEvent.FilePickCancelled)
            }
        }
    }

    // ----- permissions and location -----

    private fun androidPermissions(what: Permission): Array<String> = when (what) {
        Permission.LOCATION -> arrayOf(Manifest.permission.ACCESS_COARSE_LOCATION, Manifest.permission.ACCESS_FINE_LOCATION)
        Permission.NOTIFICATIONS -> if (Build.VERSION.SDK_INT >= 33) arrayOf(Manifest.permission.POST_NOTIFICATIONS) else emptyArray()
        Permission.SMS -> arrayOf(Manifest.permission.SEND_SMS)
        // The system camera app takes the photo or video (ACTION_IMAGE_CAPTURE,
        // ACTION_VIDEO_CAPTURE): it holds the camera and microphone permissions, this app needs
        // neither.
        Permission.CAMERA, Permission.MICROPHONE -> emptyArray()
    }

    private var asking: Permission? = null

    private fun requestPermission(what: Permission, reason: String) {
        val needed = androidPermissions(what).filter { checkSelfPermission(it) != PackageManager.PERMISSION_GRANTED }
        if (needed.isEmpty()) {
            send(AppEvent.PermissionResult(what, true))
            return
        }
        // The reason, in the app model's words, beside the system's question.
        if (reason.isNotEmpty()) Toast.makeText(this, reason, Toast.LENGTH_LONG).show()
        asking = what
        requestPermissions(needed.toTypedArray(), REQUEST_PERMISSION)
    }

    override fun onRequestPermissionsResult(requestCode: Int, permissions: Array<out String>, grantResults: IntArray) {
        val what = asking ?: return
        asking = null
        // Location: coarse is enough.
        val granted = grantResults.isNotEmpty() && grantResults.any { it == PackageManager.PERMISSION_GRANTED }
        send(AppEvent.PermissionResult(what, granted))
    }

    private fun requestLocation() {
        val granted = checkSelfPermission(Manifest.permission.ACCESS_COARSE_LOCATION) == PackageManager.PERMISSION_GRANTED ||
            checkSelfPermission(Manifest.permission.ACCESS_FINE_LOCATION) == PackageManager.PERMISSION_GRANTED
        if (!granted) return
        val manager = getSystemService(LocationManager::class.java) ?: return
        val provider = listOf(LocationManager.FUSED_PROVIDER, LocationManager.GPS_PROVIDER, LocationManager.NETWORK_PROVIDER)
            .firstOrNull { runCatching { manager.isProviderEnabled(it) }.getOrDefault(false) } ?: return
        try {
            if (Build.VERSION.SDK_INT >= 30) {
                manager.getCurrentLocation(provider, null, mainExecutor) { loc ->
                    if (loc != null) send(AppEvent.LocationFix(loc.latitude, loc.longitude, if (loc.hasAccuracy()) loc.accuracy.toDouble() else null))
                }
            } else {
                @Suppress("DEPRECATION")
                manager.requestSingleUpdate(provider, { loc ->
                    send(AppEvent.LocationFix(loc.latitude, loc.longitude, if (loc.hasAccuracy()) loc.accuracy.toDouble() else null))
                }, Looper.getMainLooper())
            }
        } catch (e: SecurityException) {
        } catch (e: IllegalArgumentException) {
        }
    }

    companion object {
        const val REQUEST_CAMERA = 1
        const val REQUEST_FILE = 2
        const val REQUEST_PERMISSION = 3
        /** The evidence writer seals 64 KiB chunks; the camera's file is read in the same size. */
        const val CHUNK = 64 * 1024
    }
}
