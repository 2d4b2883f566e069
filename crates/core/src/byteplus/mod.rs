//! BytePlus MediaLive callbacks (SPEC §7.3) — Volcengine Live's international twin.
//!
//! * Body as [`crate::volcengine`]: flat or wrapped `{"code":0,"message":"ok","data":{…,
//!   "detail":{…}}}`, the same `event_type` values, subjects (`vhost/app/stream`) and times.
//! * Signature, by BytePlus's own wording ("Callback description", sign/t rows):
//!   `sign = lowercase_hex(MD5(t + AuthKeyPrimary))`, `t` = the Unix second the callback was
//!   **sent**; accepted while `|now − t| ≤ 300 s` (a source may set `window_seconds`).
//!   `sign == ""` with `t == 0` is an unsigned callback ([`crate::VerifyError::Missing`]).
//!   Because the Volcengine and BytePlus docs disagree, a source may override the order and
//!   the meaning of `t` ([`crate::verify::SourceKey::with_sign_order`],
//!   [`crate::verify::SourceKey::with_timestamp`]).
//! * Config: BytePlus documents the callback in its console (address 1–100 characters,
//!   callback type, domain or AppName, transcoded-stream toggle, key). **Decision**: the
//!   form is validated with Volcengine's `UpdateCallback` rules and envelope, whose fields
//!   are the same.
//!
//! This module is the smallest example of a vendor on the registry: its [`VendorInfo`] and
//! the trait methods delegating to the twin's code with its own defaults.

use alloc::string::String;

use crate::error::VerifyError;
use crate::json::Object;
use crate::vendor::{
    ReplyInfo, Sample, SignatureInfo, SignatureLocation, TimestampMeaning, Vendor, VendorInfo,
    VendorScheme,
};
use crate::verify::{Request, SignedCallback, SourceKey};
use crate::volcengine::{self, LiveSignParams, SignOrder};

/// BytePlus's documented scheme: `MD5(t + key)`, `t` = send time, ±300 s.
pub const PARAMS: LiveSignParams = LiveSignParams {
    order: SignOrder::TimeFirst,
    timestamp: TimestampMeaning::Sent,
    window_seconds: 300,
};

/// `lowercase_hex(MD5(t + key))`: the `sign` BytePlus puts beside `t` (the send time).
///
/// ```
/// assert_eq!(
///     mediahook_core::byteplus::sign("mhVolcAuthKey01", 1750003200),
///     "1c391cac888e8eb6fdd34aa27aa04dae"
/// );
/// ```
pub fn sign(key: &str, sent_at: i64) -> String {
    volcengine::sign(key, sent_at, SignOrder::TimeFirst)
}

/// BytePlus MediaLive, registered in [`crate::vendor`].
pub struct Scheme;

/// The registered scheme.
pub static SCHEME: Scheme = Scheme;

static INFO: VendorInfo = VendorInfo {
    id: Vendor::BytePlusLive,
    name: "BytePlus MediaLive",
    signature: SignatureInfo {
        location: SignatureLocation::Body,
        fields: &["sign", "t"],
        signed: "sign = lowercase_hex(MD5(t + AuthKeyPrimary)); t = decimal Unix seconds",
        covers_body: false,
        timestamp: TimestampMeaning::Sent,
        default_window_seconds: PARAMS.window_seconds,
    },
    requires_callback_url: false,
    options: volcengine::LIVE_OPTIONS,
    reply: ReplyInfo {
        success_status: &[200],
        timeout_ms: None,
        retry: "resent every 4 s until successful, no cap documented (https://docs.byteplus.com/en/docs/byteplus-media-live/docs-callback-description)",
    },
    event_types: volcengine::LIVE_EVENT_TYPES,
    samples: &[
        Sample {
            vendor_type: "push_start",
            body: r#"{"code":0,"message":"ok","data":{"vhost":"push.example.com","domain":"push.example.com","app":"live","stream":"stream-123456","event_type":"push_start","detail":{"time":1640849510,"time_ms":1640849510029,"transcoded":false,"fp_node_ip":"10.10.10.1","fp_client_ip":"10.10.10.2","fp_user_url":"","session_id":"3693930911_1640849510029","sequence_id":"3693930911_1640849510029_0"}}}"#,
            source: "BytePlus MediaLive callback description, sample message (wrapped)",
        },
        Sample {
            vendor_type: "push_end",
            body: r#"{"code":0,"message":"ok","data":{"vhost":"push.example.com","domain":"push.example.com","app":"live","stream":"stream-123456","event_type":"push_end","detail":{"time":1640853110,"time_ms":1640853110029,"fp_node_ip":"10.10.10.1","fp_client_ip":"10.10.10.2","session_id":"3693930911_1640849510029","sequence_id":"3693930911_1640849510029_1"}}}"#,
            source: "BytePlus console callback types (push end); event_type as Volcengine's (UNVERIFIED in BytePlus docs)",
        },
    ],
    config_fields: volcengine::LIVE_CONFIG_FIELDS,
    config_api: "BytePlus console callback form (validated with Volcengine UpdateCallback rules)",
};

impl VendorScheme for Scheme {
    fn info(&self) -> &'static VendorInfo {
        &INFO
    }

    fn verify(
        &self,
        key: &SourceKey,
        req: &Request<'_>,
        now_ms: i64,
    ) -> Result<Object, VerifyError> {
        volcengine::live_verify(key, req, now_ms, PARAMS)
    }

    fn sign(
        &self,
        key: &SourceKey,
        body: &[u8],
        now_ms: i64,
        _user: &str,
        ttl_s: i64,
    ) -> Result<SignedCallback, VerifyError> {
        volcengine::live_sign(key, body, now_ms, ttl_s, PARAMS)
    }

    volcengine::live_event_model!();
}
