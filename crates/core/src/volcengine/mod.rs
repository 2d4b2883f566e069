//! Volcengine Live callbacks (API version 2023-01-01).
//!
//! * Bodies come flat (`{"vhost", "app", "stream", "event_type", "sign", "t", ...}`) or
//!   wrapped (`{"code":0,"message":"ok","data":{..., "detail":{...}}}`); both are accepted.
//! * With `AuthEnable`, `sign = lowercase_hex(MD5(AuthKeyPrimary + t))`, `t` = expiry Unix
//!   seconds; `sign == ""` with `t == 0` means unsigned ([`VerifyError::Missing`]).
//!   [`SignOrder::TimeFirst`] hashes `t + AuthKeyPrimary` for accounts that see that order.
//! * A source may override the order ([`SignOrder`]) and the meaning of `t`
//!   ([`TimestampMeaning`]: `expiry`, or `sent` with a window) — [`LiveSignParams`]; the
//!   BytePlus twin ([`crate::byteplus`]) uses this module with other defaults.
//! * [`config`] models and validates `UpdateCallback`; [`event`] has the typed events;
//!   [`SCHEME`] registers the vendor.

pub mod config;
pub mod event;
mod scheme;

pub use scheme::SCHEME;
pub(crate) use scheme::{live_event_model, live_sign, live_verify};
pub(crate) use scheme::{LIVE_CONFIG_FIELDS, LIVE_EVENT_TYPES, LIVE_OPTIONS};

use alloc::string::String;
use alloc::vec::Vec;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::error::VerifyError;
use crate::json::{self, Object};
use crate::signing;
use crate::vendor::TimestampMeaning;

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

/// `lowercase_hex(MD5(...))` of the key and `t` (an expiry or a send time) in the given order.
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

/// Adds `sign` and `t` (= `expires_at`, or a send time for sources that read `t` so) to a
/// body (inside `data` for the wrapped shape).
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

/// How a source judges `sign` / `t`: the concatenation order, what `t` means and, for a send
/// time, the accepted |now − t| in seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LiveSignParams {
    /// Key first (Volcengine's docs) or time first (BytePlus's docs).
    pub order: SignOrder,
    /// Expiry (Volcengine: now + 10 min) or send time (BytePlus).
    pub timestamp: TimestampMeaning,
    /// Seconds; only read for [`TimestampMeaning::Sent`].
    pub window_seconds: i64,
}

impl LiveSignParams {
    /// Volcengine's documented scheme: key first, `t` = expiry (the window, 300 s, applies
    /// only to a source that reads `t` as a send time).
    pub const VOLCENGINE: LiveSignParams = LiveSignParams {
        order: SignOrder::KeyFirst,
        timestamp: TimestampMeaning::Expiry,
        window_seconds: 300,
    };

    /// `true` when `t` is inside the accepted time at `now` (Unix seconds).
    pub fn in_time(&self, t: i64, now: i64) -> bool {
        match self.timestamp {
            TimestampMeaning::Expiry => now <= t,
            TimestampMeaning::Sent => {
                now.saturating_sub(t).saturating_abs() <= self.window_seconds.max(0)
            }
        }
    }
}

/// Checks `sign`/`t` of a parsed body against `key` at `now` (Unix seconds), `t` = expiry.
pub fn verify_object(
    obj: &Object,
    key: &str,
    now: i64,
    order: SignOrder,
) -> Result<(), VerifyError> {
    let params = LiveSignParams {
        order,
        ..LiveSignParams::VOLCENGINE
    };
    verify_object_with(obj, key, now, &params)
}

/// The `sign` / `t` pair: in the event fields (`data` of the wrapped shape, else the body),
/// else at the top level of a wrapped body.
fn sign_fields(obj: &Object) -> Option<(&Value, &Value)> {
    fn at(o: &Object) -> Option<(&Value, &Value)> {
        match (o.get("sign"), o.get("t")) {
            (Some(s), Some(t)) => Some((s, t)),
            _ => None,
        }
    }
    at(payload(obj)).or_else(|| at(obj))
}

/// Checks `sign`/`t` of a parsed body against `key` at `now` (Unix seconds) with `params`.
///
/// Absent fields, or `sign == ""` with `t` 0 / empty / null, are [`VerifyError::Missing`]
/// (unsigned); then parse (`Malformed`) → signature (`Mismatch`) → time (`Expired`).
pub fn verify_object_with(
    obj: &Object,
    key: &str,
    now: i64,
    params: &LiveSignParams,
) -> Result<(), VerifyError> {
    let (sign, t) = sign_fields(obj).ok_or(VerifyError::Missing)?;
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
    signing::ct_check(&digest(key, t, params.order), &given)?;
    if !params.in_time(t, now) {
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

/// Removes the signature fields (in either shape, and at the top of a wrapped body).
pub fn strip_signature(obj: &mut Object) {
    let wrapped = is_wrapped(obj);
    with_payload_mut(obj, |p| {
        for f in SIGNATURE_FIELDS {
            p.remove(f);
        }
    });
    if wrapped {
        for f in SIGNATURE_FIELDS {
            obj.remove(f);
        }
    }
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
