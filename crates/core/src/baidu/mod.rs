//! Baidu AI Cloud VOD (v2) callbacks.
//!
//! * Push: `POST` JSON `{"eventId", "eventType", "eventTime", "<payloadKey>": {...}}`.
//! * With `enableSign`, three headers: `vod-callback-auth-user` (account id),
//!   `vod-callback-auth-timestamp` (Unix **milliseconds**) and `vod-callback-auth-token` =
//!   `lowercase_hex(HMAC-SHA256(signKey, "POST;" + callbackUrl + ";" + rawBody + ";" +
//!   timestamp + ";" + user))`. The timestamp must be within a tolerance of now.
//! * The older notification shape (`messageId` + `messageBody` as a JSON string) is
//!   recognized by [`is_legacy_notification`]: `vendor_type` `notification`, subject and
//!   time from the parsed `messageBody`, id = `messageId`.
//! * [`config`] models, merges and validates `CallbackConfig`; [`event`] has the typed events;
//!   [`SCHEME`] registers the vendor.

pub mod config;
pub mod event;
mod scheme;

pub use scheme::SCHEME;

use alloc::string::String;
use hmac::{Hmac, Mac};
use serde_json::Value;
use sha2::Sha256;

use crate::error::VerifyError;
use crate::json::{self, Object};

/// Header carrying the Baidu account id.
pub const HEADER_USER: &str = "vod-callback-auth-user";
/// Header carrying the send time, Unix milliseconds.
pub const HEADER_TIMESTAMP: &str = "vod-callback-auth-timestamp";
/// Header carrying the HMAC-SHA256 token (lowercase hex).
pub const HEADER_TOKEN: &str = "vod-callback-auth-token";
/// Default accepted distance between the send time and now, in seconds.
pub const DEFAULT_TOLERANCE_SECONDS: i64 = 300;

fn mac(key: &str, callback_url: &str, body: &[u8], timestamp: &str, user: &str) -> Hmac<Sha256> {
    // HMAC accepts keys of any length; `new_from_slice` cannot fail for it.
    let mut m = match Hmac::<Sha256>::new_from_slice(key.as_bytes()) {
        Ok(m) => m,
        Err(_) => Hmac::<Sha256>::new(&Default::default()),
    };
    for part in [
        b"POST;",
        callback_url.as_bytes(),
        b";",
        body,
        b";",
        timestamp.as_bytes(),
        b";",
        user.as_bytes(),
    ] {
        m.update(part);
    }
    m
}

/// The `vod-callback-auth-token` for a callback (lowercase hex HMAC-SHA256).
pub fn token(key: &str, callback_url: &str, body: &[u8], timestamp_ms: i64, user: &str) -> String {
    let ts = alloc::format!("{timestamp_ms}");
    crate::hex::encode(
        &mac(key, callback_url, body, &ts, user)
            .finalize()
            .into_bytes(),
    )
}

/// The three `vod-callback-auth-*` headers Baidu sends with a signed callback.
pub fn sign_headers(
    key: &str,
    callback_url: &str,
    body: &[u8],
    timestamp_ms: i64,
    user: &str,
) -> [(&'static str, String); 3] {
    [
        (HEADER_USER, String::from(user)),
        (HEADER_TIMESTAMP, alloc::format!("{timestamp_ms}")),
        (
            HEADER_TOKEN,
            token(key, callback_url, body, timestamp_ms, user),
        ),
    ]
}

/// What [`verify`] needs besides the body and the headers.
#[derive(Clone, Copy)]
pub struct VerifyParams<'a> {
    /// The signKey configured at Baidu.
    pub key: &'a str,
    /// The callbackUrl configured at Baidu (part of the signed message).
    pub callback_url: &'a str,
    /// Now, Unix milliseconds.
    pub now_ms: i64,
    /// Accepted |now − timestamp|, seconds (see [`DEFAULT_TOLERANCE_SECONDS`]).
    pub tolerance_seconds: i64,
}

impl core::fmt::Debug for VerifyParams<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("VerifyParams")
            .field("key", &"<redacted>")
            .field("callback_url", &self.callback_url)
            .field("now_ms", &self.now_ms)
            .field("tolerance_seconds", &self.tolerance_seconds)
            .finish()
    }
}

/// Verifies a Baidu callback. `header(name)` looks a header up case-insensitively.
///
/// Order: body and headers parsed (`MalformedPayload`/`Missing`/`Malformed`) → token
/// (`Mismatch`) → time window (`Expired`). Returns the parsed body.
pub fn verify<'h>(
    body: &[u8],
    header: impl Fn(&str) -> Option<&'h str>,
    p: &VerifyParams<'_>,
) -> Result<Object, VerifyError> {
    let obj = json::parse_object(body)?;
    let present = |name| header(name).filter(|v| !v.is_empty());
    let (user, ts, tok) = match (
        present(HEADER_USER),
        present(HEADER_TIMESTAMP),
        present(HEADER_TOKEN),
    ) {
        (Some(u), Some(t), Some(k)) => (u, t, k),
        _ => return Err(VerifyError::Missing),
    };
    let ts_ms = json::parse_decimal(ts).ok_or(VerifyError::Malformed)?;
    let given = crate::hex::decode_exact::<32>(tok).ok_or(VerifyError::Malformed)?;
    mac(p.key, p.callback_url, body, ts, user)
        .verify_slice(&given)
        .map_err(|_| VerifyError::Mismatch)?;
    let tolerance_ms = p.tolerance_seconds.max(0).saturating_mul(1000);
    if p.now_ms.saturating_sub(ts_ms).saturating_abs() > tolerance_ms {
        return Err(VerifyError::Expired);
    }
    Ok(obj)
}

/// The `vendor_type` given to the older notification shape, which names no event type.
pub const LEGACY_NOTIFICATION_TYPE: &str = "notification";

/// `true` for the older VOD notification shape (通知接口, `version` `v0.1`): no `eventType`,
/// a `messageId` and the event as a JSON **string** in `messageBody`, e.g.
/// `{"messageId":"…","messageBody":"{\"mediaId\":\"mda-…\",\"status\":\"PUBLISHED\",…}",
/// "notification":"…","server":"vod.baidubce.com","version":"v0.1","signature":"vod"}`
/// (https://cloud.baidu.com/doc/VOD/s/Ijwvyd60g). It is never signed with the
/// `vod-callback-auth-*` headers, so only a source without a key accepts it.
pub fn is_legacy_notification(obj: &Object) -> bool {
    !obj.contains_key("eventType")
        && matches!(obj.get("messageBody"), Some(Value::String(_)))
        && obj.contains_key("messageId")
}

/// The `messageBody` of the older notification shape, parsed (bounded like any body);
/// `None` for other shapes or a body that is not a JSON object.
pub fn legacy_message(obj: &Object) -> Option<Object> {
    if !is_legacy_notification(obj) {
        return None;
    }
    let text = obj.get("messageBody")?.as_str()?;
    json::parse_object(text.as_bytes()).ok()
}

/// The vendor event type: `eventType`, or [`LEGACY_NOTIFICATION_TYPE`] for the older
/// notification shape (which names none).
pub fn event_type(obj: &Object) -> Option<&str> {
    match obj.get("eventType") {
        Some(v) => v.as_str(),
        None if is_legacy_notification(obj) => Some(LEGACY_NOTIFICATION_TYPE),
        None => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lookup<'a>(h: &'a [(&'static str, String); 3]) -> impl Fn(&str) -> Option<&'a str> {
        move |n| {
            h.iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(n))
                .map(|(_, v)| v.as_str())
        }
    }

    #[test]
    fn sign_then_verify() {
        let body = br#"{"eventId":"e1","eventType":"MEDIA_UPLOAD_COMPLETE"}"#;
        let url = "https://edge.example.com/v1/hooks/b";
        let h = sign_headers("key", url, body, 1_000_000, "acct");
        let p = VerifyParams {
            key: "key",
            callback_url: url,
            now_ms: 1_300_000,
            tolerance_seconds: 300,
        };
        assert!(verify(body, lookup(&h), &p).is_ok());
        let late = VerifyParams {
            now_ms: 1_300_001,
            ..p
        };
        assert_eq!(
            verify(body, lookup(&h), &late).err(),
            Some(VerifyError::Expired)
        );
        let other = VerifyParams { key: "kez", ..p };
        assert_eq!(
            verify(body, lookup(&h), &other).err(),
            Some(VerifyError::Mismatch)
        );
        assert!(!alloc::format!("{p:?}").contains("key\""));
    }
}
