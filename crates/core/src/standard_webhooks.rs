//! Standard Webhooks v1: how mediahook signs what it forwards to origins.
//!
//! `webhook-signature` = `v1,` + base64(HMAC-SHA256(key, id + "." + timestamp + "." + body)),
//! with the key = base64-decode(secret without its `whsec_` prefix). Several space-separated
//! signatures are sent while keys rotate; a verifier accepts when any one matches.
//!
//! ```
//! use mediahook_core::standard_webhooks::Webhook;
//!
//! let wh = Webhook::new(&["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"]).unwrap();
//! let sig = wh.sign("msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, br#"{"test": 2432232314}"#);
//! assert_eq!(sig, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
//! assert!(wh.verify(&mediahook_core::standard_webhooks::Headers {
//!     id: Some("msg_p5jXN8AQM9LWM0D4loKWxJek"),
//!     timestamp: Some("1614265330"),
//!     signature: Some(&sig),
//! }, br#"{"test": 2432232314}"#, 1614265330).is_ok());
//! ```

use alloc::string::String;
use alloc::vec::Vec;
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use core::fmt;
use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::error::VerifyError;

/// Header with the message id.
pub const HEADER_ID: &str = "webhook-id";
/// Header with the send time, Unix seconds.
pub const HEADER_TIMESTAMP: &str = "webhook-timestamp";
/// Header with the space-separated `v1,<base64>` signatures.
pub const HEADER_SIGNATURE: &str = "webhook-signature";
/// Default accepted |now − timestamp|, seconds.
pub const DEFAULT_TOLERANCE_SECONDS: i64 = 300;
/// The prefix of Standard Webhooks secrets.
pub const SECRET_PREFIX: &str = "whsec_";

/// Why a secret could not be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum SecretError {
    /// The part after `whsec_` is not valid base64.
    NotBase64,
    /// The secret decodes to nothing.
    Empty,
    /// No secret was given.
    NoSecrets,
    /// A signing secret decodes to fewer than [`SIGNING_KEY_MIN_BYTES`] or more than
    /// [`SIGNING_KEY_MAX_BYTES`] bytes (the count it has).
    KeyLength(usize),
}

/// The fewest key bytes a signing secret may have: Standard Webhooks 1.0.0, "Signature
/// scheme": "Random. Between 24 bytes (192 bits) and 64 bytes (512 bits)".
pub const SIGNING_KEY_MIN_BYTES: usize = 24;
/// The most key bytes a signing secret may have (same source).
pub const SIGNING_KEY_MAX_BYTES: usize = 64;

impl fmt::Display for SecretError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            SecretError::NotBase64 => "the secret is not base64 (after the whsec_ prefix)",
            SecretError::Empty => "the secret is empty",
            SecretError::NoSecrets => "at least one secret is required",
            SecretError::KeyLength(n) => {
                return write!(
                    f,
                    "the secret decodes to {n} bytes; a signing secret must be {SIGNING_KEY_MIN_BYTES} to {SIGNING_KEY_MAX_BYTES} random bytes (Standard Webhooks), e.g. whsec_ + base64 of 32 random bytes"
                );
            }
        })
    }
}

#[cfg(feature = "std")]
impl std::error::Error for SecretError {}

/// The three Standard Webhooks headers of a received message (absent = `None`).
#[derive(Debug, Clone, Copy, Default)]
pub struct Headers<'a> {
    /// `webhook-id`.
    pub id: Option<&'a str>,
    /// `webhook-timestamp`.
    pub timestamp: Option<&'a str>,
    /// `webhook-signature`.
    pub signature: Option<&'a str>,
}

/// Signs and verifies with one or more secrets (several during rotation).
/// `Debug` never prints the keys.
#[derive(Clone)]
pub struct Webhook {
    keys: Vec<Vec<u8>>,
    tolerance_seconds: i64,
}

impl fmt::Debug for Webhook {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Webhook")
            .field("keys", &self.keys.len())
            .field("tolerance_seconds", &self.tolerance_seconds)
            .finish()
    }
}

/// Decodes one secret (`whsec_` prefix optional) into its key bytes. Whitespace around the
/// whole secret is ignored (a copy-paste habit); inside it (`whsec_ abc…`) it is not base64,
/// as in the Standard Webhooks libraries.
pub fn decode_secret(secret: &str) -> Result<Vec<u8>, SecretError> {
    let secret = secret.trim();
    let b64 = secret.strip_prefix(SECRET_PREFIX).unwrap_or(secret);
    let key = STANDARD.decode(b64).map_err(|_| SecretError::NotBase64)?;
    if key.is_empty() {
        return Err(SecretError::Empty);
    }
    Ok(key)
}

/// Decodes a secret we sign with: as [`decode_secret`], and its key must be
/// [`SIGNING_KEY_MIN_BYTES`]..=[`SIGNING_KEY_MAX_BYTES`] bytes long (a verifier accepts any
/// length it is given; a sender should not issue a weak key).
///
/// ```
/// use mediahook_core::standard_webhooks::{decode_signing_secret, SecretError};
/// assert_eq!(decode_signing_secret("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").unwrap().len(), 24);
/// assert_eq!(decode_signing_secret("whsec_a2V5"), Err(SecretError::KeyLength(3)));
/// ```
pub fn decode_signing_secret(secret: &str) -> Result<Vec<u8>, SecretError> {
    let key = decode_secret(secret)?;
    if !(SIGNING_KEY_MIN_BYTES..=SIGNING_KEY_MAX_BYTES).contains(&key.len()) {
        return Err(SecretError::KeyLength(key.len()));
    }
    Ok(key)
}

/// Encodes key bytes as a `whsec_` secret.
pub fn encode_secret(key: &[u8]) -> String {
    let mut s = String::from(SECRET_PREFIX);
    s.push_str(&STANDARD.encode(key));
    s
}

impl Webhook {
    /// A signer/verifier for the given secrets (the first signs first).
    pub fn new<S: AsRef<str>>(secrets: &[S]) -> Result<Self, SecretError> {
        let keys = secrets
            .iter()
            .map(|s| decode_secret(s.as_ref()))
            .collect::<Result<Vec<_>, _>>()?;
        Self::from_keys(keys)
    }

    /// A signer/verifier for raw key bytes.
    pub fn from_keys(keys: Vec<Vec<u8>>) -> Result<Self, SecretError> {
        if keys.is_empty() {
            return Err(SecretError::NoSecrets);
        }
        Ok(Webhook {
            keys,
            tolerance_seconds: DEFAULT_TOLERANCE_SECONDS,
        })
    }

    /// Sets the accepted |now − timestamp| for [`Webhook::verify`] (default 300 s).
    pub fn with_tolerance_seconds(mut self, seconds: i64) -> Self {
        self.tolerance_seconds = seconds.max(0);
        self
    }

    fn mac(key: &[u8], id: &str, timestamp: &[u8], body: &[u8]) -> Hmac<Sha256> {
        let mut m = match Hmac::<Sha256>::new_from_slice(key) {
            Ok(m) => m,
            Err(_) => Hmac::<Sha256>::new(&Default::default()),
        };
        m.update(id.as_bytes());
        m.update(b".");
        m.update(timestamp);
        m.update(b".");
        m.update(body);
        m
    }

    /// The `webhook-signature` header value: one `v1,<base64>` per secret, space-separated.
    pub fn sign(&self, id: &str, timestamp: i64, body: &[u8]) -> String {
        let mut buf = [0u8; 20];
        let ts = crate::signing::decimal(timestamp, &mut buf);
        let mut out = String::with_capacity(self.keys.len() * 48);
        for (i, key) in self.keys.iter().enumerate() {
            if i > 0 {
                out.push(' ');
            }
            out.push_str("v1,");
            STANDARD.encode_string(
                Self::mac(key, id, ts, body).finalize().into_bytes(),
                &mut out,
            );
        }
        out
    }

    /// Verifies a received message at `now` (Unix seconds).
    ///
    /// Empty or absent headers are [`VerifyError::Missing`]; a timestamp that is not a
    /// decimal integer is [`VerifyError::Malformed`]; signature entries that do not decode,
    /// have the wrong length or an unknown version simply do not match
    /// ([`VerifyError::Mismatch`] when none does); then the time window
    /// ([`VerifyError::Expired`]).
    pub fn verify(&self, headers: &Headers<'_>, body: &[u8], now: i64) -> Result<(), VerifyError> {
        fn present(h: Option<&str>) -> Option<&str> {
            h.filter(|v| !v.trim().is_empty())
        }
        let (id, ts, sigs) = match (
            present(headers.id),
            present(headers.timestamp),
            present(headers.signature),
        ) {
            (Some(id), Some(ts), Some(s)) => (id, ts.trim(), s),
            _ => return Err(VerifyError::Missing),
        };
        let ts_value = parse_timestamp(ts).ok_or(VerifyError::Malformed)?;
        let mut matched = false;
        let mut decoded = [0u8; 33];
        for entry in sigs.split(' ').filter(|e| !e.is_empty()) {
            let Some(b64) = entry.strip_prefix("v1,") else {
                continue;
            };
            let Ok(32) = STANDARD.decode_slice(b64, &mut decoded) else {
                continue;
            };
            let Some(sig) = decoded.get(..32) else {
                continue;
            };
            for key in &self.keys {
                // `verify_slice` compares in constant time.
                if Self::mac(key, id, ts.as_bytes(), body)
                    .verify_slice(sig)
                    .is_ok()
                {
                    matched = true;
                }
            }
        }
        if !matched {
            return Err(VerifyError::Mismatch);
        }
        if now.saturating_sub(ts_value).saturating_abs() > self.tolerance_seconds {
            return Err(VerifyError::Expired);
        }
        Ok(())
    }
}

/// A decimal integer timestamp (an optional leading `-` is allowed, as the reference
/// libraries parse it as an integer).
fn parse_timestamp(s: &str) -> Option<i64> {
    match s.strip_prefix('-') {
        Some(rest) => crate::json::parse_decimal(rest).map(|v| -v),
        None => crate::json::parse_decimal(s),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

    #[test]
    fn rotation_signs_with_every_key() {
        let other = encode_secret(b"another key of ours");
        let wh = Webhook::new(&[SECRET, other.as_str()]).unwrap();
        let sig = wh.sign("msg_1", 10, b"{}");
        assert_eq!(sig.split(' ').count(), 2);
        let only_new = Webhook::new(&[other.as_str()]).unwrap();
        let h = Headers {
            id: Some("msg_1"),
            timestamp: Some("10"),
            signature: Some(&sig),
        };
        assert_eq!(only_new.verify(&h, b"{}", 10), Ok(()));
    }

    #[test]
    fn header_errors() {
        let wh = Webhook::new(&[SECRET]).unwrap();
        let sig = wh.sign("m", 10, b"x");
        let base = Headers {
            id: Some("m"),
            timestamp: Some("10"),
            signature: Some(&sig),
        };
        assert_eq!(
            wh.verify(&Headers { id: None, ..base }, b"x", 10),
            Err(VerifyError::Missing)
        );
        assert_eq!(
            wh.verify(
                &Headers {
                    timestamp: Some(""),
                    ..base
                },
                b"x",
                10
            ),
            Err(VerifyError::Missing)
        );
        assert_eq!(
            wh.verify(
                &Headers {
                    timestamp: Some("1e3"),
                    ..base
                },
                b"x",
                10
            ),
            Err(VerifyError::Malformed)
        );
        assert_eq!(wh.verify(&base, b"y", 10), Err(VerifyError::Mismatch));
        assert_eq!(wh.verify(&base, b"x", 311), Err(VerifyError::Expired));
        assert_eq!(
            wh.clone()
                .with_tolerance_seconds(301)
                .verify(&base, b"x", 311),
            Ok(())
        );
    }

    #[test]
    fn secrets() {
        assert_eq!(
            decode_secret("whsec_!!").err(),
            Some(SecretError::NotBase64)
        );
        assert_eq!(decode_secret("whsec_").err(), Some(SecretError::Empty));
        assert_eq!(
            Webhook::new::<&str>(&[]).err(),
            Some(SecretError::NoSecrets)
        );
        assert_eq!(decode_secret(&encode_secret(b"k")).unwrap(), b"k");
        assert_eq!(
            decode_signing_secret(&encode_secret(&[7; 23])),
            Err(SecretError::KeyLength(23))
        );
        assert_eq!(
            decode_signing_secret(&encode_secret(&[7; 24]))
                .unwrap()
                .len(),
            24
        );
        assert_eq!(
            decode_signing_secret(&encode_secret(&[7; 64]))
                .unwrap()
                .len(),
            64
        );
        assert_eq!(
            decode_signing_secret(&encode_secret(&[7; 65])),
            Err(SecretError::KeyLength(65))
        );
        assert_eq!(
            decode_signing_secret("whsec_!"),
            Err(SecretError::NotBase64)
        );
        // Whitespace around the whole secret is ignored; after the prefix it is not base64.
        let key = encode_secret(&[7; 32]);
        assert_eq!(
            decode_secret(&alloc::format!(" \t{key}\n")).unwrap(),
            [7; 32]
        );
        assert_eq!(
            decode_secret(&key.replacen("whsec_", "whsec_ ", 1)),
            Err(SecretError::NotBase64)
        );
        assert!(!alloc::format!("{:?}", Webhook::new(&[SECRET]).unwrap()).contains("MfKQ"));
    }
}
