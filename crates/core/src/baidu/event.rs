//! Typed Baidu VOD events.
//!
//! Every documented `eventType` is parsed; any other is kept raw in
//! [`BaiduEventKind::Other`] — an unknown type is never an error.

use alloc::string::String;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::json::Object;
use crate::tencent::event::MapRef;

/// `eventType` → the body field that holds its payload.
pub const PAYLOAD_FIELDS: &[(&str, &str)] = &[
    ("MEDIA_UPLOAD_COMPLETE", "mediaUploadCompleteEvent"),
    ("MEDIA_FETCH_COMPLETE", "mediaFetchCompleteEvent"),
    ("MEDIA_TRANSCODE_COMPLETE", "mediaTranscodeCompleteEvent"),
    ("MEDIA_THUMBNAIL_COMPLETE", "mediaThumbnailCompleteEvent"),
    ("MEDIA_ANALYSIS_COMPLETE", "mediaAnalysisCompleteEvent"),
    ("MEDIA_REGULATION_COMPLETE", "mediaRegulationCompleteEvent"),
    ("COMPOSE_TASK_STATUS_CHANGE", "composeTaskStatusChangeEvent"),
    ("VIDEO_GENERATE_COMPLETE", "videoGenerateCompleteEvent"),
];

/// The payload object: the documented field for the `eventType` (for
/// `MEDIA_FETCH_COMPLETE` also `mediaTranscodeCompleteEvent`, as Baidu's own example
/// shows), else the only object-valued field whose name ends in `Event`.
pub fn payload(obj: &Object) -> Option<&Object> {
    let ty = super::event_type(obj).unwrap_or_default();
    let field = PAYLOAD_FIELDS
        .iter()
        .find(|(t, _)| *t == ty)
        .map(|(_, f)| *f);
    let documented = field.and_then(|f| obj.get(f)).and_then(Value::as_object);
    let fetch_alias = || {
        (ty == "MEDIA_FETCH_COMPLETE")
            .then(|| obj.get("mediaTranscodeCompleteEvent"))
            .flatten()
            .and_then(Value::as_object)
    };
    documented.or_else(fetch_alias).or_else(|| {
        let mut found = obj
            .iter()
            .filter(|(k, v)| k.ends_with("Event") && v.is_object())
            .filter_map(|(_, v)| v.as_object());
        match (found.next(), found.next()) {
            (Some(one), None) => Some(one),
            _ => None,
        }
    })
}

/// The payload of the media events (upload, fetch, transcode, thumbnail, analysis,
/// regulation). Fields Baidu adds later stay in [`MediaEvent::other`].
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct MediaEvent {
    /// The media id (`mda-…`).
    pub media_id: Option<String>,
    /// Media name.
    pub name: Option<String>,
    /// `video`, `audio`, ….
    pub media_type: Option<String>,
    /// Status reported by the task, when any.
    pub status: Option<String>,
    /// Creation time.
    pub create_time: Option<String>,
    /// Every other field, as sent.
    #[serde(flatten)]
    pub other: Object,
}

/// The payload of task events (`COMPOSE_TASK_STATUS_CHANGE`, `VIDEO_GENERATE_COMPLETE`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct TaskEvent {
    /// The task id.
    pub task_id: Option<String>,
    /// The produced media id, when any.
    pub media_id: Option<String>,
    /// Task status.
    pub status: Option<String>,
    /// Every other field, as sent.
    #[serde(flatten)]
    pub other: Object,
}

/// A Baidu event payload, typed by `eventType`.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
#[allow(missing_docs)]
pub enum BaiduEventKind {
    MediaUploadComplete(MediaEvent),
    MediaFetchComplete(MediaEvent),
    MediaTranscodeComplete(MediaEvent),
    MediaThumbnailComplete(MediaEvent),
    MediaAnalysisComplete(MediaEvent),
    MediaRegulationComplete(MediaEvent),
    ComposeTaskStatusChange(TaskEvent),
    VideoGenerateComplete(TaskEvent),
    /// Any other (or unparsable) event, kept raw.
    Other {
        /// The `eventType` (empty when absent).
        event_type: String,
        /// The payload object, when one could be found.
        payload: Option<Object>,
    },
}

/// A Baidu callback: the envelope fields and the typed payload.
#[derive(Debug, Clone, PartialEq)]
pub struct BaiduEvent {
    /// `eventId`: Baidu's id of the event (stable across its retries).
    pub event_id: Option<String>,
    /// `eventType`.
    pub event_type: String,
    /// `eventTime`.
    pub event_time: Option<String>,
    /// The typed payload.
    pub kind: BaiduEventKind,
}

impl BaiduEvent {
    /// Reads the typed event from a parsed body. Never fails.
    pub fn from_object(obj: &Object) -> BaiduEvent {
        let event_type = String::from(super::event_type(obj).unwrap_or_default());
        let p = payload(obj);
        fn media(p: Option<&Object>) -> Option<MediaEvent> {
            p.and_then(|m| MediaEvent::deserialize(MapRef(m)).ok())
        }
        fn task(p: Option<&Object>) -> Option<TaskEvent> {
            p.and_then(|m| TaskEvent::deserialize(MapRef(m)).ok())
        }
        use BaiduEventKind as K;
        let kind = match event_type.as_str() {
            "MEDIA_UPLOAD_COMPLETE" => media(p).map(K::MediaUploadComplete),
            "MEDIA_FETCH_COMPLETE" => media(p).map(K::MediaFetchComplete),
            "MEDIA_TRANSCODE_COMPLETE" => media(p).map(K::MediaTranscodeComplete),
            "MEDIA_THUMBNAIL_COMPLETE" => media(p).map(K::MediaThumbnailComplete),
            "MEDIA_ANALYSIS_COMPLETE" => media(p).map(K::MediaAnalysisComplete),
            "MEDIA_REGULATION_COMPLETE" => media(p).map(K::MediaRegulationComplete),
            "COMPOSE_TASK_STATUS_CHANGE" => task(p).map(K::ComposeTaskStatusChange),
            "VIDEO_GENERATE_COMPLETE" => task(p).map(K::VideoGenerateComplete),
            _ => None,
        }
        .unwrap_or_else(|| K::Other {
            event_type: event_type.clone(),
            payload: p.cloned(),
        });
        BaiduEvent {
            event_id: raw_event_id(obj),
            event_time: obj
                .get("eventTime")
                .and_then(Value::as_str)
                .map(String::from),
            event_type,
            kind,
        }
    }
}

/// Longest `eventId` used as the event id as is.
pub const MAX_EVENT_ID_LEN: usize = 128;

/// `eventId` (the older notification shape: `messageId`) as a string (a JSON number is
/// accepted and written in decimal).
pub(crate) fn raw_event_id(obj: &Object) -> Option<String> {
    let field = if super::is_legacy_notification(obj) {
        "messageId"
    } else {
        "eventId"
    };
    match obj.get(field)? {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => Some(alloc::format!("{n}")),
        _ => None,
    }
}

/// The `eventId` when it can serve as the normalized id everywhere (a `webhook-id` header
/// value, a URL path segment): 1 to [`MAX_EVENT_ID_LEN`] of `[A-Za-z0-9._:-]`. Any other
/// `eventId` is not used; the content id (also stable across retries) is used instead.
pub(crate) fn event_id(obj: &Object) -> Option<String> {
    raw_event_id(obj).filter(|id| {
        id.len() <= MAX_EVENT_ID_LEN
            && id
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b':' | b'-'))
    })
}

fn media_id(o: &Object) -> Option<&str> {
    o.get("mediaId")
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
}

/// The main resource, where Baidu's SDK models keep the media id: the payload's `mediaId`
/// (`MEDIA_UPLOAD_COMPLETE`, task events that produced media), else inside its task-info
/// object (`*TaskInfo.mediaId` — transcode, thumbnail, analysis, regulation —,
/// `*TaskInfo.mediaBasicInfo.mediaId` — fetch —, `*TaskInfo.output.mediaId`). A `taskId` is
/// never the subject: a failed fetch that produced no media has none.
pub(crate) fn subject(obj: &Object) -> Option<String> {
    if let Some(message) = super::legacy_message(obj) {
        return media_id(&message).map(String::from);
    }
    let p = payload(obj)?;
    if let Some(id) = media_id(p) {
        return Some(id.into());
    }
    p.iter()
        .filter(|(k, _)| k.ends_with("TaskInfo"))
        .filter_map(|(_, v)| v.as_object())
        .find_map(|info| {
            let inner = |k: &str| info.get(k).and_then(Value::as_object).and_then(media_id);
            media_id(info)
                .or_else(|| inner("mediaBasicInfo"))
                .or_else(|| inner("output"))
        })
        .map(String::from)
}

/// `eventTime`, when it is an RFC 3339 date-time; for the older notification shape the
/// parsed `messageBody`'s `publishTime`, else `finishTime`, else `createTime`.
pub(crate) fn event_time(obj: &Object) -> Option<String> {
    if let Some(message) = super::legacy_message(obj) {
        return ["publishTime", "finishTime", "createTime"]
            .iter()
            .filter_map(|k| message.get(*k).and_then(Value::as_str))
            .find(|s| crate::time::is_rfc3339(s))
            .map(String::from);
    }
    obj.get("eventTime")
        .and_then(Value::as_str)
        .filter(|s| crate::time::is_rfc3339(s))
        .map(String::from)
}
