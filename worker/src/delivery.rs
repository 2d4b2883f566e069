//! One delivery attempt: the event POSTed to a destination, signed with Standard Webhooks
//! (SPEC §4), with a timeout; the response body is read (up to a small cap) or cancelled so
//! the connection is given back. Called by the store's delivery lanes ([`crate::store`]).

use std::cell::{Cell, RefCell};

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

/// A network error before any response (the connection lost, refused or reset) is tried
/// again at once, this many more times, within the same attempt and its timeout. workerd
/// pools connections: one that the origin closed while idle (Node's default
/// `keepAliveTimeout` is 5 s) can be picked just as the close arrives, and the request then
/// fails with "Network connection lost." without ever reaching the origin. Counting that as a
/// failed attempt would spend the destination's budget and wait a backoff for nothing.
/// (workers-sdk issue 14848 describes the same race on miniflare's own loopback server.)
/// Each lost try is logged (`"outcome": "tried_again"`). One, not more: an origin that reads
/// requests and then resets them would get every extra try as another POST.
pub const NETWORK_ERROR_RETRIES: u32 = 1;

/// POSTs `event` (JSON text) with `webhook-id: id` to `dest`. The timeout (`timeout_ms`, ms)
/// runs from the moment the caller holds a connection slot (the caller acquires it before
/// calling) and covers every try of the attempt. `subrequests` is what the caller's
/// invocation may still spend: each extra try after a network error takes one, and none is
/// made when it is spent (a second POST happens only when the first one's outcome is
/// unknown, SPEC §5, as a network error's is).
pub async fn post(
    id: &str,
    dest: &Destination,
    event: &str,
    timeout_ms: u32,
    subrequests: &Cell<i64>,
) -> AttemptResult {
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
    // Built up front, so that a URL or init the runtime refuses is reported as such.
    let first = match Request::new_with_init(url, &init) {
        Ok(r) => r,
        Err(e) => return failed(url, None, format!("cannot build the request: {e}"), None),
    };
    let controller = AbortController::default();
    let signal = controller.signal();
    // The status as soon as the headers arrive: a response whose body is slow still counts.
    let seen: Cell<Option<(u16, Option<u32>)>> = Cell::new(None);
    // Network errors of the tries before the last, for the attempt's error text.
    let lost: RefCell<Vec<String>> = RefCell::new(Vec::new());
    let work = async {
        let mut req = Some(first);
        let mut resp = loop {
            let this = match req.take() {
                Some(r) => r,
                None => Request::new_with_init(url, &init)?,
            };
            match Fetch::Request(this).send_with_signal(&signal).await {
                Ok(r) => break r,
                Err(e)
                    if (lost.borrow().len() as u32) < NETWORK_ERROR_RETRIES
                        && subrequests.get() > 0 =>
                {
                    subrequests.set(subrequests.get() - 1);
                    // A trace of the lost try even if the next one is answered: the origin
                    // may have read it (it then sees this webhook-id twice).
                    crate::log_line(serde_json::json!({
                        "at": "deliver", "event_id": id, "url": crate::util::url_for_log(url),
                        "outcome": "tried_again", "error": format!("network error: {e}"),
                    }));
                    lost.borrow_mut().push(e.to_string());
                }
                Err(e) => return Err(e),
            }
        };
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
        (None, Either::Left((Err(e), _))) => failed(
            url,
            None,
            format!("network error: {e}{}", earlier(&lost.borrow())),
            None,
        ),
        (None, _) => failed(
            url,
            None,
            format!("timeout after {timeout_ms} ms{}", earlier(&lost.borrow())),
            None,
        ),
    };
    result
}

/// " (tried again after: …)" when earlier tries of the attempt lost their connection.
fn earlier(lost: &[String]) -> String {
    if lost.is_empty() {
        String::new()
    } else {
        format!(" (tried again after: {})", lost.join("; "))
    }
}
