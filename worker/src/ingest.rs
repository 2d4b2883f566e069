//! `POST /v1/hooks/{source}`: a vendor callback. Verified (SPEC §1–2), normalized (§3),
//! stored in its shard of the source's `EventStore` with every step still to do, and only
//! then answered 200 (SPEC §5). Any Content-Type, or none, is accepted (SPEC §1.5): the body
//! is judged — a JSON object of at most 1 MiB, read as a stream and cut at the cap.

use mediahook_core::vendor::SignatureLocation;
use mediahook_core::verify::{parse_callback, verify_callback, Request as CallbackRequest};
use mediahook_core::VerifyError;
use serde_json::json;
use worker::{Env, Method, Request};

use crate::config::MAX_BODY_BYTES;
use crate::http::{ok_json, read_capped, ApiError, ApiResult, Log};
use crate::protocol::{self, Admit, IngestOutcome, IngestReq, IngestResp};
use crate::{access, ids, now_ms, store, valid_config};

/// Test mode only: the same request handling minus verification and storage (the
/// baseline of the load benchmark).
pub async fn bench_bare(mut req: Request, env: &Env, log: &mut Log) -> ApiResult {
    if !crate::test_mode(env) {
        return Err(ApiError::no_route());
    }
    let _ = read_capped(&mut req, MAX_BODY_BYTES).await?;
    log.outcome = "ok".into();
    ok_json(200, &json!({"code": 0, "message": "ok"}))
}

fn verify_error(e: VerifyError) -> ApiError {
    let status = match e {
        VerifyError::Malformed | VerifyError::MalformedPayload => 400,
        _ => 401,
    };
    ApiError::new(status, e.kind(), e.message())
}

/// Most bytes an event may take in its store row (text and columns), in bytes: under the
/// 2 MB a Durable Object's SQLite string or row may hold (Cloudflare, "Durable Objects
/// limits": maximum string, BLOB or table row size 2 MB), with room for the other columns.
pub const MAX_STORED_EVENT_BYTES: usize = 1_900_000;

/// A request-derived string for the log line: at most 200 bytes (on a char boundary), so a
/// huge vendor type does not make a huge log line.
fn log_field(s: &str) -> String {
    const MAX: usize = 200;
    if s.len() <= MAX {
        return s.to_string();
    }
    let mut end = MAX;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &s[..end])
}

/// Handles one callback for the source named `source_name`; `path_secret` is the URL's
/// segment after the name, if any (SPEC §8: a wrong or missing one is an unknown source).
pub async fn handle(
    mut req: Request,
    env: &Env,
    source_name: &str,
    path_secret: Option<&str>,
    log: &mut Log,
) -> ApiResult {
    if req.method() != Method::Post {
        return Err(ApiError::method_not_allowed("POST"));
    }
    let cfg = valid_config(env)?;
    let Ok(cfg) = cfg.as_ref() else {
        return Err(ApiError::no_route());
    };
    let Some(source) = cfg
        .source(source_name)
        .filter(|s| access::path_allows(s.path_secret.as_ref(), path_secret))
    else {
        return Err(ApiError::unknown_source());
    };
    // The caller's address is looked up only for a source that restricts it.
    let caller = if source.allow_ips.is_empty() {
        None
    } else {
        req.headers().get("cf-connecting-ip")?
    };
    if !access::ip_allowed(&source.allow_ips, caller.as_deref()) {
        return Err(ApiError::new(
            403,
            "ip_not_allowed",
            "this source accepts callbacks only from its allow_ips ranges",
        ));
    }
    let body = read_capped(&mut req, MAX_BODY_BYTES).await?;

    // The headers the vendor's scheme reads, as its registration names them (looked up
    // case-insensitively); body-signing vendors need none.
    let signature = &source.vendor.info().signature;
    let mut header_values: Vec<(&'static str, String)> = Vec::new();
    if signature.location == SignatureLocation::Headers {
        for &name in signature.fields {
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
    // A keyless source (only behind a path_secret) takes unsigned callbacks.
    let callback = if source.keyless {
        parse_callback(source.vendor, &body)
    } else {
        verify_callback(
            source.vendor,
            &source.key,
            &CallbackRequest::new(&body).with_headers(&headers),
            verify_now,
        )
    }
    .map_err(verify_error)?;
    let event = callback.normalize(&source.name, now);
    log.event_id = Some(event.id.clone());
    log.event_type = Some(log_field(&event.event_type));
    let event_json = event.to_json();
    // The stored row: the event's text plus its id, type, vendor type and subject columns
    // (a vendor type repeats in the text, so a callback within MAX_BODY_BYTES can still
    // exceed what a Durable Object's SQLite row holds; refused now instead of failing the
    // insert on every vendor retry).
    let row_bytes = event_json.len()
        + event.id.len()
        + event.event_type.len()
        + event.vendor_type.len()
        + event.subject.as_ref().map_or(0, String::len);
    if row_bytes > MAX_STORED_EVENT_BYTES {
        return Err(ApiError::new(
            413,
            "event_too_large",
            format!(
                "the normalized event would take {row_bytes} bytes to store; at most {MAX_STORED_EVENT_BYTES}"
            ),
        ));
    }
    let ingest = IngestReq {
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
            nonce: ids::nonce(now),
            event: event_json,
        },
    };
    let shard = store::shard_name(&source.name, source.shards, &event.id);
    let resp: IngestResp = protocol::call(env, store::BINDING, &shard, "/ingest", &ingest).await?;
    match resp.outcome {
        IngestOutcome::Accepted => {
            log.outcome = "accepted".into();
            ok_json(200, &json!({"code": 0, "message": "ok", "id": event.id}))
        }
        IngestOutcome::Duplicate => {
            log.outcome = "duplicate".into();
            ok_json(
                200,
                &json!({"code": 0, "message": "ok", "id": event.id, "duplicate": true}),
            )
        }
    }
}
