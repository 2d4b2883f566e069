//! Typed Volcengine Live events, from either body shape (flat or `data`-wrapped with a
//! `detail` object).

use alloc::string::String;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::json::Object;

/// Every field of a live-stream callback; fields of the wrapped shape's `detail` object are
/// read as if they were top-level. Fields Volcengine adds later stay in [`StreamEvent::other`].
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
#[allow(missing_docs)]
pub struct StreamEvent {
    pub vhost: Option<String>,
    pub domain: Option<String>,
    pub app: Option<String>,
    pub stream: Option<String>,
    pub event_type: Option<String>,
    /// Event time, Unix seconds.
    pub time: Option<i64>,
    /// Event time, Unix milliseconds.
    pub time_ms: Option<i64>,
    pub session_id: Option<String>,
    pub sequence_id: Option<String>,
    pub fp_client_ip: Option<String>,
    /// Every other field, as sent.
    #[serde(flatten)]
    pub other: Object,
}

/// A Volcengine Live event, typed by `event_type`.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum VolcengineEvent {
    /// `push_start`: a stream started.
    PushStart(StreamEvent),
    /// `push_end`: a stream ended.
    PushEnd(StreamEvent),
    /// `record_event`: a recording file is ready.
    RecordEvent(StreamEvent),
    /// `snapshot_event`: a snapshot was taken.
    SnapshotEvent(StreamEvent),
    /// `audit_snapshot`: a snapshot was audited.
    AuditSnapshot(StreamEvent),
    /// Any other (or unparsable) event, kept raw.
    Other {
        /// The `event_type` (empty when absent).
        event_type: String,
        /// The fields (wrapped shape: `data` merged with its `detail`).
        payload: Object,
    },
}

/// The event fields of either shape as one flat object (wrapped: `data` + `detail`).
pub fn flatten(obj: &Object) -> Object {
    let mut flat = super::payload(obj).clone();
    if let Some(Value::Object(detail)) = flat.remove("detail") {
        for (k, v) in detail {
            flat.entry(k).or_insert(v);
        }
    }
    flat
}

impl VolcengineEvent {
    /// Reads the typed event from a parsed body (either shape). Never fails.
    pub fn from_object(obj: &Object) -> VolcengineEvent {
        let flat = flatten(obj);
        let ty = flat
            .get("event_type")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let make: Option<fn(StreamEvent) -> VolcengineEvent> = match ty {
            "push_start" => Some(VolcengineEvent::PushStart),
            "push_end" => Some(VolcengineEvent::PushEnd),
            "record_event" => Some(VolcengineEvent::RecordEvent),
            "snapshot_event" => Some(VolcengineEvent::SnapshotEvent),
            "audit_snapshot" => Some(VolcengineEvent::AuditSnapshot),
            _ => None,
        };
        let typed = make.and_then(|m| {
            StreamEvent::deserialize(crate::tencent::event::MapRef(&flat))
                .ok()
                .map(m)
        });
        match typed {
            Some(ev) => ev,
            None => VolcengineEvent::Other {
                event_type: ty.into(),
                payload: flat,
            },
        }
    }
}

fn field<'a>(obj: &'a Object, key: &str) -> Option<&'a Value> {
    let p = super::payload(obj);
    p.get(key).or_else(|| {
        p.get("detail")
            .and_then(Value::as_object)
            .and_then(|d| d.get(key))
    })
}

fn str_field<'a>(obj: &'a Object, key: &str) -> Option<&'a str> {
    field(obj, key)
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
}

/// The main resource: `vhost/app/stream` (`domain` when there is no `vhost`).
pub(crate) fn subject(obj: &Object) -> Option<String> {
    let host = str_field(obj, "vhost").or_else(|| str_field(obj, "domain"))?;
    let app = str_field(obj, "app").unwrap_or_default();
    let stream = str_field(obj, "stream")?;
    Some(alloc::format!("{host}/{app}/{stream}"))
}

/// The event time: `time_ms`, else `time`, as RFC 3339.
pub(crate) fn event_time(obj: &Object) -> Option<String> {
    let secs = match (field(obj, "time_ms"), field(obj, "time")) {
        (Some(ms), _) if crate::json::non_negative_i64(ms).is_ok() => {
            crate::json::non_negative_i64(ms).ok()? / 1000
        }
        (_, Some(s)) => crate::json::non_negative_i64(s).ok()?,
        _ => return None,
    };
    Some(crate::time::rfc3339_from_unix(secs))
}
