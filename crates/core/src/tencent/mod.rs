//! Tencent Cloud VOD, event notification v3.0.
//!
//! * Push callbacks are a JSON object `{"EventType": "...", "<Payload>": {...}}`.
//! * With a `SignKey` configured the body also carries `Sign` and `T`:
//!   `Sign = lowercase_hex(MD5(SignKey + T))`, `T` = the Unix second at which the signature
//!   **expires** (Tencent uses now + 10 min). `now > T` is [`VerifyError::Expired`].
//! * Legacy **v2.0** callbacks (`{"version":"4.0","eventType":…,"data":{"fileId":…}}`, lower
//!   case, payload under `data`, never signed) are recognized by [`is_legacy_v2`]: the event
//!   type is `eventType` as sent, the payload is `data` (SPEC §1.1).
//! * [`config`] models and validates `ModifyEventConfig`; [`event`] has the typed events;
//!   [`SCHEME`] registers the vendor.

pub mod config;
pub mod event;
mod scheme;

pub use scheme::SCHEME;

use alloc::string::String;
use alloc::vec::Vec;
use serde_json::Value;

use crate::error::VerifyError;
use crate::json::{self, Object};
use crate::signing;

/// The body fields that carry the signature (removed before normalization).
pub const SIGNATURE_FIELDS: [&str; 2] = ["Sign", "T"];

/// `lowercase_hex(MD5(key + t))`: the `Sign` Tencent puts beside `T = t`.
///
/// ```
/// assert_eq!(
///     mediahook_core::tencent::sign("Hk3pQ9zLmW2xR7tY", 1732270000),
///     "79ceb228c63ff7d84d8b572521b625e2"
/// );
/// ```
pub fn sign(key: &str, expires_at: i64) -> String {
    let mut buf = [0u8; 20];
    signing::md5_hex(&[key.as_bytes(), signing::decimal(expires_at, &mut buf)])
}

/// Adds `Sign` and `T` (= `expires_at`) to a JSON-object body, as Tencent does.
///
/// Returns [`VerifyError::MalformedPayload`] when `body` is not a JSON object.
pub fn sign_body(body: &[u8], key: &str, expires_at: i64) -> Result<Vec<u8>, VerifyError> {
    let mut obj = json::parse_object(body)?;
    obj.insert("Sign".into(), Value::String(sign(key, expires_at)));
    obj.insert("T".into(), Value::from(expires_at));
    Ok(json::canonical_bytes(&Value::Object(obj)))
}

/// Checks `Sign`/`T` of a parsed body against `key` at `now` (Unix seconds).
///
/// Order: parse (`Missing`/`Malformed`) → signature (`Mismatch`) → time (`Expired`).
pub fn verify_object(obj: &Object, key: &str, now: i64) -> Result<(), VerifyError> {
    let (sign, t) = match (obj.get("Sign"), obj.get("T")) {
        (Some(s), Some(t)) => (s, t),
        _ => return Err(VerifyError::Missing),
    };
    let given = match sign {
        Value::String(s) => signing::parse_md5_hex(s)?,
        _ => return Err(VerifyError::Malformed),
    };
    let t = json::non_negative_i64(t)?;
    let mut buf = [0u8; 20];
    let expected = signing::md5(&[key.as_bytes(), signing::decimal(t, &mut buf)]);
    signing::ct_check(&expected, &given)?;
    if now > t {
        return Err(VerifyError::Expired);
    }
    Ok(())
}

/// Parses and verifies a raw callback body; returns the object with `Sign`/`T` removed.
pub fn verify(body: &[u8], key: &str, now: i64) -> Result<Object, VerifyError> {
    let mut obj = json::parse_object(body)?;
    verify_object(&obj, key, now)?;
    strip_signature(&mut obj);
    Ok(obj)
}

/// Delivery metadata that is not part of the event: `EventHandle`, which the same event
/// carries when it comes from `PullEvents` (a push body is the event without it), so a
/// re-pulled event hashes like its push form.
pub const DELIVERY_FIELDS: [&str; 1] = ["EventHandle"];

/// Removes the signature fields and the delivery metadata from a parsed body.
pub fn strip_signature(obj: &mut Object) {
    for f in SIGNATURE_FIELDS.iter().chain(DELIVERY_FIELDS.iter()) {
        obj.remove(*f);
    }
}

/// `true` for the legacy v2.0 shape: no `EventType`, a string `eventType` and an object
/// `data` (Tencent's v2.0 docs also send `"version":"4.0"`, which is not required here).
pub fn is_legacy_v2(obj: &Object) -> bool {
    !obj.contains_key("EventType")
        && matches!(obj.get("eventType"), Some(Value::String(_)))
        && matches!(obj.get("data"), Some(Value::Object(_)))
}

/// The vendor event type: `EventType` (v3.0), or `eventType` of the v2.0 shape, as sent.
pub fn event_type(obj: &Object) -> Option<&str> {
    match obj.get("EventType") {
        Some(v) => v.as_str(),
        None if is_legacy_v2(obj) => obj.get("eventType").and_then(Value::as_str),
        None => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sign_then_verify() {
        let body = br#"{"EventType":"FileDeleted","FileDeleteEvent":{"FileIdSet":["1"]}}"#;
        let signed = sign_body(body, "k", 100).unwrap();
        let obj = verify(&signed, "k", 100).unwrap();
        assert!(obj.get("Sign").is_none() && obj.get("T").is_none());
        assert_eq!(event_type(&obj), Some("FileDeleted"));
        assert_eq!(verify(&signed, "k", 101), Err(VerifyError::Expired));
        assert_eq!(verify(&signed, "K", 100), Err(VerifyError::Mismatch));
    }

    #[test]
    fn a_pulled_event_hashes_like_its_push_form() {
        let push = br#"{"EventType":"FileDeleted","FileDeleteEvent":{"FileIdSet":["1"]}}"#;
        let pulled = br#"{"EventHandle":"EventHandle.9","EventType":"FileDeleted","FileDeleteEvent":{"FileIdSet":["1"]}}"#;
        let id = |b: &[u8]| {
            crate::verify::parse_callback(crate::Vendor::TencentVod, b)
                .unwrap()
                .normalize("s", 0)
                .id
        };
        assert_eq!(id(push), id(pulled));
        let other = br#"{"EventType":"FileDeleted","FileDeleteEvent":{"FileIdSet":["2"]}}"#;
        assert_ne!(id(push), id(other));
    }

    #[test]
    fn task_subjects_follow_the_sdk_models() {
        let subject = |b: &[u8]| {
            crate::verify::parse_callback(crate::Vendor::TencentVod, b)
                .unwrap()
                .normalize("s", 0)
                .subject
        };
        let aigc = br#"{"EventType":"AigcVideoTaskComplete","AigcVideoCompleteEvent":{"TaskId":"t-1","Status":"FINISH","Output":{"FileInfos":[{"StorageMode":"Temporary","FileUrl":"u"},{"StorageMode":"Permanent","FileId":"387702"}]}}}"#;
        assert_eq!(subject(aigc).as_deref(), Some("387702"));
        let edit = br#"{"EventType":"EditMediaComplete","EditMediaCompleteEvent":{"TaskId":"t-2","Input":{"FileInfoSet":[]},"Output":{"FileId":"387703"}}}"#;
        assert_eq!(subject(edit).as_deref(), Some("387703"));
        let review = br#"{"EventType":"ReviewAudioVideoComplete","ReviewAudioVideoCompleteEvent":{"TaskId":"t-3","Input":{"FileId":"387704"}}}"#;
        assert_eq!(subject(review).as_deref(), Some("387704"));
        let cast = br#"{"EventType":"MediaCastStatusChanged","MediaCastStatusChangedEvent":{"CastId":"c-1","Status":"Working"}}"#;
        assert_eq!(subject(cast), None);
    }

    #[test]
    fn wrong_types_are_malformed() {
        let b = br#"{"Sign":5,"T":1}"#;
        assert_eq!(verify(b, "k", 0), Err(VerifyError::Malformed));
        let b = br#"{"Sign":"79ceb228c63ff7d84d8b572521b625e2","T":1.5}"#;
        assert_eq!(verify(b, "k", 0), Err(VerifyError::Malformed));
    }
}
