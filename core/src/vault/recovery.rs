//! The recovery code: 128 random bits, shown once, written as 7 groups of 4 characters from an
//! alphabet without look-alike letters (Crockford base32: no I, L, O, U), so it can be read aloud
//! and copied by hand. Two check characters catch a typo before an expensive unlock attempt.

use crate::error::{Error, Result};
use zeroize::Zeroizing;

const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

pub struct RecoveryCode(Zeroizing<String>);

impl RecoveryCode {
    pub fn generate() -> Result<Self> {
        let bytes = Zeroizing::new(super::keyfile::random_bytes::<16>()?);
        Ok(RecoveryCode(encode(&bytes)))
    }

    /// Accepts what a person types: any case, spaces or dashes anywhere, O for 0, I and L for 1.
    pub fn parse(input: &str) -> Result<Self> {
        let mut chars = Zeroizing::new(String::new());
        for c in input.chars() {
            let c = match c.to_ascii_uppercase() {
                ' ' | '-' => continue,
                'O' => '0',
                'I' | 'L' => '1',
                c => c,
            };
            if !ALPHABET.contains(&(c as u8)) || !c.is_ascii() {
                return Err(Error::invalid(
                    "recovery code",
                    "contains a character that is not in recovery codes",
                ));
            }
            chars.push(c);
        }
        if chars.len() != 28 {
            return Err(Error::invalid(
                "recovery code",
                "should be 28 characters (7 groups of 4)",
            ));
        }
        let expected = check_chars(&chars[..26]);
        if chars[26..] != expected[..] {
            return Err(Error::invalid(
                "recovery code",
                "has a typo: please check each group again",
            ));
        }
        Ok(RecoveryCode(Zeroizing::new(group(&chars))))
    }

    /// The grouped form, e.g. `7K2M-...`; also the exact bytes fed to the key derivation.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for RecoveryCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("RecoveryCode(..)")
    }
}

fn encode(bytes: &[u8; 16]) -> Zeroizing<String> {
    let mut n = Zeroizing::new(u128::from_be_bytes(*bytes));
    let mut out = Zeroizing::new(String::with_capacity(28));
    // 26 characters of 5 bits carry 130 bits; the top 2 are zero.
    let mut digits = Zeroizing::new([0u8; 26]);
    for d in digits.iter_mut().rev() {
        *d = ALPHABET[(*n & 31) as usize];
        *n >>= 5;
    }
    for d in digits.iter() {
        out.push(*d as char);
    }
    let check = check_chars(&out);
    out.push_str(&check);
    Zeroizing::new(group(&out))
}

fn check_chars(body: &str) -> String {
    let digest = ring::digest::digest(&ring::digest::SHA256, body.as_bytes());
    let d = digest.as_ref();
    [
        ALPHABET[(d[0] & 31) as usize] as char,
        ALPHABET[(d[1] & 31) as usize] as char,
    ]
    .iter()
    .collect()
}

fn group(chars: &str) -> String {
    chars
        .as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join("-")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_codes_parse_back_and_typos_are_caught() {
        let code = RecoveryCode::generate().unwrap();
        assert_eq!(code.as_str().len(), 28 + 6);
        let typed = code.as_str().to_lowercase().replace('-', " ");
        assert_eq!(RecoveryCode::parse(&typed).unwrap().as_str(), code.as_str());
        let mut chars: Vec<char> = code.as_str().chars().collect();
        chars[0] = if chars[0] == '2' { '3' } else { '2' };
        let typo: String = chars.into_iter().collect();
        assert!(RecoveryCode::parse(&typo).is_err());
        assert!(RecoveryCode::parse("short").is_err());
        assert_ne!(RecoveryCode::generate().unwrap().as_str(), code.as_str());
    }
}
