//! Effects: what only the phone can do. The shell carries each one out and reports the outcome
//! as an event. An effect that must not happen twice (a text to a buddy) carries an id and is
//! emitted once; a shell that is asked again for an id it already handled ignores it.

use std::time::SystemTime;

use crate::screens::disguise::Disguise;

/// Phone permissions the app model asks for, always with the reason to show.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum Permission {
    Location,
    Notifications,
    Camera,
    /// Sound for a video (iOS records it in the app; Android's camera app holds its own).
    Microphone,
    Sms,
}

/// What the camera takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum CaptureKind {
    Photo,
    Video,
}

/// Which system picker to open. Screenshots and the phone's own photos and videos live in the
/// photo library; voicemails, letters and other documents in the files app.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum PickSource {
    /// Pictures and videos only (iOS: PHPickerViewController; Android: the photo picker, or
    /// ACTION_OPEN_DOCUMENT limited to image and video types).
    // No MIME wildcards in these doc comments: a slash and a star end the generated Kotlin and
    // Swift block comments.
    Photos,
    /// Any document (iOS: UIDocumentPickerViewController; Android: ACTION_OPEN_DOCUMENT, any
    /// type).
    Files,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum HapticKind {
    /// Something was saved.
    Confirm,
    /// Something needs attention (a wrong PIN).
    Warning,
}

/// One HTTP header of an `Http` effect.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct HttpHeader {
    pub name: String,
    pub value: String,
}

#[derive(Debug, Clone, PartialEq, uniffi::Enum)]
pub enum Effect {
    /// Open the phone's own dialler with this number (never place the call: Android refuses
    /// ACTION_CALL for emergency numbers, and the dialler sends the caller's location).
    Dial {
        number: String,
    },
    /// Send a text without asking (Android). Report `SmsSent { id, ok }`.
    SendSms {
        id: String,
        to: String,
        body: String,
    },
    /// Open the messages app with the text filled in (iOS cannot send silently); the person
    /// presses Send. Report `SmsSent { id, ok }` when the composer closes.
    ComposeSms {
        id: String,
        to: String,
        body: String,
    },
    /// Wake the app at `at` even if it is not running; report `WakeFired { id }`. A new wake
    /// with the same id replaces the old one.
    ScheduleWake {
        id: String,
        at: SystemTime,
    },
    CancelWake {
        id: String,
    },
    /// A notification; its words never name a place, a person or what was logged.
    ShowNotification {
        id: String,
        title: String,
        body: String,
    },
    /// Show this notification at `at`, whether or not the app runs then (iOS: a time-sensitive
    /// local notification, since iOS wakes an app when it likes; Android: an exact alarm that
    /// posts it). A new one with the same id replaces the old; `ClearNotification { id }`
    /// removes it, pending or shown. Its words never name a place, a person, what was logged,
    /// or the app.
    ScheduleNotification {
        id: String,
        at: SystemTime,
        title: String,
        body: String,
    },
    /// Removes a notification, shown or scheduled.
    ClearNotification {
        id: String,
    },
    /// Wear this name and icon on the home screen (Android: the launcher alias; iOS: the
    /// alternate icon, the name stays).
    SetDisguise {
        kind: Disguise,
    },
    /// Open the camera for a photo or a video; stream what it captures back as `CameraChunk`s
    /// then `CameraDone` (or `CameraCancelled`). Nothing may stay behind in the clear: a file
    /// the camera wrote is deleted once streamed, whatever happened. `sound`: record sound
    /// with a video (false when the microphone was refused; always false for a photo).
    /// `max_seconds` (videos) and `max_bytes`: ask the camera to stop there (Android:
    /// EXTRA_DURATION_LIMIT, EXTRA_SIZE_LIMIT; iOS: maxRecordedDuration, maxRecordedFileSize),
    /// so a long recording is kept rather than refused as too large at the end.
    OpenCamera {
        kind: CaptureKind,
        sound: bool,
        max_seconds: Option<u32>,
        max_bytes: u64,
    },
    /// Let the person pick a file from `source`; report `FilePicked { path }` (or
    /// `FilePickCancelled`). The path must stay readable until the event has been handled.
    PickFile {
        source: PickSource,
    },
    /// Offer the share sheet for a file the core wrote.
    ShareFile {
        path: String,
        mime: String,
    },
    /// Keep the screen out of screenshots and the app switcher (FLAG_SECURE, a cover view).
    SecureScreen {
        on: bool,
    },
    /// Cover the content at once (the app is going to the background, or panic).
    HideContent {
        hidden: bool,
    },
    /// Ask for a permission, showing `reason`; report `PermissionResult`.
    RequestPermission {
        what: Permission,
        reason: String,
    },
    /// One position fix, if location is allowed; report `LocationFix` (or nothing).
    RequestLocation,
    Haptic {
        kind: HapticKind,
    },
    /// Long work is ready: on a background thread, call the blocking `AppCore.runWork(id)`,
    /// then draw the update it returns and carry out its effects. While `ViewModel.work` is
    /// present, redraw from `AppCore.view()` about 4 times a second (the progress bar).
    RunWork {
        id: String,
    },
    /// One HTTP request to the check-in relay the person chose (the only network use): send it
    /// exactly as given, off the main thread, following no redirect, with a timeout of about
    /// 15 seconds; report `HttpDone { id, status, body }` for any answer (4xx and 5xx too, with
    /// at most 64 KiB of its body) or `HttpFailed { id }` when there was none. The core built and
    /// signed it; the shell neither reads nor changes it.
    Http {
        id: String,
        method: String,
        url: String,
        headers: Vec<HttpHeader>,
        body: Vec<u8>,
    },
}
