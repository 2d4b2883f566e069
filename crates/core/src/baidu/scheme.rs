//! Baidu AI Cloud VOD's registration (see [`crate::vendor`]).

use alloc::string::String;
use serde_json::Value;

use crate::error::VerifyError;
use crate::json::{self, Object};
use crate::url_policy::UrlPolicy;
use crate::validation::Report;
use crate::vendor::{
    ConfigField, EventTypeName, ReplyInfo, Sample, SignatureInfo, SignatureLocation, SourceOption,
    TimestampMeaning, Vendor, VendorInfo, VendorScheme,
};
use crate::verify::{Request, SignedCallback, SourceKey};

/// Baidu AI Cloud VOD, registered in [`crate::vendor`].
pub struct Scheme;

/// The registered scheme.
pub static SCHEME: Scheme = Scheme;

static INFO: VendorInfo = VendorInfo {
    id: Vendor::BaiduVod,
    name: "Baidu AI Cloud VOD",
    signature: SignatureInfo {
        location: SignatureLocation::Headers,
        fields: &[super::HEADER_USER, super::HEADER_TIMESTAMP, super::HEADER_TOKEN],
        signed: "vod-callback-auth-token = lowercase_hex(HMAC-SHA256(signKey, \"POST;\" + callbackUrl + \";\" + rawBody + \";\" + timestamp + \";\" + user)); timestamp = Unix milliseconds",
        covers_body: true,
        timestamp: TimestampMeaning::Sent,
        default_window_seconds: super::DEFAULT_TOLERANCE_SECONDS,
    },
    requires_callback_url: true,
    options: &[
        SourceOption {
            name: "callback_url",
            description: "required: the callbackUrl configured at Baidu, verbatim (query included); it is part of the signed message",
        },
        SourceOption {
            name: "tolerance_seconds",
            description: "accepted |now − vod-callback-auth-timestamp| in seconds (default 300)",
        },
    ],
    reply: ReplyInfo {
        success_status: &[200],
        timeout_ms: None,
        retry: "HTTP 200 = done; Baidu's retry schedule is not documented (VOD 事件回调 docs)",
    },
    event_types: &[
        EventTypeName { vendor_type: "MEDIA_UPLOAD_COMPLETE", shared: "media.upload.completed" },
        EventTypeName { vendor_type: "MEDIA_FETCH_COMPLETE", shared: "media.pull.completed" },
        EventTypeName { vendor_type: "MEDIA_TRANSCODE_COMPLETE", shared: "media.transcode.completed" },
        EventTypeName { vendor_type: "VIDEO_GENERATE_COMPLETE", shared: "video.generate.completed" },
    ],
    samples: &[
        Sample {
            vendor_type: "MEDIA_UPLOAD_COMPLETE",
            body: r#"{"eventId":"evt-k3m9x2q7w1v5n8b4","eventType":"MEDIA_UPLOAD_COMPLETE","eventTime":"2025-06-15T16:00:00Z","mediaUploadCompleteEvent":{"mediaId":"mda-p4q8r2s6t0u3v7w1","name":"lesson-1","description":"","mediaType":"video","banStatus":"NORMAL","createTime":"2025-06-15T16:00:00Z","source":{"sourceType":"UPLOAD","sourceUrl":"https://vod.example.net/mda-p4q8r2s6t0u3v7w1/lesson1.mp4"}}}"#,
            source: "Baidu VOD 事件回调 sample request (https://cloud.baidu.com/doc/VOD/s/xm3h9bdh3)",
        },
        Sample {
            vendor_type: "MEDIA_FETCH_COMPLETE",
            body: r#"{"eventId":"evt-m1n4b7v0c3x6z9a2","eventType":"MEDIA_FETCH_COMPLETE","eventTime":"2025-06-15T16:06:40Z","mediaFetchCompleteEvent":{"taskId":"tsk-h6j9k2l5z8x1c4v7","status":"SUCCESS","createTime":"2025-06-15T16:05:58Z","finishTime":"2025-06-15T16:06:38Z","fetchTaskInfo":{"url":"https://files.example.org/lecture-08.mp4","mediaBasicInfo":{"mediaId":"mda-y3u6i9o2p5a8s1d4","name":"lecture-08","mediaType":"video","createTime":"2025-06-15T16:06:38Z"}}}}"#,
            source: "bce-sdk-java MediaFetchCompleteEvent / MediaFetchTaskInfo",
        },
        Sample {
            vendor_type: "MEDIA_TRANSCODE_COMPLETE",
            body: r#"{"eventId":"evt-w5e8r1t4y7u0i3o6","eventType":"MEDIA_TRANSCODE_COMPLETE","eventTime":"2025-06-15T16:03:21Z","mediaTranscodeCompleteEvent":{"taskId":"tsk-q9w8e7r6t5y4u3i2","status":"SUCCESS","createTime":"2025-06-15T16:00:02Z","finishTime":"2025-06-15T16:03:20Z","transcodeTaskInfo":{"mediaId":"mda-p4q8r2s6t0u3v7w1","status":"SUCCESS","transcodeInput":{"presetId":"pst-hd-720p"}}}}"#,
            source: "bce-sdk-java MediaTranscodeCompleteEvent / MediaTranscodeTaskInfo",
        },
        Sample {
            vendor_type: "VIDEO_GENERATE_COMPLETE",
            body: r#"{"eventId":"evt-g7h8j9k0l1z2x3c4","eventType":"VIDEO_GENERATE_COMPLETE","eventTime":"2025-06-15T16:10:00Z","videoGenerateCompleteEvent":{"taskId":"tsk-v1b2n3m4q5w6e7r8","status":"SUCCESS","mediaId":"mda-t1y2u3i4o5p6a7s8"}}"#,
            source: "Baidu VOD 事件回调 event list (VIDEO_GENERATE_COMPLETE)",
        },
        Sample {
            vendor_type: "notification",
            body: r#"{"messageId":"319519d9-722c-44ea-a352-3ea88fc2696c","messageBody":"{\"mediaId\":\"mda-hdnrx2nnwx45w0wf\",\"status\":\"PUBLISHED\",\"attributes\":{\"title\":\"vod_test.mp4\",\"description\":\"\",\"sourceExtension\":\"mp4\"},\"meta\":{\"sourceSizeInBytes\":6408195,\"durationInSeconds\":25,\"sizeInBytes\":8286486},\"publishTime\":\"2017-04-13T07:45:36Z\",\"createTime\":\"2017-04-13T07:45:12Z\",\"playableUrlList\":[{\"transcodingPresetName\":\"test_1\",\"url\":\"http://gcikci7rzd3nstav8xw.exp.bcevod.com/mda-hdnrx2nnwx45w0wf/test1/mda-hdnrx2nnwx45w0wf.mp4\",\"meta\":{\"sizeInBytes\":626688,\"durationInSeconds\":25,\"bitRateInBps\":199680,\"frameRate\":30.0,\"widthInPixel\":320,\"heightInPixel\":180}}],\"thumbnailList\":[\"http://gcikci7rzd3nstav8xw.exp.bcevod.com/mda-hdnrx2nnwx45w0wf/mda-hdnrx2nnwx45w0wf.jpg\"],\"transcodingPresetGroupName\":\"test\"}","notification":"notification_test","server":"vod.baidubce.com","subscriptionName":"ntf-hdnrd5t443umxk2d","version":"v0.1","signature":"vod"}"#,
            source: "Baidu VOD older notification interface, v0.1 (https://cloud.baidu.com/doc/VOD/s/Ijwvyd60g)",
        },
    ],
    config_fields: &[
        ConfigField { path: "callbackUrl", description: "http(s) URL Baidu posts to: this source's mediahook URL (enter the same in the source's callback_url)" },
        ConfigField { path: "enableSign", description: "true to sign callbacks (recommended)" },
        ConfigField { path: "signKey", description: "the signing key; required when enableSign" },
        ConfigField { path: "enableMediaUploadCompleteEvent", description: "MEDIA_UPLOAD_COMPLETE on/off" },
        ConfigField { path: "enableMediaFetchCompleteEvent", description: "MEDIA_FETCH_COMPLETE on/off" },
        ConfigField { path: "enableMediaTranscodeCompleteEvent", description: "MEDIA_TRANSCODE_COMPLETE on/off" },
        ConfigField { path: "enableMediaThumbnailCompleteEvent", description: "MEDIA_THUMBNAIL_COMPLETE on/off" },
        ConfigField { path: "enableMediaAnalysisCompleteEvent", description: "MEDIA_ANALYSIS_COMPLETE on/off" },
        ConfigField { path: "enableMediaRegulationCompleteEvent", description: "MEDIA_REGULATION_COMPLETE on/off" },
        ConfigField { path: "enableComposeTaskStatusChangeEvent", description: "COMPOSE_TASK_STATUS_CHANGE on/off" },
        ConfigField { path: "enableVideoGenerateCompleteEvent", description: "VIDEO_GENERATE_COMPLETE on/off" },
    ],
    config_api: "PUT /v2/callback (partial update merged into the stored config)",
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
            now_ms,
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
        super::event::payload(obj)
    }

    fn subject(&self, obj: &Object) -> Option<String> {
        super::event::subject(obj)
    }

    fn event_id(&self, obj: &Object) -> Option<String> {
        super::event::event_id(obj)
    }

    fn event_time(&self, obj: &Object) -> Option<String> {
        super::event::event_time(obj)
    }

    fn validate_config(
        &self,
        config: &Value,
        current: Option<&Value>,
        policy: &UrlPolicy,
        request_id: &str,
    ) -> Report {
        super::config::validate(config, current, policy, request_id)
    }

    fn sign(
        &self,
        key: &SourceKey,
        body: &[u8],
        now_ms: i64,
        user: &str,
        _ttl_s: i64,
    ) -> Result<SignedCallback, VerifyError> {
        json::parse_object(body)?;
        Ok(SignedCallback {
            body: body.into(),
            headers: super::sign_headers(key.key(), key.callback_url(), body, now_ms, user).into(),
        })
    }
}
