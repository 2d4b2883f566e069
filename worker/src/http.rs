//! What every HTTP surface shares: the one API error type (status + JSON body, mapped in one
//! place), JSON responses, the per-request log record, the bearer-token helper, query
//! parameters.

use serde_json::{json, Value};
use worker::{Headers, Request, Response};

/// What the per-request log line says (never keys, secrets or bodies).
#[derive(Default)]
pub struct Log {
    /// Which surface answered (`ingest`, `admin`, `pull`, `healthz`, …).
    pub route: &'static str,
    /// The source named in the path or query, if any.
    pub source: Option<String>,
    /// The event concerned, if any.
    pub event_id: Option<String>,
    /// The event's type, if known.
    pub event_type: Option<String>,
    /// What happened (`accepted`, an error code, …).
    pub outcome: String,
}

impl Log {
    /// The request's log line: `{"at", "source", "event_id", "type", "outcome", "status",
    /// "latency_ms"}` (latency in ms, request start → response). Serialized straight from
    /// borrowed fields, without building a `serde_json::Value` map per request.
    pub fn line(&self, status: u16, latency_ms: f64) -> String {
        #[derive(serde::Serialize)]
        struct Line<'a> {
            at: &'static str,
            source: Option<&'a str>,
            event_id: Option<&'a str>,
            #[serde(rename = "type")]
            event_type: Option<&'a str>,
            outcome: &'a str,
            status: u16,
            latency_ms: f64,
        }
        serde_json::to_string(&Line {
            at: self.route,
            source: self.source.as_deref(),
            event_id: self.event_id.as_deref(),
            event_type: self.event_type.as_deref(),
            outcome: &self.outcome,
            status,
            latency_ms,
        })
        .unwrap_or_default()
    }
}

/// An API error: HTTP status, a stable machine-readable `code`, a human message, and what
/// some codes add (the configuration's problems, `Retry-After`, `Allow`,
/// `WWW-Authenticate`). Body: `{"error": {"code", "message", ["problems"]}}`.
#[derive(Debug, Clone)]
pub struct ApiError {
    /// HTTP status (4xx for bad input, 503 for retryable trouble).
    pub status: u16,
    /// Stable error code, e.g. `unknown_source`.
    pub code: &'static str,
    /// What went wrong, for people.
    pub message: String,
    /// `config_invalid` only: every problem of the configuration (no secrets).
    pub problems: Vec<String>,
    /// Sent as `Retry-After` (seconds).
    pub retry_after_s: Option<u32>,
    /// Sent as `Allow` (405).
    pub allow: Option<&'static str>,
    /// Infrastructure detail for the log line only (never in the body).
    pub detail: Option<String>,
}

impl ApiError {
    /// An error with this status, code and message.
    pub fn new(status: u16, code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            code,
            message: message.into(),
            problems: Vec::new(),
            retry_after_s: None,
            allow: None,
            detail: None,
        }
    }
    /// 400 `bad_request`.
    pub fn bad_request(message: impl Into<String>) -> ApiError {
        ApiError::new(400, "bad_request", message)
    }
    /// 404 `not_found` (no such route).
    pub fn no_route() -> ApiError {
        ApiError::new(404, "not_found", "no such route")
    }
    /// 404 `unknown_source`.
    pub fn unknown_source() -> ApiError {
        ApiError::new(
            404,
            "unknown_source",
            "no source is configured with this name",
        )
    }
    /// 405 with `Allow`.
    pub fn method_not_allowed(allow: &'static str) -> ApiError {
        let mut e = ApiError::new(405, "method_not_allowed", format!("use {allow}"));
        e.allow = Some(allow);
        e
    }
    /// 401 `unauthorized` (with `WWW-Authenticate: Bearer`).
    pub fn unauthorized(message: impl Into<String>) -> ApiError {
        ApiError::new(401, "unauthorized", message)
    }
    /// 413 `payload_too_large`.
    pub fn too_large(limit: usize) -> ApiError {
        ApiError::new(
            413,
            "payload_too_large",
            format!("the body is larger than {limit} bytes"),
        )
    }
    /// 400 `body_incomplete`: the request body could not be read to its end (the client
    /// closed the connection, or sent fewer bytes than it declared, or broken chunking).
    /// `detail` (the runtime's words) goes to the log.
    pub fn body_incomplete(detail: impl Into<String>) -> ApiError {
        let mut e = ApiError::new(
            400,
            "body_incomplete",
            "the request body ended before it was complete",
        );
        e.detail = Some(detail.into());
        e
    }
    /// 503 `unavailable`: retryable trouble (store, queue, runtime); `detail` goes to the log.
    pub fn unavailable(detail: impl Into<String>) -> ApiError {
        let mut e = ApiError::new(
            503,
            "unavailable",
            "temporarily unable to process the request; retry later",
        );
        e.detail = Some(detail.into());
        e
    }
    /// 503 `config_invalid` with every problem.
    pub fn config_invalid(problems: &[String]) -> ApiError {
        let mut e = ApiError::new(
            503,
            "config_invalid",
            format!(
                "{} is invalid: the operator must fix it (see docs/worker.md)",
                crate::CONFIG_VAR
            ),
        );
        e.problems = problems.to_vec();
        e
    }

    /// The JSON body of this error.
    pub fn body(&self) -> Value {
        let mut inner = json!({"code": self.code, "message": self.message});
        if !self.problems.is_empty() {
            inner["problems"] = json!(self.problems);
        }
        json!({ "error": inner })
    }

    /// The response: this error's body with its status and headers.
    pub fn to_response(&self) -> worker::Result<Response> {
        self.response_with(&self.body())
    }

    /// This error's status and headers around another body (e.g. a vendor's envelope).
    pub fn response_with(&self, body: &Value) -> worker::Result<Response> {
        let r = json_resp(self.status, body)?;
        if let Some(allow) = self.allow {
            r.headers().set("allow", allow)?;
        }
        if self.status == 401 {
            r.headers().set("www-authenticate", "Bearer")?;
        }
        if let Some(s) = self.retry_after_s {
            r.headers().set("retry-after", &s.to_string())?;
        }
        Ok(r)
    }
}

impl From<worker::Error> for ApiError {
    fn from(e: worker::Error) -> ApiError {
        ApiError::unavailable(e.to_string())
    }
}

/// What a handler returns: a response, or an [`ApiError`].
pub type ApiResult = std::result::Result<Response, ApiError>;

/// A JSON response with this status.
pub fn json_resp(status: u16, v: &Value) -> worker::Result<Response> {
    text_resp(status, v.to_string())
}

/// A response whose body is this JSON text.
pub fn text_resp(status: u16, text: String) -> worker::Result<Response> {
    let headers = Headers::new();
    headers.set("content-type", "application/json; charset=utf-8")?;
    Ok(Response::from_bytes(text.into_bytes())?
        .with_status(status)
        .with_headers(headers))
}

/// A 200/2xx JSON answer as an [`ApiResult`].
pub fn ok_json(status: u16, v: &Value) -> ApiResult {
    Ok(json_resp(status, v)?)
}

/// The bearer token of the `Authorization` header (`Bearer <token>`, scheme in any letter
/// case, surrounding spaces trimmed); empty when there is none. Compare it with a
/// constant-time check (`Config::admin_token_matches`, `PullSettings::token_matches`).
pub fn bearer_token(req: &Request) -> String {
    let auth = req
        .headers()
        .get("authorization")
        .ok()
        .flatten()
        .unwrap_or_default();
    let auth = auth.trim();
    match auth.split_once(' ') {
        Some((scheme, token)) if scheme.eq_ignore_ascii_case("bearer") => token.trim().to_string(),
        _ => String::new(),
    }
}

/// The query parameters of a request, in order.
pub fn query_params(req: &Request) -> Vec<(String, String)> {
    req.url()
        .map(|u| {
            u.query_pairs()
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect()
        })
        .unwrap_or_default()
}

/// The first value of a query parameter.
pub fn param<'a>(q: &'a [(String, String)], name: &str) -> Option<&'a str> {
    q.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
}

/// Reads a request body, keeping at most `cap` bytes: a declared `Content-Length` over the
/// cap is refused with 413 before anything is read. A body of declared length within the cap
/// (and no `Transfer-Encoding`) is read in one `arrayBuffer()` call: the runtime delivers at
/// most the declared length, so nothing past the cap can arrive. Any other body (chunked) is
/// read as a stream: at the first byte past the cap it stops keeping and answers 413, and what
/// arrives past the cap is read and dropped up to [`DRAIN_MAX_BYTES`] so that the sender gets
/// the answer.
pub async fn read_capped(req: &mut Request, cap: usize) -> std::result::Result<Vec<u8>, ApiError> {
    use futures_util::StreamExt;
    let headers = req.headers();
    let declared = headers
        .get("content-length")
        .ok()
        .flatten()
        .and_then(|v| v.trim().parse::<u64>().ok());
    if declared.is_some_and(|n| n > cap as u64) {
        return Err(ApiError::too_large(cap));
    }
    let framed_by_length =
        declared.is_some() && !matches!(headers.get("transfer-encoding"), Ok(Some(_)));
    if framed_by_length {
        let body = read_whole(req).await?;
        // The runtime enforces the declared length; this only guards that promise.
        if body.len() > cap {
            return Err(ApiError::too_large(cap));
        }
        return Ok(body);
    }
    let mut stream = match req.stream() {
        Ok(s) => s,
        // No body at all.
        Err(_) => return Ok(Vec::new()),
    };
    let mut out = Vec::with_capacity(declared.map_or(4096, |n| n as usize));
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|e| ApiError::body_incomplete(e.to_string()))?;
        if out.len() + chunk.len() > cap {
            // Keep nothing more, but let the client finish sending (bounded) so that it reads
            // the 413 instead of a reset connection.
            let mut seen = out.len() + chunk.len();
            drop(out);
            while seen <= DRAIN_MAX_BYTES {
                match stream.next().await {
                    Some(Ok(c)) => seen += c.len(),
                    _ => break,
                }
            }
            return Err(ApiError::too_large(cap));
        }
        out.extend_from_slice(&chunk);
    }
    Ok(out)
}

/// A whole body of declared length in one `arrayBuffer()` promise (no Rust stream: reading
/// chunk by chunk through `ByteStream` cost about 1.6 ms of CPU per callback). No body at all
/// reads as empty.
async fn read_whole(req: &Request) -> std::result::Result<Vec<u8>, ApiError> {
    use worker::wasm_bindgen_futures::JsFuture;
    let inner = req.inner();
    if inner.body().is_none() {
        return Ok(Vec::new());
    }
    let buf = JsFuture::from(inner.array_buffer().map_err(worker::Error::from)?)
        .await
        .map_err(|e| ApiError::body_incomplete(worker::Error::from(e).to_string()))?;
    Ok(worker::js_sys::Uint8Array::new(&buf).to_vec())
}

/// Past the cap, the rest of a body of undeclared length (chunked) is read and dropped, up to
/// this many bytes in all (16 MiB), before the 413 is sent: a server that answers and closes
/// while request bytes are still arriving makes the client's TCP stack reset the connection,
/// often before the client has read the answer. Nothing past the cap is kept; a longer body
/// still gets its 413 at this bound, and its sender may then see the connection reset.
const DRAIN_MAX_BYTES: usize = 16 * 1024 * 1024;
