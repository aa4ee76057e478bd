//! Creating, opening and re-keying the vault.

use crate::app::{App, CliError, CliResult};
use clap::{Args, Subcommand};
use std::sync::Arc;
use waymark_core::safety::Safety;
use waymark_core::vault::{
    CreateOptions, KdfChoice, KdfParams, Vault, ERASE_AFTER_MAX, ERASE_AFTER_MIN,
};
use waymark_core::SystemClock;

#[derive(Args)]
pub struct InitArgs {
    /// Use a deliberately weak, fast key derivation. Only for automated tests.
    #[arg(long, hide = true)]
    pub insecure_fast_kdf: bool,
}

pub fn init(args: InitArgs, app: &mut App) -> CliResult {
    if Vault::exists(&app.vault_dir) {
        return Err(CliError::usage(format!(
            "a vault already exists in {}",
            app.vault_dir.display()
        )));
    }
    let secret = app.read_new_secret("a PIN or passphrase")?;
    let mut options = CreateOptions::new(App::prf(), Arc::new(SystemClock));
    if args.insecure_fast_kdf {
        options.kdf = KdfChoice::Fixed(KdfParams::MIN_FOR_TESTS);
    }
    let (vault, code) = Vault::create(&app.vault_dir, &secret, options)?;
    crate::app::warn_if_open_to_others(&app.vault_dir);
    if app.json {
        app.print_json(
            &serde_json::json!({ "vault": app.vault_dir, "recovery_code": code.as_str() }),
        )?;
    } else {
        out!("Your vault is ready in {}.", app.vault_dir.display());
        out!();
        out!("Your recovery code (shown only this once):");
        out!();
        out!("    {}", code.as_str());
        out!();
        out!("Write it on paper and keep it somewhere safe, away from this device, or give it to");
        out!("someone you trust. If you forget your PIN it is the only way back in: nobody,");
        out!("not even Waymark's makers, can open the vault without one of them.");
    }
    app.set_vault(vault);
    Ok(())
}

/// `waymark passwd [--duress [--remove]]`.
#[derive(Args)]
#[command(after_help = "\
With --pin-stdin: `passwd` reads your PIN, then the new one (a second line, if given, must
repeat it); `passwd --duress` reads your PIN, then the duress PIN twice; `passwd --duress
--remove` reads your PIN only. Setting or removing the duress PIN needs your real PIN.")]
pub struct PasswdArgs {
    /// Set or change your duress PIN instead: a second PIN that opens a separate decoy vault, not
    /// your record, for when someone makes you unlock. Needs your PIN.
    #[arg(long)]
    pub duress: bool,
    /// With --duress: remove the duress PIN; it then opens nothing, like any wrong PIN.
    #[arg(long, requires = "duress")]
    pub remove: bool,
}

pub fn passwd(args: PasswdArgs, app: &mut App) -> CliResult {
    let vault = app.locked_vault()?;
    if args.duress {
        let pin = app.read_secret("Your PIN (not the duress PIN): ")?;
        if args.remove {
            vault
                .remove_duress_secret(&pin)
                .map_err(|e| app.erased_or(e))?;
            out!("Your duress PIN is removed: it now opens nothing, like any wrong PIN.");
            return Ok(());
        }
        let duress = app.read_new_secret("a duress PIN, different from your PIN")?;
        vault
            .set_duress_secret(&pin, &duress)
            .map_err(|e| app.erased_or(e))?;
        out!("Your duress PIN is set. Unlocking with it opens a separate decoy vault, never your");
        out!("record. Your PIN and your recovery code are unchanged.");
        return Ok(());
    }
    let old = app.read_secret("Current PIN: ")?;
    let new = app.read_new_secret("a new PIN or passphrase")?;
    vault
        .change_secret(&old, &new)
        .map_err(|e| app.erased_or(e))?;
    out!("Your PIN has been changed. Your recovery code still works.");
    Ok(())
}

pub fn recover(app: &mut App) -> CliResult {
    let vault = app.locked_vault()?;
    let code = app.read_secret("Recovery code: ")?;
    let new = app.read_new_secret("a new PIN or passphrase")?;
    vault.recover(&code, &new)?;
    crate::app::tell_wrong_pins(&vault);
    out!("You are back in, and your new PIN is set. Keep the recovery code safe: it still works.");
    Ok(())
}

pub fn status(app: &mut App) -> CliResult {
    let vault = app.locked_vault()?;
    let s = vault.status()?;
    if app.json {
        return app.print_json(&serde_json::json!({
            "vault": app.vault_dir,
            "failed_attempts": s.failed_attempts,
            "locked_until": s.locked_until,
            "kdf": { "algorithm": "argon2id", "memory_kib": s.kdf_memory_kib, "iterations": s.kdf_iterations, "lanes": s.kdf_lanes },
        }));
    }
    out!("Vault: {}", app.vault_dir.display());
    out!(
        "Protected by: your PIN, stretched with Argon2id ({} MiB, {} passes)",
        s.kdf_memory_kib / 1024,
        s.kdf_iterations
    );
    match s.locked_until {
        Some(t) => out!(
            "Too many wrong PINs: the next try is allowed after {}",
            crate::when::show(t)
        ),
        None if s.failed_attempts > 0 => {
            out!("Wrong PINs since the last good one: {}", s.failed_attempts)
        }
        None => out!("No wrong PINs since the last good one."),
    }
    Ok(())
}

/// `waymark settings [erase-after N|off [--confirm]]`.
#[derive(Args)]
pub struct SettingsArgs {
    #[command(subcommand)]
    pub command: Option<SettingsCommand>,
}

#[derive(Subcommand)]
pub enum SettingsCommand {
    /// Erase the whole vault (your record, the decoy, evidence) after N wrong PINs in a row
    /// (5 to 100), or `off`. It cannot be undone: not even the recovery code opens it after.
    #[command(after_help = "\
Off unless you turn it on. Only wrong PINs in a row count (any right PIN, or the duress PIN,
starts the count again); a wrong recovery code never erases, and neither does anything else.
Turning it on needs --confirm, after you have read what it does. `waymark status` never shows
it; a copy of the vault folder does not either.")]
    EraseAfter {
        /// A number of wrong PINs (5 to 100), or `off`.
        value: String,
        /// You have read that the erasure cannot be undone.
        #[arg(long)]
        confirm: bool,
    },
    /// Text every buddy "I had to unlock my phone under pressure" when the duress PIN opens
    /// Waymark (`on`), or not (`off`). Sent only where a text goes unseen: by the Android app.
    #[command(after_help = "\
The texts are written now, for your buddies of the moment (and again when your contacts change),
sealed to this device. This command line cannot send a text without showing it, so a duress PIN
typed here alerts nobody; the Android app sends them, unseen, when the duress PIN opens it.")]
    DuressAlert {
        /// `on` or `off`.
        value: String,
    },
}

const ERASE_WARNING: &str = "\
This cannot be undone. After that many wrong PINs in a row, everything in this vault is erased
for good: your record, the decoy, every piece of evidence. Not even your recovery code opens it
after. Only a backup made before (`waymark backup`) brings it back.";

pub fn settings(args: SettingsArgs, app: &mut App) -> CliResult {
    let (value, confirm) = match args.command {
        Some(SettingsCommand::EraseAfter { value, confirm }) => (value, confirm),
        Some(SettingsCommand::DuressAlert { value }) => return duress_alert(&value, app),
        None => {
            let vault = app.vault()?;
            let after = vault.erase_after()?;
            let alert = Safety::new(vault).duress_unlock_alert()?;
            if app.json {
                return app.print_json(
                    &serde_json::json!({ "erase_after": after, "duress_alert": alert }),
                );
            }
            match after {
                Some(n) => out!("Erase after wrong PINs: on, after {n} wrong PINs in a row."),
                None => out!("Erase after wrong PINs: off."),
            }
            out!(
                "Alert my buddies when the duress PIN opens Waymark: {}.",
                if alert { "on" } else { "off" }
            );
            return Ok(());
        }
    };
    let after = if value.eq_ignore_ascii_case("off") {
        None
    } else {
        match value.parse::<u32>() {
            Ok(n) if (ERASE_AFTER_MIN..=ERASE_AFTER_MAX).contains(&n) => Some(n),
            _ => {
                return Err(CliError::usage(format!(
                    "erase-after: give a number of wrong PINs from {ERASE_AFTER_MIN} to \
                     {ERASE_AFTER_MAX}, or `off` (nothing was changed)"
                )))
            }
        }
    };
    if let (Some(n), false) = (after, confirm) {
        return Err(CliError::usage(format!(
            "{ERASE_WARNING}\nTo turn it on after {n} wrong PINs, run this again with --confirm \
             (nothing was changed)."
        )));
    }
    app.vault()?.set_erase_after(after)?;
    match after {
        Some(n) => {
            out!("Erase after wrong PINs is on: the {n}th wrong PIN in a row erases this vault.");
            out!("{ERASE_WARNING}");
        }
        None => out!("Erase after wrong PINs is off: wrong PINs only make you wait."),
    }
    Ok(())
}

/// `waymark settings duress-alert on|off`.
fn duress_alert(value: &str, app: &mut App) -> CliResult {
    let on = match value.to_ascii_lowercase().as_str() {
        "on" => true,
        "off" => false,
        _ => {
            return Err(CliError::usage(
                "duress-alert: give `on` or `off` (nothing was changed)",
            ))
        }
    };
    Safety::new(app.vault()?).set_duress_unlock_alert(on)?;
    if on {
        out!("On: when the duress PIN opens Waymark, every buddy gets a text saying you had to");
        out!("unlock your phone under pressure. The Android app sends it unseen; this command");
        out!(
            "line cannot send a text without showing it, so a duress PIN typed here alerts nobody."
        );
    } else {
        out!("Off: the duress PIN alerts nobody when it opens Waymark.");
    }
    Ok(())
}

/// `waymark backup FILE`.
#[derive(Args)]
#[command(after_help = "\
The backup holds everything in your vault (your record, the decoy, evidence) and opens only with
your recovery code, on any device; not with your PIN, and it keeps nothing tied to this device.
An existing file is never replaced.")]
pub struct BackupArgs {
    /// The file to write (a new file).
    pub file: std::path::PathBuf,
}

pub fn backup(args: BackupArgs, app: &mut App) -> CliResult {
    let vault = app.vault()?;
    let summary = vault.backup(&args.file, waymark_core::progress::Progress::NONE)?;
    if app.json {
        return app.print_json(&serde_json::json!({
            "file": args.file,
            "files": summary.files,
            "bytes": summary.bytes,
        }));
    }
    out!(
        "Backup written to {} ({}).",
        args.file.display(),
        waymark_core::evidence::human_size(summary.bytes)
    );
    out!("It opens only with your recovery code: keep the two apart.");
    Ok(())
}

/// `waymark --vault NEW restore FILE`.
#[derive(Args)]
#[command(after_help = "\
With --pin-stdin: reads the recovery code, then the new PIN twice, one per line. The folder given
with --vault must be new or empty: a restore never replaces anything. Exit 2: the backup is
damaged or cut short (nothing was restored); exit 3: wrong recovery code.")]
pub struct RestoreArgs {
    /// The backup file written by `waymark backup`.
    pub file: std::path::PathBuf,
}

pub fn restore(args: RestoreArgs, app: &mut App) -> CliResult {
    if Vault::exists(&app.vault_dir) {
        return Err(CliError::usage(format!(
            "a vault already exists in {}; restore into a new folder (nothing was changed)",
            app.vault_dir.display()
        )));
    }
    let code = app.read_secret("Recovery code: ")?;
    let new = app.read_new_secret("a new PIN or passphrase")?;
    let vault = Vault::restore(
        &args.file,
        &app.vault_dir,
        &code,
        &new,
        CreateOptions::new(App::prf(), Arc::new(SystemClock)),
        waymark_core::progress::Progress::NONE,
    )?;
    out!(
        "Your vault is restored in {} and checks out; your new PIN is set.",
        app.vault_dir.display()
    );
    out!("Your recovery code still works.");
    app.set_vault(vault);
    Ok(())
}
