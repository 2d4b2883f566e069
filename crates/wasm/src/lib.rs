//! # mediahook-wasm
//!
//! The wasm-bindgen face of [`mediahook_core`], published to npm as **`mediahook`**.
//!
//! The functions exported here are the *raw* layer: flat, cheap to call (bodies cross the
//! boundary once, as `&str` or `&[u8]`; results come back as one JSON string or a small
//! integer). The npm package's public API (`verifyCallback`, `normalize`, `validateConfig`,
//! `signCallback`, `StandardWebhook`, `MediahookError`) is a thin hand-written JavaScript
//! layer over them (`js/api.js`), typed by `js/index.d.ts`.
//!
//! Error convention of the raw layer:
//! * a refused callback throws the error **kind** as a JS string (`"mismatch"`, …, see
//!   [`VerifyError::kind`]) — the JS layer turns it into a `MediahookError`;
//! * a bad argument (unknown vendor, non-finite time, bad secret) throws a JS `Error`
//!   (the JS layer rethrows it as a `TypeError`);
//! * the Standard Webhooks hot path returns a status code instead of throwing
//!   (`0` = ok, `1 + index` in [`VerifyError::ALL`]).

#![forbid(unsafe_code)]
#![warn(missing_docs)]

use mediahook_core::standard_webhooks::{self, Headers, Webhook};
use mediahook_core::url_policy::UrlPolicy;
use mediahook_core::vendor::SignatureLocation;
use mediahook_core::verify::{
    parse_callback, sign_callback, verify_callback, Request, SourceKey, TimestampMeaning,
};
use mediahook_core::volcengine::SignOrder;
use mediahook_core::{Vendor, VerifyError};
use serde_json::{json, Map, Value};
use wasm_bindgen::prelude::*;

mod validate;

/// Separator of the flat header list passed by the JS layer: `name\0value\0name\0value`.
pub const HEADER_SEPARATOR: char = '\0';

/// `validateConfig`'s argument errors: the JS side hands the config over as JSON text, which
/// serde_json reads to a depth of 128 (deeper is refused, like any other unreadable value).
const NOT_JSON_CONFIG: &str =
    "config is not JSON-serializable, or is nested deeper than 128 levels";
const NOT_JSON_CURRENT: &str =
    "current is not JSON-serializable, or is nested deeper than 128 levels";

fn arg_error(msg: &str) -> JsValue {
    JsError::new(msg).into()
}

fn verify_error(e: VerifyError) -> JsValue {
    JsValue::from_str(e.kind())
}

/// Parses a registered vendor's wire name (`tencent_vod`, `baidu_vod`, …).
pub fn parse_vendor(vendor: &str) -> Result<Vendor, JsValue> {
    vendor
        .parse::<Vendor>()
        .map_err(|e| arg_error(&e.to_string()))
}

/// A window in seconds; `NaN` (what the JS layer passes when none is given) means the
/// vendor's default.
pub fn window_arg(value: f64, what: &str) -> Result<Option<i64>, JsValue> {
    if value.is_nan() {
        Ok(None)
    } else {
        int_arg(value, what).map(Some)
    }
}

fn timestamp_arg(value: Option<&str>) -> Result<Option<TimestampMeaning>, JsValue> {
    match value {
        None | Some("") => Ok(None),
        Some(t) => TimestampMeaning::parse(t)
            .map(Some)
            .ok_or_else(|| arg_error("timestamp must be \"expiry\" or \"sent\"")),
    }
}

/// A JS number of milliseconds/seconds as an `i64` (truncated; must be finite).
pub fn int_arg(value: f64, what: &str) -> Result<i64, JsValue> {
    if value.is_finite() {
        // `as` saturates at the i64 range.
        Ok(value.trunc() as i64)
    } else {
        Err(arg_error(&format!("{what} must be a finite number")))
    }
}

fn sign_order(order: &str) -> Result<Option<SignOrder>, JsValue> {
    match order {
        "" => Ok(None),
        "key_first" => Ok(Some(SignOrder::KeyFirst)),
        "time_first" => Ok(Some(SignOrder::TimeFirst)),
        _ => Err(arg_error(
            "signOrder must be \"key_first\" or \"time_first\"",
        )),
    }
}

/// Splits the flat `name\0value\0…` header list into pairs (a trailing odd name is ignored).
pub fn split_headers(flat: &str) -> Vec<(&str, &str)> {
    if flat.is_empty() {
        return Vec::new();
    }
    let mut parts = flat.split(HEADER_SEPARATOR);
    let mut out = Vec::new();
    while let (Some(k), Some(v)) = (parts.next(), parts.next()) {
        out.push((k, v));
    }
    out
}

/// Everything `verifyCallback` needs besides the body.
struct VerifyArgs<'a> {
    vendor: &'a str,
    headers: &'a str,
    key: &'a str,
    callback_url: &'a str,
    now_ms: f64,
    tolerance_seconds: f64,
    sign_order: &'a str,
    source: &'a str,
    timestamp: Option<&'a str>,
}

/// The source's verification settings from the raw arguments (unset → vendor default).
fn source_key(
    key: &str,
    callback_url: &str,
    window: Option<i64>,
    order: &str,
    timestamp: Option<&str>,
) -> Result<SourceKey, JsValue> {
    let mut k = SourceKey::new(key).with_callback_url(callback_url);
    if let Some(w) = window {
        k = k.with_window_seconds(w);
    }
    if let Some(o) = sign_order(order)? {
        k = k.with_sign_order(o);
    }
    if let Some(t) = timestamp_arg(timestamp)? {
        k = k.with_timestamp(t);
    }
    Ok(k)
}

fn verify_impl(body: &[u8], a: &VerifyArgs<'_>) -> Result<String, JsValue> {
    let vendor = parse_vendor(a.vendor)?;
    let now_ms = int_arg(a.now_ms, "now")?;
    let window = window_arg(a.tolerance_seconds, "windowSeconds")?;
    let key = source_key(a.key, a.callback_url, window, a.sign_order, a.timestamp)?;
    let headers = split_headers(a.headers);
    let cb = verify_callback(
        vendor,
        &key,
        &Request::new(body).with_headers(&headers),
        now_ms,
    )
    .map_err(verify_error)?;
    Ok(cb.normalize(a.source, now_ms).to_json())
}

/// Verifies a callback whose body is a JS string; returns the normalized event as JSON.
///
/// `headers` is the flat `name\0value\0…` list; `now_ms` is Unix milliseconds;
/// `tolerance_seconds` is the send-time window (`NaN`: the vendor default); `sign_order` is
/// `""` (vendor default), `"key_first"` or `"time_first"`; `timestamp` is `undefined`/`""`
/// (vendor default), `"expiry"` or `"sent"` (the Live vendors).
#[allow(clippy::too_many_arguments)]
#[wasm_bindgen(js_name = verifyCallbackStr)]
pub fn verify_callback_str(
    vendor: &str,
    body: &str,
    headers: &str,
    key: &str,
    callback_url: &str,
    now_ms: f64,
    tolerance_seconds: f64,
    sign_order: &str,
    source: &str,
    timestamp: Option<String>,
) -> Result<String, JsValue> {
    let args = VerifyArgs {
        vendor,
        headers,
        key,
        callback_url,
        now_ms,
        tolerance_seconds,
        sign_order,
        source,
        timestamp: timestamp.as_deref(),
    };
    verify_impl(body.as_bytes(), &args)
}

/// [`verify_callback_str`] for a body given as bytes (`Uint8Array`, Node `Buffer`).
#[allow(clippy::too_many_arguments)]
#[wasm_bindgen(js_name = verifyCallbackBytes)]
pub fn verify_callback_bytes(
    vendor: &str,
    body: &[u8],
    headers: &str,
    key: &str,
    callback_url: &str,
    now_ms: f64,
    tolerance_seconds: f64,
    sign_order: &str,
    source: &str,
    timestamp: Option<String>,
) -> Result<String, JsValue> {
    let args = VerifyArgs {
        vendor,
        headers,
        key,
        callback_url,
        now_ms,
        tolerance_seconds,
        sign_order,
        source,
        timestamp: timestamp.as_deref(),
    };
    verify_impl(body, &args)
}

fn normalize_impl(
    vendor: &str,
    body: &[u8],
    source: &str,
    received_at_ms: f64,
) -> Result<String, JsValue> {
    let vendor = parse_vendor(vendor)?;
    let received = int_arg(received_at_ms, "receivedAt")?;
    let cb = parse_callback(vendor, body).map_err(verify_error)?;
    Ok(cb.normalize(source, received).to_json())
}

/// Normalizes a callback body (a JS string) **without** verifying it; JSON result.
#[wasm_bindgen(js_name = normalizeStr)]
pub fn normalize_str(
    vendor: &str,
    body: &str,
    source: &str,
    received_at_ms: f64,
) -> Result<String, JsValue> {
    normalize_impl(vendor, body.as_bytes(), source, received_at_ms)
}

/// [`normalize_str`] for a body given as bytes.
#[wasm_bindgen(js_name = normalizeBytes)]
pub fn normalize_bytes(
    vendor: &str,
    body: &[u8],
    source: &str,
    received_at_ms: f64,
) -> Result<String, JsValue> {
    normalize_impl(vendor, body, source, received_at_ms)
}

/// Signs a body as the vendor would at `now_ms`; returns `{"body": "...", "headers": {...}}`.
/// An expiry timestamp is set `ttl_seconds` after now, a send-time timestamp is now;
/// `sign_order` / `timestamp` override the vendor's defaults as in [`verify_callback_str`].
#[allow(clippy::too_many_arguments)]
#[wasm_bindgen(js_name = signCallback)]
pub fn sign_callback_raw(
    vendor: &str,
    body: &str,
    key: &str,
    now_ms: f64,
    callback_url: &str,
    user: &str,
    ttl_seconds: f64,
    sign_order: &str,
    timestamp: Option<String>,
) -> Result<String, JsValue> {
    let vendor = parse_vendor(vendor)?;
    let now_ms = int_arg(now_ms, "now")?;
    let ttl = int_arg(ttl_seconds, "ttlSeconds")?;
    let key = source_key(key, callback_url, None, sign_order, timestamp.as_deref())?;
    let signed =
        sign_callback(vendor, &key, body.as_bytes(), now_ms, user, ttl).map_err(verify_error)?;
    let headers: Map<String, Value> = signed
        .headers
        .into_iter()
        .map(|(k, v)| (String::from(k), Value::String(v)))
        .collect();
    let body =
        String::from_utf8(signed.body).map_err(|_| verify_error(VerifyError::MalformedPayload))?;
    Ok(json!({ "body": body, "headers": headers }).to_string())
}

/// Validates a callback config (JSON text) as the vendor API would; returns
/// `{"ok": bool, "errors": [...], "response"?: {...}}` as JSON.
///
/// `current_json` (Baidu only) is the stored config the patch merges into.
#[wasm_bindgen(js_name = validateConfig)]
pub fn validate_config(
    vendor: &str,
    config_json: &str,
    current_json: Option<String>,
    request_id: &str,
    allow_loopback: bool,
) -> Result<String, JsValue> {
    let vendor = parse_vendor(vendor)?;
    let config: Value =
        serde_json::from_str(config_json).map_err(|_| arg_error(NOT_JSON_CONFIG))?;
    let current: Option<Value> = match current_json {
        Some(text) => Some(serde_json::from_str(&text).map_err(|_| arg_error(NOT_JSON_CURRENT))?),
        None => None,
    };
    let policy = UrlPolicy { allow_loopback };
    let report = validate::validate(vendor, &config, current.as_ref(), &policy, request_id);
    let mut out = Map::new();
    out.insert("ok".into(), Value::Bool(report.is_ok()));
    out.insert(
        "errors".into(),
        Value::Array(
            report
                .errors
                .iter()
                .map(|e| {
                    json!({ "field": e.field, "code": e.code, "message": e.message, "status": e.status })
                })
                .collect(),
        ),
    );
    if let Some(response) = report.response {
        out.insert("response".into(), response);
    }
    Ok(Value::Object(out).to_string())
}

/// The vendor registration (what every vendor is, from the core's registry) as JSON:
/// `[{id, name, signature: {location: "body"|"headers", headers: [...], fields: [...],
/// signed, timestamp: "expiry"|"sent", defaultWindowSeconds, coversBody},
/// requiresCallbackUrl, options: [{name, option, description}], reply: {successStatus,
/// timeoutMs, retry}, eventTypes: [{vendorType, type}], samples: [{vendorType, body,
/// source}], configApi, configFields: [{path, description}]}, …]`. `headers` lists the
/// header names a header-signing vendor needs passed (empty for body-signing vendors);
/// `option` is the npm option name (camelCase) of a source option.
#[wasm_bindgen(js_name = vendorInfo)]
pub fn vendor_info() -> String {
    Value::Array(Vendor::ALL.iter().map(|v| vendor_info_json(*v)).collect()).to_string()
}

fn camel(snake: &str) -> String {
    let mut out = String::with_capacity(snake.len());
    let mut upper = false;
    for c in snake.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// One vendor of [`vendor_info`].
pub fn vendor_info_json(v: Vendor) -> Value {
    let i = v.info();
    let sig = &i.signature;
    let headers: &[&str] = match sig.location {
        SignatureLocation::Headers => sig.fields,
        SignatureLocation::Body => &[],
    };
    json!({
        "id": v.as_str(),
        "name": i.name,
        "signature": {
            "location": match sig.location {
                SignatureLocation::Body => "body",
                SignatureLocation::Headers => "headers",
            },
            "headers": headers,
            "fields": sig.fields,
            "signed": sig.signed,
            "timestamp": sig.timestamp.as_str(),
            "defaultWindowSeconds": sig.default_window_seconds,
            "coversBody": sig.covers_body,
        },
        "requiresCallbackUrl": i.requires_callback_url,
        "options": i.options.iter().map(|o| json!({
            "name": o.name, "option": camel(o.name), "description": o.description,
        })).collect::<Vec<_>>(),
        "reply": {
            "successStatus": i.reply.success_status,
            "timeoutMs": i.reply.timeout_ms,
            "retry": i.reply.retry,
        },
        "eventTypes": i.event_types.iter().map(|t| json!({
            "vendorType": t.vendor_type, "type": t.shared,
        })).collect::<Vec<_>>(),
        "samples": i.samples.iter().map(|s| json!({
            "vendorType": s.vendor_type, "body": s.body, "source": s.source,
        })).collect::<Vec<_>>(),
        "configApi": i.config_api,
        "configFields": i.config_fields.iter().map(|f| json!({
            "path": f.path, "description": f.description,
        })).collect::<Vec<_>>(),
    })
}

/// Standard Webhooks v1 signer/verifier (one or more secrets during rotation).
#[wasm_bindgen(js_name = RawWebhook)]
pub struct RawWebhook {
    inner: Webhook,
}

/// The status code of the Standard Webhooks hot path: `0` ok, else `1 + index` in
/// [`VerifyError::ALL`].
pub fn status_code(r: Result<(), VerifyError>) -> u32 {
    match r {
        Ok(()) => 0,
        Err(e) => VerifyError::ALL
            .iter()
            .position(|x| *x == e)
            .map_or(u32::MAX, |i| i as u32 + 1),
    }
}

#[wasm_bindgen(js_class = RawWebhook)]
impl RawWebhook {
    /// `secrets`: one or more `whsec_…` secrets separated by `\n`.
    #[wasm_bindgen(constructor)]
    pub fn new(secrets: &str, tolerance_seconds: f64) -> Result<RawWebhook, JsValue> {
        let list: Vec<&str> = secrets.split('\n').collect();
        let tolerance = int_arg(tolerance_seconds, "toleranceSeconds")?;
        let inner = Webhook::new(&list)
            .map_err(|e| arg_error(&format!("invalid Standard Webhooks secret: {e}")))?
            .with_tolerance_seconds(tolerance);
        Ok(RawWebhook { inner })
    }

    /// The `webhook-signature` header value for a string body.
    #[wasm_bindgen(js_name = signStr)]
    pub fn sign_str(
        &self,
        id: &str,
        timestamp_seconds: f64,
        body: &str,
    ) -> Result<String, JsValue> {
        let ts = int_arg(timestamp_seconds, "timestamp")?;
        Ok(self.inner.sign(id, ts, body.as_bytes()))
    }

    /// The `webhook-signature` header value for a byte body.
    #[wasm_bindgen(js_name = signBytes)]
    pub fn sign_bytes(
        &self,
        id: &str,
        timestamp_seconds: f64,
        body: &[u8],
    ) -> Result<String, JsValue> {
        let ts = int_arg(timestamp_seconds, "timestamp")?;
        Ok(self.inner.sign(id, ts, body))
    }

    /// Verifies a string body. Absent headers are passed as `undefined`. Returns a status
    /// code (see [`status_code`]); `now_seconds` is Unix seconds.
    #[wasm_bindgen(js_name = verifyStr)]
    pub fn verify_str(
        &self,
        body: &str,
        id: Option<String>,
        timestamp: Option<String>,
        signature: Option<String>,
        now_seconds: f64,
    ) -> u32 {
        self.verify(body.as_bytes(), id, timestamp, signature, now_seconds)
    }

    /// [`RawWebhook::verify_str`] for a byte body.
    #[wasm_bindgen(js_name = verifyBytes)]
    pub fn verify_bytes(
        &self,
        body: &[u8],
        id: Option<String>,
        timestamp: Option<String>,
        signature: Option<String>,
        now_seconds: f64,
    ) -> u32 {
        self.verify(body, id, timestamp, signature, now_seconds)
    }
}

impl RawWebhook {
    fn verify(
        &self,
        body: &[u8],
        id: Option<String>,
        timestamp: Option<String>,
        signature: Option<String>,
        now_seconds: f64,
    ) -> u32 {
        // A non-finite clock cannot be inside any window.
        let now = if now_seconds.is_finite() {
            now_seconds.trunc() as i64
        } else {
            i64::MIN
        };
        let headers = Headers {
            id: id.as_deref(),
            timestamp: timestamp.as_deref(),
            signature: signature.as_deref(),
        };
        status_code(self.inner.verify(&headers, body, now))
    }

    /// The wrapped core verifier (for Rust callers and tests).
    pub fn webhook(&self) -> &Webhook {
        &self.inner
    }
}

/// Encodes key bytes as a `whsec_` secret.
#[wasm_bindgen(js_name = encodeSecret)]
pub fn encode_secret(key: &[u8]) -> String {
    standard_webhooks::encode_secret(key)
}

/// The error taxonomy in status-code order (`status - 1` indexes it), as JSON:
/// `[["missing", "<message>"], …]`.
#[wasm_bindgen(js_name = errorKinds)]
pub fn error_kinds() -> String {
    Value::Array(
        VerifyError::ALL
            .iter()
            .map(|e| json!([e.kind(), e.message()]))
            .collect(),
    )
    .to_string()
}
