//! The relay's private key file: one line of text, `waymark-relay key v1 <base64url>`, mode 0600.
//! It is kept apart from the database: a copy of the database alone opens no alert.

use std::io::Write;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::Path;

use waymark_relay_proto::RelayKeyPair;
use zeroize::Zeroizing;

const PREFIX: &str = "waymark-relay key v1 ";

/// Makes a new key and writes it to `path`, which must not exist yet.
pub fn generate(path: &Path) -> Result<RelayKeyPair, String> {
    let pair = RelayKeyPair::generate().map_err(|e| e.to_string())?;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
        .map_err(|e| format!("cannot create the key file {}: {e}", path.display()))?;
    let line = Zeroizing::new(format!(
        "{PREFIX}{}\n",
        base64_url(pair.secret().as_slice())
    ));
    file.write_all(line.as_bytes())
        .and_then(|_| file.sync_all())
        .map_err(|e| format!("cannot write the key file {}: {e}", path.display()))?;
    Ok(pair)
}

/// Reads the key; refuses a file other users can read.
pub fn load(path: &Path) -> Result<RelayKeyPair, String> {
    let meta = std::fs::metadata(path)
        .map_err(|e| format!("cannot read the key file {}: {e}", path.display()))?;
    if meta.permissions().mode() & 0o077 != 0 {
        return Err(format!(
            "the key file {} can be read by other users; chmod 600 it",
            path.display()
        ));
    }
    let text = Zeroizing::new(
        std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read the key file {}: {e}", path.display()))?,
    );
    let encoded = text
        .trim_end()
        .strip_prefix(PREFIX)
        .ok_or_else(|| format!("{} is not a waymark-relay key file", path.display()))?;
    let bytes = Zeroizing::new(
        from_base64_url(encoded)
            .ok_or_else(|| format!("{} is not a waymark-relay key file", path.display()))?,
    );
    let secret: Zeroizing<[u8; 32]> = Zeroizing::new(
        bytes
            .as_slice()
            .try_into()
            .map_err(|_| format!("{} is not a waymark-relay key file", path.display()))?,
    );
    RelayKeyPair::from_secret(&secret).map_err(|e| e.to_string())
}

fn base64_url(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

fn from_base64_url(text: &str) -> Option<Vec<u8>> {
    URL_SAFE_NO_PAD.decode(text).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_generated_key_loads_back_and_is_private() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("relay.key");
        let pair = generate(&path).unwrap();
        assert_eq!(load(&path).unwrap().public_key(), pair.public_key());
        assert!(generate(&path).is_err(), "never replaces a key");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        assert!(load(&path).unwrap_err().contains("other users"));
    }

    #[test]
    fn a_damaged_key_file_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("relay.key");
        generate(&path).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        std::fs::write(&path, &text[..text.len() - 3]).unwrap();
        assert!(load(&path)
            .unwrap_err()
            .contains("not a waymark-relay key file"));
    }
}
