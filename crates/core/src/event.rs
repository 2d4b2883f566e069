//! The normalized event (SPEC §3): what every origin receives, whatever the vendor.

use alloc::format;
use alloc::string::String;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::json::Object;
use crate::Vendor;

/// One vendor event in the one shape mediahook delivers.
///
/// ```json
/// {"id":"evt_…","type":"media.upload.completed","timestamp":"2019-01-09T16:36:24Z",
///  "vendor":"tencent_vod","vendor_type":"NewFileUpload","source":"tencent-prod",
///  "subject":"5285890784273533167","data":{ … }}
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NormalizedEvent {
    /// Stable across vendor retries: the vendor's event id when it has one (Baidu `eventId`,
    /// when it is 1–128 of `[A-Za-z0-9._:-]`, so it can travel as a header value and a path
    /// segment), else `evt_` + 32 hex of SHA-256 over the vendor name and the canonical body.
    pub id: String,
    /// A cross-vendor name (`media.upload.completed`, …) or `<vendor>.<vendor type>`.
    #[serde(rename = "type")]
    pub event_type: String,
    /// RFC 3339: the event time the vendor gives, else when the edge received it.
    pub timestamp: String,
    /// Which vendor sent it.
    pub vendor: Vendor,
    /// The vendor's own event type (`NewFileUpload`, `MEDIA_UPLOAD_COMPLETE`, `push_start`).
    pub vendor_type: String,
    /// The configured source name the callback arrived on.
    pub source: String,
    /// The main resource (FileId / mediaId / `vhost/app/stream`), when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    /// The vendor body with the signature fields removed.
    pub data: Value,
}

impl NormalizedEvent {
    /// Serializes the event as compact JSON (what is forwarded to origins).
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

/// The vendor's event type of a body as sent (numbers in decimal), `None` when it has none
/// (signature fields may already be removed).
pub fn vendor_type(vendor: Vendor, obj: &Object) -> Option<String> {
    vendor.scheme().vendor_type(obj)
}

/// The normalized `type` for a vendor event type: the shared name from the vendor's
/// registration ([`crate::vendor::VendorInfo::event_types`]), else `<vendor>.<vendor type>`.
pub fn normalized_type(vendor: Vendor, vendor_type: &str) -> String {
    match vendor.info().shared_type(vendor_type) {
        Some(t) => t.into(),
        None => format!("{}.{}", vendor.as_str(), vendor_type),
    }
}

/// `evt_` + the first 32 hex digits of SHA-256(vendor + canonical JSON of `obj`).
///
/// `obj` must already have its signature fields removed, so vendor retries (which re-sign)
/// hash the same.
pub fn content_id(vendor: Vendor, obj: &Object) -> String {
    let mut h = Sha256::new();
    h.update(vendor.as_str().as_bytes());
    // `Map` is ordered by key, so the compact serialization is the canonical form.
    h.update(serde_json::to_vec(obj).unwrap_or_default());
    let digest = h.finalize();
    let mut id = String::with_capacity(36);
    id.push_str("evt_");
    id.push_str(&crate::hex::encode(digest.get(..16).unwrap_or_default()));
    id
}

/// Normalizes a parsed body whose signature fields are already removed.
///
/// `received_at_ms` (Unix milliseconds) is used as `timestamp` when the vendor gives no
/// event time.
pub fn normalize(
    vendor: Vendor,
    obj: Object,
    source: &str,
    received_at_ms: i64,
) -> NormalizedEvent {
    let scheme = vendor.scheme();
    let vendor_type = scheme.vendor_type(&obj).unwrap_or_else(|| "unknown".into());
    let (id, subject, time) = (
        scheme.event_id(&obj),
        scheme.subject(&obj),
        scheme.event_time(&obj),
    );
    NormalizedEvent {
        id: id.unwrap_or_else(|| content_id(vendor, &obj)),
        event_type: normalized_type(vendor, &vendor_type),
        timestamp: time
            .unwrap_or_else(|| crate::time::rfc3339_from_unix(received_at_ms.div_euclid(1000))),
        vendor,
        vendor_type,
        source: source.into(),
        subject,
        data: Value::Object(obj),
    }
}
