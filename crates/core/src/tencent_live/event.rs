//! Typed Tencent Cloud Live (CSS) events and their normalization (SPEC §7.1).
//!
//! `event_type` is a number. The documented types are parsed into structs (fields from the
//! Tencent pages named on each type); every other type — 347 smart erasing, 321 push
//! exception, StreamLive's 329/330, whatever Tencent adds — is kept raw in
//! [`TencentLiveEvent::Other`]: an unknown type is never an error. Typed fields accept a
//! number or a string (doc versions differ) and become `None` when they are neither.

use alloc::string::String;
use alloc::vec::Vec;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::lenient::{array_opt, i64_opt, string_opt};
use crate::json::Object;
use crate::tencent::event::MapRef;
use crate::vendor::EventTypeName;

/// `event_type` 1: stream push started.
pub const STREAM_BEGIN: i64 = 1;
/// `event_type` 0: stream push interrupted (ended).
pub const STREAM_END: i64 = 0;
/// `event_type` 100: a recording file was generated.
pub const RECORD: i64 = 100;
/// `event_type` 200: a screenshot was generated.
pub const SNAPSHOT: i64 = 200;
/// `event_type` 317: image moderation ("porn detection") result.
pub const IMAGE_MODERATION: i64 = 317;
/// `event_type` 332: recording status (start, end, pause, resume, error).
pub const RECORD_STATUS: i64 = 332;

/// Push started / interrupted (`event_type` 1 / 0; Tencent doc 267/38081). The two messages
/// of one push session share `sequence`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct StreamEvent {
    /// The user's APPID.
    #[serde(deserialize_with = "i64_opt")]
    pub appid: Option<i64>,
    /// The push domain.
    #[serde(deserialize_with = "string_opt")]
    pub app: Option<String>,
    /// The push path (the "AppName").
    #[serde(deserialize_with = "string_opt")]
    pub appname: Option<String>,
    /// The stream name.
    #[serde(deserialize_with = "string_opt")]
    pub stream_id: Option<String>,
    /// Same value as `stream_id`.
    #[serde(deserialize_with = "string_opt")]
    pub channel_id: Option<String>,
    /// When the event happened, Unix seconds.
    #[serde(deserialize_with = "i64_opt")]
    pub event_time: Option<i64>,
    /// The push session's sequence number (shared by its start and end messages).
    #[serde(deserialize_with = "string_opt")]
    pub sequence: Option<String>,
    /// The CDN node IP that took the push.
    #[serde(deserialize_with = "string_opt")]
    pub node: Option<String>,
    /// The pushing client's IP.
    #[serde(deserialize_with = "string_opt")]
    pub user_ip: Option<String>,
    /// The push URL's query string.
    #[serde(deserialize_with = "string_opt")]
    pub stream_param: Option<String>,
    /// Interrupt only: how long the push lasted, milliseconds (sent as a string).
    #[serde(deserialize_with = "i64_opt")]
    pub push_duration: Option<i64>,
    /// Interrupt reason code (table at Tencent doc 267/31083).
    #[serde(deserialize_with = "i64_opt")]
    pub errcode: Option<i64>,
    /// Interrupt reason text.
    #[serde(deserialize_with = "string_opt")]
    pub errmsg: Option<String>,
    /// Whether the stream is pushed inside (1) or outside (2) the Chinese mainland.
    #[serde(deserialize_with = "i64_opt")]
    pub set_id: Option<i64>,
    /// Video width, pixels.
    #[serde(deserialize_with = "i64_opt")]
    pub width: Option<i64>,
    /// Video height, pixels.
    #[serde(deserialize_with = "i64_opt")]
    pub height: Option<i64>,
    /// Every other field, as sent (`idc_id`, …).
    #[serde(flatten)]
    pub other: Object,
}

/// A recording file was generated (`event_type` 100; Tencent doc 267/38082).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct RecordEvent {
    /// The user's APPID.
    #[serde(deserialize_with = "i64_opt")]
    pub appid: Option<i64>,
    /// The push domain.
    #[serde(deserialize_with = "string_opt")]
    pub app: Option<String>,
    /// The push path.
    #[serde(deserialize_with = "string_opt")]
    pub appname: Option<String>,
    /// The stream name.
    #[serde(deserialize_with = "string_opt")]
    pub stream_id: Option<String>,
    /// Same value as `stream_id`.
    #[serde(deserialize_with = "string_opt")]
    pub channel_id: Option<String>,
    /// The VOD file id of the recording.
    #[serde(deserialize_with = "string_opt")]
    pub file_id: Option<String>,
    /// The recording file's own id.
    #[serde(deserialize_with = "string_opt")]
    pub record_file_id: Option<String>,
    /// `flv`, `hls`, `mp4` or `aac`.
    #[serde(deserialize_with = "string_opt")]
    pub file_format: Option<String>,
    /// Only for recordings created by `CreateRecordTask`.
    #[serde(deserialize_with = "string_opt")]
    pub task_id: Option<String>,
    /// Recording start, Unix seconds.
    #[serde(deserialize_with = "i64_opt")]
    pub start_time: Option<i64>,
    /// Recording end, Unix seconds.
    #[serde(deserialize_with = "i64_opt")]
    pub end_time: Option<i64>,
    /// Microsecond part of `start_time`.
    #[serde(deserialize_with = "i64_opt")]
    pub start_time_usec: Option<i64>,
    /// Microsecond part of `end_time`.
    #[serde(deserialize_with = "i64_opt")]
    pub end_time_usec: Option<i64>,
    /// Length of the recording, seconds.
    #[serde(deserialize_with = "i64_opt")]
    pub duration: Option<i64>,
    /// Size of the file, bytes.
    #[serde(deserialize_with = "i64_opt")]
    pub file_size: Option<i64>,
    /// The push URL's query string (absent for `CreateRecordTask` recordings).
    #[serde(deserialize_with = "string_opt")]
    pub stream_param: Option<String>,
    /// Where the file can be downloaded.
    #[serde(deserialize_with = "string_opt")]
    pub video_url: Option<String>,
    /// Every other field, as sent.
    #[serde(flatten)]
    pub other: Object,
}

/// A screenshot was generated (`event_type` 200; Tencent doc 267/38083).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct SnapshotEvent {
    /// The stream name.
    #[serde(deserialize_with = "string_opt")]
    pub stream_id: Option<String>,
    /// Same value as `stream_id`.
    #[serde(deserialize_with = "string_opt")]
    pub channel_id: Option<String>,
    /// When the screenshot was taken, Unix seconds.
    #[serde(deserialize_with = "i64_opt")]
    pub create_time: Option<i64>,
    /// Size of the picture, bytes.
    #[serde(deserialize_with = "i64_opt")]
    pub file_size: Option<i64>,
    /// Picture width, pixels.
    #[serde(deserialize_with = "i64_opt")]
    pub width: Option<i64>,
    /// Picture height, pixels.
    #[serde(deserialize_with = "i64_opt")]
    pub height: Option<i64>,
    /// The picture's path (no host).
    #[serde(deserialize_with = "string_opt")]
    pub pic_url: Option<String>,
    /// The picture's full URL.
    #[serde(deserialize_with = "string_opt")]
    pub pic_full_url: Option<String>,
    /// Every other field, as sent.
    #[serde(flatten)]
    pub other: Object,
}

/// Image moderation result (`event_type` 317; Tencent doc 267/38084). Note the camelCase
/// field names; the legacy score fields (`tid`, `confidence`, `pornScore`, …) stay in
/// [`ModerationEvent::other`].
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct ModerationEvent {
    /// The stream name.
    #[serde(rename = "streamId", deserialize_with = "string_opt")]
    pub stream_id: Option<String>,
    /// Same value as `streamId`.
    #[serde(rename = "channelId", deserialize_with = "string_opt")]
    pub channel_id: Option<String>,
    /// The URL of the moderated image.
    #[serde(deserialize_with = "string_opt")]
    pub img: Option<String>,
    /// The categories found, as sent.
    #[serde(rename = "type", deserialize_with = "array_opt")]
    pub types: Option<Vec<Value>>,
    /// The score per category, as sent.
    #[serde(deserialize_with = "array_opt")]
    pub score: Option<Vec<Value>>,
    /// `Block`, `Review` or `Pass`.
    #[serde(deserialize_with = "string_opt")]
    pub suggestion: Option<String>,
    /// The main label.
    #[serde(deserialize_with = "string_opt")]
    pub label: Option<String>,
    /// The sub-label.
    #[serde(rename = "subLabel", deserialize_with = "string_opt")]
    pub sub_label: Option<String>,
    /// Recognized text, when any.
    #[serde(rename = "ocrMsg", deserialize_with = "string_opt")]
    pub ocr_msg: Option<String>,
    /// Every other field, as sent.
    #[serde(flatten)]
    pub other: Object,
}

/// Recording status (`event_type` 332; Tencent doc 267/58590): the stream it is about;
/// the status fields stay in [`RecordStatusEvent::other`] as sent.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct RecordStatusEvent {
    /// The user's APPID.
    #[serde(deserialize_with = "i64_opt")]
    pub appid: Option<i64>,
    /// The push domain.
    #[serde(deserialize_with = "string_opt")]
    pub app: Option<String>,
    /// The push path.
    #[serde(deserialize_with = "string_opt")]
    pub appname: Option<String>,
    /// The stream name.
    #[serde(deserialize_with = "string_opt")]
    pub stream_id: Option<String>,
    /// Same value as `stream_id`.
    #[serde(deserialize_with = "string_opt")]
    pub channel_id: Option<String>,
    /// Every other field, as sent.
    #[serde(flatten)]
    pub other: Object,
}

/// A Tencent Cloud Live event, typed by its numeric `event_type`.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum TencentLiveEvent {
    /// 1: stream push started.
    StreamBegin(StreamEvent),
    /// 0: stream push interrupted.
    StreamEnd(StreamEvent),
    /// 100: recording file generated.
    Record(RecordEvent),
    /// 200: screenshot generated.
    Snapshot(SnapshotEvent),
    /// 317: image moderation result.
    ImageModeration(ModerationEvent),
    /// 332: recording status.
    RecordStatus(RecordStatusEvent),
    /// Any other event, kept raw.
    Other {
        /// The `event_type` in decimal (empty when absent or not an integer).
        event_type: String,
        /// The body (signature fields removed when it was verified).
        payload: Object,
    },
}

impl TencentLiveEvent {
    /// Reads the typed event from a parsed body. Never fails: anything unexpected is
    /// [`TencentLiveEvent::Other`].
    pub fn from_object(obj: &Object) -> TencentLiveEvent {
        fn typed<T: for<'de> Deserialize<'de>>(obj: &Object) -> Option<T> {
            T::deserialize(MapRef(obj)).ok()
        }
        let typed = match super::event_type_code(obj) {
            Some(STREAM_BEGIN) => typed(obj).map(TencentLiveEvent::StreamBegin),
            Some(STREAM_END) => typed(obj).map(TencentLiveEvent::StreamEnd),
            Some(RECORD) => typed(obj).map(TencentLiveEvent::Record),
            Some(SNAPSHOT) => typed(obj).map(TencentLiveEvent::Snapshot),
            Some(IMAGE_MODERATION) => typed(obj).map(TencentLiveEvent::ImageModeration),
            Some(RECORD_STATUS) => typed(obj).map(TencentLiveEvent::RecordStatus),
            _ => None,
        };
        typed.unwrap_or_else(|| TencentLiveEvent::Other {
            event_type: super::event_type(obj).map(String::from).unwrap_or_default(),
            payload: obj.clone(),
        })
    }

    /// The numeric `event_type` of a typed event (`None` for [`TencentLiveEvent::Other`]).
    pub fn code(&self) -> Option<i64> {
        Some(match self {
            TencentLiveEvent::StreamBegin(_) => STREAM_BEGIN,
            TencentLiveEvent::StreamEnd(_) => STREAM_END,
            TencentLiveEvent::Record(_) => RECORD,
            TencentLiveEvent::Snapshot(_) => SNAPSHOT,
            TencentLiveEvent::ImageModeration(_) => IMAGE_MODERATION,
            TencentLiveEvent::RecordStatus(_) => RECORD_STATUS,
            TencentLiveEvent::Other { .. } => return None,
        })
    }
}

fn str_field<'a>(obj: &'a Object, key: &str) -> Option<&'a str> {
    obj.get(key)
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
}

/// The main resource: `app/appname/stream_id` (push domain / path / stream, like
/// Volcengine's `vhost/app/stream`). The stream is `stream_id`, else `channel_id`, else the
/// moderation event's `streamId`/`channelId`; an absent `appname` leaves its segment empty.
/// **Decision**: without a push domain (`app`) there is no subject — a bare stream name is
/// not unique across domains (screenshot and moderation bodies may lack `app`).
pub fn subject(obj: &Object) -> Option<String> {
    let host = str_field(obj, "app")?;
    let stream = ["stream_id", "channel_id", "streamId", "channelId"]
        .iter()
        .find_map(|k| str_field(obj, k))?;
    let appname = str_field(obj, "appname").unwrap_or_default();
    Some(alloc::format!("{host}/{appname}/{stream}"))
}

/// The event time as RFC 3339: `event_time`, else `create_time`, else `end_time` (Unix
/// seconds, a JSON integer or a decimal string).
pub fn event_time(obj: &Object) -> Option<String> {
    ["event_time", "create_time", "end_time"]
        .iter()
        .find_map(|k| {
            obj.get(*k)
                .and_then(|v| crate::json::non_negative_i64(v).ok())
        })
        .map(crate::time::rfc3339_from_unix)
}

/// The types whose meaning is shared across vendors (SPEC §7.1), by decimal `event_type`;
/// every other type normalizes to `tencent_live.<n>`.
pub const EVENT_TYPES: &[EventTypeName] = &[
    EventTypeName {
        vendor_type: "1",
        shared: "live.stream.started",
    },
    EventTypeName {
        vendor_type: "0",
        shared: "live.stream.ended",
    },
    EventTypeName {
        vendor_type: "100",
        shared: "live.record.completed",
    },
    EventTypeName {
        vendor_type: "200",
        shared: "live.snapshot.created",
    },
    EventTypeName {
        vendor_type: "317",
        shared: "live.snapshot.audited",
    },
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json::parse_object;

    #[test]
    fn typed_push_and_lenient_fields() {
        let o = parse_object(br#"{"event_type":0,"app":"d.example.com","appname":"live","stream_id":"s1","push_duration":"61000","errcode":"1","sequence":123,"idc_id":7}"#).unwrap();
        match TencentLiveEvent::from_object(&o) {
            TencentLiveEvent::StreamEnd(e) => {
                assert_eq!(e.push_duration, Some(61_000));
                assert_eq!(e.errcode, Some(1));
                assert_eq!(e.sequence.as_deref(), Some("123"));
                assert_eq!(e.other.get("idc_id"), Some(&Value::from(7)));
                assert!(e.other.get("app").is_none());
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(subject(&o).as_deref(), Some("d.example.com/live/s1"));
    }

    #[test]
    fn every_documented_type_is_typed() {
        for (code, want) in [
            (1, Some(1)),
            (0, Some(0)),
            (100, Some(100)),
            (200, Some(200)),
            (317, Some(317)),
            (332, Some(332)),
            (347, None),
            (321, None),
        ] {
            let o = parse_object(alloc::format!(r#"{{"event_type":{code}}}"#).as_bytes()).unwrap();
            assert_eq!(TencentLiveEvent::from_object(&o).code(), want, "{code}");
        }
        let o = parse_object(br#"{"event_type":"x","a":1}"#).unwrap();
        match TencentLiveEvent::from_object(&o) {
            TencentLiveEvent::Other {
                event_type,
                payload,
            } => {
                assert_eq!(event_type, "");
                assert_eq!(payload, o);
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn moderation_fields_are_camel_case() {
        let o = parse_object(br#"{"event_type":317,"streamId":"s","img":"http://x/y.jpg","type":[1],"score":[99],"suggestion":"Block","subLabel":"x","tid":5}"#).unwrap();
        match TencentLiveEvent::from_object(&o) {
            TencentLiveEvent::ImageModeration(m) => {
                assert_eq!(m.stream_id.as_deref(), Some("s"));
                assert_eq!(m.types, Some(alloc::vec![Value::from(1)]));
                assert_eq!(m.sub_label.as_deref(), Some("x"));
                assert_eq!(m.other.get("tid"), Some(&Value::from(5)));
            }
            other => panic!("{other:?}"),
        }
        // No push domain: no subject.
        assert_eq!(subject(&o), None);
    }

    #[test]
    fn time_fallbacks() {
        let o =
            parse_object(br#"{"event_time":"1750000000","create_time":1,"end_time":2}"#).unwrap();
        assert_eq!(event_time(&o).as_deref(), Some("2025-06-15T15:06:40Z"));
        let o = parse_object(br#"{"event_time":"soon","create_time":1545030273}"#).unwrap();
        assert_eq!(event_time(&o).as_deref(), Some("2018-12-17T07:04:33Z"));
        let o = parse_object(br#"{"start_time":1750000000,"end_time":1750000300}"#).unwrap();
        assert_eq!(event_time(&o).as_deref(), Some("2025-06-15T15:11:40Z"));
        let o = parse_object(br#"{"event_time":-5}"#).unwrap();
        assert_eq!(event_time(&o), None);
    }

    #[test]
    fn shared_type_names() {
        let info = crate::Vendor::TencentLive.info();
        assert_eq!(info.shared_type("1"), Some("live.stream.started"));
        assert_eq!(info.shared_type("0"), Some("live.stream.ended"));
        assert_eq!(info.shared_type("100"), Some("live.record.completed"));
        assert_eq!(info.shared_type("200"), Some("live.snapshot.created"));
        assert_eq!(info.shared_type("317"), Some("live.snapshot.audited"));
        assert_eq!(info.shared_type("332"), None);
    }
}
