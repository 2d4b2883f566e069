//! Alibaba Cloud VOD's registration (see [`crate::vendor`]).

use alloc::string::String;
use serde_json::Value;

use crate::error::VerifyError;
use crate::json::{self, Object};
use crate::url_policy::UrlPolicy;
use crate::validation::Report;
use crate::vendor::{
    ConfigField, ReplyInfo, Sample, SignatureInfo, SignatureLocation, SourceOption,
    TimestampMeaning, Vendor, VendorInfo, VendorScheme,
};
use crate::verify::{Request, SignedCallback, SourceKey};

/// Alibaba Cloud ApsaraVideo VOD, registered in [`crate::vendor`].
pub struct Scheme;

/// The registered scheme.
pub static SCHEME: Scheme = Scheme;

static INFO: VendorInfo = VendorInfo {
    id: Vendor::AliyunVod,
    name: "Alibaba Cloud VOD",
    signature: SignatureInfo {
        location: SignatureLocation::Headers,
        fields: &[super::HEADER_TIMESTAMP, super::HEADER_SIGNATURE],
        signed: "X-VOD-SIGNATURE = lowercase_hex(MD5(CallbackURL + \"|\" + X-VOD-TIMESTAMP + \"|\" + AuthKey)); X-VOD-TIMESTAMP = Unix seconds",
        covers_body: false,
        timestamp: TimestampMeaning::Sent,
        default_window_seconds: super::DEFAULT_TOLERANCE_SECONDS,
    },
    requires_callback_url: true,
    options: &[
        SourceOption {
            name: "callback_url",
            description: "required: the CallbackURL configured at Alibaba, verbatim; it is part of the signed string",
        },
        SourceOption {
            name: "tolerance_seconds",
            description: "accepted |now − X-VOD-TIMESTAMP| in seconds (default 300)",
        },
    ],
    reply: ReplyInfo {
        success_status: &[200],
        timeout_ms: Some(5000),
        retry: "a timeout (5 s) or non-200 fails; 2 more attempts 1 s apart (3 in total), then the event is dropped (https://help.aliyun.com/document_detail/55627.html, https://help.aliyun.com/document_detail/67214.html)",
    },
    event_types: super::event::EVENT_TYPES,
    samples: &[
        Sample {
            vendor_type: "FileUploadComplete",
            body: r#"{"EventTime":"2025-06-15T15:06:40Z","EventType":"FileUploadComplete","VideoId":"a1b2c3d4e5f60718293a4b5c6d7e8f90","Status":"success","Size":1048576,"FileUrl":"http://outin-example.oss-cn-shanghai.aliyuncs.com/sv/1/2.mp4","Extend":"{\"tenant\":\"t1\"}"}"#,
            source: "Alibaba Cloud VOD FileUploadComplete, field list (doc 55630)",
        },
        Sample {
            vendor_type: "TranscodeComplete",
            body: r#"{"EventTime":"2025-06-15T15:07:10Z","EventType":"TranscodeComplete","VideoId":"a1b2c3d4e5f60718293a4b5c6d7e8f90","Status":"success","StreamInfos":[{"Status":"success","Bitrate":1200,"Definition":"HD","Duration":60.2,"Format":"mp4","Fps":25,"Height":720,"Width":1280,"FileUrl":"http://outin-example.oss-cn-shanghai.aliyuncs.com/sv/1/2-hd.mp4","Size":9000000}]}"#,
            source: "Alibaba Cloud VOD TranscodeComplete, field list (doc 55638)",
        },
        Sample {
            vendor_type: "StreamTranscodeComplete",
            body: r#"{"EventTime":"2025-06-15T15:07:05Z","EventType":"StreamTranscodeComplete","VideoId":"a1b2c3d4e5f60718293a4b5c6d7e8f90","Status":"success","Bitrate":"1200","Definition":"HD","Duration":"60.2","Encrypt":false,"FileUrl":"http://outin-example.oss-cn-shanghai.aliyuncs.com/sv/1/2-hd.mp4","Format":"mp4","Fps":"25","Height":720,"Width":1280,"Size":9000000}"#,
            source: "Alibaba Cloud VOD StreamTranscodeComplete, field list (doc 55638)",
        },
        Sample {
            vendor_type: "UploadByURLComplete",
            body: r#"{"EventTime":"2025-06-15T15:08:00Z","EventType":"UploadByURLComplete","VideoId":"b2c3d4e5f60718293a4b5c6d7e8f90a1","Status":"success","Extend":""}"#,
            source: "Alibaba Cloud VOD UploadByURLComplete (common fields of doc 55627 only)",
        },
        Sample {
            vendor_type: "DeleteMediaComplete",
            body: r#"{"EventTime":"2025-06-15T15:09:00Z","EventType":"DeleteMediaComplete","VideoId":"a1b2c3d4e5f60718293a4b5c6d7e8f90","Status":"success"}"#,
            source: "Alibaba Cloud VOD DeleteMediaComplete (common fields of doc 55627 only)",
        },
        Sample {
            vendor_type: "ImageUploadComplete",
            body: r#"{"EventTime":"2025-06-15T15:06:40:123Z","EventType":"ImageUploadComplete","ImageId":"c3d4e5f60718293a4b5c6d7e8f90a1b2","Status":"success","FileURL":"http://outin-example.oss-cn-shanghai.aliyuncs.com/image/default/1.png"}"#,
            source: "Alibaba Cloud VOD ImageUploadComplete, field list; EventTime with :SSS milliseconds (https://www.alibabacloud.com/help/en/vod/user-guide/imageuploadcomplete)",
        },
        Sample {
            vendor_type: "SnapshotComplete",
            body: r#"{"EventTime":"2025-06-15T15:07:20Z","EventType":"SnapshotComplete","VideoId":"a1b2c3d4e5f60718293a4b5c6d7e8f90","Status":"success","SubType":"SpecifiedTime","CoverUrl":"http://outin-example.oss-cn-shanghai.aliyuncs.com/snapshot/1.jpg","SnapshotInfos":[{"SnapshotType":"NormalSnapshot","SnapshotCount":1,"SnapshotFormat":"jpg","SnapshotRegular":"http://outin-example.oss-cn-shanghai.aliyuncs.com/snapshot/{SnapshotCount}.jpg","JobId":"d4e5f60718293a4b5c6d7e8f90a1b2c3"}]}"#,
            source: "Alibaba Cloud VOD SnapshotComplete, field list (https://help.aliyun.com/en/vod/user-guide/snapshotcomplete)",
        },
    ],
    config_fields: &[
        ConfigField { path: "CallbackType", description: "HTTP (for mediahook) or MNS; absent is taken as HTTP" },
        ConfigField { path: "CallbackURL", description: "at most 256 bytes, required for HTTP: this source's mediahook URL (enter the same in the source's callback_url)" },
        ConfigField { path: "EventTypeList", description: "empty (none), ALL, or a comma-separated list of event types (AIComplete for every AI event)" },
        ConfigField { path: "AuthSwitch", description: "on (recommended) or off: sign callbacks with AuthKey" },
        ConfigField { path: "AuthKey", description: "at most 32 characters with uppercase letters, lowercase letters and digits: the key this source verifies with" },
        ConfigField { path: "AppId", description: "the VOD application (default app-1000000)" },
        ConfigField { path: "MnsEndpoint", description: "MNS only: the queue endpoint" },
        ConfigField { path: "MnsQueueName", description: "MNS only: the queue name" },
    ],
    config_api: "SetMessageCallback (vod 2017-03-21)",
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
        let params = super::VerifyParams {
            key: key.key(),
            callback_url: key.callback_url(),
            now: now_ms.div_euclid(1000),
            tolerance_seconds: key
                .window_seconds()
                .unwrap_or(INFO.signature.default_window_seconds),
        };
        super::verify(req.body, |n| req.header(n), &params)
    }

    fn vendor_type(&self, obj: &Object) -> Option<String> {
        super::event_type(obj).map(String::from)
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
        _ttl_s: i64,
    ) -> Result<SignedCallback, VerifyError> {
        json::parse_object(body)?;
        Ok(SignedCallback {
            body: body.into(),
            headers: super::sign_headers(key.key(), key.callback_url(), now_ms.div_euclid(1000))
                .into(),
        })
    }
}
