//! The vendors mediahook understands, and the one place they are registered.
//!
//! A vendor is **one module** (`tencent`, `baidu`, `volcengine`, `byteplus`, …) that exposes
//! one `static SCHEME` implementing [`VendorScheme`]: its static description
//! ([`VendorInfo`]: signature scheme, reply contract, source options, shared type names,
//! documented samples, config-form fields) and its behaviour (verify, strip, event model,
//! config validation, sign helper). Everything else — [`crate::verify`], [`crate::event`],
//! the worker, the npm package (`vendorInfo()`), the console — reads from the registration
//! below through [`Vendor::scheme`] / [`Vendor::info`], never from a per-vendor `match`.
//!
//! # Adding a vendor
//! 1. **Its module**: `src/<vendor>/mod.rs` with the signature scheme, `event.rs` (typed
//!    events, unknown types kept raw), `config.rs` (validation with the vendor's own error
//!    codes and envelope), and a `pub static SCHEME` implementing [`VendorScheme`] whose
//!    [`VendorInfo`] lists the shared type names, samples and config fields
//!    (see `src/volcengine/scheme.rs` or `src/byteplus/mod.rs` for a small example).
//!    Declare the module in `lib.rs`.
//! 2. **Its tests and vectors**: `testdata/vectors/<vendor>.json` run by
//!    `tests/vectors.rs`; real-world callbacks as `testdata/cases/*.json` (run by
//!    `tests/cases.rs` with no code change); the registry tests in `tests/registry.rs`
//!    check every registered vendor's samples and info automatically.
//! 3. **One registration line** in `register_vendors!` (the table at the end of this file):
//!    `MyVendor = "my_vendor" => crate::my_vendor::SCHEME,`.
//! 4. **Docs**: a row in the summary table of `docs/vendors/README.md` and its page there.

use core::{fmt, str::FromStr};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::json::Object;
use crate::url_policy::UrlPolicy;
use crate::validation::Report;
use crate::verify::{Request, SignedCallback, SourceKey};
use crate::VerifyError;

/// Where a vendor puts its signature material.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SignatureLocation {
    /// Fields of the JSON body (removed before normalization).
    Body,
    /// HTTP headers (names matched case-insensitively).
    Headers,
}

/// What the signed timestamp means.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TimestampMeaning {
    /// The instant the signature expires: `now > t` is [`VerifyError::Expired`].
    Expiry,
    /// The instant the callback was sent: `|now − t| > window` is [`VerifyError::Expired`].
    Sent,
}

impl TimestampMeaning {
    /// The wire name: `expiry` or `sent`.
    pub const fn as_str(self) -> &'static str {
        match self {
            TimestampMeaning::Expiry => "expiry",
            TimestampMeaning::Sent => "sent",
        }
    }

    /// Parses the wire name (`expiry` | `sent`).
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "expiry" => Some(TimestampMeaning::Expiry),
            "sent" => Some(TimestampMeaning::Sent),
            _ => None,
        }
    }
}

/// A vendor's signature scheme, as documented by the vendor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SignatureInfo {
    /// Body fields or headers.
    pub location: SignatureLocation,
    /// The body fields or header names that carry the signature material.
    pub fields: &'static [&'static str],
    /// What is signed, as a formula (`lowercase_hex(MD5(SignKey + T))`).
    pub signed: &'static str,
    /// Whether the signature covers the body (SPEC §8: when not, a leaked signed request can
    /// carry other bodies until it expires; add `path_secret` / `allow_ips`).
    pub covers_body: bool,
    /// What the timestamp means by default (a source may override it when the vendor allows).
    pub timestamp: TimestampMeaning,
    /// Seconds. For [`TimestampMeaning::Sent`]: the accepted |now − t|. For
    /// [`TimestampMeaning::Expiry`]: how far after the send time the vendor sets `t` (used by
    /// the sign helpers as the default TTL; verification only checks `now ≤ t`).
    pub default_window_seconds: i64,
}

/// What the vendor counts as a successful delivery, and how it retries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReplyInfo {
    /// HTTP statuses the vendor counts as success (anything else is retried).
    pub success_status: &'static [u16],
    /// How long the vendor waits for the answer, milliseconds (`None`: not documented).
    pub timeout_ms: Option<u32>,
    /// The vendor's own retry policy, in words, with its source.
    pub retry: &'static str,
}

/// A per-source setting a vendor's verification reads (worker config key, snake_case).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SourceOption {
    /// The worker config key (`callback_url`, `sign_order`, …). The npm option is its
    /// camelCase form (`callbackUrl`, `signOrder`, …).
    pub name: &'static str,
    /// What it means, its values and default.
    pub description: &'static str,
}

/// One vendor event type whose meaning is shared across vendors (SPEC §3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EventTypeName {
    /// The vendor's own name, as sent (`NewFileUpload`, `push_start`).
    pub vendor_type: &'static str,
    /// The cross-vendor name (`media.upload.completed`, `live.stream.started`).
    pub shared: &'static str,
}

/// A documented sample body (unsigned) for one event type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sample {
    /// The vendor event type the body carries.
    pub vendor_type: &'static str,
    /// The JSON body, without signature fields (sign it with [`VendorScheme::sign`]).
    pub body: &'static str,
    /// Which vendor document the shape comes from.
    pub source: &'static str,
}

/// One field of the vendor's callback-config API, for config forms.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConfigField {
    /// Field path in the config body (`CallbackDetailList[].URL`).
    pub path: &'static str,
    /// What the vendor accepts there.
    pub description: &'static str,
}

/// The static description of one vendor.
#[derive(Debug, Clone, Copy)]
pub struct VendorInfo {
    /// The id (wire name via [`Vendor::as_str`]).
    pub id: Vendor,
    /// Human name (`Tencent Cloud VOD`).
    pub name: &'static str,
    /// The signature scheme.
    pub signature: SignatureInfo,
    /// Whether a source must configure the callback URL set at the vendor (it is signed).
    pub requires_callback_url: bool,
    /// The per-source options its verification reads.
    pub options: &'static [SourceOption],
    /// The vendor's reply contract.
    pub reply: ReplyInfo,
    /// Vendor types with a shared meaning (every other type is `<vendor>.<raw type>`).
    pub event_types: &'static [EventTypeName],
    /// Documented sample bodies, one per listed event type at least for the main ones.
    pub samples: &'static [Sample],
    /// The callback-config API's fields.
    pub config_fields: &'static [ConfigField],
    /// The callback-config API validated by [`VendorScheme::validate_config`].
    pub config_api: &'static str,
}

impl VendorInfo {
    /// The shared type name of a vendor type, when its meaning is shared.
    pub fn shared_type(&self, vendor_type: &str) -> Option<&'static str> {
        self.event_types
            .iter()
            .find(|t| t.vendor_type == vendor_type)
            .map(|t| t.shared)
    }
}

/// Everything mediahook needs from one vendor. Implemented by one `static SCHEME` per vendor
/// module and registered once in the `register_vendors!` table of this module.
///
/// Every method must be total: any input gives a value or a typed error, never a panic.
pub trait VendorScheme: Sync {
    /// The static description.
    fn info(&self) -> &'static VendorInfo;

    /// Checks the signature of a raw callback at `now_ms` (Unix ms) with the source's `key`
    /// and options; returns the parsed body **with the signature fields removed**.
    /// Order: parse (`MalformedPayload`, `Missing`, `Malformed`) → signature (`Mismatch`) →
    /// time (`Expired`).
    fn verify(
        &self,
        key: &SourceKey,
        req: &Request<'_>,
        now_ms: i64,
    ) -> Result<Object, VerifyError>;

    /// Removes the signature fields (and delivery metadata) from a parsed body, so the
    /// content id is stable across vendor retries. Default: nothing to remove.
    fn strip_signature(&self, obj: &mut Object) {
        let _ = obj;
    }

    /// The vendor's event type as sent (numbers in decimal), `None` when the body has none.
    fn vendor_type(&self, obj: &Object) -> Option<alloc::string::String>;

    /// The object that holds the event's fields (`FileUploadEvent`, `data`, …).
    fn payload<'a>(&self, obj: &'a Object) -> Option<&'a Object>;

    /// The main resource (media id, `host/app/stream`), where the vendor's SDK model keeps
    /// it. A task id is never a media subject; no resource → `None`.
    fn subject(&self, obj: &Object) -> Option<alloc::string::String>;

    /// The vendor's own event id, when it has one usable as a header value and path segment.
    fn event_id(&self, obj: &Object) -> Option<alloc::string::String> {
        let _ = obj;
        None
    }

    /// The event time the vendor gives, RFC 3339.
    fn event_time(&self, obj: &Object) -> Option<alloc::string::String>;

    /// Validates a callback config as the vendor API would (all problems, vendor-shaped
    /// error body). `current` is the stored config for APIs that merge a patch (Baidu).
    fn validate_config(
        &self,
        config: &Value,
        current: Option<&Value>,
        policy: &UrlPolicy,
        request_id: &str,
    ) -> Report;

    /// Signs `body` as the vendor would at `now_ms` (for tests, the demo, the CLI): `ttl_s`
    /// is the validity of an expiry timestamp (ignored for a send time); `user` is the
    /// account id for vendors that send one (Baidu).
    fn sign(
        &self,
        key: &SourceKey,
        body: &[u8],
        now_ms: i64,
        user: &str,
        ttl_s: i64,
    ) -> Result<SignedCallback, VerifyError>;
}

/// Declares [`Vendor`] from the registration table: one line per vendor,
/// `Variant = "wire_name" => path::to::SCHEME`.
macro_rules! register_vendors {
    ($( $(#[$doc:meta])* $variant:ident = $id:literal => $scheme:path ),+ $(,)?) => {
        /// A media cloud that sends callbacks (its wire name is [`Vendor::as_str`]).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        pub enum Vendor {
            $( $(#[$doc])* #[serde(rename = $id)] $variant, )+
        }

        const COUNT: usize = [$($id),+].len();

        impl Vendor {
            /// Every registered vendor, in registration order.
            pub const ALL: [Vendor; COUNT] = [$(Vendor::$variant),+];

            /// The wire name (`tencent_vod`, `byteplus_live`, …).
            pub const fn as_str(self) -> &'static str {
                match self { $(Vendor::$variant => $id,)+ }
            }

            /// The vendor's registered scheme.
            pub fn scheme(self) -> &'static dyn VendorScheme {
                match self { $(Vendor::$variant => &$scheme,)+ }
            }
        }
    };
}

register_vendors! {
    /// Tencent Cloud VOD, event notification v3.0 (`Sign` / `T` in the body) and legacy v2.0.
    TencentVod = "tencent_vod" => crate::tencent::SCHEME,
    /// Baidu AI Cloud VOD v2 (`vod-callback-auth-*` headers, HMAC-SHA256).
    BaiduVod = "baidu_vod" => crate::baidu::SCHEME,
    /// Volcengine Live, API 2023-01-01 (`sign` / `t` in the body, `t` = expiry).
    VolcengineLive = "volcengine_live" => crate::volcengine::SCHEME,
    /// BytePlus MediaLive (`sign = MD5(t + key)` in the body, `t` = send time).
    BytePlusLive = "byteplus_live" => crate::byteplus::SCHEME,
    /// Tencent Cloud Live / CSS (`sign = MD5(CallbackKey + t)` in the body, `t` = expiry).
    TencentLive = "tencent_live" => crate::tencent_live::SCHEME,
    /// Alibaba Cloud ApsaraVideo VOD (`X-VOD-TIMESTAMP` / `X-VOD-SIGNATURE` headers, send time).
    AliyunVod = "aliyun_vod" => crate::aliyun::SCHEME,
}

impl Vendor {
    /// The vendor's static description.
    pub fn info(self) -> &'static VendorInfo {
        self.scheme().info()
    }
}

impl fmt::Display for Vendor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Error for an unknown vendor name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownVendor;

impl fmt::Display for UnknownVendor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("unknown vendor: expected one of")?;
        for (i, v) in Vendor::ALL.iter().enumerate() {
            f.write_str(if i == 0 { " " } else { ", " })?;
            f.write_str(v.as_str())?;
        }
        Ok(())
    }
}

impl FromStr for Vendor {
    type Err = UnknownVendor;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Vendor::ALL
            .into_iter()
            .find(|v| v.as_str() == s)
            .ok_or(UnknownVendor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registration_is_consistent() {
        for v in Vendor::ALL {
            assert_eq!(v.info().id, v, "{v}: info().id names another vendor");
            assert_eq!(v.as_str().parse::<Vendor>(), Ok(v));
            let json = serde_json::to_string(&v).unwrap();
            assert_eq!(json, alloc::format!("\"{}\"", v.as_str()));
        }
        assert!("nope".parse::<Vendor>().is_err());
    }
}
