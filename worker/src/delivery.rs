//! One delivery attempt: the event POSTed to a destination, signed with Standard Webhooks
//! (SPEC §4), with a timeout; the response body is read (up to a small cap) or cancelled so
//! the connection is given back. Called by the store's delivery lanes ([`crate::store`]).

use std::cell::Cell;

use futures_util::future::{select, Either};
use futures_util::StreamExt;
use worker::*;

use crate::config::Destination;
use crate::now_ms;
use crate::policy::outcome_of_status;
use crate::protocol::{AttemptOutcome, AttemptResult};
use crate::util::retry_after_seconds;

/// At most this much of a destination's response body is read; the rest is cancelled.
const RESPONSE_READ_MAX: usize = 16 * 1024;

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

fn ms_to_s(ms: i64) -> u32 {
    u32::try_from((ms.max(0) + 999) / 1000).unwrap_or(u32::MAX)
}

fn retry_after(resp: &Response) -> Option<u32> {
    let v = resp.headers().get("retry-after").ok().flatten()?;
    retry_after_seconds(&v).or_else(|| {
        let at = js_sys::Date::parse(v.trim());
        at.is_finite().then(|| ms_to_s(at as i64 - now_ms()))
    })
}

/// Reads at most [`RESPONSE_READ_MAX`] bytes of the body, then cancels the rest.
async fn drain(resp: &mut Response) {
    let raw = match resp.body() {
        ResponseBody::Stream(s) => s.clone(),
        _ => return,
    };
    if let Ok(mut stream) = resp.stream() {
        let mut read = 0usize;
        while let Some(chunk) = stream.next().await {
            match chunk {
                Ok(c) => {
                    read += c.len();
                    if read > RESPONSE_READ_MAX {
                        break;
                    }
                }
                Err(_) => return,
            }
        }
        if read <= RESPONSE_READ_MAX {
            return;
        }
    }
    let _ = raw.cancel();
}

/// The "gone" result: the destination is no longer configured.
pub fn gone(url: &str) -> AttemptResult {
    AttemptResult {
        url: url.into(),
        outcome: AttemptOutcome::Gone,
        status: None,
        error: Some("the destination is no longer configured".into()),
        retry_after: None,
    }
}

/// POSTs `event` (JSON text) with `webhook-id: id` to `dest`. The timeout runs from the
/// moment the caller holds a connection slot (the caller acquires it before calling).
pub async fn post(id: &str, dest: &Destination, event: &str, timeout_ms: u32) -> AttemptResult {
    let url = dest.url.as_str();
    let ts = now_ms().div_euclid(1000);
    let signature = dest.webhook.sign(id, ts, event.as_bytes());
    let headers = Headers::new();
    let set = [
        ("content-type", "application/json"),
        ("user-agent", "mediahook/0.1 (Standard Webhooks)"),
        ("webhook-id", id),
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
    // The status as soon as the headers arrive: a response whose body is slow still counts.
    let seen: Cell<Option<(u16, Option<u32>)>> = Cell::new(None);
    let work = async {
        let mut resp = fetch.send_with_signal(&signal).await?;
        seen.set(Some((resp.status_code(), retry_after(&resp))));
        drain(&mut resp).await;
        Ok::<(), Error>(())
    };
    let timer = Delay::from(std::time::Duration::from_millis(u64::from(timeout_ms)));
    let ended = select(Box::pin(work), Box::pin(timer)).await;
    let timed_out = matches!(ended, Either::Right(_));
    if timed_out {
        controller.abort();
    }
    let result = match (seen.get(), ended) {
        (Some((status, ra)), _) => match outcome_of_status(status) {
            AttemptOutcome::Failed => failed(url, Some(status), format!("HTTP {status}"), ra),
            outcome => AttemptResult {
                url: url.into(),
                outcome,
                status: Some(status),
                error: None,
                retry_after: None,
            },
        },
        (None, Either::Left((Err(e), _))) => failed(url, None, format!("network error: {e}"), None),
        (None, _) => failed(url, None, format!("timeout after {timeout_ms} ms"), None),
    };
    result
}
