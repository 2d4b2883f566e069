//! The queue consumer. The store is the truth and its alarms deliver; the queue only wakes.
//! A message is one of:
//!
//! * `{"source", "id"}` — wake the shard holding that event (e.g. from an older version
//!   still running during a rolling deploy);
//! * `{"source", "id", "admit": {…}}` (older versions' format: the event travelled in its
//!   message) — the event is stored in its shard (deduplicated) and then delivered by the
//!   shard's alarm like any other;
//! * anything else — kept in the quarantine (`GET /v1/dead-letters/quarantine`), never dropped.
//!
//! A message is acked only once its effect is durable; otherwise it is retried. The
//! dead-letter queue (`…-dlq`, where the queue moves a message after `max_retries`) is
//! handled the same way: a carried event is stored and then delivered by its shard, with its
//! own per-destination budget (the queue's retry budget never marks anything dead).

use serde_json::{json, Value};
use worker::*;

use crate::protocol::{self, Done, IngestReq, IngestResp, QuarantineReq, QueueMsg, WakeReq};
use crate::store::{shard_name, BINDING, QUARANTINE};
use crate::{current_config, log_line};

/// Retry delay when the store cannot be reached (s); 2 s in test mode.
const TROUBLE_DELAY_S: u32 = 30;

fn retry_later(env: &Env, msg: &RawMessage) {
    let test = crate::test_mode(env);
    retry_in(msg, if test { 2 } else { TROUBLE_DELAY_S });
}

fn retry_in(msg: &RawMessage, seconds: u32) {
    let opts = QueueRetryOptionsBuilder::new()
        .with_delay_seconds(seconds)
        .build();
    msg.retry_with_options(&opts);
}

/// A message body as text (queue bodies are JSON strings; anything else is stringified).
fn body_text(v: &wasm_bindgen::JsValue) -> String {
    if let Some(s) = v.as_string() {
        return s;
    }
    js_sys::JSON::stringify(v)
        .ok()
        .and_then(|s| s.as_string())
        .unwrap_or_else(|| format!("{v:?}"))
}

/// Reads a message leniently: the current shape, or any JSON object with string `source`
/// and `id` (an old or future shape: treated as a wake-up for that event).
fn read(text: &str) -> Option<QueueMsg> {
    if !text.trim_start().starts_with('{') {
        return None;
    }
    if let Ok(q) = serde_json::from_str::<QueueMsg>(text) {
        return Some(q);
    }
    let v: Value = serde_json::from_str(text).ok()?;
    Some(QueueMsg {
        source: v.get("source")?.as_str()?.to_string(),
        id: v.get("id")?.as_str()?.to_string(),
        admit: None,
    })
}

/// Handles one batch. Never fails: every message is acked or retried individually.
pub async fn consume(batch: MessageBatch<Value>, env: Env) {
    let queue = batch.queue();
    let msgs: Vec<RawMessage> = batch.raw_iter().collect();
    futures_util::future::join_all(msgs.iter().map(|m| handle(&env, &queue, m))).await;
}

async fn handle(env: &Env, queue: &str, msg: &RawMessage) {
    let text = body_text(&msg.body());
    let Some(q) = read(&text) else {
        // Kept, never dropped: a message that does not parse may still hold an event.
        let req = QuarantineReq {
            queue: queue.to_string(),
            body: text,
        };
        match protocol::call::<_, Done>(env, BINDING, QUARANTINE, "/quarantine", &req).await {
            Ok(_) => {
                log_line(json!({"at": "queue", "queue": queue, "outcome": "quarantined"}));
                msg.ack();
            }
            Err(e) => {
                log_line(
                    json!({"at": "queue", "outcome": "quarantine_failed", "error": e.to_string()}),
                );
                retry_later(env, msg);
            }
        }
        return;
    };
    let cfg = current_config(env);
    let shards = cfg
        .as_ref()
        .as_ref()
        .ok()
        .and_then(|c| c.source(&q.source))
        .map(|s| s.shards);
    let Some(shards) = shards else {
        // Without a valid configuration naming the source the shard is unknown: wait.
        log_line(
            json!({"at": "queue", "source": q.source, "event_id": q.id, "outcome": "source_not_configured"}),
        );
        return retry_later(env, msg);
    };
    let shard = shard_name(&q.source, shards, &q.id);
    let done = match &q.admit {
        Some(admit) => {
            let pull = cfg
                .as_ref()
                .as_ref()
                .ok()
                .and_then(|c| c.source(&q.source))
                .and_then(|s| s.pull.as_ref())
                .is_some_and(|p| p.accepts(&admit.event_type));
            let req = IngestReq {
                source: q.source.clone(),
                id: q.id.clone(),
                pull,
                admit: admit.clone(),
            };
            protocol::call::<_, IngestResp>(env, BINDING, &shard, "/ingest", &req)
                .await
                .map(|r| json!(r.outcome))
        }
        None => {
            let req = WakeReq {
                source: q.source.clone(),
            };
            protocol::call::<_, Done>(env, BINDING, &shard, "/wake", &req)
                .await
                .map(|_| json!("woken"))
        }
    };
    match done {
        Ok(outcome) => {
            log_line(
                json!({"at": "queue", "queue": queue, "source": q.source, "event_id": q.id, "outcome": outcome}),
            );
            msg.ack();
        }
        Err(e) => {
            log_line(
                json!({"at": "queue", "source": q.source, "event_id": q.id, "outcome": "store_unavailable", "error": e.to_string()}),
            );
            retry_later(env, msg);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_are_read_leniently() {
        let q = read(r#"{"source":"s","id":"e"}"#).unwrap();
        assert_eq!((q.source.as_str(), q.id.as_str()), ("s", "e"));
        assert!(q.admit.is_none());
        // An unknown future field, a changed admit shape: still a wake-up for that event.
        let q = read(r#"{"source":"s","id":"e","admit":{"v":2},"x":1}"#).unwrap();
        assert_eq!(q.id, "e");
        assert!(read("not json").is_none());
        assert!(read(r#"{"id":"e"}"#).is_none());
        assert!(read(r#"["s","e"]"#).is_none());
    }
}
