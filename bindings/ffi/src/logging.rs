//! Forwards the core's `tracing` events to a sink the shell implements (Logcat, os_log).
//! The core never puts note text, names, places, coordinates, PINs or keys in events, so
//! what reaches the sink is safe to keep in a platform log.

use std::cell::Cell;
use std::fmt::Write as _;
use std::sync::{Arc, OnceLock, RwLock};

use tracing::field::{Field, Visit};
use tracing::{Event, Level, Subscriber};
use tracing_subscriber::layer::{Context, Layer, SubscriberExt};

use crate::error::WaymarkError;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, uniffi::Enum)]
pub enum LogLevel {
    Error,
    Warn,
    Info,
    Debug,
    Trace,
}

impl From<&Level> for LogLevel {
    fn from(l: &Level) -> Self {
        match *l {
            Level::ERROR => LogLevel::Error,
            Level::WARN => LogLevel::Warn,
            Level::INFO => LogLevel::Info,
            Level::DEBUG => LogLevel::Debug,
            _ => LogLevel::Trace,
        }
    }
}

#[derive(Debug, Clone, uniffi::Record)]
pub struct LogEvent {
    pub level: LogLevel,
    /// The Rust module that logged, e.g. `waymark_core::vault`.
    pub target: String,
    /// The message followed by its structured fields as `key=value`.
    pub message: String,
}

/// Implemented by the shell. Called on whatever thread logged; must be quick and thread-safe.
/// An error it returns is ignored (logging must never break the caller).
#[uniffi::export(foreign)]
pub trait LogSink: Send + Sync {
    fn log(&self, event: LogEvent) -> Result<(), WaymarkError>;
}

struct Installed {
    sink: Arc<dyn LogSink>,
    max_level: LogLevel,
}

static SINK: RwLock<Option<Installed>> = RwLock::new(None);
static SUBSCRIBER_INSTALLED: OnceLock<bool> = OnceLock::new();

thread_local! {
    // A sink that itself logs through tracing must not recurse forever.
    static IN_SINK: Cell<bool> = const { Cell::new(false) };
}

/// Sends events at `max_level` and above to `sink`, replacing any earlier sink.
/// Returns false if the process already had another global tracing subscriber
/// (then nothing can be forwarded).
#[uniffi::export]
pub fn set_log_sink(sink: Arc<dyn LogSink>, max_level: LogLevel) -> bool {
    let mut slot = SINK.write().unwrap_or_else(|p| p.into_inner());
    *slot = Some(Installed { sink, max_level });
    drop(slot);
    *SUBSCRIBER_INSTALLED.get_or_init(|| {
        let subscriber = tracing_subscriber::registry().with(ForwardLayer);
        tracing::subscriber::set_global_default(subscriber).is_ok()
    })
}

/// Stops forwarding; the sink object is released.
#[uniffi::export]
pub fn clear_log_sink() {
    let mut slot = SINK.write().unwrap_or_else(|p| p.into_inner());
    *slot = None;
}

struct ForwardLayer;

impl<S: Subscriber> Layer<S> for ForwardLayer {
    fn on_event(&self, event: &Event<'_>, _ctx: Context<'_, S>) {
        if IN_SINK.with(Cell::get) {
            return;
        }
        let level = LogLevel::from(event.metadata().level());
        let sink = {
            let slot = SINK.read().unwrap_or_else(|p| p.into_inner());
            match slot.as_ref() {
                Some(i) if level <= i.max_level => Arc::clone(&i.sink),
                _ => return,
            }
        };
        let mut visitor = MessageVisitor::default();
        event.record(&mut visitor);
        let log_event = LogEvent {
            level,
            target: event.metadata().target().to_string(),
            message: visitor.finish(),
        };
        IN_SINK.with(|f| f.set(true));
        let _ignored = sink.log(log_event);
        IN_SINK.with(|f| f.set(false));
    }
}

#[derive(Default)]
struct MessageVisitor {
    message: String,
    fields: String,
}

impl MessageVisitor {
    fn finish(self) -> String {
        match (self.message.is_empty(), self.fields.is_empty()) {
            (_, true) => self.message,
            (true, false) => self.fields,
            (false, false) => format!("{} {}", self.message, self.fields),
        }
    }
}

impl Visit for MessageVisitor {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        if field.name() == "message" {
            let _ = write!(self.message, "{value:?}");
        } else {
            if !self.fields.is_empty() {
                self.fields.push(' ');
            }
            let _ = write!(self.fields, "{}={value:?}", field.name());
        }
    }
    fn record_str(&mut self, field: &Field, value: &str) {
        if field.name() == "message" {
            self.message.push_str(value);
        } else {
            self.record_debug(field, &value);
        }
    }
}
