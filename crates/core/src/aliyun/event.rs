//! Typed Alibaba Cloud VOD events and their normalization (SPEC §7.2).
//!
//! The event types whose fields Alibaba documents are parsed into structs (the page each
//! comes from is named on it); every other `EventType` (`DynamicImageComplete`,
//! `AIMediaAuditComplete`, …, and whatever Alibaba adds) is kept raw in
//! [`AliyunEvent::Other`] — an unknown type is never an error. Typed fields accept a number
//! or a string and become `None` when they are neither.

use alloc::string::String;
use alloc::vec::Vec;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::json::Object;
use crate::tencent::event::MapRef;
use crate::tencent_live::lenient::{array_opt, f64_opt, i64_opt, string_opt};
use crate::vendor::EventTypeName;

/// The fields every event has (Alibaba doc 55627): which video, whether the job succeeded,
/// the caller's pass-through string.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct MediaEvent {
    /// The video id.
    #[serde(deserialize_with = "string_opt")]
    pub video_id: Option<String>,
    /// `success` or `fail`.
    #[serde(deserialize_with = "string_opt")]
    pub status: Option<String>,
    /// The caller's pass-through string (`UserData.Extend`, at most 512 bytes).
    #[serde(deserialize_with = "string_opt")]
    pub extend: Option<String>,
    /// Every other field, as sent.
    #[serde(flatten)]
    pub other: Object,
}

/// `FileUploadComplete`: a video (or audio) upload finished (Alibaba doc 55630).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct FileUploadComplete {
    /// The video id.
    #[serde(deserialize_with = "string_opt")]
    pub video_id: Option<String>,
    /// `success` or `fail`.
    #[serde(deserialize_with = "string_opt")]
    pub status: Option<String>,
    /// Size of the file, bytes.
    #[serde(deserialize_with = "i64_opt")]
    pub size: Option<i64>,
    /// Where the uploaded file is (always `http://`).
    #[serde(deserialize_with = "string_opt")]
    pub file_url: Option<String>,
    /// The caller's pass-through string.
    #[serde(deserialize_with = "string_opt")]
    pub extend: Option<String>,
    /// Every other field, as sent.
    #[serde(flatten)]
    pub other: Object,
}

/// `ImageUploadComplete`: an image upload finished (Alibaba "ImageUploadComplete" page).
/// Its `EventTime` carries milliseconds (`…ss:SSSZ`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct ImageUploadComplete {
    /// The image id.
    #[serde(deserialize_with = "string_opt")]
    pub image_id: Option<String>,
    /// `success` or `fail`.
    #[serde(deserialize_with = "string_opt")]
    pub status: Option<String>,
    /// Where the image is (note the spelling `FileURL`).
    #[serde(rename = "FileURL", deserialize_with = "string_opt")]
    pub file_url: Option<String>,
    /// The caller's pass-through string.
    #[serde(deserialize_with = "string_opt")]
    pub extend: Option<String>,
    /// Every other field, as sent.
    #[serde(flatten)]
    pub other: Object,
}

/// One transcoded stream: the body of `StreamTranscodeComplete` and each item of
/// `TranscodeComplete.StreamInfos` (Alibaba doc 55638).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct StreamInfo {
    /// The video id (on `StreamTranscodeComplete`).
    #[serde(deserialize_with = "string_opt")]
    pub video_id: Option<String>,
    /// `success` or `fail`.
    #[serde(deserialize_with = "string_opt")]
    pub status: Option<String>,
    /// Bitrate, Kbit/s.
    #[serde(deserialize_with = "f64_opt")]
    pub bitrate: Option<f64>,
    /// The definition (`FD`, `LD`, `SD`, `HD`, …).
    #[serde(deserialize_with = "string_opt")]
    pub definition: Option<String>,
    /// Duration, seconds.
    #[serde(deserialize_with = "f64_opt")]
    pub duration: Option<f64>,
    /// Whether the stream is encrypted.
    #[serde(deserialize_with = "string_opt")]
    pub encrypt: Option<String>,
    /// The error code of a failed stream.
    #[serde(deserialize_with = "string_opt")]
    pub error_code: Option<String>,
    /// The error message of a failed stream.
    #[serde(deserialize_with = "string_opt")]
    pub error_message: Option<String>,
    /// Where the stream is.
    #[serde(deserialize_with = "string_opt")]
    pub file_url: Option<String>,
    /// Container format (`mp4`, `m3u8`, …).
    #[serde(deserialize_with = "string_opt")]
    pub format: Option<String>,
    /// Frame rate.
    #[serde(deserialize_with = "f64_opt")]
    pub fps: Option<f64>,
    /// Height, pixels.
    #[serde(deserialize_with = "i64_opt")]
    pub height: Option<i64>,
    /// Width, pixels.
    #[serde(deserialize_with = "i64_opt")]
    pub width: Option<i64>,
    /// Size, bytes.
    #[serde(deserialize_with = "i64_opt")]
    pub size: Option<i64>,
    /// Every other field, as sent.
    #[serde(flatten)]
    pub other: Object,
}

/// `TranscodeComplete`: every stream of a video is done; `Status` is `success` when any
/// stream succeeded (Alibaba doc 55638).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct TranscodeComplete {
    /// The video id.
    #[serde(deserialize_with = "string_opt")]
    pub video_id: Option<String>,
    /// `success` or `fail`.
    #[serde(deserialize_with = "string_opt")]
    pub status: Option<String>,
    /// The streams, as sent (read each with [`StreamInfo`] via [`TranscodeComplete::streams`]).
    #[serde(deserialize_with = "array_opt")]
    pub stream_infos: Option<Vec<Value>>,
    /// The caller's pass-through string.
    #[serde(deserialize_with = "string_opt")]
    pub extend: Option<String>,
    /// Every other field, as sent.
    #[serde(flatten)]
    pub other: Object,
}

impl TranscodeComplete {
    /// The items of `StreamInfos` that are objects, typed.
    pub fn streams(&self) -> Vec<StreamInfo> {
        self.stream_infos
            .iter()
            .flatten()
            .filter_map(Value::as_object)
            .filter_map(|o| StreamInfo::deserialize(MapRef(o)).ok())
            .collect()
    }
}

/// `SnapshotComplete` (Alibaba "SnapshotComplete" page).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct SnapshotComplete {
    /// The video id.
    #[serde(deserialize_with = "string_opt")]
    pub video_id: Option<String>,
    /// `success` or `fail`.
    #[serde(deserialize_with = "string_opt")]
    pub status: Option<String>,
    /// `SpecifiedTime` for snapshots at given offsets.
    #[serde(deserialize_with = "string_opt")]
    pub sub_type: Option<String>,
    /// The cover picture URL.
    #[serde(deserialize_with = "string_opt")]
    pub cover_url: Option<String>,
    /// The snapshot jobs (`SnapshotType`, `SnapshotCount`, `SnapshotFormat`, `JobId`, …), as sent.
    #[serde(deserialize_with = "array_opt")]
    pub snapshot_infos: Option<Vec<Value>>,
    /// The caller's pass-through string.
    #[serde(deserialize_with = "string_opt")]
    pub extend: Option<String>,
    /// Every other field, as sent.
    #[serde(flatten)]
    pub other: Object,
}

/// `AddLiveRecordVideoComplete`: a live recording became a VOD video (Alibaba
/// "AddLiveRecordVideoComplete" page).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct AddLiveRecordVideoComplete {
    /// The video id.
    #[serde(deserialize_with = "string_opt")]
    pub video_id: Option<String>,
    /// `success` or `fail`.
    #[serde(deserialize_with = "string_opt")]
    pub status: Option<String>,
    /// The live stream.
    #[serde(deserialize_with = "string_opt")]
    pub stream_name: Option<String>,
    /// The live domain.
    #[serde(deserialize_with = "string_opt")]
    pub domain_name: Option<String>,
    /// The live app.
    #[serde(deserialize_with = "string_opt")]
    pub app_name: Option<String>,
    /// Recording start, as sent.
    #[serde(deserialize_with = "string_opt")]
    pub record_start_time: Option<String>,
    /// Recording end, as sent.
    #[serde(deserialize_with = "string_opt")]
    pub record_end_time: Option<String>,
    /// Every other field, as sent.
    #[serde(flatten)]
    pub other: Object,
}

/// `AttachedMediaUploadComplete`: an auxiliary media file was uploaded (Alibaba
/// "AttachedMediaUploadComplete" page).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct AttachedMediaUploadComplete {
    /// The auxiliary media id.
    #[serde(deserialize_with = "string_opt")]
    pub attached_media_id: Option<String>,
    /// `success` or `fail`.
    #[serde(deserialize_with = "string_opt")]
    pub status: Option<String>,
    /// The caller's pass-through string.
    #[serde(deserialize_with = "string_opt")]
    pub extend: Option<String>,
    /// Every other field, as sent.
    #[serde(flatten)]
    pub other: Object,
}

/// `SubmitMediaRefreshComplete`: a CDN refresh job finished (Alibaba
/// "SubmitMediaRefreshComplete" page; enabled through the API only).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct SubmitMediaRefreshComplete {
    /// The media id.
    #[serde(deserialize_with = "string_opt")]
    pub media_id: Option<String>,
    /// The refresh job id.
    #[serde(deserialize_with = "string_opt")]
    pub media_refresh_job_id: Option<String>,
    /// `success` or `fail`.
    #[serde(deserialize_with = "string_opt")]
    pub status: Option<String>,
    /// Every other field, as sent.
    #[serde(flatten)]
    pub other: Object,
}

/// An Alibaba VOD event, typed by `EventType`. `EventType` and `EventTime` themselves stay
/// in each struct's `other`.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
#[allow(missing_docs)]
pub enum AliyunEvent {
    FileUploadComplete(FileUploadComplete),
    ImageUploadComplete(ImageUploadComplete),
    StreamTranscodeComplete(StreamInfo),
    TranscodeComplete(TranscodeComplete),
    SnapshotComplete(SnapshotComplete),
    AddLiveRecordVideoComplete(AddLiveRecordVideoComplete),
    /// URL upload (also URL stream upload, with `FileType=Stream`).
    UploadByURLComplete(MediaEvent),
    AttachedMediaUploadComplete(AttachedMediaUploadComplete),
    SubmitMediaRefreshComplete(SubmitMediaRefreshComplete),
    DeleteMediaComplete(MediaEvent),
    /// Any other event, kept raw.
    Other {
        /// The `EventType` (empty when absent).
        event_type: String,
        /// The body.
        payload: Object,
    },
}

impl AliyunEvent {
    /// Reads the typed event from a parsed body. Never fails: anything unexpected is
    /// [`AliyunEvent::Other`].
    pub fn from_object(obj: &Object) -> AliyunEvent {
        fn typed<T: for<'de> Deserialize<'de>>(obj: &Object) -> Option<T> {
            T::deserialize(MapRef(obj)).ok()
        }
        use AliyunEvent as E;
        let ty = super::event_type(obj).unwrap_or_default();
        let typed = match ty {
            "FileUploadComplete" => typed(obj).map(E::FileUploadComplete),
            "ImageUploadComplete" => typed(obj).map(E::ImageUploadComplete),
            "StreamTranscodeComplete" => typed(obj).map(E::StreamTranscodeComplete),
            "TranscodeComplete" => typed(obj).map(E::TranscodeComplete),
            "SnapshotComplete" => typed(obj).map(E::SnapshotComplete),
            "AddLiveRecordVideoComplete" => typed(obj).map(E::AddLiveRecordVideoComplete),
            "UploadByURLComplete" => typed(obj).map(E::UploadByURLComplete),
            "AttachedMediaUploadComplete" => typed(obj).map(E::AttachedMediaUploadComplete),
            "SubmitMediaRefreshComplete" => typed(obj).map(E::SubmitMediaRefreshComplete),
            "DeleteMediaComplete" => typed(obj).map(E::DeleteMediaComplete),
            _ => None,
        };
        typed.unwrap_or_else(|| E::Other {
            event_type: ty.into(),
            payload: obj.clone(),
        })
    }
}

/// The main resource: `VideoId`, else `ImageId`, `AttachedMediaId`, `MediaId` (the first
/// non-empty string).
pub fn subject(obj: &Object) -> Option<String> {
    ["VideoId", "ImageId", "AttachedMediaId", "MediaId"]
        .iter()
        .filter_map(|k| obj.get(*k).and_then(Value::as_str))
        .find(|s| !s.is_empty())
        .map(String::from)
}

/// `EventTime` as RFC 3339. Alibaba sends `yyyy-MM-ddTHH:mm:ssZ`, and some events (image
/// upload) add milliseconds after a **colon** (`…:ss:SSSZ`); that colon becomes a dot
/// (`…:ss.SSSZ`), keeping the milliseconds. A `.SSS` fraction or a `±hh:mm` offset passes
/// through; anything else is `None` (the receive time is used).
pub fn event_time(obj: &Object) -> Option<String> {
    let s = obj.get("EventTime")?.as_str()?;
    if crate::time::is_rfc3339(s) {
        return Some(s.into());
    }
    // `2025-06-15T15:06:40:123Z`: 19 characters, a colon, 1–9 digits, `Z`.
    let (head, rest) = (s.get(..19)?, s.get(19..)?);
    let frac = rest.strip_prefix(':')?;
    let digits = frac.strip_suffix('Z').or_else(|| frac.strip_suffix('z'))?;
    if digits.is_empty() || digits.len() > 9 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let fixed = alloc::format!("{head}.{digits}Z");
    crate::time::is_rfc3339(&fixed).then_some(fixed)
}

/// The types whose meaning is shared across vendors (SPEC §7.2); every other type
/// normalizes to `aliyun_vod.<EventType>`.
pub const EVENT_TYPES: &[EventTypeName] = &[
    EventTypeName {
        vendor_type: "FileUploadComplete",
        shared: "media.upload.completed",
    },
    EventTypeName {
        vendor_type: "TranscodeComplete",
        shared: "media.transcode.completed",
    },
    EventTypeName {
        vendor_type: "UploadByURLComplete",
        shared: "media.pull.completed",
    },
    EventTypeName {
        vendor_type: "DeleteMediaComplete",
        shared: "media.deleted",
    },
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json::parse_object;

    fn time_of(s: &str) -> Option<String> {
        let o = parse_object(alloc::format!(r#"{{"EventTime":"{s}"}}"#).as_bytes()).unwrap();
        event_time(&o)
    }

    #[test]
    fn both_event_time_formats() {
        assert_eq!(
            time_of("2025-06-15T15:06:40Z").as_deref(),
            Some("2025-06-15T15:06:40Z")
        );
        assert_eq!(
            time_of("2025-06-15T15:06:40:123Z").as_deref(),
            Some("2025-06-15T15:06:40.123Z")
        );
        assert_eq!(
            time_of("2025-06-15T15:06:40.123Z").as_deref(),
            Some("2025-06-15T15:06:40.123Z")
        );
        assert_eq!(
            time_of("2025-06-15T15:06:40+08:00").as_deref(),
            Some("2025-06-15T15:06:40+08:00")
        );
        for bad in [
            "2025-06-15T15:06:40",
            "2025-06-15T15:06:40:Z",
            "2025-06-15T15:06:40:12aZ",
            "2025-06-15 15:06:40:123Z",
            "2025-06-15T15:06:40:1234567890Z",
            "",
            "é",
        ] {
            assert_eq!(time_of(bad), None, "{bad}");
        }
        let o = parse_object(br#"{"EventTime":1750000000}"#).unwrap();
        assert_eq!(event_time(&o), None);
    }

    #[test]
    fn subjects() {
        for (body, want) in [
            (r#"{"VideoId":"v","ImageId":"i"}"#, Some("v")),
            (r#"{"VideoId":"","ImageId":"i"}"#, Some("i")),
            (r#"{"AttachedMediaId":"a"}"#, Some("a")),
            (r#"{"MediaId":"m","MediaRefreshJobId":"j"}"#, Some("m")),
            (r#"{"VideoId":5}"#, None),
            (r#"{}"#, None),
        ] {
            assert_eq!(
                subject(&parse_object(body.as_bytes()).unwrap()).as_deref(),
                want,
                "{body}"
            );
        }
    }

    #[test]
    fn typed_events() {
        let o = parse_object(br#"{"EventType":"TranscodeComplete","VideoId":"v","Status":"success","StreamInfos":[{"Status":"success","Bitrate":"1200","Definition":"HD","Duration":60.2,"Height":720},5]}"#).unwrap();
        match AliyunEvent::from_object(&o) {
            AliyunEvent::TranscodeComplete(t) => {
                let s = t.streams();
                assert_eq!(s.len(), 1);
                assert_eq!(
                    (s[0].bitrate, s[0].duration, s[0].height),
                    (Some(1200.0), Some(60.2), Some(720))
                );
                assert_eq!(
                    t.other.get("EventType"),
                    Some(&Value::from("TranscodeComplete"))
                );
            }
            other => panic!("{other:?}"),
        }
        let o = parse_object(br#"{"EventType":"ImageUploadComplete","ImageId":"i","FileURL":"http://x/y.png","EventTime":"2025-06-15T15:06:40:123Z"}"#).unwrap();
        match AliyunEvent::from_object(&o) {
            AliyunEvent::ImageUploadComplete(i) => {
                assert_eq!(i.file_url.as_deref(), Some("http://x/y.png"))
            }
            other => panic!("{other:?}"),
        }
        for ty in [
            "FileUploadComplete",
            "StreamTranscodeComplete",
            "SnapshotComplete",
            "AddLiveRecordVideoComplete",
            "UploadByURLComplete",
            "AttachedMediaUploadComplete",
            "SubmitMediaRefreshComplete",
            "DeleteMediaComplete",
        ] {
            let o = parse_object(alloc::format!(r#"{{"EventType":"{ty}","Size":"x"}}"#).as_bytes())
                .unwrap();
            assert!(
                !matches!(AliyunEvent::from_object(&o), AliyunEvent::Other { .. }),
                "{ty}"
            );
        }
        let o = parse_object(br#"{"EventType":"AIMediaAuditComplete","VideoId":"v"}"#).unwrap();
        assert_eq!(
            AliyunEvent::from_object(&o),
            AliyunEvent::Other {
                event_type: "AIMediaAuditComplete".into(),
                payload: o.clone()
            }
        );
    }

    #[test]
    fn shared_type_names() {
        let info = crate::Vendor::AliyunVod.info();
        assert_eq!(
            info.shared_type("FileUploadComplete"),
            Some("media.upload.completed")
        );
        assert_eq!(
            info.shared_type("TranscodeComplete"),
            Some("media.transcode.completed")
        );
        assert_eq!(
            info.shared_type("UploadByURLComplete"),
            Some("media.pull.completed")
        );
        assert_eq!(
            info.shared_type("DeleteMediaComplete"),
            Some("media.deleted")
        );
        assert_eq!(info.shared_type("StreamTranscodeComplete"), None);
    }
}
