//! Check-in ids and request ids: 16 random bytes, written as 32 lowercase hex digits.

use std::fmt;
use std::str::FromStr;

macro_rules! hex_id {
    ($name:ident, $what:expr) => {
        #[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(pub [u8; 16]);

        impl $name {
            /// A fresh random id.
            pub fn random() -> crate::Result<Self> {
                let mut b = [0u8; 16];
                crate::random(&mut b)?;
                Ok($name(b))
            }
            pub fn as_bytes(&self) -> &[u8; 16] {
                &self.0
            }
        }
        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&hex::encode(self.0))
            }
        }
        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({})", stringify!($name), self)
            }
        }
        impl FromStr for $name {
            type Err = crate::Error;
            /// Exactly 32 lowercase hex digits (one spelling per id, so ids compare as text).
            fn from_str(s: &str) -> crate::Result<Self> {
                if s.len() != 32 || !s.bytes().all(|c| matches!(c, b'0'..=b'9' | b'a'..=b'f')) {
                    return Err(crate::Error::Malformed($what));
                }
                let mut b = [0u8; 16];
                hex::decode_to_slice(s, &mut b).map_err(|_| crate::Error::Malformed($what))?;
                Ok($name(b))
            }
        }
        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.collect_str(self)
            }
        }
        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let text = <std::borrow::Cow<'de, str>>::deserialize(d)?;
                text.parse().map_err(serde::de::Error::custom)
            }
        }
    };
}

hex_id!(CheckinId, "check-in id");
hex_id!(RequestId, "request id");

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_have_one_spelling() {
        let id = CheckinId::random().unwrap();
        let text = id.to_string();
        assert_eq!(text.len(), 32);
        assert_eq!(text.parse::<CheckinId>().unwrap(), id);
        assert!("AB".repeat(16).parse::<CheckinId>().is_err(), "upper case");
        assert!(text[..31].parse::<CheckinId>().is_err());
        assert!(format!("{text}0").parse::<CheckinId>().is_err());
        assert!("zz".repeat(16).parse::<RequestId>().is_err());
        assert_ne!(CheckinId::random().unwrap(), id);
    }
}
