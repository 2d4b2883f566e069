//! Tencent API 3.0 compatibility of the pull API (SPEC §9): `POST /v1/sources/{source}/tencent`
//! (with or without a trailing `/`), so a reliable-callback puller built on Tencent's SDK
//! switches to mediahook by changing only its endpoint.
//!
//! * Auth: `Authorization: TC3-HMAC-SHA256 …` checked by [`mediahook_core::tc3`] against the
//!   source's `pull.tencent_api` credentials (SecretId compared in constant time, ±300 s).
//!   Canonical forms: the URL path as sent and the host without its port (the Node SDK,
//!   tested), and, failing that, the path `/` with the whole endpoint as the host
//!   (`{Host}/v1/sources/{source}/tencent`, what the Go and Python SDKs sign by their source).
//! * `X-TC-Action`: `PullEvents` / `ConfirmEvents`, served by
//!   [`crate::pull_api::tencent_action`] — the same pull-queue calls, long-poll and answers as
//!   the bearer-token Tencent routes. `X-TC-Version`: `2018-07-17`.
//! * Every error is Tencent's envelope `{"Response": {"Error": {"Code", "Message"},
//!   "RequestId"}}` with HTTP 200, as Tencent's API answers (the SDKs read `Error.Code` only
//!   from a 200): `AuthFailure.InvalidAuthorization`, `AuthFailure.SecretIdNotFound`,
//!   `AuthFailure.SignatureFailure`, `AuthFailure.SignatureExpire`, `MissingParameter`,
//!   `InvalidAction`, `NoSuchVersion`, `InvalidParameter`, `RequestSizeLimitExceeded`,
//!   `UnsupportedProtocol`, `InternalError`.
//!
//! An unknown source, or one without `tencent_api`, answers like an unknown SecretId (so
//! source names are not revealed). Nothing of the Authorization header, the keys or the
//! body is logged.

use mediahook_core::tc3::{self, Credential, Tc3Error};
use serde_json::json;
use worker::{Env, Method, Request};

use crate::http::{json_resp, read_capped, ApiError, ApiResult, Log};
use crate::pull_api::{self, MAX_REQUEST_BYTES};
use crate::{current_config, ids, now_ms};

/// The API version the SDK's VOD client sends in `X-TC-Version`.
pub const VERSION: &str = "2018-07-17";

/// Tencent's envelope for an error (HTTP 200, as Tencent answers).
fn envelope(log: &mut Log, code: &'static str, message: impl Into<String>) -> ApiResult {
    log.outcome = code.into();
    Ok(json_resp(
        200,
        &json!({"Response": {
            "Error": {"Code": code, "Message": message.into()},
            "RequestId": ids::request_id(),
        }}),
    )?)
}

/// Handles `POST /v1/sources/{source}/tencent[/]`.
pub async fn handle(mut req: Request, env: &Env, source_name: &str, log: &mut Log) -> ApiResult {
    if req.method() != Method::Post {
        return envelope(
            log,
            "UnsupportedProtocol",
            "use POST with a JSON body (Tencent API 3.0, TC3-HMAC-SHA256)",
        );
    }
    let cfg = current_config(env);
    let cfg = match cfg.as_ref() {
        Ok(c) => c,
        Err(_) => {
            return envelope(
                log,
                "InternalError",
                "the service configuration is invalid: the operator must fix it (GET /healthz lists the problems)",
            )
        }
    };
    // Streamed with the cap (a declared Content-Length over it is refused unread).
    let body = match read_capped(&mut req, MAX_REQUEST_BYTES).await {
        Ok(b) => b,
        Err(e) if e.status == 413 => {
            return envelope(
                log,
                "RequestSizeLimitExceeded",
                format!("the request body is larger than {MAX_REQUEST_BYTES} bytes"),
            )
        }
        Err(e) => {
            let r = envelope(
                log,
                "InternalError",
                "the request body could not be read; retry",
            );
            log.outcome = format!("InternalError: {}", e.detail.unwrap_or_default());
            return r;
        }
    };

    // The request as signed: the URL path as sent, its query, every header (Host as received;
    // the core signs it without the port, as the official SDKs do).
    let url = req.url()?;
    let mut headers: Vec<(String, String)> = req.headers().entries().collect();
    if !headers.iter().any(|(k, _)| k.eq_ignore_ascii_case("host")) {
        if let Some(h) = url.host_str() {
            headers.push(("host".into(), h.to_string()));
        }
    }
    let header_refs: Vec<(&str, &str)> = headers
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let signed = tc3::Request::new("POST", url.path(), &header_refs, &body)
        .with_query(url.query().unwrap_or(""));
    // An unknown source or one without credentials: no SecretId matches the empty one.
    let credential = cfg
        .source(source_name)
        .and_then(|s| s.pull.as_ref())
        .and_then(|p| p.tencent_api.as_ref())
        .map(|t| t.credential())
        .unwrap_or(Credential {
            secret_id: "",
            secret_key: "",
        });
    let now = now_ms();
    let mut verified = tc3::verify(&signed, &credential, now).map(|_| ());
    if verified == Err(Tc3Error::SignatureFailure) {
        // The Go and Python SDKs (by their source; not run here) sign the path `/` and their
        // whole endpoint as the host: `{Host}{path without the trailing /}`.
        let path = url.path().trim_end_matches('/');
        let endpoint_headers: Vec<(&str, String)> = header_refs
            .iter()
            .map(|(k, v)| match k.eq_ignore_ascii_case("host") {
                true if v.contains('/') => (*k, v.to_string()),
                true => (*k, format!("{}{path}", v.trim())),
                false => (*k, v.to_string()),
            })
            .collect();
        let refs: Vec<(&str, &str)> = endpoint_headers
            .iter()
            .map(|(k, v)| (*k, v.as_str()))
            .collect();
        let as_endpoint =
            tc3::Request::new("POST", "/", &refs, &body).with_query(url.query().unwrap_or(""));
        let second = tc3::verify(&as_endpoint, &credential, now).map(|_| ());
        if second != Err(Tc3Error::SignatureFailure) {
            verified = second;
        }
    }
    if let Err(e) = verified {
        return envelope(log, e.code(), e.message());
    }

    let header = |name: &str| {
        header_refs
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.trim())
    };
    match header("x-tc-version") {
        None => {
            return envelope(
                log,
                "MissingParameter",
                "the X-TC-Version header is missing",
            )
        }
        Some(VERSION) => {}
        Some(_) => {
            return envelope(
                log,
                "NoSuchVersion",
                format!("only X-TC-Version {VERSION} (VOD) is served here"),
            )
        }
    }
    let confirm = match header("x-tc-action") {
        None => return envelope(log, "MissingParameter", "the X-TC-Action header is missing"),
        Some("PullEvents") => false,
        Some("ConfirmEvents") => true,
        Some(_) => {
            return envelope(
                log,
                "InvalidAction",
                "this endpoint serves the actions PullEvents and ConfirmEvents",
            )
        }
    };
    match pull_api::tencent_action(env, source_name, confirm, &body, log).await {
        Ok(r) => Ok(r),
        Err(e) => {
            let code = tencent_code(&e);
            if let Some(d) = &e.detail {
                // Infrastructure detail for the log line (the envelope stays generic).
                let r = envelope(log, code, e.message.clone());
                log.outcome = format!("{code}: {d}");
                return r;
            }
            envelope(log, code, e.message.clone())
        }
    }
}

/// Tencent's common error code for one of our errors.
fn tencent_code(e: &ApiError) -> &'static str {
    match e.status {
        400 => "InvalidParameter",
        413 => "RequestSizeLimitExceeded",
        _ => "InternalError",
    }
}
