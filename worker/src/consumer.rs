//! The queue consumer: POSTs stored events to their destinations, signed with Standard
//! Webhooks, and records per-destination progress in the source's `EventStore`.

use std::collections::BTreeMap;

use futures_util::future::{join_all, select, Either};
use serde_json::json;
use serde_json::Value;
use worker::*;

use crate::config::{Config, Destination};
use crate::policy::outcome_of_status;
use crate::protocol::{
    self, AttemptOutcome, AttemptResult, Claim, ClaimReq, ClaimResp, DeadReq, DeadResp, EventState,
    QueueMsg, RecordBatch, RecordReq, RecordedResp,
};
use crate::store::BINDING;
use crate::util::{retry_after_seconds, url_for_log};
use crate::{current_config, log_line, now_ms};

/// Longest delay a queue message can be retried with (Cloudflare Queues: 12 h).
const MAX_QUEUE_DELAY_S: u32 = 43_200;
/// A lease outlives the POST timeout by this much.
const LEASE_EXTRA_MS: i64 = 15_000;
/// Retry delay when the configuration is invalid or the store cannot be reached.
const TROUBLE_DELAY_S: u32 = 30;

fn retry_in(msg: &RawMessage, seconds: u32) {
    let opts = QueueRetryOptionsBuilder::new()
        .with_delay_seconds(seconds.min(MAX_QUEUE_DELAY_S))
        .build();
    msg.retry_with_options(&opts);
}

fn ms_to_delay_s(ms: i64) -> u32 {
    u32::try_from(((ms.max(0) + 999) / 1000).min(i64::from(MAX_QUEUE_DELAY_S)))
        .unwrap_or(MAX_QUEUE_DELAY_S)
}

/// Handles one batch. Never fails: every message is acked or retried individually.
/// Messages are grouped by source so each source's `EventStore` is called twice per batch
/// (claim, record) rather than twice per message.
pub async fn consume(batch: MessageBatch<serde_json::Value>, env: Env) {
    // The dead-letter queue (named `<queue>-dlq`) receives messages the queue itself gave
    // up on (max_retries): their pending destinations are marked dead so they can be replayed.
    let dead_letter = batch.queue().ends_with("-dlq");
    let mut groups: BTreeMap<String, Vec<(RawMessage, QueueMsg)>> = BTreeMap::new();
    for msg in batch.raw_iter() {
        match msg
            .body()
            .as_string()
            .and_then(|s| serde_json::from_str::<QueueMsg>(&s).ok())
        {
            Some(q) => groups.entry(q.source.clone()).or_default().push((msg, q)),
            None => {
                log_line(json!({"at": "deliver", "outcome": "bad_message"}));
                msg.ack();
            }
        }
    }
    let cfg = current_config(&env);
    let cfg = cfg.as_ref().as_ref().ok();
    join_all(groups.iter().map(|(source, msgs)| async {
        if dead_letter {
            join_all(msgs.iter().map(|(m, q)| mark_dead(&env, m, q))).await;
        } else {
            deliver_group(&env, cfg, source, msgs).await;
        }
    }))
    .await;
}

async fn mark_dead(env: &Env, msg: &RawMessage, q: &QueueMsg) {
    let body = DeadReq {
        id: q.id.clone(),
        source: q.source.clone(),
        admit: q.admit.clone(),
        reason: "the queue gave up (max_retries); replay with POST /v1/dead-letters/replay".into(),
    };
    match protocol::call::<_, DeadResp>(env, BINDING, &q.source, "/dead", &body).await {
        Ok(v) => {
            // The event's state afterwards: `dead`, or `duplicate` (a vendor retry's copy:
            // nothing changed), or `delivered` when nothing was pending any more.
            let state = v.state;
            log_line(
                json!({"at": "dead_letter", "source": q.source, "event_id": q.id, "outcome": state}),
            );
            msg.ack();
        }
        Err(_) => retry_in(msg, TROUBLE_DELAY_S),
    }
}

async fn deliver_group(
    env: &Env,
    cfg: Option<&Config>,
    source_name: &str,
    msgs: &[(RawMessage, QueueMsg)],
) {
    let retry_all = |seconds: u32| msgs.iter().for_each(|(m, _)| retry_in(m, seconds));
    let Some(cfg) = cfg else {
        log_line(json!({"at": "deliver", "source": source_name, "outcome": "config_invalid"}));
        return retry_all(TROUBLE_DELAY_S);
    };
    let lease_ms = i64::from(cfg.delivery.timeout_ms) + LEASE_EXTRA_MS;
    let claim_body = ClaimReq {
        source: source_name.into(),
        items: msgs.iter().map(|(_, q)| q.clone()).collect(),
        lease_ms,
    };
    let claims = match protocol::call::<_, ClaimResp>(
        env,
        BINDING,
        source_name,
        "/claim",
        &claim_body,
    )
    .await
    {
        Ok(c) if c.claims.len() == msgs.len() => c.claims,
        other => {
            let error = other
                .err()
                .map(|e| e.to_string())
                .unwrap_or_else(|| "short answer".into());
            log_line(
                json!({"at": "deliver", "source": source_name, "outcome": "store_unavailable", "error": error}),
            );
            return retry_all(TROUBLE_DELAY_S);
        }
    };
    let source = cfg.source(source_name);
    let mut work = Vec::new();
    let mut duplicates = Vec::new();
    for ((msg, q), claim) in msgs.iter().zip(claims) {
        match claim {
            Claim::Duplicate => {
                duplicates.push(q.id.as_str());
                msg.ack();
            }
            Claim::Gone | Claim::Done => msg.ack(),
            Claim::Wait { wait_ms } => retry_in(msg, ms_to_delay_s(wait_ms)),
            Claim::Deliver { event, dests } => {
                match event.or_else(|| q.admit.as_ref().map(|a| a.event.clone())) {
                    Some(event) => work.push((msg, q, event, dests)),
                    // Cannot happen (the store sends the body unless the message has it).
                    None => retry_in(msg, TROUBLE_DELAY_S),
                }
            }
        }
    }
    if work.is_empty() {
        if !duplicates.is_empty() {
            log_line(json!({"at": "deliver", "source": source_name, "duplicates": duplicates}));
        }
        return;
    }
    let done = join_all(work.iter().map(|(_, q, event, dests)| async move {
        let attempts = join_all(dests.iter().map(|d| {
            let dest = source.and_then(|s| s.destination(&d.url));
            deliver_one(
                q,
                dest,
                &d.url,
                d.attempts + 1,
                event,
                cfg.delivery.timeout_ms,
            )
        }))
        .await;
        let (results, notes): (Vec<AttemptResult>, Vec<Value>) = attempts.into_iter().unzip();
        let record = RecordReq {
            id: q.id.clone(),
            results,
            max_attempts: cfg.delivery.max_attempts,
            backoff_base_seconds: cfg.delivery.backoff_base_seconds,
            backoff_max_seconds: cfg.delivery.backoff_max_seconds,
        };
        (record, notes)
    }))
    .await;
    let (records, notes): (Vec<RecordReq>, Vec<Vec<Value>>) = done.into_iter().unzip();
    // One log line per batch and source: delivered event ids, and every other attempt in full.
    let notes: Vec<Value> = notes.into_iter().flatten().collect();
    let delivered: Vec<&Value> = notes
        .iter()
        .filter(|n| n["outcome"] == "delivered")
        .map(|n| &n["event_id"])
        .collect();
    let others: Vec<&Value> = notes
        .iter()
        .filter(|n| n["outcome"] != "delivered")
        .collect();
    log_line(json!({
        "at": "deliver", "source": source_name, "attempts": notes.len(),
        "delivered": delivered, "not_delivered": others, "duplicates": duplicates,
        "latency_ms": notes.iter().filter_map(|n| n["latency_ms"].as_i64()).max(),
    }));
    let body = RecordBatch { records };
    match protocol::call::<_, RecordedResp>(env, BINDING, source_name, "/record", &body).await {
        Ok(r) if r.results.len() == work.len() => {
            for ((msg, ..), res) in work.iter().zip(r.results) {
                if res.state == EventState::Pending {
                    retry_in(msg, ms_to_delay_s(res.retry_in_ms.unwrap_or(0)));
                } else {
                    msg.ack();
                }
            }
        }
        other => {
            // The attempts happened but could not be recorded: the leases expire and those
            // destinations are tried again (at-least-once).
            let error = other
                .err()
                .map(|e| e.to_string())
                .unwrap_or_else(|| "short answer".into());
            log_line(
                json!({"at": "deliver", "source": source_name, "outcome": "record_failed", "error": error}),
            );
            for (msg, ..) in &work {
                retry_in(msg, ms_to_delay_s(lease_ms));
            }
        }
    }
}

fn failed(
    url: &str,
    status: Option<u16>,
    error: String,
    retry_after: Option<u32>,
) -> AttemptResult {
    AttemptResult {
        url: url.into(),
        outcome: AttemptOutcome::Failed,
        status,
        error: Some(error),
        retry_after,
    }
}

fn retry_after(resp: &Response) -> Option<u32> {
    let v = resp.headers().get("retry-after").ok().flatten()?;
    retry_after_seconds(&v).or_else(|| {
        let at = js_sys::Date::parse(v.trim());
        at.is_finite().then(|| ms_to_delay_s(at as i64 - now_ms()))
    })
}

async fn deliver_one(
    q: &QueueMsg,
    dest: Option<&Destination>,
    url: &str,
    attempt: i64,
    event: &str,
    timeout_ms: u32,
) -> (AttemptResult, Value) {
    let started = now_ms();
    let result = match dest {
        None => AttemptResult {
            url: url.into(),
            outcome: AttemptOutcome::Gone,
            status: None,
            error: Some("the destination is no longer configured".into()),
            retry_after: None,
        },
        Some(dest) => post(q, dest, event, timeout_ms).await,
    };
    let note = json!({
        "event_id": q.id, "url": url_for_log(url), "attempt": attempt, "outcome": result.outcome,
        "status": result.status, "error": result.error, "latency_ms": now_ms() - started,
    });
    (result, note)
}

async fn post(q: &QueueMsg, dest: &Destination, event: &str, timeout_ms: u32) -> AttemptResult {
    let url = dest.url.as_str();
    let ts = now_ms().div_euclid(1000);
    let signature = dest.webhook.sign(&q.id, ts, event.as_bytes());
    let headers = Headers::new();
    let set = [
        ("content-type", "application/json"),
        ("user-agent", "mediahook/0.1 (Standard Webhooks)"),
        ("webhook-id", q.id.as_str()),
        ("webhook-timestamp", &ts.to_string()),
        ("webhook-signature", signature.as_str()),
    ]
    .iter()
    .try_for_each(|(k, v)| headers.set(k, v));
    if let Err(e) = set {
        return failed(
            url,
            None,
            format!("cannot build the request headers: {e}"),
            None,
        );
    }
    let mut init = RequestInit::new();
    init.with_method(Method::Post)
        .with_headers(headers)
        // Redirects are not followed: a redirect could lead past the URL policy.
        .with_redirect(RequestRedirect::Manual)
        .with_body(Some(wasm_bindgen::JsValue::from_str(event)));
    let req = match Request::new_with_init(url, &init) {
        Ok(r) => r,
        Err(e) => return failed(url, None, format!("cannot build the request: {e}"), None),
    };
    let controller = AbortController::default();
    let signal = controller.signal();
    let fetch = Fetch::Request(req);
    let send = Box::pin(fetch.send_with_signal(&signal));
    let timer = Box::pin(Delay::from(std::time::Duration::from_millis(u64::from(
        timeout_ms,
    ))));
    let outcome = select(send, timer).await;
    let result = match outcome {
        Either::Left((Ok(resp), _)) => {
            let status = resp.status_code();
            match outcome_of_status(status) {
                AttemptOutcome::Failed => failed(
                    url,
                    Some(status),
                    format!("HTTP {status}"),
                    retry_after(&resp),
                ),
                outcome => AttemptResult {
                    url: url.into(),
                    outcome,
                    status: Some(status),
                    error: None,
                    retry_after: None,
                },
            }
        }
        Either::Left((Err(e), _)) => failed(url, None, format!("network error: {e}"), None),
        Either::Right(_) => {
            controller.abort();
            failed(url, None, format!("timeout after {timeout_ms} ms"), None)
        }
    };
    result
}
