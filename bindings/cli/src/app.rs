//! What every command shares: where the vault is, how the secret is read, how errors exit.

use std::io::{BufRead, IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use waymark_core::vault::{SoftwarePrfNoHardware, Vault};
use waymark_core::{Error, SystemClock};

pub const AFTER_HELP: &str = "\
Exit codes: 0 done; 1 something in the command needs fixing (nothing was changed);
2 the log or a file has been tampered with or damaged; 3 wrong PIN, or too many tries.

Waymark uses the network only to reach a check-in relay you choose (`checkin start --relay`).
Nothing else leaves this computer unless you export it.";

/// An error on its way out: a message for a person and an exit code for a script.
#[derive(Debug)]
pub struct CliError {
    pub code: u8,
    pub message: String,
}

impl CliError {
    pub fn usage(message: impl Into<String>) -> Self {
        CliError {
            code: 1,
            message: message.into(),
        }
    }
    pub fn report(&self) -> ExitCode {
        let _ = writeln!(
            std::io::stderr(),
            "waymark: {}",
            terminal_safe(&self.message)
        );
        ExitCode::from(self.code)
    }
}

impl From<Error> for CliError {
    fn from(e: Error) -> Self {
        let code = match e {
            Error::Integrity { .. } => 2,
            Error::WrongSecret { .. } | Error::LockedOut { .. } | Error::Locked => 3,
            _ => 1,
        };
        let mut message = e.to_string();
        if code == 2 {
            message.push_str(
                "\nKeep this vault folder as it is (do not delete it) and ask for help: \
                 National Stalking Helpline 0808 802 0300.",
            );
        }
        CliError { code, message }
    }
}

impl From<std::io::Error> for CliError {
    fn from(e: std::io::Error) -> Self {
        CliError::from(Error::from(e))
    }
}

pub type CliResult = Result<(), CliError>;

pub struct App {
    pub vault_dir: PathBuf,
    pub json: bool,
    pin_stdin: bool,
    stdin_lines: Option<std::io::Lines<std::io::StdinLock<'static>>>,
    vault: Option<Vault>,
}

impl App {
    pub fn new(vault: Option<PathBuf>, pin_stdin: bool, json: bool) -> Result<Self, CliError> {
        let vault_dir = match vault {
            Some(v) => v,
            None => directories::ProjectDirs::from("org", "Waymark", "waymark")
                .map(|d| d.data_dir().join("vault"))
                .ok_or_else(|| {
                    CliError::usage("could not find your data folder; give one with --vault DIR")
                })?,
        };
        Ok(App {
            vault_dir,
            json,
            pin_stdin,
            stdin_lines: None,
            vault: None,
        })
    }

    pub fn prf() -> Arc<SoftwarePrfNoHardware> {
        Arc::new(SoftwarePrfNoHardware::default())
    }

    /// Reads a secret: the next line of standard input with --pin-stdin, else from the terminal
    /// without echo.
    pub fn read_secret(&mut self, prompt: &str) -> Result<zeroize::Zeroizing<String>, CliError> {
        if self.pin_stdin {
            let lines = self
                .stdin_lines
                .get_or_insert_with(|| std::io::stdin().lock().lines());
            return match lines.next() {
                Some(Ok(l)) => Ok(zeroize::Zeroizing::new(
                    l.trim_end_matches('\r').to_string(),
                )),
                _ => Err(CliError::usage(
                    "--pin-stdin was given but standard input has no more lines",
                )),
            };
        }
        if !std::io::stdin().is_terminal() {
            return Err(CliError::usage(
                "no terminal to ask for your PIN; use --pin-stdin in scripts",
            ));
        }
        rpassword::prompt_password(prompt)
            .map(zeroize::Zeroizing::new)
            .map_err(|_| CliError::usage("could not read the PIN from the terminal"))
    }

    /// Asks twice on a terminal so a typo does not lock the person out; once with --pin-stdin.
    pub fn read_new_secret(&mut self, what: &str) -> Result<zeroize::Zeroizing<String>, CliError> {
        let first = self.read_secret(&format!(
            "Choose {what} (6+ digits, or a passphrase of 8+ characters): "
        ))?;
        // On a terminal it is asked twice; with --pin-stdin a second line, if given, confirms it.
        let again = if self.pin_stdin {
            self.stdin_lines
                .get_or_insert_with(|| std::io::stdin().lock().lines())
                .next()
                .and_then(|l| l.ok())
                .map(|l| zeroize::Zeroizing::new(l.trim_end_matches('\r').to_string()))
        } else {
            Some(self.read_secret("Type it again: ")?)
        };
        if again.is_some_and(|again| *again != *first) {
            return Err(CliError::usage(
                "the two entries were different; nothing was changed",
            ));
        }
        Ok(first)
    }

    /// The vault, unlocked (asks for the PIN the first time).
    pub fn vault(&mut self) -> Result<&Vault, CliError> {
        if self.vault.is_none() {
            let v = self.locked_vault()?;
            let secret = self.read_secret("PIN: ")?;
            if let Err(e) = v.unlock(&secret) {
                return Err(self.erased_or(e));
            }
            tell_wrong_pins(&v);
            self.vault = Some(v);
        }
        self.vault
            .as_ref()
            .ok_or_else(|| CliError::usage("the vault is not open"))
    }

    /// A wrong PIN that was the last one the person's "erase after N wrong PINs" allowed: the
    /// vault is gone, and the person is told so plainly (the same exit code as a wrong PIN).
    pub fn erased_or(&self, e: waymark_core::Error) -> CliError {
        if matches!(e, waymark_core::Error::WrongSecret { .. }) && !Vault::exists(&self.vault_dir) {
            return CliError {
                code: 3,
                message: format!(
                    "that PIN did not open the vault, and it was the last wrong PIN your \
                     settings allowed: the vault in {} is erased, as you chose. Nothing can \
                     open it again; a backup restores it (`waymark restore`, with your \
                     recovery code).",
                    self.vault_dir.display()
                ),
            };
        }
        CliError::from(e)
    }

    /// A handle on the vault without unlocking it.
    pub fn locked_vault(&self) -> Result<Vault, CliError> {
        warn_if_open_to_others(&self.vault_dir);
        if !Vault::exists(&self.vault_dir) {
            return Err(CliError::usage(format!(
                "there is no vault in {}; create one with `waymark init` (or try `waymark demo`)",
                self.vault_dir.display()
            )));
        }
        Ok(Vault::open(
            &self.vault_dir,
            Self::prf(),
            Arc::new(SystemClock),
        )?)
    }

    pub fn set_vault(&mut self, v: Vault) {
        self.vault = Some(v);
    }

    pub fn print_json(&self, value: &impl serde::Serialize) -> CliResult {
        let text = serde_json::to_string_pretty(value)
            .map_err(|_| CliError::usage("could not format JSON"))?;
        out!("{text}");
        Ok(())
    }
}

/// After a good unlock: the wrong PINs typed since the person last looked, once (on standard
/// error, so `--json` output stays machine-readable), then acknowledged.
pub fn tell_wrong_pins(v: &Vault) {
    if let Ok(Some(w)) = v.wrong_pins() {
        let _ = writeln!(
            std::io::stderr(),
            "waymark: since you last opened your vault: {}.",
            crate::when::wrong_pins(&w)
        );
        if let Err(e) = v.acknowledge_wrong_pins() {
            let _ = writeln!(
                std::io::stderr(),
                "waymark: {}",
                terminal_safe(&e.to_string())
            );
        }
    }
}

/// Waymark's files are private (0600) whatever the folder's mode, but names, sizes and times
/// are visible to whoever may list the folder.
pub fn warn_if_open_to_others(dir: &std::path::Path) {
    if Vault::folder_open_to_others(dir) {
        let _ = writeln!(
            std::io::stderr(),
            "waymark: warning: other users of this computer can see into {} (file names, \
             sizes, times; not the contents). `chmod 700` on it keeps them out.",
            dir.display()
        );
    }
}

/// Text for a terminal: control characters other than line breaks and tabs (ESC, BEL, the C1
/// CSI...) and bidirectional overrides are shown as `\u001b`, so text stored in the vault or
/// read from a file cannot move the cursor, retitle the window or reorder what a line says. The
/// escape is also valid inside a JSON string.
pub fn terminal_safe(text: &str) -> std::borrow::Cow<'_, str> {
    let unsafe_char = |c: char| {
        (c.is_control() && c != '\n' && c != '\t')
            || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
    };
    if !text.chars().any(unsafe_char) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut shown = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if unsafe_char(c) {
            shown.push_str(&format!("\\u{:04x}", c as u32));
        } else {
            shown.push(c);
        }
    }
    std::borrow::Cow::Owned(shown)
}

/// A bug must never print a backtrace (it could hold data) or leave a person with jargon.
pub fn install_panic_hook() {
    std::panic::set_hook(Box::new(|_| {
        let _ = writeln!(
            std::io::stderr(),
            "waymark: something went wrong inside Waymark. Your saved incidents are safe; \
             nothing half-written is kept. Please report this bug."
        );
    }));
}
