//! Volcengine Live's registration (see [`crate::vendor`]), and the Live helpers the
//! BytePlus twin shares.

use alloc::vec::Vec;

use super::LiveSignParams;
use crate::error::VerifyError;
use crate::json::{self, Object};
use crate::vendor::{
    ConfigField, EventTypeName, ReplyInfo, Sample, SignatureInfo, SignatureLocation, SourceOption,
    TimestampMeaning, Vendor, VendorInfo, VendorScheme,
};
use crate::verify::{Request, SignedCallback, SourceKey};

/// Volcengine Live, registered in [`crate::vendor`].
pub struct Scheme;

/// The registered scheme.
pub static SCHEME: Scheme = Scheme;

/// The per-source options of both Live twins.
pub(crate) const LIVE_OPTIONS: &[SourceOption] = &[
    SourceOption {
        name: "sign_order",
        description: "key_first = MD5(AuthKeyPrimary + t) (Volcengine's docs) or time_first = MD5(t + AuthKeyPrimary) (BytePlus's docs)",
    },
    SourceOption {
        name: "timestamp",
        description: "what t means: expiry (now > t is expired; Volcengine) or sent (|now − t| > window_seconds is expired; BytePlus)",
    },
    SourceOption {
        name: "window_seconds",
        description: "for timestamp = sent: the accepted |now − t| in seconds (default 300)",
    },
];

/// The shared type names of both Live twins (SPEC §3).
pub(crate) const LIVE_EVENT_TYPES: &[EventTypeName] = &[
    EventTypeName {
        vendor_type: "push_start",
        shared: "live.stream.started",
    },
    EventTypeName {
        vendor_type: "push_end",
        shared: "live.stream.ended",
    },
    EventTypeName {
        vendor_type: "record_event",
        shared: "live.record.completed",
    },
    EventTypeName {
        vendor_type: "snapshot_event",
        shared: "live.snapshot.created",
    },
    EventTypeName {
        vendor_type: "audit_snapshot",
        shared: "live.snapshot.audited",
    },
];

/// `UpdateCallback`'s fields (both twins: BytePlus documents the same console fields).
pub(crate) const LIVE_CONFIG_FIELDS: &[ConfigField] = &[
    ConfigField {
        path: "MessageType",
        description: "required: push | push_end | snapshot | record | audit_snapshot",
    },
    ConfigField {
        path: "Vhost",
        description: "the push domain group (exactly one of Vhost / Domain)",
    },
    ConfigField {
        path: "Domain",
        description: "a push domain (exactly one of Vhost / Domain; not with App)",
    },
    ConfigField {
        path: "App",
        description: "1–30 of [A-Za-z0-9_.-] (not with Domain)",
    },
    ConfigField {
        path: "TranscodeCallback",
        description: "0 or 1: also call back for transcoded streams",
    },
    ConfigField {
        path: "CallbackDetailList[].CallbackType",
        description: "http",
    },
    ConfigField {
        path: "CallbackDetailList[].URL",
        description: "1–100 characters: this source's mediahook URL",
    },
    ConfigField {
        path: "AuthEnable",
        description: "true to sign callbacks (recommended)",
    },
    ConfigField {
        path: "AuthKeyPrimary",
        description: "required when AuthEnable: the key this source verifies with",
    },
];

static INFO: VendorInfo = VendorInfo {
    id: Vendor::VolcengineLive,
    name: "Volcengine Live",
    signature: SignatureInfo {
        location: SignatureLocation::Body,
        fields: &["sign", "t"],
        signed: "sign = lowercase_hex(MD5(AuthKeyPrimary + t)); t = decimal Unix seconds",
        covers_body: false,
        timestamp: TimestampMeaning::Expiry,
        default_window_seconds: 600,
    },
    requires_callback_url: false,
    options: LIVE_OPTIONS,
    reply: ReplyInfo {
        success_status: &[200],
        timeout_ms: Some(4000),
        retry: "3 immediate retries 3 s apart, then queued retries until 10 min after the first attempt; only HTTP 200 within 4 s is success (https://volcengine.com/docs/6469/1126932)",
    },
    event_types: LIVE_EVENT_TYPES,
    samples: &[
        Sample {
            vendor_type: "push_start",
            body: r#"{"vhost":"push.live.example.net","domain":"push.live.example.net","app":"live","stream":"room_1024","event_type":"push_start","time":1750003200,"time_ms":1750003200123,"transcoded":false,"fp_node_ip":"10.10.10.1","fp_client_ip":"10.10.10.2","fp_user_url":"","session_id":"2716548830_1750003200123","sequence_id":"2716548830_1750003200123_0"}"#,
            source: "Volcengine Live 回调内容说明, push_start (https://volcengine.com/docs/6469/1126932)",
        },
        Sample {
            vendor_type: "push_end",
            body: r#"{"vhost":"push.live.example.net","domain":"push.live.example.net","app":"live","stream":"room_1024","event_type":"push_end","time":1750006800,"time_ms":1750006800456,"fp_node_ip":"10.10.10.1","fp_client_ip":"10.10.10.2","session_id":"2716548830_1750003200123","sequence_id":"2716548830_1750003200123_1","reason":"client_stop"}"#,
            source: "Volcengine Live 回调内容说明, push_end",
        },
        Sample {
            vendor_type: "record_event",
            body: r#"{"vhost":"push.live.example.net","domain":"push.live.example.net","app":"live","stream":"room_1024","event_type":"record_event","time":1750006860,"time_ms":1750006860000,"session_id":"2716548830_1750003200123","url":"https://vod.example.net/record/room_1024/1750003200.mp4","duration":3600,"start_time":1750003200,"end_time":1750006800}"#,
            source: "Volcengine Live 回调内容说明, record_event",
        },
        Sample {
            vendor_type: "snapshot_event",
            body: r#"{"vhost":"push.live.example.net","domain":"push.live.example.net","app":"live","stream":"room_1024","event_type":"snapshot_event","time":1750003260,"time_ms":1750003260000,"session_id":"2716548830_1750003200123","url":"https://vod.example.net/snapshot/room_1024/1750003260.jpg"}"#,
            source: "Volcengine Live 回调内容说明, snapshot_event",
        },
        Sample {
            vendor_type: "audit_snapshot",
            body: r#"{"vhost":"push.live.example.net","domain":"push.live.example.net","app":"live","stream":"room_1024","event_type":"audit_snapshot","time":1750003270,"time_ms":1750003270000,"session_id":"2716548830_1750003200123","url":"https://vod.example.net/snapshot/room_1024/1750003260.jpg","result":"pass"}"#,
            source: "Volcengine Live 回调内容说明, audit_snapshot",
        },
    ],
    config_fields: LIVE_CONFIG_FIELDS,
    config_api: "UpdateCallback (live 2023-01-01)",
};

/// The source's Live parameters: its overrides over the vendor's `defaults`.
fn params(key: &SourceKey, defaults: LiveSignParams) -> LiveSignParams {
    LiveSignParams {
        order: key.sign_order().unwrap_or(defaults.order),
        timestamp: key.timestamp().unwrap_or(defaults.timestamp),
        window_seconds: key.window_seconds().unwrap_or(defaults.window_seconds),
    }
}

/// Verifies a Live callback (either twin) with the source's overrides over `defaults`.
pub(crate) fn live_verify(
    key: &SourceKey,
    req: &Request<'_>,
    now_ms: i64,
    defaults: LiveSignParams,
) -> Result<Object, VerifyError> {
    let mut obj = json::parse_object(req.body)?;
    super::verify_object_with(
        &obj,
        key.key(),
        now_ms.div_euclid(1000),
        &params(key, defaults),
    )?;
    super::strip_signature(&mut obj);
    Ok(obj)
}

/// Signs a Live callback (either twin): `t` = now + `ttl_s` for an expiry, now for a send time.
pub(crate) fn live_sign(
    key: &SourceKey,
    body: &[u8],
    now_ms: i64,
    ttl_s: i64,
    defaults: LiveSignParams,
) -> Result<SignedCallback, VerifyError> {
    let p = params(key, defaults);
    let now = now_ms.div_euclid(1000);
    let t = match p.timestamp {
        TimestampMeaning::Expiry => now.saturating_add(ttl_s),
        TimestampMeaning::Sent => now,
    };
    Ok(SignedCallback {
        body: super::sign_body(body, key.key(), t, p.order)?,
        headers: Vec::new(),
    })
}

/// The Live event-model methods both twins share.
macro_rules! live_event_model {
    () => {
        fn strip_signature(&self, obj: &mut crate::json::Object) {
            crate::volcengine::strip_signature(obj);
        }

        fn vendor_type(&self, obj: &crate::json::Object) -> Option<alloc::string::String> {
            crate::volcengine::event_type(obj).map(alloc::string::String::from)
        }

        fn payload<'a>(&self, obj: &'a crate::json::Object) -> Option<&'a crate::json::Object> {
            Some(crate::volcengine::payload(obj))
        }

        fn subject(&self, obj: &crate::json::Object) -> Option<alloc::string::String> {
            crate::volcengine::event::subject(obj)
        }

        fn event_time(&self, obj: &crate::json::Object) -> Option<alloc::string::String> {
            crate::volcengine::event::event_time(obj)
        }

        fn validate_config(
            &self,
            config: &serde_json::Value,
            _current: Option<&serde_json::Value>,
            policy: &crate::url_policy::UrlPolicy,
            request_id: &str,
        ) -> crate::validation::Report {
            crate::volcengine::config::validate(config, policy, request_id)
        }
    };
}
pub(crate) use live_event_model;

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
        live_verify(key, req, now_ms, LiveSignParams::VOLCENGINE)
    }

    fn sign(
        &self,
        key: &SourceKey,
        body: &[u8],
        now_ms: i64,
        _user: &str,
        ttl_s: i64,
    ) -> Result<SignedCallback, VerifyError> {
        live_sign(key, body, now_ms, ttl_s, LiveSignParams::VOLCENGINE)
    }

    live_event_model!();
}
