//! The mediahook edge worker (Cloudflare Workers, workers-rs).
//!
//! * `POST /v1/hooks/{source}` — verify a vendor callback (SPEC §1–2), normalize it (§3),
//!   enqueue it (the consumer deduplicates and stores it in the source's
//!   [`store::EventStore`] Durable Object before delivering), and only then answer the
//!   vendor 200. Pull sources, events without destinations and events too large for a queue
//!   message are deduplicated and stored in the `EventStore` before the 200.
//! * queue consumer ([`deliver`]) — forward to every matching destination, signed with
//!   Standard Webhooks (§4), with retries, backoff, per-destination progress, dead letters.
//! * admin API (bearer `admin_token`) — list/inspect events, replay, replay dead letters.
//! * pull API ([`pull`], bearer pull token per source) — `events:pull` / `events:confirm` /
//!   `events:state` and Tencent's `PullEvents` / `ConfirmEvents`, from a `PullQueue` per source.
//!
//! Configuration: the `MEDIAHOOK_CONFIG` variable, see [`config`] and `docs/worker.md`.
//! No handler panics on input: every failure becomes a JSON error response.

use std::cell::RefCell;
use std::rc::Rc;

use mediahook_core::verify::{verify_callback, Request as CallbackRequest};
use mediahook_core::{baidu, VerifyError};
use serde::de::DeserializeOwned;
use serde_json::{json, Value};
use worker::*;

pub mod access;
pub mod config;
mod deliver;
pub mod pull;
pub mod store;
pub mod util;

use config::{Config, MAX_BODY_BYTES};
use store::{Admit, IngestReq};
use util::{is_json_content_type, percent_decode};

/// The variable holding the configuration JSON.
pub const CONFIG_VAR: &str = "MEDIAHOOK_CONFIG";

type ConfigResult = Rc<std::result::Result<Config, Vec<String>>>;

thread_local! {
    /// The parsed configuration, keyed by the raw value it was parsed from (so a changed
    /// variable is picked up; comparing two JS strings does not copy them into Wasm).
    static CONFIG: RefCell<Option<(wasm_bindgen::JsValue, ConfigResult)>> = const { RefCell::new(None) };
}

/// The validated configuration (parsed once per isolate and value), or every problem.
pub fn current_config(env: &Env) -> ConfigResult {
    let raw =
        js_sys::Reflect::get(env, &CONFIG_VAR.into()).unwrap_or(wasm_bindgen::JsValue::UNDEFINED);
    if let Some(hit) = CONFIG.with(|c| {
        c.borrow()
            .as_ref()
            .and_then(|(k, v)| (*k == raw).then(|| v.clone()))
    }) {
        return hit;
    }
    let text = if let Some(s) = raw.as_string() {
        Some(s)
    } else if raw.is_object() {
        // A TOML table in [vars] arrives as an object.
        js_sys::JSON::stringify(&raw)
            .ok()
            .and_then(|s| s.as_string())
    } else {
        None
    };
    let parsed = Rc::new(match text {
        Some(t) => config::parse(&t),
        None => Err(vec![format!(
            "{CONFIG_VAR}: not set (a JSON string; see docs/worker.md)"
        )]),
    });
    CONFIG.with(|c| *c.borrow_mut() = Some((raw, parsed.clone())));
    parsed
}

pub(crate) fn now_ms() -> i64 {
    js_sys::Date::now() as i64
}

/// A value unique per accepted callback (time + 53 random bits), see [`store::Admit::nonce`].
fn nonce(now: i64) -> String {
    let random = (js_sys::Math::random() * 9_007_199_254_740_992.0) as u64;
    format!("{now:x}.{random:x}")
}

/// Writes one structured log line (never contains keys, secrets or bodies).
pub(crate) fn log_line(v: Value) {
    console_log!("{}", v);
}

/// Calls an operation of a source's `EventStore` and decodes its JSON answer.
pub(crate) async fn store_call<T: DeserializeOwned>(
    env: &Env,
    source: &str,
    op: &str,
    body: &str,
) -> Result<T> {
    let stub = env.durable_object(store::BINDING)?.get_by_name(source)?;
    let mut init = RequestInit::new();
    init.with_method(Method::Post)
        .with_body(Some(wasm_bindgen::JsValue::from_str(body)));
    let req = Request::new_with_init(&format!("https://event-store{op}"), &init)?;
    let mut resp = stub.fetch_with_request(req).await?;
    if resp.status_code() != 200 {
        let text = resp.text().await.unwrap_or_default();
        return Err(Error::RustError(format!(
            "store {op}: HTTP {}: {text}",
            resp.status_code()
        )));
    }
    resp.json().await
}

fn json_resp(status: u16, v: &Value) -> Result<Response> {
    let headers = Headers::new();
    headers.set("content-type", "application/json; charset=utf-8")?;
    Ok(Response::from_bytes(v.to_string().into_bytes())?
        .with_status(status)
        .with_headers(headers))
}

fn error(status: u16, code: &str, message: impl Into<String>) -> Result<Response> {
    json_resp(
        status,
        &json!({"error": {"code": code, "message": message.into()}}),
    )
}

fn config_error(problems: &[String]) -> Result<Response> {
    json_resp(
        503,
        &json!({"error": {
            "code": "config_invalid",
            "message": format!("{CONFIG_VAR} is invalid: the operator must fix it (see docs/worker.md)"),
            "problems": problems,
        }}),
    )
}

/// What the per-request log line says.
#[derive(Default)]
struct Log {
    route: &'static str,
    source: Option<String>,
    event_id: Option<String>,
    event_type: Option<String>,
    outcome: String,
}

#[event(fetch)]
async fn fetch(req: Request, env: Env, _ctx: Context) -> Result<Response> {
    let started = js_sys::Date::now();
    let mut log = Log::default();
    let resp = match route(req, &env, &mut log).await {
        Ok(r) => r,
        Err(e) => {
            // Only infrastructure failures (store, queue, runtime) end up here: retryable.
            log.outcome = format!("unavailable: {e}");
            error(
                503,
                "unavailable",
                "temporarily unable to process the request; retry later",
            )?
        }
    };
    log_line(json!({
        "at": log.route,
        "source": log.source,
        "event_id": log.event_id,
        "type": log.event_type,
        "outcome": log.outcome,
        "status": resp.status_code(),
        "latency_ms": js_sys::Date::now() - started,
    }));
    Ok(resp)
}

#[event(queue)]
async fn queue(batch: MessageBatch<Value>, env: Env, _ctx: Context) -> Result<()> {
    deliver::consume(batch, env).await;
    Ok(())
}

fn method_not_allowed(allow: &str) -> Result<Response> {
    let r = error(405, "method_not_allowed", format!("use {allow}"))?;
    r.headers().set("allow", allow)?;
    Ok(r)
}

async fn route(req: Request, env: &Env, log: &mut Log) -> Result<Response> {
    let path = req.path();
    let method = req.method();
    let segs: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    match segs.as_slice() {
        ["healthz"] => {
            log.route = "healthz";
            log.outcome = "ok".into();
            if method != Method::Get && method != Method::Head {
                return method_not_allowed("GET");
            }
            match current_config(env).as_ref() {
                Ok(c) => json_resp(200, &json!({"status": "ok", "sources": c.sources.len()})),
                Err(p) => config_error(p),
            }
        }
        ["v1", "hooks", source] => {
            log.route = "ingest";
            log.source = Some((*source).to_string());
            if method != Method::Post {
                log.outcome = "method_not_allowed".into();
                return method_not_allowed("POST");
            }
            ingest(req, env, source, log).await
        }
        ["bench", "bare"] => {
            log.route = "bench_bare";
            bench_bare(req, env, log).await
        }
        ["v1", "sources"] => {
            log.route = "admin";
            admin(req, env, &segs, log).await
        }
        ["v1", "sources", ..] => {
            log.route = "pull";
            pull::handle(req, env, &segs, log).await
        }
        ["v1", "events", ..] | ["v1", "dead-letters", ..] => {
            log.route = "admin";
            admin(req, env, &segs, log).await
        }
        _ => {
            log.route = "not_found";
            log.outcome = "not_found".into();
            error(404, "not_found", "no such route")
        }
    }
}

/// Test mode only: the same request handling minus verification and storage (the
/// baseline of the load benchmark).
async fn bench_bare(mut req: Request, env: &Env, log: &mut Log) -> Result<Response> {
    let cfg = current_config(env);
    if !matches!(cfg.as_ref(), Ok(c) if c.test_mode) {
        log.outcome = "not_found".into();
        return error(404, "not_found", "no such route");
    }
    let _ = req.bytes().await?;
    log.outcome = "ok".into();
    json_resp(200, &json!({"code": 0, "message": "ok"}))
}

fn verify_status(e: VerifyError) -> u16 {
    match e {
        VerifyError::Malformed | VerifyError::MalformedPayload => 400,
        _ => 401,
    }
}

async fn ingest(mut req: Request, env: &Env, source_name: &str, log: &mut Log) -> Result<Response> {
    let cfg = current_config(env);
    let cfg = match cfg.as_ref() {
        Ok(c) => c,
        Err(p) => {
            log.outcome = "config_invalid".into();
            return config_error(p);
        }
    };
    // Until the path-secret route is wired, such sources are not reachable at all.
    let source = cfg
        .source(source_name)
        .filter(|s| !s.keyless && s.path_secret.is_none());
    let Some(source) = source else {
        log.outcome = "unknown_source".into();
        return error(
            404,
            "unknown_source",
            "no source is configured with this name",
        );
    };
    let too_large = || {
        error(
            413,
            "payload_too_large",
            format!("the body is larger than {MAX_BODY_BYTES} bytes"),
        )
    };
    let declared = req
        .headers()
        .get("content-length")?
        .and_then(|v| v.trim().parse::<u64>().ok());
    if declared.is_some_and(|n| n > MAX_BODY_BYTES as u64) {
        log.outcome = "payload_too_large".into();
        return too_large();
    }
    let content_type = req.headers().get("content-type")?.unwrap_or_default();
    if !is_json_content_type(&content_type) {
        log.outcome = "unsupported_media_type".into();
        return error(
            415,
            "unsupported_media_type",
            "the body must be JSON (Content-Type: application/json)",
        );
    }
    let body = req.bytes().await?;
    if body.len() > MAX_BODY_BYTES {
        log.outcome = "payload_too_large".into();
        return too_large();
    }

    // Only Baidu signs in headers; the others need none.
    let mut header_values: Vec<(&'static str, String)> = Vec::new();
    if source.vendor == mediahook_core::Vendor::BaiduVod {
        for name in [
            baidu::HEADER_USER,
            baidu::HEADER_TIMESTAMP,
            baidu::HEADER_TOKEN,
        ] {
            if let Some(v) = req.headers().get(name)? {
                header_values.push((name, v));
            }
        }
    }
    let headers: Vec<(&str, &str)> = header_values
        .iter()
        .map(|(k, v)| (*k, v.as_str()))
        .collect();
    let now = now_ms();
    let verify_now = match (cfg.test_mode, source.now_override_ms) {
        (true, Some(t)) => t,
        _ => now,
    };
    let callback = match verify_callback(
        source.vendor,
        &source.key,
        &CallbackRequest::new(&body).with_headers(&headers),
        verify_now,
    ) {
        Ok(cb) => cb,
        Err(e) => {
            log.outcome = e.kind().into();
            return error(verify_status(e), e.kind(), e.message());
        }
    };
    let event = callback.normalize(&source.name, now);
    log.event_id = Some(event.id.clone());
    log.event_type = Some(event.event_type.clone());
    let req = IngestReq {
        source: source.name.clone(),
        id: event.id.clone(),
        pull: source
            .pull
            .as_ref()
            .is_some_and(|p| p.accepts(&event.event_type)),
        admit: Admit {
            event_type: event.event_type.clone(),
            vendor_type: event.vendor_type.clone(),
            subject: event.subject.clone(),
            dests: source
                .matching(&event.event_type)
                .map(|d| d.url.clone())
                .collect(),
            received_at: now,
            nonce: nonce(now),
            event: event.to_json(),
        },
    };
    let text = serde_json::to_string(&req).map_err(|e| Error::RustError(e.to_string()))?;
    // Push-only events travel in their queue message and are deduplicated and stored by the
    // consumer (one queue send here, no Durable Object round trip). Pull sources, events no
    // destination takes, and events too large for a message are stored first.
    if !req.pull && !req.admit.dests.is_empty() && text.len() <= store::QUEUE_MESSAGE_MAX {
        // A failed send is an Err: 503, and the vendor retries.
        env.queue(store::QUEUE_BINDING)?.send(text).await?;
        log.outcome = "accepted".into();
        return json_resp(200, &json!({"code": 0, "message": "ok", "id": event.id}));
    }
    let outcome: Value = store_call(env, &source.name, "/ingest", &text).await?;
    let outcome = outcome["outcome"]
        .as_str()
        .unwrap_or("unavailable")
        .to_string();
    log.outcome = outcome.clone();
    match outcome.as_str() {
        "accepted" => json_resp(200, &json!({"code": 0, "message": "ok", "id": event.id})),
        // Known at answer time only on this path; queued events are deduplicated later.
        "duplicate" => json_resp(
            200,
            &json!({"code": 0, "message": "ok", "id": event.id, "duplicate": true}),
        ),
        "in_progress" => {
            let r = error(
                503,
                "in_progress",
                "this event is being stored by a concurrent request; retry",
            )?;
            r.headers().set("retry-after", "1")?;
            Ok(r)
        }
        _ => error(
            503,
            "unavailable",
            "the event could not be stored; retry later",
        ),
    }
}

// ---------------------------------------------------------------------------------------
// Admin API

const STATUSES: [&str; 3] = ["pending", "delivered", "dead"];

fn query_params(req: &Request) -> Vec<(String, String)> {
    req.url()
        .map(|u| {
            u.query_pairs()
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect()
        })
        .unwrap_or_default()
}

fn param<'a>(q: &'a [(String, String)], name: &str) -> Option<&'a str> {
    q.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
}

fn limit_param(q: &[(String, String)], default: i64, max: i64) -> std::result::Result<i64, String> {
    match param(q, "limit") {
        None => Ok(default),
        Some(v) => match v.parse::<i64>() {
            Ok(n) if (1..=max).contains(&n) => Ok(n),
            _ => Err(format!("limit must be an integer from 1 to {max}")),
        },
    }
}

/// What `GET /v1/sources` says of a source: never its key, secrets or pull token, and
/// destination URLs without their query string.
fn source_summary(s: &config::Source) -> Value {
    // An empty filter takes every type.
    let patterns = |t: &[config::TypePattern]| -> Vec<String> {
        if t.is_empty() {
            return vec!["*".into()];
        }
        t.iter().map(config::TypePattern::as_written).collect()
    };
    json!({
        "name": s.name,
        "vendor": s.vendor.as_str(),
        "destinations": s.destinations.iter().map(|d| json!({
            "url": util::url_for_log(&d.url),
            "types": patterns(&d.types),
        })).collect::<Vec<_>>(),
        "pull": s.pull.as_ref().map(|p| json!({
            "types": patterns(&p.types),
            "visibility_timeout_seconds": p.visibility_timeout_seconds,
            "retention_seconds": p.retention_seconds,
        })),
    })
}

async fn admin(req: Request, env: &Env, segs: &[&str], log: &mut Log) -> Result<Response> {
    let cfg = current_config(env);
    let cfg = match cfg.as_ref() {
        Ok(c) => c,
        Err(p) => {
            log.outcome = "config_invalid".into();
            return config_error(p);
        }
    };
    if !cfg.admin_enabled() {
        log.outcome = "admin_disabled".into();
        return error(
            403,
            "admin_disabled",
            "the admin API is disabled: set admin_token in the configuration",
        );
    }
    let auth = req.headers().get("authorization")?.unwrap_or_default();
    let token = auth
        .strip_prefix("Bearer ")
        .or_else(|| auth.strip_prefix("bearer "))
        .unwrap_or("");
    if !cfg.admin_token_matches(token.trim()) {
        log.outcome = "unauthorized".into();
        let r = error(401, "unauthorized", "a valid bearer token is required")?;
        r.headers().set("www-authenticate", "Bearer")?;
        return Ok(r);
    }
    let method = req.method();
    let q = query_params(&req);
    let source = param(&q, "source");
    if let Some(s) = source {
        log.source = Some(s.to_string());
        if cfg.source(s).is_none() {
            log.outcome = "unknown_source".into();
            return error(
                404,
                "unknown_source",
                "no source is configured with this name",
            );
        }
    }
    let sources: Vec<&str> = match source {
        Some(s) => vec![s],
        None => cfg.sources.iter().map(|s| s.name.as_str()).collect(),
    };
    log.outcome = "ok".into();
    match segs {
        ["v1", "sources"] => {
            if method != Method::Get {
                return method_not_allowed("GET");
            }
            let list: Vec<Value> = cfg
                .sources
                .iter()
                .filter(|s| sources.contains(&s.name.as_str()))
                .map(source_summary)
                .collect();
            json_resp(200, &json!({ "sources": list }))
        }
        ["v1", "events"] => {
            if method != Method::Get {
                return method_not_allowed("GET");
            }
            let status = param(&q, "status");
            if let Some(s) = status {
                if !STATUSES.contains(&s) {
                    log.outcome = "bad_request".into();
                    return error(
                        400,
                        "bad_request",
                        "status must be pending, delivered or dead",
                    );
                }
            }
            let limit = match limit_param(&q, 50, 500) {
                Ok(l) => l,
                Err(m) => return error(400, "bad_request", m),
            };
            let mut all: Vec<Value> = Vec::new();
            for s in &sources {
                let body = json!({"source": s, "status": status, "limit": limit}).to_string();
                let mut v: Value = store_call(env, s, "/list", &body).await?;
                if let Value::Array(evs) = &mut v["events"] {
                    if cfg.source(s).is_some_and(|c| c.pull.is_some()) {
                        pull::add_pull_status(env, s, evs).await?;
                    }
                    all.append(evs);
                }
            }
            all.sort_by(|a, b| {
                b["received_at_ms"]
                    .as_i64()
                    .cmp(&a["received_at_ms"].as_i64())
            });
            all.truncate(usize::try_from(limit).unwrap_or(50));
            json_resp(200, &json!({"events": all}))
        }
        ["v1", "events", raw_id] | ["v1", "events", raw_id, "replay"] => {
            let replay = segs.len() == 4;
            let want = if replay { Method::Post } else { Method::Get };
            if method != want {
                return method_not_allowed(if replay { "POST" } else { "GET" });
            }
            let Some(id) = percent_decode(raw_id).filter(|s| !s.is_empty()) else {
                return error(400, "bad_request", "bad event id in the path");
            };
            log.event_id = Some(id.clone());
            for s in &sources {
                let body = json!({"id": id, "source": s}).to_string();
                if !replay {
                    let mut v: Value = store_call(env, s, "/get", &body).await?;
                    if v["found"] == true {
                        let mut event = v["event"].take();
                        if cfg.source(s).is_some_and(|c| c.pull.is_some()) {
                            pull::add_pull_status(env, s, std::slice::from_mut(&mut event)).await?;
                        }
                        return json_resp(200, &event);
                    }
                    continue;
                }
                let v: Value = store_call(env, s, "/replay", &body).await?;
                match v["outcome"].as_str() {
                    Some("not_found") => continue,
                    Some("queued") => {
                        return json_resp(202, &json!({"id": id, "source": s, "outcome": "queued"}))
                    }
                    Some("nothing_to_deliver") => {
                        return json_resp(
                            200,
                            &json!({"id": id, "source": s, "outcome": "nothing_to_deliver"}),
                        )
                    }
                    _ => {
                        log.outcome = "unavailable".into();
                        return error(
                            503,
                            "unavailable",
                            "the replay could not be queued; retry later",
                        );
                    }
                }
            }
            log.outcome = "not_found".into();
            error(404, "not_found", "no event with this id")
        }
        ["v1", "dead-letters", "replay"] => {
            if method != Method::Post {
                return method_not_allowed("POST");
            }
            let type_pattern = param(&q, "type");
            if type_pattern.is_some_and(|t| config::TypePattern::parse(t).is_none()) {
                return error(
                    400,
                    "bad_request",
                    "type must be *, an event type or a prefix pattern like media.*",
                );
            }
            let limit = match limit_param(&q, 100, 1000) {
                Ok(l) => l,
                Err(m) => return error(400, "bad_request", m),
            };
            let (mut replayed, mut failed, mut more) = (Vec::new(), 0u64, false);
            for s in &sources {
                let remaining = limit - replayed.len() as i64;
                if remaining <= 0 {
                    more = true;
                    break;
                }
                let body =
                    json!({"source": s, "type": type_pattern, "limit": remaining}).to_string();
                let v: Value = store_call(env, s, "/replay-dead", &body).await?;
                if let Value::Array(ids) = &v["replayed"] {
                    replayed.extend(ids.iter().map(|id| json!({"source": s, "id": id})));
                }
                failed += v["failed"].as_u64().unwrap_or(0);
                more |= v["more"] == true;
            }
            json_resp(
                202,
                &json!({"replayed": replayed, "count": replayed.len(), "failed": failed, "more": more}),
            )
        }
        _ => {
            log.outcome = "not_found".into();
            error(404, "not_found", "no such route")
        }
    }
}
