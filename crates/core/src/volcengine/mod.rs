//! Volcengine Live callbacks (API version 2023-01-01).
//!
//! * Bodies come flat (`{"vhost", "app", "stream", "event_type", "sign", "t", ...}`) or
//!   wrapped (`{"code":0,"message":"ok","data":{..., "detail":{...}}}`); both are accepted.
//! * With `AuthEnable`, `sign = lowercase_hex(MD5(AuthKeyPrimary + t))`, `t` = expiry Unix
//!   seconds; `sign == ""` with `t == 0` means unsigned ([`VerifyError::Missing`]).
//!   [`SignOrder::TimeFirst`] hashes `t + AuthKeyPrimary` for accounts that see that order.
//! * [`config`] models and validates `UpdateCallback`; [`event`] has the typed events.

pub mod config;
pub mod event;

use alloc::string::String;
use alloc::vec::Vec;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::error::VerifyError;
use crate::json::{self, Object};
use crate::signing;

/// The body fields that carry the signature (removed before normalization).
pub const SIGNATURE_FIELDS: [&str; 2] = ["sign", "t"];

/// Which way round the key and the expiry time are concatenated before hashing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SignOrder {
    /// `MD5(AuthKeyPrimary + t)` — the documented order, the default.
    #[default]
    KeyFirst,
    /// `MD5(t + AuthKeyPrimary)`.
    TimeFirst,
}

/// `lowercase_hex(MD5(...))` of the key and the expiry time in the given order.
///
/// ```
/// use mediahook_core::volcengine::{sign, SignOrder};
/// assert_eq!(
///     sign("volcAuthKeyPrimary01", 1732270000, SignOrder::KeyFirst),
///     "71c7f5ad5ad068e024c75117facb50bc"
/// );
/// ```
pub fn sign(key: &str, expires_at: i64, order: SignOrder) -> String {
    crate::hex::encode(&digest(key, expires_at, order))
}

fn digest(key: &str, t: i64, order: SignOrder) -> [u8; 16] {
    let mut buf = [0u8; 20];
    let t = signing::decimal(t, &mut buf);
    match order {
        SignOrder::KeyFirst => signing::md5(&[key.as_bytes(), t]),
        SignOrder::TimeFirst => signing::md5(&[t, key.as_bytes()]),
    }
}

/// The object that holds the event fields: `data` in the wrapped shape, else the body.
pub fn payload(obj: &Object) -> &Object {
    match obj.get("data") {
        Some(Value::Object(data)) if is_wrapped(obj) => data,
        _ => obj,
    }
}

fn with_payload_mut<R>(obj: &mut Object, f: impl FnOnce(&mut Object) -> R) -> R {
    if is_wrapped(obj) {
        if let Some(Value::Object(data)) = obj.get_mut("data") {
            return f(data);
        }
    }
    f(obj)
}

/// `true` for the `{"code", "message", "data": {...}}` shape.
pub fn is_wrapped(obj: &Object) -> bool {
    matches!(obj.get("data"), Some(Value::Object(_))) && !obj.contains_key("event_type")
}

/// Adds `sign` and `t` (= `expires_at`) to a body (inside `data` for the wrapped shape).
pub fn sign_body(
    body: &[u8],
    key: &str,
    expires_at: i64,
    order: SignOrder,
) -> Result<Vec<u8>, VerifyError> {
    let mut obj = json::parse_object(body)?;
    with_payload_mut(&mut obj, |p| {
        p.insert("sign".into(), Value::String(sign(key, expires_at, order)));
        p.insert("t".into(), Value::from(expires_at));
    });
    Ok(json::canonical_bytes(&Value::Object(obj)))
}

/// Checks `sign`/`t` of a parsed body against `key` at `now` (Unix seconds).
pub fn verify_object(
    obj: &Object,
    key: &str,
    now: i64,
    order: SignOrder,
) -> Result<(), VerifyError> {
    let p = payload(obj);
    let (sign, t) = match (p.get("sign"), p.get("t")) {
        (Some(s), Some(t)) => (s, t),
        _ => return Err(VerifyError::Missing),
    };
    let sign = match sign {
        Value::String(s) => s.as_str(),
        _ => return Err(VerifyError::Malformed),
    };
    let t_zero = matches!(json::non_negative_i64(t), Ok(0));
    if sign.is_empty() && (t_zero || t.is_null() || t.as_str() == Some("")) {
        return Err(VerifyError::Missing);
    }
    let given = signing::parse_md5_hex(sign)?;
    let t = json::non_negative_i64(t)?;
    signing::ct_check(&digest(key, t, order), &given)?;
    if now > t {
        return Err(VerifyError::Expired);
    }
    Ok(())
}

/// Parses and verifies a raw callback body; returns the object with `sign`/`t` removed.
pub fn verify(body: &[u8], key: &str, now: i64, order: SignOrder) -> Result<Object, VerifyError> {
    let mut obj = json::parse_object(body)?;
    verify_object(&obj, key, now, order)?;
    strip_signature(&mut obj);
    Ok(obj)
}

/// Removes the signature fields (in either shape).
pub fn strip_signature(obj: &mut Object) {
    with_payload_mut(obj, |p| {
        for f in SIGNATURE_FIELDS {
            p.remove(f);
        }
    });
}

/// The vendor event type (`event_type`, in either shape).
pub fn event_type(obj: &Object) -> Option<&str> {
    payload(obj).get("event_type").and_then(Value::as_str)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_orders_and_shapes() {
        let flat = br#"{"event_type":"push_end","vhost":"v","app":"a","stream":"s"}"#;
        let wrapped = br#"{"code":0,"message":"ok","data":{"event_type":"record_event"}}"#;
        for order in [SignOrder::KeyFirst, SignOrder::TimeFirst] {
            for body in [&flat[..], &wrapped[..]] {
                let signed = sign_body(body, "key", 50, order).unwrap();
                let obj = verify(&signed, "key", 50, order).unwrap();
                assert!(payload(&obj).get("sign").is_none());
                let other = match order {
                    SignOrder::KeyFirst => SignOrder::TimeFirst,
                    SignOrder::TimeFirst => SignOrder::KeyFirst,
                };
                assert_eq!(
                    verify(&signed, "key", 50, other),
                    Err(VerifyError::Mismatch)
                );
                assert_eq!(verify(&signed, "key", 51, order), Err(VerifyError::Expired));
            }
        }
    }

    #[test]
    fn empty_sign_with_time_is_malformed() {
        let b = br#"{"event_type":"push_start","sign":"","t":5}"#;
        assert_eq!(
            verify(b, "k", 0, SignOrder::KeyFirst),
            Err(VerifyError::Malformed)
        );
        let b = br#"{"event_type":"push_start"}"#;
        assert_eq!(
            verify(b, "k", 0, SignOrder::KeyFirst),
            Err(VerifyError::Missing)
        );
    }
}
