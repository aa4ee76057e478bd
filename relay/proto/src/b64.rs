//! Binary values in JSON and headers: unpadded URL-safe base64 (RFC 4648 §5).

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;

pub fn encode(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

pub fn decode(text: &str, what: &'static str) -> crate::Result<Vec<u8>> {
    URL_SAFE_NO_PAD
        .decode(text)
        .map_err(|_| crate::Error::Malformed(what))
}

/// Decodes exactly `N` bytes.
pub fn decode_array<const N: usize>(text: &str, what: &'static str) -> crate::Result<[u8; N]> {
    decode(text, what)?
        .try_into()
        .map_err(|_| crate::Error::Malformed(what))
}

/// serde for `[u8; N]` fields as base64.
macro_rules! b64_newtype {
    ($name:ident, $n:expr, $what:expr) => {
        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(&crate::b64::encode(&self.0))
            }
        }
        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let text = <std::borrow::Cow<'de, str>>::deserialize(d)?;
                crate::b64::decode_array::<$n>(&text, $what)
                    .map($name)
                    .map_err(serde::de::Error::custom)
            }
        }
    };
}
pub(crate) use b64_newtype;

/// serde for `Vec<u8>` fields as base64 (`#[serde(with = "crate::b64::bytes")]`).
pub mod bytes {
    pub fn serialize<S: serde::Serializer>(v: &[u8], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&super::encode(v))
    }
    pub fn deserialize<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
        let text = <std::borrow::Cow<'de, str> as serde::Deserialize>::deserialize(d)?;
        super::decode(&text, "base64 field").map_err(serde::de::Error::custom)
    }
}
