//! Tencent Cloud Live's registration (see [`crate::vendor`]).

use alloc::string::String;
use alloc::vec::Vec;
use serde_json::Value;

use crate::error::VerifyError;
use crate::json::Object;
use crate::url_policy::UrlPolicy;
use crate::validation::Report;
use crate::vendor::{
    ConfigField, ReplyInfo, Sample, SignatureInfo, SignatureLocation, TimestampMeaning, Vendor,
    VendorInfo, VendorScheme,
};
use crate::verify::{Request, SignedCallback, SourceKey};

/// Tencent Cloud Live (CSS), registered in [`crate::vendor`].
pub struct Scheme;

/// The registered scheme.
pub static SCHEME: Scheme = Scheme;

static INFO: VendorInfo = VendorInfo {
    id: Vendor::TencentLive,
    name: "Tencent Cloud Live",
    signature: SignatureInfo {
        location: SignatureLocation::Body,
        fields: &super::SIGNATURE_FIELDS,
        signed: "sign = lowercase_hex(MD5(CallbackKey + t)); t = decimal Unix seconds",
        covers_body: false,
        timestamp: TimestampMeaning::Expiry,
        default_window_seconds: super::DEFAULT_TTL_SECONDS,
    },
    requires_callback_url: false,
    options: &[],
    reply: ReplyInfo {
        success_status: &[200],
        timeout_ms: None,
        retry: "retried on a non-200 or no answer for a long time (>= 20 s); doc versions conflict: 3 times every 60 s (older) or up to 12 times at 1-min intervals, screenshots 5 times at 2-min intervals (newer); the body is ignored, {\"code\":0} recommended (https://intl.cloud.tencent.com/document/product/267/38080)",
    },
    event_types: super::event::EVENT_TYPES,
    samples: &[
        Sample {
            vendor_type: "1",
            body: r#"{"event_type":1,"appid":1000000,"app":"push.example.com","appname":"live","stream_id":"room42","channel_id":"room42","event_time":1700000000,"sequence":"1234567890123456789","node":"203.0.113.10","user_ip":"198.51.100.7","stream_param":"txSecret=xx&txTime=yy","errcode":0,"errmsg":"ok","set_id":2,"width":1280,"height":720}"#,
            source: "Tencent Cloud Live push/interrupt event notification, field list (doc 267/38081)",
        },
        Sample {
            vendor_type: "0",
            body: r#"{"event_type":0,"appid":1000000,"app":"push.example.com","appname":"live","stream_id":"room42","channel_id":"room42","event_time":1700003600,"sequence":"1234567890123456789","node":"203.0.113.10","user_ip":"198.51.100.7","stream_param":"txSecret=xx&txTime=yy","push_duration":"3600000","errcode":0,"errmsg":"ok","set_id":2,"width":1280,"height":720}"#,
            source: "Tencent Cloud Live push/interrupt event notification, field list (doc 267/38081)",
        },
        Sample {
            vendor_type: "100",
            body: r#"{"event_type":100,"appid":1000000,"app":"push.example.com","appname":"live","stream_id":"room42","channel_id":"room42","file_id":"5285890799999999999","record_file_id":"5285890799999999999","file_format":"mp4","start_time":1700000000,"end_time":1700000300,"start_time_usec":0,"end_time_usec":0,"duration":300,"file_size":12345678,"stream_param":"txSecret=xx&txTime=yy","video_url":"http://1000000.vod2.myqcloud.com/example/f0.mp4"}"#,
            source: "Tencent Cloud Live recording event notification, field list (doc 267/38082)",
        },
        Sample {
            vendor_type: "200",
            body: r#"{"event_type":200,"stream_id":"room42","channel_id":"room42","create_time":1700000100,"file_size":24680,"width":1280,"height":720,"pic_url":"/1000000/room42/room42-1700000100.jpg","pic_full_url":"http://example-1000000.cos.ap-guangzhou.myqcloud.com/1000000/room42/room42-1700000100.jpg"}"#,
            source: "Tencent Cloud Live screenshot event notification, field list (doc 267/38083)",
        },
        Sample {
            vendor_type: "317",
            body: r#"{"event_type":317,"streamId":"room42","channelId":"room42","img":"http://example-1000000.cos.ap-guangzhou.myqcloud.com/1000000/room42/room42-1700000100.jpg","type":[1],"score":[95],"suggestion":"Block","label":"Porn","subLabel":"","ocrMsg":""}"#,
            source: "Tencent Cloud Live image moderation event notification, field list (doc 267/38084)",
        },
    ],
    config_fields: &[
        ConfigField { path: "TemplateId", description: "ModifyLiveCallbackTemplate only (a body with it is a modify): the template to change, a positive integer" },
        ConfigField { path: "TemplateName", description: "required on create: 1-255 bytes of Chinese, letters, digits, _ and -" },
        ConfigField { path: "Description", description: "at most 1024 bytes of Chinese, letters, digits, _ and -" },
        ConfigField { path: "StreamBeginNotifyUrl", description: "push started (event_type 1): this source's mediahook URL" },
        ConfigField { path: "StreamEndNotifyUrl", description: "push interrupted (event_type 0): this source's mediahook URL" },
        ConfigField { path: "RecordNotifyUrl", description: "recording file (event_type 100): this source's mediahook URL" },
        ConfigField { path: "RecordStatusNotifyUrl", description: "recording status (event_type 332): this source's mediahook URL" },
        ConfigField { path: "SnapshotNotifyUrl", description: "screenshot (event_type 200): this source's mediahook URL" },
        ConfigField { path: "PornCensorshipNotifyUrl", description: "image moderation (event_type 317): this source's mediahook URL" },
        ConfigField { path: "CallbackKey", description: "at most 32 letters, digits, _ and -: the key this source verifies with (sign = MD5(key + t))" },
        ConfigField { path: "PushExceptionNotifyUrl", description: "push exception events: this source's mediahook URL" },
        ConfigField { path: "AudioAuditNotifyUrl", description: "audio moderation events: this source's mediahook URL" },
        ConfigField { path: "StreamMixNotifyUrl", description: "deprecated by Tencent" },
        ConfigField { path: "RecordExceptionNotifyUrl", description: "recording exception events (SDK model): this source's mediahook URL" },
        ConfigField { path: "RecordExceptionLevels", description: "list of strings (SDK model)" },
    ],
    config_api: "CreateLiveCallbackTemplate / ModifyLiveCallbackTemplate (live 2018-08-01; a body with TemplateId is a modify)",
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
        super::verify(req.body, key.key(), now_ms.div_euclid(1000))
    }

    fn strip_signature(&self, obj: &mut Object) {
        super::strip_signature(obj);
    }

    fn vendor_type(&self, obj: &Object) -> Option<String> {
        super::event_type(obj).map(|t| t.into_owned())
    }

    fn payload<'a>(&self, obj: &'a Object) -> Option<&'a Object> {
        Some(obj)
    }

    fn subject(&self, obj: &Object) -> Option<String> {
        super::event::subject(obj)
    }

    fn event_time(&self, obj: &Object) -> Option<String> {
        super::event::event_time(obj)
    }

    fn validate_config(
        &self,
        config: &Value,
        _current: Option<&Value>,
        policy: &UrlPolicy,
        request_id: &str,
    ) -> Report {
        super::config::validate(config, policy, request_id)
    }

    fn sign(
        &self,
        key: &SourceKey,
        body: &[u8],
        now_ms: i64,
        _user: &str,
        ttl_s: i64,
    ) -> Result<SignedCallback, VerifyError> {
        let expires = now_ms.div_euclid(1000).saturating_add(ttl_s);
        Ok(SignedCallback {
            body: super::sign_body(body, key.key(), expires)?,
            headers: Vec::new(),
        })
    }
}
