//! Tencent Cloud VOD's registration (see [`crate::vendor`]).

use alloc::string::String;
use alloc::vec::Vec;
use serde_json::Value;

use crate::error::VerifyError;
use crate::json::Object;
use crate::url_policy::UrlPolicy;
use crate::validation::Report;
use crate::vendor::{
    ConfigField, EventTypeName, ReplyInfo, Sample, SignatureInfo, SignatureLocation,
    TimestampMeaning, Vendor, VendorInfo, VendorScheme,
};
use crate::verify::{Request, SignedCallback, SourceKey};

/// Tencent Cloud VOD, registered in [`crate::vendor`].
pub struct Scheme;

/// The registered scheme.
pub static SCHEME: Scheme = Scheme;

/// Default validity Tencent gives a signature: `T` = send time + 10 min (ModifyEventConfig doc).
const TTL_SECONDS: i64 = 600;

static INFO: VendorInfo = VendorInfo {
    id: Vendor::TencentVod,
    name: "Tencent Cloud VOD",
    signature: SignatureInfo {
        location: SignatureLocation::Body,
        fields: &["Sign", "T"],
        signed: "Sign = lowercase_hex(MD5(SignKey + T)); T = decimal Unix seconds",
        covers_body: false,
        timestamp: TimestampMeaning::Expiry,
        default_window_seconds: TTL_SECONDS,
    },
    requires_callback_url: false,
    options: &[],
    reply: ReplyInfo {
        success_status: &[200],
        timeout_ms: None,
        retry: "push: retried by Tencent on failure (count not documented); reliable callbacks (PullEvents) stay pullable 4 days, unconfirmed ones again after 30 s (VOD event notification docs)",
    },
    event_types: &[
        EventTypeName { vendor_type: "NewFileUpload", shared: "media.upload.completed" },
        EventTypeName { vendor_type: "PullComplete", shared: "media.pull.completed" },
        EventTypeName { vendor_type: "TranscodeComplete", shared: "media.transcode.completed" },
        EventTypeName { vendor_type: "FileDeleted", shared: "media.deleted" },
        // Legacy v2.0 name of the same meaning (SPEC §1.1).
        EventTypeName { vendor_type: "DeleteFile", shared: "media.deleted" },
    ],
    samples: &[
        Sample {
            vendor_type: "NewFileUpload",
            body: r#"{"EventType":"NewFileUpload","FileUploadEvent":{"FileId":"5285890784273533167","MediaBasicInfo":{"Name":"Animal World","Description":"","CreateTime":"2019-01-09T16:36:22Z","UpdateTime":"2019-01-09T16:36:24Z","ExpireTime":"9999-12-31T23:59:59Z","ClassId":0,"ClassName":"Other","ClassPath":"Other","CoverUrl":"","Type":"mp4","MediaUrl":"http://125676836723.vod2.myqcloud.com/xxx/xxx/q1BORBPQH1IA.mp4","TagSet":[],"StorageRegion":"ap-guangzhou-2","SourceInfo":{"SourceType":"Upload","SourceContext":""},"Vid":"5285890784273533167"},"ProcedureTaskId":""}}"#,
            source: "Tencent VOD v3.0 event NewFileUpload (testdata/seeds/002)",
        },
        Sample {
            vendor_type: "PullComplete",
            body: r#"{"EventType":"PullComplete","PullCompleteEvent":{"TaskId":"125676836723-Pull-f5ac8127b3b6b85cdc13f237c6005d8","Status":"FINISH","ErrCode":0,"Message":"SUCCESS","FileId":"14508071098244959037","MediaBasicInfo":{"Name":"lecture","Description":"","CreateTime":"2019-01-09T16:36:22Z","UpdateTime":"2019-01-09T16:36:24Z","Type":"mp4","MediaUrl":"http://125676836723.vod2.myqcloud.com/xxx/xxx/xxx.mp4","TagSet":[],"StorageRegion":"ap-guangzhou-2","SourceInfo":{"SourceType":"Upload","SourceContext":""},"Vid":""},"FileUrl":"http://125676836723.vod2.myqcloud.com/xxx/xxx/xxx.mp4","ProcedureTaskId":"","SessionContext":"","SessionId":""}}"#,
            source: "Tencent VOD v3.0 event PullComplete (testdata/seeds/003)",
        },
        Sample {
            vendor_type: "ProcedureStateChanged",
            body: r#"{"EventType":"ProcedureStateChanged","ProcedureStateChangeEvent":{"TaskId":"1400000000-procedurev2-7f3e1a9c","Status":"FINISH","ErrCode":0,"Message":"SUCCESS","FileId":"5285890784273533167","FileName":"sample","FileUrl":"http://125676836723.vod2.myqcloud.com/xxx/xxx/sample.mp4","MediaProcessResultSet":[],"TasksPriority":0,"TasksNotifyMode":"Finish","SessionContext":"","SessionId":""}}"#,
            source: "Tencent VOD SDK model ProcedureTask (EventContent.ProcedureStateChangeEvent)",
        },
        Sample {
            vendor_type: "FileDeleted",
            body: r#"{"EventType":"FileDeleted","FileDeleteEvent":{"FileIdSet":["5285890784273533167"],"FileDeleteResultInfo":[{"FileId":"5285890784273533167","DeleteParts":[{"Type":"OriginalFiles"}]}]}}"#,
            source: "Tencent VOD SDK model FileDeleteTask (EventContent.FileDeleteEvent)",
        },
        Sample {
            vendor_type: "NewFileUpload",
            body: r#"{"version":"4.0","eventType":"NewFileUpload","data":{"fileId":"14508071098244959123","fileUrl":"http://1250000001.vod2.myqcloud.com/vodgzp1250000001/14508071098244959123/f0.flv","procedureTaskId":"","sourceType":"Record","sourceContext":""}}"#,
            source: "Tencent VOD legacy v2.0 event notification, 视频上传完成 (unsigned)",
        },
    ],
    config_fields: &[
        ConfigField { path: "Mode", description: "PUSH or PULL (reliable callbacks)" },
        ConfigField { path: "NotificationUrl", description: "the push URL (empty string clears it): this source's mediahook URL" },
        ConfigField { path: "UploadMediaCompleteEventSwitch", description: "ON or OFF (default OFF): NewFileUpload events" },
        ConfigField { path: "DeleteMediaCompleteEventSwitch", description: "ON or OFF (default OFF): FileDeleted events" },
        ConfigField { path: "PersistenceCompleteEventSwitch", description: "ON or OFF (default OFF): PersistenceComplete events" },
        ConfigField { path: "SignKey", description: "ASCII letters and digits, at most 32: the key this source verifies with" },
        ConfigField { path: "SubAppId", description: "unsigned integer: the VOD sub-application" },
    ],
    config_api: "ModifyEventConfig (vod 2018-07-17)",
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
        super::event_type(obj).map(String::from)
    }

    fn payload<'a>(&self, obj: &'a Object) -> Option<&'a Object> {
        super::event::payload(obj)
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
