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

use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

use crate::error::VerifyError;
use crate::event::{self, NormalizedEvent};
use crate::json::{self, Object};
use crate::volcengine::SignOrder;
use crate::{baidu, tencent, volcengine, Vendor};

/// A source's verification settings: the vendor key and the options some schemes need.
/// `Debug` never prints the key.
#[derive(Clone, PartialEq, Eq)]
pub struct SourceKey {
    key: String,
    callback_url: String,
    tolerance_seconds: i64,
    sign_order: SignOrder,
}

impl SourceKey {
    /// A key (Tencent `SignKey`, Baidu `signKey`, Volcengine `AuthKeyPrimary`) with the
    /// default options.
    pub fn new(key: &str) -> Self {
        SourceKey {
            key: key.into(),
            callback_url: String::new(),
            tolerance_seconds: baidu::DEFAULT_TOLERANCE_SECONDS,
            sign_order: SignOrder::KeyFirst,
        }
    }

    /// Baidu: the callbackUrl configured at the vendor (it is part of the signed message).
    pub fn with_callback_url(mut self, url: &str) -> Self {
        self.callback_url = url.into();
        self
    }

    /// Baidu: accepted |now − send time|, in seconds (default 300).
    pub fn with_tolerance_seconds(mut self, seconds: i64) -> Self {
        self.tolerance_seconds = seconds;
        self
    }

    /// Volcengine: the concatenation order (default [`SignOrder::KeyFirst`]).
    pub fn with_sign_order(mut self, order: SignOrder) -> Self {
        self.sign_order = order;
        self
    }

    /// The key itself (for signing helpers).
    pub fn key(&self) -> &str {
        &self.key
    }

    /// The configured Baidu callback URL (empty when unset).
    pub fn callback_url(&self) -> &str {
        &self.callback_url
    }
}

impl fmt::Debug for SourceKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SourceKey")
            .field("key", &"<redacted>")
            .field("callback_url", &self.callback_url)
            .field("tolerance_seconds", &self.tolerance_seconds)
            .field("sign_order", &self.sign_order)
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
    pub fn vendor_type(&self) -> &str {
        event::vendor_type(self.vendor, &self.object)
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
pub fn verify_callback(
    vendor: Vendor,
    key: &SourceKey,
    req: &Request<'_>,
    now_ms: i64,
) -> Result<Callback, VerifyError> {
    let now_s = now_ms.div_euclid(1000);
    let object = match vendor {
        Vendor::TencentVod => tencent::verify(req.body, &key.key, now_s)?,
        Vendor::VolcengineLive => volcengine::verify(req.body, &key.key, now_s, key.sign_order)?,
        Vendor::BaiduVod => {
            let params = baidu::VerifyParams {
                key: &key.key,
                callback_url: &key.callback_url,
                now_ms,
                tolerance_seconds: key.tolerance_seconds,
            };
            baidu::verify(req.body, |n| req.header(n), &params)?
        }
    };
    Ok(Callback { vendor, object })
}

/// Parses a callback body *without* verifying it (for inspection and tests); signature
/// fields are removed as in [`verify_callback`].
pub fn parse_callback(vendor: Vendor, body: &[u8]) -> Result<Callback, VerifyError> {
    let mut object = json::parse_object(body)?;
    match vendor {
        Vendor::TencentVod => tencent::strip_signature(&mut object),
        Vendor::VolcengineLive => volcengine::strip_signature(&mut object),
        Vendor::BaiduVod => {}
    }
    Ok(Callback { vendor, object })
}

/// A callback signed the way the vendor signs it: the body and the headers to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedCallback {
    /// The body to send (Tencent/Volcengine: with the signature fields added).
    pub body: Vec<u8>,
    /// Headers to send (Baidu's `vod-callback-auth-*`; none for the others).
    pub headers: Vec<(&'static str, String)>,
}

/// Signs `body` as the vendor would at `now_ms`: Tencent/Volcengine add `Sign`/`T`
/// (`sign`/`t`) expiring `ttl_seconds` later; Baidu adds headers for account `user`.
pub fn sign_callback(
    vendor: Vendor,
    key: &SourceKey,
    body: &[u8],
    now_ms: i64,
    user: &str,
    ttl_seconds: i64,
) -> Result<SignedCallback, VerifyError> {
    let expires = now_ms.div_euclid(1000).saturating_add(ttl_seconds);
    Ok(match vendor {
        Vendor::TencentVod => SignedCallback {
            body: tencent::sign_body(body, &key.key, expires)?,
            headers: Vec::new(),
        },
        Vendor::VolcengineLive => SignedCallback {
            body: volcengine::sign_body(body, &key.key, expires, key.sign_order)?,
            headers: Vec::new(),
        },
        Vendor::BaiduVod => {
            json::parse_object(body)?;
            SignedCallback {
                body: body.into(),
                headers: baidu::sign_headers(&key.key, &key.callback_url, body, now_ms, user)
                    .into(),
            }
        }
    })
}
