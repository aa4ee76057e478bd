// The generated API (Vault, IncidentLog, WaymarkError, ...) is re-exported, so the app
// imports WaymarkKit only.
@_exported import WaymarkFFI

public enum WaymarkKit {
    /// The Rust core's version.
    public static var coreVersion: String { waymarkVersion() }
}
