//! The pull API (reliable callbacks for clients that cannot accept inbound requests), served
//! from the source's [`crate::pull_queue::PullQueue`]:
//!
//! * `POST /v1/sources/{source}/events:pull` `{"max": 1..16, "wait_seconds": 0..10}` — long-poll;
//!   pulled events are invisible for the visibility timeout, then pullable again.
//! * `POST /v1/sources/{source}/events:confirm` `{"handles": [...]}` — removes them; each handle
//!   gets its own outcome (`confirmed`, `already_confirmed`, `expired`, `unknown`).
//! * `GET /v1/sources/{source}/events:state` — `{"pending", "in_flight", "oldest_age_seconds"}`.
//! * `POST /v1/sources/{source}/tencent/PullEvents|ConfirmEvents` — Tencent VOD's shapes.
//!
//! Auth: the source's pull token as a bearer token (constant-time comparison).

use serde_json::{json, Map, Value};
use worker::{Env, Method, Request};

use crate::http::{bearer_token, json_resp, read_capped, text_resp, ApiError, ApiResult, Log};
use crate::protocol::{
    self, ConfirmOutcome, ConfirmReq, ConfirmResp, PullReq, PullResp, StateReq, StatusReq,
    StatusResp,
};
use crate::pull_queue::{BINDING, DEFAULT_WAIT_SECONDS, MAX_BATCH, MAX_WAIT_SECONDS};
use crate::{ids, valid_config};

/// Largest accepted pull/confirm request body.
pub(crate) const MAX_REQUEST_BYTES: usize = 64 * 1024;

/// Adds `"pull"` to admin API events of a pull source: their state in its `PullQueue`, or
/// `{"status": "absent"}` (not kept for pulling: a type the pull filter leaves out, or removed
/// after `retention_seconds`). When the `PullQueue` cannot be asked, `{"status": "unknown",
/// "error": "…"}` (logged): the events are still listed, as the push side knows them.
pub(crate) async fn add_pull_status(env: &Env, source: &str, events: &mut [Value]) {
    if events.is_empty() {
        return;
    }
    let ids: Vec<String> = events
        .iter()
        .filter_map(|e| e["id"].as_str().map(String::from))
        .collect();
    let asked: Result<StatusResp, _> =
        protocol::call(env, BINDING, source, "/status", &StatusReq { ids }).await;
    let mut out = match asked {
        Ok(out) => out,
        Err(e) => {
            let error = e.to_string();
            crate::log_line(
                json!({"at": "admin", "source": source, "outcome": "pull_status_unknown", "error": error}),
            );
            for ev in events.iter_mut() {
                if let Some(obj) = ev.as_object_mut() {
                    obj.insert("pull".into(), json!({"status": "unknown", "error": error}));
                }
            }
            return;
        }
    };
    for ev in events.iter_mut() {
        let id = ev["id"].as_str().unwrap_or_default().to_string();
        let status = out
            .statuses
            .get_mut(&id)
            .map(Value::take)
            .unwrap_or_else(|| json!({"status": "absent"}));
        if let Some(obj) = ev.as_object_mut() {
            obj.insert("pull".into(), status);
        }
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Op {
    Pull,
    Confirm,
    State,
    TencentPull,
    TencentConfirm,
}

impl Op {
    fn tencent(self) -> bool {
        matches!(self, Op::TencentPull | Op::TencentConfirm)
    }
}

/// The response of an error: ours, or Tencent's envelope on the Tencent routes.
fn error_response(op: Option<Op>, e: &ApiError) -> worker::Result<worker::Response> {
    if !op.is_some_and(Op::tencent) {
        return e.to_response();
    }
    let tcode = match e.status {
        401 => "AuthFailure",
        404 => "ResourceNotFound",
        405 => "UnsupportedOperation",
        400 | 413 => "InvalidParameter",
        _ => "InternalError",
    };
    e.response_with(&json!({"Response": {
        "Error": {"Code": tcode, "Message": e.message},
        "RequestId": ids::request_id(),
    }}))
}

/// `/v1/sources/{source}/…`: the pull API.
pub(crate) async fn handle(req: Request, env: &Env, segs: &[&str], log: &mut Log) -> ApiResult {
    // Some clients percent-encode the ':' of `events:pull`.
    let decoded: Vec<String> = segs
        .iter()
        .map(|s| crate::util::percent_decode(s).unwrap_or_else(|| (*s).to_string()))
        .collect();
    let segs: Vec<&str> = decoded.iter().map(String::as_str).collect();
    let (source, op) = match segs.as_slice() {
        ["v1", "sources", s, "events:pull"] => (*s, Op::Pull),
        ["v1", "sources", s, "events:confirm"] => (*s, Op::Confirm),
        ["v1", "sources", s, "events:state"] => (*s, Op::State),
        ["v1", "sources", s, "tencent", "PullEvents"] => (*s, Op::TencentPull),
        ["v1", "sources", s, "tencent", "ConfirmEvents"] => (*s, Op::TencentConfirm),
        _ => return Err(ApiError::no_route()),
    };
    log.source = Some(source.to_string());
    match handle_op(req, env, source, op, log).await {
        Ok(r) => Ok(r),
        Err(e) if e.code == "config_invalid" => Err(e),
        Err(e) => {
            log.outcome = match &e.detail {
                Some(d) => format!("{}: {d}", e.code),
                None => e.code.to_string(),
            };
            Ok(error_response(Some(op), &e)?)
        }
    }
}

fn int_in(
    o: &Map<String, Value>,
    k: &str,
    min: i64,
    max: i64,
    default: i64,
    problems: &mut Vec<String>,
) -> i64 {
    match o.get(k) {
        None => default,
        Some(v) => match v.as_i64() {
            Some(n) if (min..=max).contains(&n) => n,
            _ => {
                problems.push(format!("{k}: must be an integer from {min} to {max}"));
                default
            }
        },
    }
}

fn handles_in(o: &Map<String, Value>, k: &str, problems: &mut Vec<String>) -> Vec<String> {
    match o.get(k) {
        Some(Value::Array(list)) if !list.is_empty() && list.len() <= MAX_BATCH => {
            let all: Vec<String> = list
                .iter()
                .filter_map(Value::as_str)
                .filter(|s| !s.is_empty() && s.len() <= 128)
                .map(String::from)
                .collect();
            if all.len() != list.len() {
                problems.push(format!(
                    "{k}: every entry must be a handle string (1-128 characters)"
                ));
            }
            all
        }
        _ => {
            problems.push(format!(
                "{k}: required: a list of 1 to {MAX_BATCH} handles from a pull"
            ));
            Vec::new()
        }
    }
}

async fn handle_op(
    mut req: Request,
    env: &Env,
    source_name: &str,
    op: Op,
    log: &mut Log,
) -> ApiResult {
    let want = if op == Op::State {
        Method::Get
    } else {
        Method::Post
    };
    if req.method() != want {
        return Err(ApiError::method_not_allowed(if op == Op::State {
            "GET"
        } else {
            "POST"
        }));
    }
    let cfg = valid_config(env)?;
    let Ok(cfg) = cfg.as_ref() else {
        return Err(ApiError::no_route());
    };
    let Some(source) = cfg.source(source_name) else {
        return Err(ApiError::unknown_source());
    };
    let Some(pull) = source.pull.as_ref() else {
        return Err(ApiError::new(
            404,
            "pull_disabled",
            "pull delivery is not configured for this source (sources[].pull)",
        ));
    };
    if !pull.token_matches(&bearer_token(&req)) {
        return Err(ApiError::unauthorized(
            "a valid bearer token (the source's pull token) is required",
        ));
    }
    if op == Op::State {
        let out: Value = protocol::call(
            env,
            BINDING,
            source_name,
            "/state",
            &StateReq {
                source: source_name.into(),
            },
        )
        .await?;
        log.outcome = "ok".into();
        return Ok(json_resp(200, &out)?);
    }
    // Read with the cap: nothing past 64 KiB is buffered (a chunked body is cut there).
    let bytes = read_capped(&mut req, MAX_REQUEST_BYTES).await?;
    serve(env, source_name, op, &bytes, log).await
}

/// Tencent's `PullEvents` (`confirm` false) or `ConfirmEvents` for a request already
/// authenticated by [`crate::tencent_api`] (TC3-HMAC-SHA256): the same pull-queue calls,
/// checks and answers as the bearer-token Tencent routes. Errors are [`ApiError`]s
/// (400 bad parameters, 413 too large, 503 unavailable) for the caller to wrap.
pub(crate) async fn tencent_action(
    env: &Env,
    source_name: &str,
    confirm: bool,
    body: &[u8],
    log: &mut Log,
) -> ApiResult {
    let op = if confirm {
        Op::TencentConfirm
    } else {
        Op::TencentPull
    };
    serve(env, source_name, op, body, log).await
}

/// A pull or confirm (ours or Tencent's) on an authenticated request with this body.
async fn serve(env: &Env, source_name: &str, op: Op, bytes: &[u8], log: &mut Log) -> ApiResult {
    if bytes.len() > MAX_REQUEST_BYTES {
        return Err(ApiError::new(
            413,
            "payload_too_large",
            "the request body is larger than 64 KiB",
        ));
    }
    let body: Map<String, Value> = if bytes.iter().all(u8::is_ascii_whitespace) {
        Map::new()
    } else {
        match serde_json::from_slice::<Value>(bytes) {
            Ok(Value::Object(o)) => o,
            _ => return Err(ApiError::bad_request("the body must be a JSON object")),
        }
    };
    let mut problems = Vec::new();
    let known: &[&str] = match op {
        Op::Pull => &["max", "wait_seconds"],
        Op::Confirm => &["handles"],
        Op::TencentPull => &["SubAppId"],
        _ => &["EventHandles", "SubAppId"],
    };
    for k in body.keys() {
        if !known.contains(&k.as_str()) {
            problems.push(format!("{k}: unknown field (known: {})", known.join(", ")));
        }
    }
    match op {
        Op::Pull | Op::TencentPull => {
            let (max, wait) = if op == Op::Pull {
                (
                    int_in(
                        &body,
                        "max",
                        1,
                        MAX_BATCH as i64,
                        MAX_BATCH as i64,
                        &mut problems,
                    ),
                    int_in(
                        &body,
                        "wait_seconds",
                        0,
                        MAX_WAIT_SECONDS,
                        DEFAULT_WAIT_SECONDS,
                        &mut problems,
                    ),
                )
            } else {
                (MAX_BATCH as i64, DEFAULT_WAIT_SECONDS)
            };
            if !problems.is_empty() {
                return Err(ApiError::bad_request(problems.join("; ")));
            }
            let q = PullReq {
                source: source_name.into(),
                max,
                wait_ms: wait * 1000,
            };
            let out: PullResp = protocol::call(env, BINDING, source_name, "/pull", &q).await?;
            log.outcome = "ok".into();
            if op == Op::Pull {
                return Ok(text_resp(200, protocol::to_text(&out)?)?);
            }
            let set: Vec<Value> = out.events.iter().map(tencent_event).collect();
            Ok(json_resp(
                200,
                &json!({"Response": {"EventSet": set, "RequestId": ids::request_id()}}),
            )?)
        }
        _ => {
            let handles = handles_in(
                &body,
                if op == Op::Confirm {
                    "handles"
                } else {
                    "EventHandles"
                },
                &mut problems,
            );
            if !problems.is_empty() {
                return Err(ApiError::bad_request(problems.join("; ")));
            }
            let q = ConfirmReq {
                source: source_name.into(),
                handles,
            };
            let out: ConfirmResp =
                protocol::call(env, BINDING, source_name, "/confirm", &q).await?;
            log.outcome = "ok".into();
            if op == Op::Confirm {
                return Ok(text_resp(200, protocol::to_text(&out)?)?);
            }
            let failed: Vec<Value> = out
                .results
                .iter()
                .filter(|r| r.outcome != ConfirmOutcome::Confirmed)
                .map(|r| json!({"EventHandle": r.handle, "Reason": r.outcome.as_str()}))
                .collect();
            let resp = if failed.is_empty() {
                json!({"Response": {"RequestId": ids::request_id()}})
            } else {
                json!({"Response": {
                    "Error": {"Code": "InvalidParameterValue.EventHandles",
                              "Message": format!("{} of {} event handles were not confirmed (unknown, already confirmed, or past the visibility timeout); the others were", failed.len(), q.handles.len())},
                    "FailedEventHandles": failed,
                    "RequestId": ids::request_id()}})
            };
            Ok(json_resp(200, &resp)?)
        }
    }
}

/// Tencent's `EventContent` shape: `EventHandle`, `EventType` (the vendor's own type name)
/// and the vendor payload's fields (for a Tencent source: exactly what Tencent would send,
/// e.g. `FileUploadEvent`), plus `MediahookEvent`, the normalized event without its `data`.
fn tencent_event(item: &protocol::Pulled) -> Value {
    let ev = &item.event;
    let mut out = Map::new();
    out.insert("EventHandle".into(), Value::String(item.handle.clone()));
    out.insert("EventType".into(), ev["vendor_type"].clone());
    if let Value::Object(data) = &ev["data"] {
        for (k, v) in data {
            if k != "EventHandle" && k != "EventType" {
                out.insert(k.clone(), v.clone());
            }
        }
    }
    let mut summary = ev.as_object().cloned().unwrap_or_default();
    summary.remove("data");
    out.insert("MediahookEvent".into(), Value::Object(summary));
    Value::Object(out)
}
