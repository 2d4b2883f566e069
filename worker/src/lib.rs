//! The mediahook edge worker (Cloudflare Workers, workers-rs).
//!
//! One module per job:
//! * [`ingest`] — `POST /v1/hooks/{source}`: verify a vendor callback (SPEC §1–2), normalize
//!   it (§3), store it durably, and only then answer 200.
//! * [`admin`] — the admin API (bearer `admin_token`): list/inspect events, replay.
//! * [`pull_api`] — the pull API (bearer pull token per source): `events:pull` /
//!   `events:confirm` / `events:state` and Tencent's `PullEvents` / `ConfirmEvents`.
//! * [`tencent_api`] — the same pulls for Tencent's own SDK (TC3-HMAC-SHA256, SPEC §9).
//! * [`access`] — `path_secret` and `allow_ips` of a source (SPEC §8).
//! * [`store`] — the `EventStore` Durable Object (SQLite; schema in [`schema`]), sharded per
//!   source by event id: storage, dedupe, per-(event, destination) state, the alarm-driven
//!   delivery lanes, bounded purges.
//! * [`pull_queue`] — the `PullQueue` Durable Object behind the pull API.
//! * [`delivery`] — one attempt: a POST signed with Standard Webhooks (§4), with a timeout.
//! * [`consumer`] — the queue consumer: the queue only wakes shards (and stores events that
//!   older versions sent in their messages); unparseable messages are quarantined.
//! * [`policy`] — the delivery policy as a pure function (next attempt from attempts,
//!   outcome, `Retry-After`).
//! * [`protocol`] — the typed messages between the worker and its Durable Objects.
//! * [`http`] — the API error type, JSON responses, the bearer-token helper.
//! * [`ids`] — CSPRNG nonces, ids, lease handles.
//! * [`sync`] — single-threaded notify/semaphore for the Durable Objects.
//! * [`faults`], [`testing`] — test-mode-only fault injection.
//!
//! Routing lives in one place: [`route`]. Configuration: the `MEDIAHOOK_CONFIG` variable,
//! see [`config`] and `docs/worker.md`. No handler panics on input: every failure becomes a
//! JSON error response.

use std::cell::RefCell;
use std::rc::Rc;

use serde_json::{json, Value};
use worker::*;

pub mod access;
pub mod admin;
pub mod config;
mod consumer;
pub mod delivery;
pub mod faults;
pub mod http;
pub mod ids;
pub mod ingest;
pub mod policy;
pub mod protocol;
pub mod pull_api;
pub mod pull_queue;
pub mod schema;
pub mod store;
pub mod sync;
pub mod tencent_api;
pub mod testing;
pub mod util;

use config::Config;
use http::{json_resp, ApiError, ApiResult, Log};

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

/// Whether the current configuration is valid and has `"test_mode": true` (the one gate of
/// every test-only hook and short test delay).
pub(crate) fn test_mode(env: &Env) -> bool {
    matches!(current_config(env).as_ref(), Ok(c) if c.test_mode)
}

/// The valid configuration, or the 503 `config_invalid` error.
pub(crate) fn valid_config(env: &Env) -> std::result::Result<ConfigResult, ApiError> {
    let cfg = current_config(env);
    match cfg.as_ref() {
        Ok(_) => Ok(cfg),
        Err(p) => Err(ApiError::config_invalid(p)),
    }
}

/// Unix milliseconds (on Workers the clock advances only across I/O).
pub(crate) fn now_ms() -> i64 {
    js_sys::Date::now() as i64
}

/// Sends one message to the deliveries queue (fails in a test `queue` fault window).
pub(crate) async fn send_queue(env: &Env, text: String) -> Result<()> {
    if faults::failing(faults::Part::Queue, now_ms()) {
        return Err(Error::RustError("queue send failed (test fault)".into()));
    }
    env.queue(store::QUEUE_BINDING)?.send(text).await
}

/// Writes one structured log line (never contains keys, secrets or bodies).
pub(crate) fn log_line(v: Value) {
    console_log!("{}", v);
}

#[event(fetch)]
async fn fetch(req: Request, env: Env, _ctx: Context) -> Result<Response> {
    let started = js_sys::Date::now();
    let mut log = Log::default();
    let resp = match route(req, &env, &mut log).await {
        Ok(r) => r,
        Err(e) => {
            log.outcome = match &e.detail {
                Some(d) => format!("{}: {d}", e.code),
                None => e.code.to_string(),
            };
            e.to_response()?
        }
    };
    let line = log.line(resp.status_code(), js_sys::Date::now() - started);
    worker::console_log!("{line}");
    Ok(resp)
}

#[event(queue)]
async fn queue(batch: MessageBatch<Value>, env: Env, _ctx: Context) -> Result<()> {
    consumer::consume(batch, env).await;
    Ok(())
}

/// Every route of the worker, in one place.
pub async fn route(req: Request, env: &Env, log: &mut Log) -> ApiResult {
    // workers-rs reads a method it does not know (PROPFIND, …) as GET: refused here, so no
    // such request reaches a GET handler.
    if req.method() == Method::Get && !req.inner().method().eq_ignore_ascii_case("GET") {
        return Err(ApiError::method_not_allowed("GET, HEAD, POST"));
    }
    let path = req.path();
    let segs: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    match segs.as_slice() {
        ["healthz"] => {
            log.route = "healthz";
            healthz(&req, env, log)
        }
        ["v1", "hooks", source] => {
            log.route = "ingest";
            log.source = Some((*source).to_string());
            ingest::handle(req, env, source, None, log).await
        }
        // A source with a `path_secret` (SPEC §8); never logged.
        ["v1", "hooks", source, path_secret] => {
            log.route = "ingest";
            log.source = Some((*source).to_string());
            ingest::handle(req, env, source, Some(path_secret), log).await
        }
        ["bench", "bare"] => {
            log.route = "bench_bare";
            ingest::bench_bare(req, env, log).await
        }
        ["v1", "sources"] | ["v1", "events", ..] | ["v1", "dead-letters", ..] => {
            log.route = "admin";
            admin::handle(req, env, &segs, log).await
        }
        ["v1", "sources", source, "tencent"] | ["v1", "sources", source, "tencent", ""] => {
            log.route = "tencent_api";
            log.source = Some((*source).to_string());
            tencent_api::handle(req, env, source, log).await
        }
        ["v1", "sources", _, ..] => {
            log.route = "pull";
            pull_api::handle(req, env, &segs, log).await
        }
        ["v1", "test", ..] => {
            log.route = "test";
            testing::handle(req, env, &segs, log).await
        }
        _ => {
            log.route = "not_found";
            Err(ApiError::no_route())
        }
    }
}

fn healthz(req: &Request, env: &Env, log: &mut Log) -> ApiResult {
    if req.method() != Method::Get && req.method() != Method::Head {
        return Err(ApiError::method_not_allowed("GET"));
    }
    let cfg = valid_config(env)?;
    log.outcome = "ok".into();
    let n = cfg.as_ref().as_ref().map(|c| c.sources.len()).unwrap_or(0);
    Ok(json_resp(200, &json!({"status": "ok", "sources": n}))?)
}
