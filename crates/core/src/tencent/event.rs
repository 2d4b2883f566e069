//! Typed Tencent Cloud VOD v3.0 events.
//!
//! The main event types are parsed into structs; every other `EventType` (Tencent adds new
//! ones often) is kept raw in [`TencentEvent::Other`] — an unknown type is never an error.

use alloc::string::String;
use alloc::vec::Vec;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::json::Object;

/// `EventType` → the body field that holds its payload (the SDK's `EventContent`).
pub const PAYLOAD_FIELDS: &[(&str, &str)] = &[
    ("NewFileUpload", "FileUploadEvent"),
    ("ProcedureStateChanged", "ProcedureStateChangeEvent"),
    ("FileDeleted", "FileDeleteEvent"),
    ("PullComplete", "PullCompleteEvent"),
    ("EditMediaComplete", "EditMediaCompleteEvent"),
    ("SplitMediaComplete", "SplitMediaCompleteEvent"),
    ("ComposeMediaComplete", "ComposeMediaCompleteEvent"),
    ("WechatPublishComplete", "WechatPublishCompleteEvent"),
    (
        "WechatMiniProgramPublishComplete",
        "WechatMiniProgramPublishCompleteEvent",
    ),
    ("RemoveWatermark", "RemoveWatermarkCompleteEvent"),
    ("RestoreMediaComplete", "RestoreMediaCompleteEvent"),
    ("RebuildMediaComplete", "RebuildMediaCompleteEvent"),
    (
        "ExtractTraceWatermarkComplete",
        "ExtractTraceWatermarkCompleteEvent",
    ),
    (
        "ExtractCopyRightWatermarkComplete",
        "ExtractCopyRightWatermarkCompleteEvent",
    ),
    ("ReviewAudioVideoComplete", "ReviewAudioVideoCompleteEvent"),
    (
        "DescribeFileAttributesComplete",
        "DescribeFileAttributesCompleteEvent",
    ),
    ("QualityInspectComplete", "QualityInspectCompleteEvent"),
    ("QualityEnhanceComplete", "QualityEnhanceCompleteEvent"),
    ("MediaCastStatusChanged", "MediaCastStatusChangedEvent"),
    ("PersistenceComplete", "PersistenceCompleteEvent"),
    (
        "ComplexAdaptiveDynamicStreamingComplete",
        "ComplexAdaptiveDynamicStreamingCompleteEvent",
    ),
    (
        "ProcessMediaByMPSComplete",
        "ProcessMediaByMPSCompleteEvent",
    ),
    ("AigcImageTaskComplete", "AigcImageCompleteEvent"),
    ("AigcVideoTaskComplete", "AigcVideoCompleteEvent"),
    (
        "ExtractBlindWatermarkComplete",
        "ExtractBlindWatermarkComplete",
    ),
    ("TranscodeComplete", "TranscodeCompleteEvent"),
    ("ConcatComplete", "ConcatCompleteEvent"),
    ("ClipComplete", "ClipCompleteEvent"),
    (
        "CreateImageSpriteComplete",
        "CreateImageSpriteCompleteEvent",
    ),
    (
        "CreateSnapshotByTimeOffsetComplete",
        "SnapshotByTimeOffsetCompleteEvent",
    ),
];

/// The payload field name for an `EventType`, when Tencent documents one.
pub fn payload_field(event_type: &str) -> Option<&'static str> {
    PAYLOAD_FIELDS
        .iter()
        .find(|(t, _)| *t == event_type)
        .map(|(_, f)| *f)
}

/// The payload object of a body: the documented field for its `EventType`, else the only
/// object-valued field whose name ends in `Event` (how new types are shaped), else the field
/// named like the `EventType` itself (`SceneAigcImageCompleteEvent`); `data` for a v2.0 body.
pub fn payload(obj: &Object) -> Option<&Object> {
    if super::is_legacy_v2(obj) {
        return obj.get("data").and_then(Value::as_object);
    }
    let ty = super::event_type(obj);
    let by_type = ty
        .and_then(payload_field)
        .and_then(|f| obj.get(f))
        .and_then(Value::as_object);
    let named_like_type = || ty.and_then(|t| obj.get(t)).and_then(Value::as_object);
    by_type.or_else(named_like_type).or_else(|| {
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

/// `MediaBasicInfo`: the basic facts of a media file.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
#[allow(missing_docs)]
pub struct MediaBasicInfo {
    pub name: Option<String>,
    pub description: Option<String>,
    pub create_time: Option<String>,
    pub update_time: Option<String>,
    pub expire_time: Option<String>,
    pub class_id: Option<i64>,
    pub class_name: Option<String>,
    pub class_path: Option<String>,
    pub cover_url: Option<String>,
    #[serde(rename = "Type")]
    pub media_type: Option<String>,
    pub media_url: Option<String>,
    pub tag_set: Option<Vec<String>>,
    pub storage_region: Option<String>,
    pub source_info: Option<SourceInfo>,
    pub vid: Option<String>,
}

/// `SourceInfo`: where a media file came from.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
#[allow(missing_docs)]
pub struct SourceInfo {
    pub source_type: Option<String>,
    pub source_context: Option<String>,
}

/// `FileUploadEvent` (EventType `NewFileUpload`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
#[allow(missing_docs)]
pub struct FileUploadEvent {
    pub file_id: Option<String>,
    pub media_basic_info: Option<MediaBasicInfo>,
    pub procedure_task_id: Option<String>,
    pub review_audio_video_task_id: Option<String>,
    pub meta_data: Option<Value>,
}

/// `PullCompleteEvent` (EventType `PullComplete`): a URL pull upload finished.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
#[allow(missing_docs)]
pub struct PullCompleteEvent {
    pub task_id: Option<String>,
    pub status: Option<String>,
    pub err_code: Option<i64>,
    pub message: Option<String>,
    pub file_id: Option<String>,
    pub media_basic_info: Option<MediaBasicInfo>,
    pub file_url: Option<String>,
    pub procedure_task_id: Option<String>,
    pub review_audio_video_task_id: Option<String>,
    pub session_context: Option<String>,
    pub session_id: Option<String>,
}

/// `ProcedureStateChangeEvent` (EventType `ProcedureStateChanged`): a task flow progressed.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
#[allow(missing_docs)]
pub struct ProcedureStateChangeEvent {
    pub task_id: Option<String>,
    pub status: Option<String>,
    pub err_code: Option<i64>,
    pub message: Option<String>,
    pub file_id: Option<String>,
    pub file_name: Option<String>,
    pub file_url: Option<String>,
    pub meta_data: Option<Value>,
    pub media_process_result_set: Option<Vec<Value>>,
    pub ai_content_review_result_set: Option<Vec<Value>>,
    pub ai_analysis_result_set: Option<Vec<Value>>,
    pub ai_recognition_result_set: Option<Vec<Value>>,
    pub tasks_priority: Option<i64>,
    pub tasks_notify_mode: Option<String>,
    pub session_context: Option<String>,
    pub session_id: Option<String>,
    pub operator: Option<String>,
    pub operation_type: Option<String>,
}

/// `FileDeleteEvent` (EventType `FileDeleted`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
#[allow(missing_docs)]
pub struct FileDeleteEvent {
    pub file_id_set: Option<Vec<String>>,
    pub file_delete_result_info: Option<Vec<Value>>,
}

/// A Tencent VOD event, typed where mediahook knows the type.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum TencentEvent {
    /// `NewFileUpload`.
    NewFileUpload(FileUploadEvent),
    /// `PullComplete`.
    PullComplete(PullCompleteEvent),
    /// `ProcedureStateChanged`.
    ProcedureStateChanged(ProcedureStateChangeEvent),
    /// `FileDeleted`.
    FileDeleted(FileDeleteEvent),
    /// Any other (or unparsable) event, kept raw.
    Other {
        /// The `EventType` (empty when the body has none).
        event_type: String,
        /// The payload object, when one could be found.
        payload: Option<Object>,
    },
}

impl TencentEvent {
    /// Reads the typed event from a parsed body. Never fails: anything unexpected is
    /// [`TencentEvent::Other`].
    pub fn from_object(obj: &Object) -> TencentEvent {
        let event_type = super::event_type(obj).unwrap_or_default();
        let p = payload(obj);
        if super::is_legacy_v2(obj) {
            // v2.0 payloads are camelCase and shaped differently: kept raw.
            return TencentEvent::Other {
                event_type: event_type.into(),
                payload: p.cloned(),
            };
        }
        fn typed<T: for<'de> Deserialize<'de>>(p: Option<&Object>) -> Option<T> {
            p.and_then(|m| T::deserialize(MapRef(m)).ok())
        }
        let typed = match event_type {
            "NewFileUpload" => typed(p).map(TencentEvent::NewFileUpload),
            "PullComplete" => typed(p).map(TencentEvent::PullComplete),
            "ProcedureStateChanged" => typed(p).map(TencentEvent::ProcedureStateChanged),
            "FileDeleted" => typed(p).map(TencentEvent::FileDeleted),
            _ => None,
        };
        typed.unwrap_or_else(|| TencentEvent::Other {
            event_type: event_type.into(),
            payload: p.cloned(),
        })
    }

    /// The vendor's `EventType`.
    pub fn event_type(&self) -> &str {
        match self {
            TencentEvent::NewFileUpload(_) => "NewFileUpload",
            TencentEvent::PullComplete(_) => "PullComplete",
            TencentEvent::ProcedureStateChanged(_) => "ProcedureStateChanged",
            TencentEvent::FileDeleted(_) => "FileDeleted",
            TencentEvent::Other { event_type, .. } => event_type,
        }
    }
}

/// Deserializes a struct straight from a borrowed map, without cloning it into a `Value`.
pub(crate) struct MapRef<'a>(pub(crate) &'a Object);

impl<'de> serde::Deserializer<'de> for MapRef<'de> {
    type Error = serde_json::Error;
    fn deserialize_any<V: serde::de::Visitor<'de>>(
        self,
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        use serde::de::value::MapDeserializer;
        let iter = self.0.iter().map(|(k, v)| (k.as_str(), v));
        let mut de = MapDeserializer::new(iter);
        let out = visitor.visit_map(&mut de)?;
        de.end()?;
        Ok(out)
    }
    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf option unit unit_struct newtype_struct seq tuple
        tuple_struct map struct enum identifier ignored_any
    }
}

fn non_empty_str(v: Option<&Value>) -> Option<&str> {
    v.and_then(Value::as_str).filter(|s| !s.is_empty())
}

/// The main resource, where Tencent's SDK models keep the media id:
/// v3.0 — the payload's `FileId` (upload, pull, procedure, delete results, legacy 2017
/// tasks), else the first of `FileIdSet` (`FileDeleted`), else `Output.FileId` (the media a
/// task produced: edit, compose, rebuild, quality enhance), else the first
/// `Output.FileInfos[].FileId` (AIGC image/video tasks), else `Input.FileId` (the media a
/// task read: review, inspect). A `TaskId` is never the subject; a
/// task with no media (AIGC face info, media cast) has none. v2.0: `data.fileId`, else
/// `data.fileInfo.fileId` (output), else `data.srcFileId` (input).
pub(crate) fn subject(obj: &Object) -> Option<String> {
    let p = payload(obj)?;
    if super::is_legacy_v2(obj) {
        // v2.0: `fileId`; a task that made a file (ClipComplete) has `fileInfo.fileId`;
        // one that read a file has `srcFileId`.
        let output = p
            .get("fileInfo")
            .and_then(Value::as_object)
            .and_then(|o| o.get("fileId"));
        return non_empty_str(p.get("fileId"))
            .or_else(|| non_empty_str(output))
            .or_else(|| non_empty_str(p.get("srcFileId")))
            .map(String::from);
    }
    let nested = |outer: &str| {
        non_empty_str(
            p.get(outer)
                .and_then(Value::as_object)
                .and_then(|o| o.get("FileId")),
        )
    };
    non_empty_str(p.get("FileId"))
        .or_else(|| {
            non_empty_str(
                p.get("FileIdSet")
                    .and_then(Value::as_array)
                    .and_then(|a| a.first()),
            )
        })
        .or_else(|| nested("Output"))
        .or_else(|| {
            // AIGC tasks: Output.FileInfos[].FileId (temporary outputs have none).
            p.get("Output")
                .and_then(|o| o.get("FileInfos"))
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .find_map(|f| non_empty_str(f.get("FileId")))
        })
        .or_else(|| nested("Input"))
        .map(String::from)
}

/// The event time Tencent gives: `MediaBasicInfo.UpdateTime`, else `CreateTime`.
pub(crate) fn event_time(obj: &Object) -> Option<String> {
    let info = payload(obj)?.get("MediaBasicInfo")?.as_object()?;
    ["UpdateTime", "CreateTime"]
        .iter()
        .filter_map(|k| info.get(*k).and_then(Value::as_str))
        .find(|s| crate::time::is_rfc3339(s))
        .map(String::from)
}
