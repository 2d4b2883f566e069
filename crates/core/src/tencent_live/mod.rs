//! Tencent Cloud Live (CSS, 云直播) callbacks (SPEC §7.1).
//!
//! * Push callbacks are a flat JSON object with a **numeric** `event_type` (1 stream started,
//!   0 stream ended, 100 recording file, 200 screenshot, 317 image moderation, 332 recording
//!   status; others are kept raw) — Tencent's "How to receive event notifications" (doc
//!   267/38080) and the per-event pages 267/38081–38084, 267/58590.
//! * With a callback key set in the callback template, the body also carries `sign` and `t`:
//!   `sign = lowercase_hex(MD5(CallbackKey + t))`, `t` = the Unix second at which the
//!   signature **expires** (Tencent sets send time + 10 min). `t` may be a JSON integer or a
//!   string of decimal digits (the legacy doc 267/5957 types it as a string). `sign` is
//!   compared case-insensitively in constant time; `now > t` is [`VerifyError::Expired`] and
//!   `now == t` is still valid. The body itself is **not** signed.
//! * [`config`] validates `CreateLiveCallbackTemplate` / `ModifyLiveCallbackTemplate`;
//!   [`event`] has the typed events and the normalization rules; [`SCHEME`] registers the
//!   vendor (`tencent_live`) in [`crate::vendor`].

pub mod config;
pub mod event;
pub(crate) mod lenient;
mod scheme;

pub use scheme::SCHEME;

use alloc::borrow::Cow;
use alloc::string::String;
use alloc::vec::Vec;
use serde_json::Value;

use crate::error::VerifyError;
use crate::json::{self, Object};
use crate::signing;

/// The body fields that carry the signature (removed before normalization).
pub const SIGNATURE_FIELDS: [&str; 2] = ["sign", "t"];

/// Tencent's default validity of a signature: `t` = send time + 600 s (doc 267/38080).
pub const DEFAULT_TTL_SECONDS: i64 = 600;

/// `lowercase_hex(MD5(key + t))`: the `sign` Tencent puts beside `t = expires_at`.
///
/// ```
/// assert_eq!(
///     mediahook_core::tencent_live::sign("LiveCbKey2024abc", 1750000600),
///     "2b6392557089fac9a0ad2b5c71082c5e"
/// );
/// ```
pub fn sign(key: &str, expires_at: i64) -> String {
    crate::hex::encode(&digest(key, expires_at))
}

fn digest(key: &str, t: i64) -> [u8; 16] {
    let mut buf = [0u8; 20];
    signing::md5(&[key.as_bytes(), signing::decimal(t, &mut buf)])
}

/// Adds `sign` and `t` (= `expires_at`, Unix seconds) to a JSON-object body, as Tencent
/// does; an existing `sign`/`t` is replaced.
///
/// Returns [`VerifyError::MalformedPayload`] when `body` is not a JSON object.
pub fn sign_body(body: &[u8], key: &str, expires_at: i64) -> Result<Vec<u8>, VerifyError> {
    let mut obj = json::parse_object(body)?;
    obj.insert("sign".into(), Value::String(sign(key, expires_at)));
    obj.insert("t".into(), Value::from(expires_at));
    Ok(json::canonical_bytes(&Value::Object(obj)))
}

/// `true` for an absent signature part: no field, `null` or an empty string.
fn absent(v: Option<&Value>) -> bool {
    match v {
        None | Some(Value::Null) => true,
        Some(Value::String(s)) => s.is_empty(),
        Some(_) => false,
    }
}

/// Checks `sign`/`t` of a parsed body against `key` at `now` (Unix seconds).
///
/// Order: parse (`Missing` when `sign` or `t` is absent, `null` or empty; `Malformed` when
/// `sign` is not 32 hex digits or `t` is not a non-negative integer / decimal string) →
/// signature (`Mismatch`) → time (`Expired` when `now > t`).
pub fn verify_object(obj: &Object, key: &str, now: i64) -> Result<(), VerifyError> {
    let (sign, t) = (obj.get("sign"), obj.get("t"));
    if absent(sign) || absent(t) {
        return Err(VerifyError::Missing);
    }
    let given = match sign {
        Some(Value::String(s)) => signing::parse_md5_hex(s)?,
        _ => return Err(VerifyError::Malformed),
    };
    let t = t.map_or(Err(VerifyError::Missing), json::non_negative_i64)?;
    signing::ct_check(&digest(key, t), &given)?;
    if now > t {
        return Err(VerifyError::Expired);
    }
    Ok(())
}

/// Parses and verifies a raw callback body at `now` (Unix seconds); returns the object with
/// `sign`/`t` removed.
pub fn verify(body: &[u8], key: &str, now: i64) -> Result<Object, VerifyError> {
    let mut obj = json::parse_object(body)?;
    verify_object(&obj, key, now)?;
    strip_signature(&mut obj);
    Ok(obj)
}

/// Removes the signature fields from a parsed body.
pub fn strip_signature(obj: &mut Object) {
    for f in SIGNATURE_FIELDS {
        obj.remove(f);
    }
}

/// The vendor event type: `event_type` in decimal (`"1"`, `"100"`), from a JSON integer or
/// a string of decimal digits; `None` when absent or anything else.
pub fn event_type(obj: &Object) -> Option<Cow<'_, str>> {
    match obj.get("event_type")? {
        Value::Number(n) => n.as_i64().map(|v| Cow::Owned(alloc::format!("{v}"))),
        Value::String(s) if json::parse_decimal(s).is_some() => Some(Cow::Borrowed(s.as_str())),
        _ => None,
    }
}

/// The numeric `event_type`, when it is an integer (or a string of decimal digits).
pub fn event_type_code(obj: &Object) -> Option<i64> {
    match obj.get("event_type")? {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => json::parse_decimal(s),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PUSH: &[u8] = br#"{"event_type":1,"app":"push.example.com","appname":"live","stream_id":"room42","event_time":1750000000}"#;

    #[test]
    fn sign_then_verify() {
        let signed = sign_body(PUSH, "k", 100).unwrap();
        let obj = verify(&signed, "k", 100).unwrap();
        assert!(obj.get("sign").is_none() && obj.get("t").is_none());
        assert_eq!(event_type(&obj).as_deref(), Some("1"));
        assert_eq!(verify(&signed, "k", 101), Err(VerifyError::Expired));
        assert_eq!(verify(&signed, "K", 100), Err(VerifyError::Mismatch));
        // Re-signing replaces the old signature.
        let again = sign_body(&signed, "k2", 200).unwrap();
        assert!(verify(&again, "k2", 150).is_ok());
        assert_eq!(verify(&again, "k", 150), Err(VerifyError::Mismatch));
    }

    #[test]
    fn t_as_decimal_string_and_uppercase_sign() {
        let s = sign("k", 1_750_000_600).to_ascii_uppercase();
        let body = alloc::format!(r#"{{"event_type":0,"sign":"{s}","t":"1750000600"}}"#);
        assert!(verify(body.as_bytes(), "k", 1_750_000_600).is_ok());
        assert_eq!(
            verify(body.as_bytes(), "k", 1_750_000_601),
            Err(VerifyError::Expired)
        );
    }

    #[test]
    fn missing_and_malformed() {
        for b in [
            &br#"{"event_type":1}"#[..],
            br#"{"sign":"2b6392557089fac9a0ad2b5c71082c5e"}"#,
            br#"{"t":5}"#,
            br#"{"sign":"","t":5}"#,
            br#"{"sign":"2b6392557089fac9a0ad2b5c71082c5e","t":""}"#,
            br#"{"sign":null,"t":5}"#,
        ] {
            assert_eq!(verify(b, "k", 0), Err(VerifyError::Missing));
        }
        for b in [
            &br#"{"sign":5,"t":1}"#[..],
            br#"{"sign":"2b6392557089fac9a0ad2b5c71082c5","t":1}"#,
            br#"{"sign":"2b6392557089fac9a0ad2b5c71082c5e","t":1.5}"#,
            br#"{"sign":"2b6392557089fac9a0ad2b5c71082c5e","t":-1}"#,
            br#"{"sign":"2b6392557089fac9a0ad2b5c71082c5e","t":"1e9"}"#,
            br#"{"sign":"2b6392557089fac9a0ad2b5c71082c5e","t":[1]}"#,
        ] {
            assert_eq!(verify(b, "k", 0), Err(VerifyError::Malformed));
        }
        assert_eq!(verify(b"[1,2]", "k", 0), Err(VerifyError::MalformedPayload));
        assert_eq!(
            sign_body(b"[1]", "k", 0),
            Err(VerifyError::MalformedPayload)
        );
    }

    #[test]
    fn event_type_forms() {
        let o = json::parse_object(br#"{"event_type":"317"}"#).unwrap();
        assert_eq!(event_type(&o).as_deref(), Some("317"));
        assert_eq!(event_type_code(&o), Some(317));
        for b in [
            &br#"{"event_type":"push"}"#[..],
            br#"{"event_type":1.5}"#,
            br#"{"event_type":null}"#,
            br#"{}"#,
        ] {
            let o = json::parse_object(b).unwrap();
            assert_eq!(event_type(&o), None, "{o:?}");
        }
    }
}
