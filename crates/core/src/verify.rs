//! One entry point for every vendor: verify a raw callback, then normalize it.
//!
//! ```
//! use mediahook_core::{baidu, verify::{verify_callback, Request, SourceKey}, Vendor};
//!
//! let url = "https://edge.example.com/v1/hooks/baidu-prod";
//! let body = br#"{"eventId":"e-1","eventType":"MEDIA_UPLOAD_COMPLETE","mediaUploadCompleteEvent":{"mediaId":"mda-1"}}"#;
//! let signed = baidu::sign_headers("signKey", url, body, 1_700_000_000_000, "account");
//! let headers: Vec<(&str, &str)> = signed.iter().map(|(k, v)| (*k, v.as_str())).collect();
//!
//! let key = SourceKey::new("signKey").with_callback_url(url);
//! let cb = verify_callback(Vendor::BaiduVod, &key, &Request::new(body).with_headers(&headers),
//!                          1_700_000_001_000).unwrap();
//! let event = cb.normalize("baidu-prod", 1_700_000_001_000);
//! assert_eq!(event.event_type, "media.upload.completed");
//! assert_eq!(event.id, "e-1");
//! assert_eq!(event.subject.as_deref(), Some("mda-1"));
//! ```

use alloc::borrow::Cow;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

use crate::error::VerifyError;
use crate::event::{self, NormalizedEvent};
use crate::json::{self, Object};
pub use crate::vendor::TimestampMeaning;
use crate::volcengine::SignOrder;
use crate::Vendor;

/// A source's verification settings: the vendor key and the per-source options some schemes
/// read (see each vendor's [`crate::vendor::VendorInfo::options`]). Unset options take the
/// vendor's documented default. `Debug` never prints the key.
#[derive(Clone, PartialEq, Eq)]
pub struct SourceKey {
    key: String,
    callback_url: String,
    window_seconds: Option<i64>,
    sign_order: Option<SignOrder>,
    timestamp: Option<TimestampMeaning>,
}

impl SourceKey {
    /// A key (Tencent `SignKey`, Baidu `signKey`, Volcengine/BytePlus `AuthKeyPrimary`) with
    /// the vendor's default options.
    pub fn new(key: &str) -> Self {
        SourceKey {
            key: key.into(),
            callback_url: String::new(),
            window_seconds: None,
            sign_order: None,
            timestamp: None,
        }
    }

    /// Baidu (and every vendor whose `requires_callback_url`): the callback URL configured at
    /// the vendor, verbatim (it is part of the signed message).
    pub fn with_callback_url(mut self, url: &str) -> Self {
        self.callback_url = url.into();
        self
    }

    /// The accepted |now − send time|, in seconds, for send-time timestamps (Baidu's
    /// `vod-callback-auth-timestamp`, BytePlus `t`, a Live source with `timestamp = sent`).
    /// Default: the vendor's [`crate::vendor::SignatureInfo::default_window_seconds`].
    pub fn with_window_seconds(mut self, seconds: i64) -> Self {
        self.window_seconds = Some(seconds);
        self
    }

    /// Same as [`SourceKey::with_window_seconds`] (the name Baidu sources use).
    pub fn with_tolerance_seconds(self, seconds: i64) -> Self {
        self.with_window_seconds(seconds)
    }

    /// Volcengine / BytePlus Live: the concatenation order (vendor default: Volcengine
    /// [`SignOrder::KeyFirst`], BytePlus [`SignOrder::TimeFirst`]).
    pub fn with_sign_order(mut self, order: SignOrder) -> Self {
        self.sign_order = Some(order);
        self
    }

    /// Volcengine / BytePlus Live: what `t` means (vendor default: Volcengine
    /// [`TimestampMeaning::Expiry`], BytePlus [`TimestampMeaning::Sent`]).
    pub fn with_timestamp(mut self, meaning: TimestampMeaning) -> Self {
        self.timestamp = Some(meaning);
        self
    }

    /// The key itself (for signing helpers).
    pub fn key(&self) -> &str {
        &self.key
    }

    /// The configured callback URL (empty when unset).
    pub fn callback_url(&self) -> &str {
        &self.callback_url
    }

    /// The window override, seconds (`None`: the vendor default).
    pub fn window_seconds(&self) -> Option<i64> {
        self.window_seconds
    }

    /// The sign-order override (`None`: the vendor default).
    pub fn sign_order(&self) -> Option<SignOrder> {
        self.sign_order
    }

    /// The timestamp-meaning override (`None`: the vendor default).
    pub fn timestamp(&self) -> Option<TimestampMeaning> {
        self.timestamp
    }
}

impl fmt::Debug for SourceKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SourceKey")
            .field("key", &"<redacted>")
            .field("callback_url", &self.callback_url)
            .field("window_seconds", &self.window_seconds)
            .field("sign_order", &self.sign_order)
            .field("timestamp", &self.timestamp)
            .finish()
    }
}

/// A raw callback as received: the exact body bytes and the headers.
#[derive(Debug, Clone, Copy)]
pub struct Request<'a> {
    /// The raw body.
    pub body: &'a [u8],
    /// Header name/value pairs; names are matched case-insensitively.
    pub headers: &'a [(&'a str, &'a str)],
}

impl<'a> Request<'a> {
    /// A request with a body and no headers.
    pub fn new(body: &'a [u8]) -> Self {
        Request { body, headers: &[] }
    }

    /// Sets the headers.
    pub fn with_headers(mut self, headers: &'a [(&'a str, &'a str)]) -> Self {
        self.headers = headers;
        self
    }

    /// Looks a header up case-insensitively (the first one wins).
    pub fn header(&self, name: &str) -> Option<&'a str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| *v)
    }
}

/// A callback that passed verification (or was parsed without it), signature fields removed.
#[derive(Debug, Clone, PartialEq)]
pub struct Callback {
    vendor: Vendor,
    object: Object,
}

impl Callback {
    /// Which vendor sent it.
    pub fn vendor(&self) -> Vendor {
        self.vendor
    }

    /// The vendor's event type (`unknown` when the body has none).
    pub fn vendor_type(&self) -> Cow<'static, str> {
        match event::vendor_type(self.vendor, &self.object) {
            Some(t) => Cow::Owned(t),
            None => Cow::Borrowed("unknown"),
        }
    }

    /// The body, signature fields removed.
    pub fn object(&self) -> &Object {
        &self.object
    }

    /// Takes the body.
    pub fn into_object(self) -> Object {
        self.object
    }

    /// The normalized event (SPEC §3).
    pub fn normalize(self, source: &str, received_at_ms: i64) -> NormalizedEvent {
        event::normalize(self.vendor, self.object, source, received_at_ms)
    }
}

/// Verifies a raw callback with the vendor's scheme at `now_ms` (Unix milliseconds) and
/// returns it parsed, with the signature fields removed.
///
/// An **empty key never verifies**: anyone can sign with it, so a callback that would pass
/// with it is [`VerifyError::Mismatch`]. A source without a key uses [`accept_unsigned`].
pub fn verify_callback(
    vendor: Vendor,
    key: &SourceKey,
    req: &Request<'_>,
    now_ms: i64,
) -> Result<Callback, VerifyError> {
    let object = vendor.scheme().verify(key, req, now_ms)?;
    if key.key().is_empty() {
        return Err(VerifyError::Mismatch);
    }
    Ok(Callback { vendor, object })
}

/// Parses a callback body *without* verifying it (for inspection and tests); signature
/// fields are removed as in [`verify_callback`].
pub fn parse_callback(vendor: Vendor, body: &[u8]) -> Result<Callback, VerifyError> {
    let mut object = json::parse_object(body)?;
    vendor.scheme().strip_signature(&mut object);
    Ok(Callback { vendor, object })
}

/// Accepts a callback of a source configured **without a key** (unsigned legacy callbacks
/// such as Tencent VOD v2.0, SPEC §1.1): the body must be a JSON object
/// ([`VerifyError::MalformedPayload`] otherwise); signature fields, if any, are removed.
///
/// Nothing is authenticated here: the caller must authenticate the request another way
/// (the worker's `path_secret` and `allow_ips`, SPEC §8).
pub fn accept_unsigned(vendor: Vendor, req: &Request<'_>) -> Result<Callback, VerifyError> {
    parse_callback(vendor, req.body)
}

/// A callback signed the way the vendor signs it: the body and the headers to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedCallback {
    /// The body to send (body-signing vendors: with the signature fields added).
    pub body: Vec<u8>,
    /// Headers to send (Baidu's `vod-callback-auth-*`; none for body-signing vendors).
    pub headers: Vec<(&'static str, String)>,
}

/// Signs `body` as the vendor would at `now_ms` (Unix ms): an expiry timestamp is set
/// `ttl_seconds` later, a send-time timestamp is `now`; `user` is Baidu's account id.
/// [`VerifyError::MalformedPayload`] when `body` is not a JSON object.
pub fn sign_callback(
    vendor: Vendor,
    key: &SourceKey,
    body: &[u8],
    now_ms: i64,
    user: &str,
    ttl_seconds: i64,
) -> Result<SignedCallback, VerifyError> {
    vendor.scheme().sign(key, body, now_ms, user, ttl_seconds)
}
