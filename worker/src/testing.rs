//! Test-mode-only HTTP hooks (`"test_mode": true`; a 404 otherwise), for the fault-injection
//! suite (`worker/tests/faults.test.mjs`):
//!
//! * `POST /v1/test/faults` `{"store_ms", "steps_ms", "pull_ms", "queue_ms"}` — fault windows
//!   from now (see [`crate::faults`]), set in this isolate and in every store shard and pull
//!   queue of every source.
//! * `POST /v1/test/purge` — makes every store shard's next purge step due now.
//! * `POST /v1/test/seed-dead` `{"source", "shard", "n", "url", "tag"}` — stores `n` dead
//!   events in one shard (bounded-listing test).
//! * `POST /v1/test/seed-pull` `{"source", "n", "tag"}` — stores `n` unconfirmed events in
//!   the source's pull queue (bounded pull-queue test).
//! * `POST /v1/test/queue-send` — sends the raw request body as one queue message (e.g. an
//!   old-format or unparseable message).

use serde::Deserialize;
use serde_json::json;
use worker::{Env, Method, Request};

use crate::config::MAX_BODY_BYTES;
use crate::faults::{self, Faults};
use crate::http::{ok_json, read_capped, ApiError, ApiResult, Log};
use crate::protocol::{self, Done};
use crate::{now_ms, pull_queue, store};

#[derive(Deserialize)]
struct Windows {
    #[serde(default)]
    store_ms: i64,
    #[serde(default)]
    steps_ms: i64,
    #[serde(default)]
    pull_ms: i64,
    #[serde(default)]
    queue_ms: i64,
}

/// Handles `/v1/test/…`.
pub async fn handle(mut req: Request, env: &Env, segs: &[&str], log: &mut Log) -> ApiResult {
    let cfg = crate::current_config(env);
    let Ok(cfg) = cfg.as_ref() else {
        return Err(ApiError::no_route());
    };
    if !cfg.test_mode {
        return Err(ApiError::no_route());
    }
    if req.method() != Method::Post {
        return Err(ApiError::method_not_allowed("POST"));
    }
    let body = read_capped(&mut req, MAX_BODY_BYTES).await?;
    log.outcome = "ok".into();
    match segs {
        ["v1", "test", "faults"] => {
            let w: Windows = serde_json::from_slice(&body)
                .map_err(|e| ApiError::bad_request(format!("bad fault windows: {e}")))?;
            let now = now_ms();
            let at = |ms: i64| if ms > 0 { now + ms } else { 0 };
            let f = Faults {
                store_until: at(w.store_ms),
                steps_until: at(w.steps_ms),
                pull_until: at(w.pull_ms),
                queue_until: at(w.queue_ms),
            };
            faults::set(f);
            for s in &cfg.sources {
                for name in store::shard_names(s) {
                    let _: Done =
                        protocol::call(env, store::BINDING, &name, "/test-faults", &f).await?;
                }
                let _: Done =
                    protocol::call(env, pull_queue::BINDING, &s.name, "/test-faults", &f).await?;
            }
            let _: Done =
                protocol::call(env, store::BINDING, store::QUARANTINE, "/test-faults", &f).await?;
            ok_json(200, &json!({"faults": f}))
        }
        ["v1", "test", "purge"] => {
            for s in &cfg.sources {
                for name in store::shard_names(s) {
                    let _: Done =
                        protocol::call(env, store::BINDING, &name, "/test-purge", &json!({}))
                            .await?;
                }
            }
            ok_json(200, &json!({"purge": "due"}))
        }
        ["v1", "test", "seed-dead"] => {
            // {"source", "shard", "n", "url", "tag"}: handed to one shard as is.
            let v: serde_json::Value = serde_json::from_slice(&body)
                .map_err(|e| ApiError::bad_request(format!("bad seed: {e}")))?;
            let source = v["source"].as_str().unwrap_or_default();
            let Some(src) = cfg.source(source) else {
                return Err(ApiError::unknown_source());
            };
            let k = u32::try_from(v["shard"].as_u64().unwrap_or(0)).unwrap_or(0);
            let name = store::shard_name_of(&src.name, k.min(src.shards.saturating_sub(1)));
            let _: Done = protocol::call(env, store::BINDING, &name, "/test-seed-dead", &v).await?;
            ok_json(200, &json!({"seeded": v["n"]}))
        }
        ["v1", "test", "seed-pull"] => {
            // {"source", "n", "tag"}: handed to the source's pull queue as is.
            let v: serde_json::Value = serde_json::from_slice(&body)
                .map_err(|e| ApiError::bad_request(format!("bad seed: {e}")))?;
            let source = v["source"].as_str().unwrap_or_default();
            let Some(src) = cfg.source(source).filter(|s| s.pull.is_some()) else {
                return Err(ApiError::unknown_source());
            };
            let _: Done =
                protocol::call(env, pull_queue::BINDING, &src.name, "/test-seed", &v).await?;
            ok_json(200, &json!({"seeded": v["n"]}))
        }
        ["v1", "test", "queue-send"] => {
            let text = String::from_utf8(body)
                .map_err(|_| ApiError::bad_request("the message must be UTF-8 text"))?;
            crate::send_queue(env, text).await?;
            ok_json(200, &json!({"sent": true}))
        }
        _ => Err(ApiError::no_route()),
    }
}
