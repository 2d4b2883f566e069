//! Alibaba Cloud ApsaraVideo VOD (视频点播) HTTP callbacks (SPEC §7.2).
//!
//! * Push callbacks are a flat JSON object: `EventType`, `EventTime`, `VideoId`, `Status`,
//!   `Extend` and per-event fields (Alibaba docs 55627, 55630 and the event pages).
//! * With callback authentication on (`AuthSwitch=on`), two headers (Alibaba doc 67214):
//!   `X-VOD-TIMESTAMP` (Unix seconds, the time the request was **sent**) and
//!   `X-VOD-SIGNATURE = lowercase_hex(MD5(callbackURL + "|" + timestamp + "|" + AuthKey))`,
//!   where callbackURL is the exact URL configured at Alibaba (as for Baidu, the source
//!   stores it; it is never rebuilt from the request). The body is **not** signed.
//! * Header names are matched case-insensitively, the signature case-insensitively in
//!   constant time; the timestamp must be within ±`tolerance_seconds` (default 300, the
//!   doc's own example window) of now.
//! * [`config`] validates `SetMessageCallback`; [`event`] has the typed events and the
//!   normalization rules (both `EventTime` formats); [`SCHEME`] registers the vendor
//!   (`aliyun_vod`) in [`crate::vendor`].

pub mod config;
pub mod event;
mod scheme;

pub use scheme::SCHEME;

use alloc::string::String;
use serde_json::Value;

use crate::error::VerifyError;
use crate::json::{self, Object};
use crate::signing;

/// Header carrying the send time, Unix seconds (as Alibaba spells it).
pub const HEADER_TIMESTAMP: &str = "X-VOD-TIMESTAMP";
/// Header carrying the MD5 signature, 32 hex digits.
pub const HEADER_SIGNATURE: &str = "X-VOD-SIGNATURE";
/// Default accepted |now − send time|, in seconds.
pub const DEFAULT_TOLERANCE_SECONDS: i64 = 300;

fn digest(key: &str, callback_url: &str, timestamp: &[u8]) -> [u8; 16] {
    signing::md5(&[
        callback_url.as_bytes(),
        b"|",
        timestamp,
        b"|",
        key.as_bytes(),
    ])
}

/// The `X-VOD-SIGNATURE` for a callback sent at `timestamp` (Unix seconds):
/// `lowercase_hex(MD5(callback_url + "|" + timestamp + "|" + key))`.
///
/// ```
/// assert_eq!(
///     mediahook_core::aliyun::sign(
///         "AliAuthKey2024X",
///         "https://hooks.example.com/v1/hooks/aliyun-prod",
///         1750000000,
///     ),
///     "2a2cfd0352017ad15d91f7eb171e7ed2"
/// );
/// ```
pub fn sign(key: &str, callback_url: &str, timestamp: i64) -> String {
    let mut buf = [0u8; 20];
    crate::hex::encode(&digest(
        key,
        callback_url,
        signing::decimal(timestamp, &mut buf),
    ))
}

/// The two headers Alibaba sends with a signed callback sent at `timestamp` (Unix seconds).
pub fn sign_headers(key: &str, callback_url: &str, timestamp: i64) -> [(&'static str, String); 2] {
    [
        (HEADER_TIMESTAMP, alloc::format!("{timestamp}")),
        (HEADER_SIGNATURE, sign(key, callback_url, timestamp)),
    ]
}

/// What [`verify`] needs besides the body and the headers.
#[derive(Clone, Copy)]
pub struct VerifyParams<'a> {
    /// The AuthKey configured at Alibaba.
    pub key: &'a str,
    /// The CallbackURL configured at Alibaba, exactly (part of the signed string).
    pub callback_url: &'a str,
    /// Now, Unix seconds.
    pub now: i64,
    /// Accepted |now − timestamp|, seconds (see [`DEFAULT_TOLERANCE_SECONDS`]).
    pub tolerance_seconds: i64,
}

impl core::fmt::Debug for VerifyParams<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("VerifyParams")
            .field("key", &"<redacted>")
            .field("callback_url", &self.callback_url)
            .field("now", &self.now)
            .field("tolerance_seconds", &self.tolerance_seconds)
            .finish()
    }
}

/// Verifies an Alibaba VOD callback. `header(name)` looks a header up case-insensitively.
///
/// Order: body (`MalformedPayload` unless a JSON object) → headers (`Missing` when either
/// is absent or empty; `Malformed` when the timestamp is not decimal digits that fit in
/// `i64` or the signature is not 32 hex digits) → signature (`Mismatch`) → window
/// (`Expired` when |now − timestamp| > tolerance). Returns the parsed body (which has no
/// signature fields).
pub fn verify<'h>(
    body: &[u8],
    header: impl Fn(&str) -> Option<&'h str>,
    p: &VerifyParams<'_>,
) -> Result<Object, VerifyError> {
    let obj = json::parse_object(body)?;
    let present = |name| header(name).filter(|v| !v.is_empty());
    let (ts, sig) = match (present(HEADER_TIMESTAMP), present(HEADER_SIGNATURE)) {
        (Some(t), Some(s)) => (t, s),
        _ => return Err(VerifyError::Missing),
    };
    let ts_s = json::parse_decimal(ts).ok_or(VerifyError::Malformed)?;
    let given = signing::parse_md5_hex(sig)?;
    // The digits exactly as sent are what Alibaba hashed.
    signing::ct_check(&digest(p.key, p.callback_url, ts.as_bytes()), &given)?;
    if p.now.saturating_sub(ts_s).saturating_abs() > p.tolerance_seconds.max(0) {
        return Err(VerifyError::Expired);
    }
    Ok(obj)
}

/// The vendor event type (`EventType`), when it is a string.
pub fn event_type(obj: &Object) -> Option<&str> {
    obj.get("EventType").and_then(Value::as_str)
}

#[cfg(test)]
mod tests {
    use super::*;

    const URL: &str = "https://hooks.example.com/v1/hooks/a";
    const BODY: &[u8] = br#"{"EventType":"FileUploadComplete","VideoId":"v1"}"#;

    fn lookup<'a>(h: &'a [(&'static str, String)]) -> impl Fn(&str) -> Option<&'a str> {
        move |n| {
            h.iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(n))
                .map(|(_, v)| v.as_str())
        }
    }

    fn params(now: i64) -> VerifyParams<'static> {
        VerifyParams {
            key: "Key1",
            callback_url: URL,
            now,
            tolerance_seconds: 300,
        }
    }

    #[test]
    fn sign_then_verify_window() {
        let h = sign_headers("Key1", URL, 1_000_000);
        assert_eq!(
            event_type(&verify(BODY, lookup(&h), &params(1_000_300)).unwrap()),
            Some("FileUploadComplete")
        );
        assert!(verify(BODY, lookup(&h), &params(999_700)).is_ok());
        assert_eq!(
            verify(BODY, lookup(&h), &params(1_000_301)),
            Err(VerifyError::Expired)
        );
        assert_eq!(
            verify(BODY, lookup(&h), &params(999_699)),
            Err(VerifyError::Expired)
        );
        let other = VerifyParams {
            key: "Key2",
            ..params(1_000_000)
        };
        assert_eq!(verify(BODY, lookup(&h), &other), Err(VerifyError::Mismatch));
        let url = VerifyParams {
            callback_url: "https://hooks.example.com/v1/hooks/b",
            ..params(1_000_000)
        };
        assert_eq!(verify(BODY, lookup(&h), &url), Err(VerifyError::Mismatch));
        // The body is not signed: another body verifies with the same headers (SPEC §8).
        assert!(verify(b"{}", lookup(&h), &params(1_000_000)).is_ok());
        assert!(!alloc::format!("{:?}", params(0)).contains("Key1"));
    }

    #[test]
    fn missing_malformed_payload() {
        let h = sign_headers("Key1", URL, 1_000_000);
        let only_ts = [h[0].clone()];
        assert_eq!(
            verify(BODY, lookup(&only_ts), &params(1_000_000)),
            Err(VerifyError::Missing)
        );
        let empty = [
            (HEADER_TIMESTAMP, String::new()),
            (HEADER_SIGNATURE, h[1].1.clone()),
        ];
        assert_eq!(
            verify(BODY, lookup(&empty), &params(1_000_000)),
            Err(VerifyError::Missing)
        );
        for ts in ["-1000000", "1e6", " 1000000", "99999999999999999999"] {
            let bad = [(HEADER_TIMESTAMP, String::from(ts)), h[1].clone()];
            assert_eq!(
                verify(BODY, lookup(&bad), &params(1_000_000)),
                Err(VerifyError::Malformed),
                "{ts}"
            );
        }
        let bad = [h[0].clone(), (HEADER_SIGNATURE, String::from("abc"))];
        assert_eq!(
            verify(BODY, lookup(&bad), &params(1_000_000)),
            Err(VerifyError::Malformed)
        );
        assert_eq!(
            verify(b"[]", lookup(&h), &params(1_000_000)),
            Err(VerifyError::MalformedPayload)
        );
        // Leading zeros are hashed as sent.
        let padded = [(HEADER_TIMESTAMP, String::from("01000000")), h[1].clone()];
        assert_eq!(
            verify(BODY, lookup(&padded), &params(1_000_000)),
            Err(VerifyError::Mismatch)
        );
    }

    #[test]
    fn negative_tolerance_means_exact() {
        let h = sign_headers("Key1", URL, 5);
        let p = VerifyParams {
            tolerance_seconds: -10,
            ..params(5)
        };
        assert!(verify(BODY, lookup(&h), &p).is_ok());
        let p = VerifyParams {
            tolerance_seconds: -10,
            ..params(6)
        };
        assert_eq!(verify(BODY, lookup(&h), &p), Err(VerifyError::Expired));
    }
}
