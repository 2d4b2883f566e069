//! The typed messages between the worker and its Durable Objects (and the queue message):
//! one request struct and one response struct per operation, and the state enums. Both
//! sides use these types; nothing is matched as text.
//!
//! Transport: the worker POSTs the JSON of a request to `https://<object>/<op>` on the
//! object's stub ([`call`]); the object answers 200 with the JSON of the response, or a
//! non-200 status (an infrastructure failure: the caller retries or answers 503).

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;

// ---------------------------------------------------------------------------------------
// States.

/// An event's overall delivery state (over its push destinations).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventState {
    /// Some destination is still to be attempted.
    Pending,
    /// Every destination took it (or stopped it with 410).
    Delivered,
    /// Nothing is pending and at least one destination gave up: replayable.
    Dead,
}

impl EventState {
    /// The stored/API spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            EventState::Pending => "pending",
            EventState::Delivered => "delivered",
            EventState::Dead => "dead",
        }
    }
    /// Parses the stored spelling.
    pub fn parse(s: &str) -> Option<EventState> {
        match s {
            "pending" => Some(EventState::Pending),
            "delivered" => Some(EventState::Delivered),
            "dead" => Some(EventState::Dead),
            _ => None,
        }
    }
}

/// One (event, destination) pair's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryState {
    /// To be attempted (at `next_at`).
    Pending,
    /// A 2xx was received.
    Delivered,
    /// The destination answered 410 Gone: no more attempts.
    Stopped,
    /// Out of attempts, or the destination is no longer configured: replayable.
    Dead,
}

impl DeliveryState {
    /// The stored/API spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryState::Pending => "pending",
            DeliveryState::Delivered => "delivered",
            DeliveryState::Stopped => "stopped",
            DeliveryState::Dead => "dead",
        }
    }
}

/// What one POST to a destination came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AttemptOutcome {
    /// 2xx.
    Delivered,
    /// 410 Gone: the destination asks for no more deliveries.
    Stopped,
    /// The destination is no longer configured.
    Gone,
    /// Anything else (other status, network error, timeout): retried.
    Failed,
}

// ---------------------------------------------------------------------------------------
// The accepted callback and the queue message.

/// An event with what storing it needs.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Admit {
    /// Normalized type.
    #[serde(rename = "type")]
    pub event_type: String,
    /// The vendor's own type name.
    pub vendor_type: String,
    /// Resource the event is about, if any.
    pub subject: Option<String>,
    /// URLs of the push destinations matching the event.
    pub dests: Vec<String>,
    /// When the edge received the callback (Unix ms).
    pub received_at: i64,
    /// Unique per accepted callback (CSPRNG), stored with the event: tells a retry of one
    /// message (same nonce) from a vendor retry of the same event (another nonce).
    pub nonce: String,
    /// The normalized event JSON.
    pub event: String,
}

/// An accepted callback, serialized once by the edge: the body of the store's `ingest` and of
/// the pull queue's `push`; it also reads as a [`QueueMsg`] carrying its event.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct IngestReq {
    /// Source name.
    pub source: String,
    /// Event id.
    pub id: String,
    /// Whether the event also goes to the source's `PullQueue` (pull delivery).
    #[serde(default)]
    pub pull: bool,
    /// The event.
    pub admit: Admit,
}

/// A queue message: which event of which source to work on (optionally carrying the event).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct QueueMsg {
    /// Source name.
    pub source: String,
    /// Event id.
    pub id: String,
    /// A carried event, not stored yet.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub admit: Option<Admit>,
}

// ---------------------------------------------------------------------------------------
// EventStore operations.

/// Answer of `ingest`. An infrastructure failure is a non-200 answer instead.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IngestOutcome {
    /// Stored now (or by an earlier try of the same queue message: same nonce), with every
    /// step still to do recorded next to it; the shard's alarm is set.
    Accepted,
    /// Already stored (a vendor retry): counted.
    Duplicate,
}

/// Body of `wake`: run the shard's due work now (the queue only wakes; the store is the truth).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct WakeReq {
    /// Source name.
    pub source: String,
}

/// Answer of `wake` and `test-faults`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Done {
    /// Always true.
    pub ok: bool,
}

/// Body of `quarantine`: a queue message that does not parse, kept (never dropped).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct QuarantineReq {
    /// The queue it came from.
    pub queue: String,
    /// The message body as received (JSON text, or the JS value's string form).
    pub body: String,
}

/// Body of the answer of `ingest`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct IngestResp {
    /// What happened.
    pub outcome: IngestOutcome,
}

/// One attempt's result (a POST to a destination, or a pull-queue push).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AttemptResult {
    /// Destination URL.
    pub url: String,
    /// What the attempt came to.
    pub outcome: AttemptOutcome,
    /// HTTP status, if a response came.
    pub status: Option<u16>,
    /// What went wrong (no secrets).
    pub error: Option<String>,
    /// The destination's `Retry-After` (seconds).
    pub retry_after: Option<u32>,
}

/// Body of `get` and `replay`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct EventRef {
    /// Event id.
    pub id: String,
    /// Source name.
    pub source: String,
}

/// Answer of `get`: the admin API's event view (with its `event`), if stored.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct GetResp {
    /// The event, if stored.
    pub event: Option<Value>,
}

/// A position in a listing: (received_at ms, event id). Written `"<ms>.<id>"` in the API.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cursor {
    /// Unix ms the event was received.
    pub at: i64,
    /// Event id.
    pub id: String,
}

impl Cursor {
    /// The API form, `"<ms>.<id>"`.
    pub fn to_param(&self) -> String {
        format!("{}.{}", self.at, self.id)
    }
    /// Parses the API form.
    pub fn parse(s: &str) -> Option<Cursor> {
        let (at, id) = s.split_once('.')?;
        if id.is_empty() || at.is_empty() || !at.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        Some(Cursor {
            at: at.parse().ok()?,
            id: id.into(),
        })
    }
}

/// Body of `list`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ListReq {
    /// Source name.
    pub source: String,
    /// Only events in this state.
    pub status: Option<EventState>,
    /// At most this many.
    pub limit: i64,
    /// Only events listed after this position (newest first: older ones).
    #[serde(default)]
    pub before: Option<Cursor>,
}

/// Answer of `list`: admin API event views, newest first.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ListResp {
    /// Event views.
    pub events: Vec<Value>,
}

/// Answer of `replay`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReplayOutcome {
    /// No such event.
    NotFound,
    /// Queued for delivery again.
    Queued,
    /// No destination takes it.
    NothingToDeliver,
    /// Could not be queued: retry.
    Unavailable,
}

/// Body of the answer of `replay`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ReplayResp {
    /// What happened.
    pub outcome: ReplayOutcome,
    /// Destinations left alone because an attempt is in flight right now (its outcome
    /// stands; a replay never starts a second concurrent POST).
    #[serde(default)]
    pub in_flight: u32,
}

/// Body of `replay-dead`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ReplayDeadReq {
    /// Source name.
    pub source: String,
    /// Only events whose type matches this pattern.
    #[serde(rename = "type")]
    pub type_pattern: Option<String>,
    /// At most this many.
    pub limit: i64,
    /// Only dead events after this position (oldest first: newer ones), so that a pass goes
    /// on past events that died again at once.
    #[serde(default)]
    pub after: Option<Cursor>,
}

/// Answer of `replay-dead`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ReplayDeadResp {
    /// Ids queued again.
    pub replayed: Vec<String>,
    /// How many could not be queued.
    pub failed: u32,
    /// Whether more dead events match.
    pub more: bool,
    /// The position of the last replayed event (where the next call goes on).
    #[serde(default)]
    pub last: Option<Cursor>,
}

/// Answer of `quarantined`: kept queue messages that did not parse.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct QuarantineList {
    /// Oldest first: `{"seq", "queue", "received_at", "body"}`.
    pub messages: Vec<Value>,
}

// ---------------------------------------------------------------------------------------
// PullQueue operations.

/// Answer of `push`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PushResp {
    /// Always true when the object answered 200: the event is stored.
    pub stored: bool,
}

/// Body of `pull`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PullReq {
    /// Source name.
    pub source: String,
    /// At most this many events.
    pub max: i64,
    /// Long-poll up to this long (ms).
    pub wait_ms: i64,
}

/// One pulled event.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Pulled {
    /// Confirm with this.
    pub handle: String,
    /// The normalized event.
    pub event: Value,
}

/// Answer of `pull`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PullResp {
    /// Oldest first.
    pub events: Vec<Pulled>,
}

/// Body of `confirm`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ConfirmReq {
    /// Source name.
    pub source: String,
    /// Handles from pulls.
    pub handles: Vec<String>,
}

/// One handle's confirmation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConfirmOutcome {
    /// Removed now.
    Confirmed,
    /// Confirmed before.
    AlreadyConfirmed,
    /// Past its visibility timeout (maybe re-leased).
    Expired,
    /// Never issued.
    Unknown,
}

impl ConfirmOutcome {
    /// The API spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            ConfirmOutcome::Confirmed => "confirmed",
            ConfirmOutcome::AlreadyConfirmed => "already_confirmed",
            ConfirmOutcome::Expired => "expired",
            ConfirmOutcome::Unknown => "unknown",
        }
    }
}

/// One handle's result.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ConfirmResult {
    /// The handle as given.
    pub handle: String,
    /// What happened.
    pub outcome: ConfirmOutcome,
}

/// Answer of `confirm`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ConfirmResp {
    /// One per handle, in order.
    pub results: Vec<ConfirmResult>,
    /// How many were confirmed now.
    pub confirmed: u32,
    /// How many were not.
    pub failed: u32,
}

/// Body of `state`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StateReq {
    /// Source name.
    pub source: String,
}

/// Answer of `state`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StateResp {
    /// Visible, unconfirmed events.
    pub pending: i64,
    /// Pulled, within their visibility timeout.
    pub in_flight: i64,
    /// Age of the oldest unconfirmed event (s).
    pub oldest_age_seconds: i64,
}

/// Body of `status`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StatusReq {
    /// Event ids.
    pub ids: Vec<String>,
}

/// Answer of `status`: `{id: {"status", "pulls", "confirmed_at"}}` for ids the queue holds.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StatusResp {
    /// Per event id.
    pub statuses: serde_json::Map<String, Value>,
}

// ---------------------------------------------------------------------------------------
// Transport.

/// Parses the JSON body of an internal request (a Durable Object's side).
pub fn parse<T: DeserializeOwned>(body: &str) -> worker::Result<T> {
    serde_json::from_str(body)
        .map_err(|e| worker::Error::RustError(format!("bad internal request: {e}")))
}

/// Parses JSON that holds a stored event: without serde_json's recursion limit (127 levels),
/// which an accepted callback (up to `mediahook_core::json::MAX_DEPTH`, 128, deep) exceeds
/// once wrapped in its event envelope and in an answer. Only for text the worker wrote
/// itself (a stored event, a Durable Object's answer), whose depth the core bounded at
/// ingest; never for request bodies.
pub fn from_stored_text<T: DeserializeOwned>(text: &str) -> serde_json::Result<T> {
    let mut de = serde_json::Deserializer::from_str(text);
    de.disable_recursion_limit();
    let v = T::deserialize(&mut de)?;
    de.end()?;
    Ok(v)
}

/// Serializes a value for the wire.
pub fn to_text<T: Serialize>(v: &T) -> worker::Result<String> {
    serde_json::to_string(v).map_err(|e| worker::Error::RustError(e.to_string()))
}

/// Calls operation `op` (e.g. `/ingest`) of the Durable Object `name` of `binding` with a
/// JSON body and decodes its answer. Any non-200 answer is an `Err`.
///
/// A thin FFI call (the stub's `fetch(url, init)` and the answer's `text()`, one promise
/// each): `worker::Stub::fetch_with_request` wraps the answer's body in a Rust stream and
/// reads it chunk by chunk, which cost more CPU than the whole store operation.
pub async fn call_text<R: DeserializeOwned>(
    env: &worker::Env,
    binding: &str,
    name: &str,
    op: &str,
    body: String,
) -> worker::Result<R> {
    use wasm_bindgen::{JsCast, JsValue};
    use worker::wasm_bindgen_futures::JsFuture;
    let stub: raw::Stub = env.durable_object(binding)?.get_by_name(name)?.into_rpc();
    let init = worker::web_sys::RequestInit::new();
    init.set_method("POST");
    init.set_body(&JsValue::from_str(&body));
    let url = format!("https://{}{op}", binding.to_lowercase());
    let resp: worker::web_sys::Response =
        JsFuture::from(stub.fetch(&url, &init)?).await?.dyn_into()?;
    let text = JsFuture::from(resp.text()?)
        .await?
        .as_string()
        .unwrap_or_default();
    if resp.status() != 200 {
        return Err(worker::Error::RustError(format!(
            "{binding} {op}: HTTP {}: {text}",
            resp.status()
        )));
    }
    from_stored_text(&text)
        .map_err(|e| worker::Error::RustError(format!("{binding} {op}: bad answer: {e}")))
}

/// The one binding [`call_text`] needs beyond `worker`'s: a stub's `fetch(url, init)`.
mod raw {
    use wasm_bindgen::prelude::*;

    #[wasm_bindgen]
    extern "C" {
        /// A Durable Object stub (`DurableObjectStub`).
        pub type Stub;

        /// `stub.fetch(url, init)`: a promise of the object's `Response`.
        #[wasm_bindgen(method, catch)]
        pub fn fetch(
            this: &Stub,
            url: &str,
            init: &worker::web_sys::RequestInit,
        ) -> Result<worker::js_sys::Promise, JsValue>;
    }
}

/// [`call_text`] with a typed request.
pub async fn call<Q: Serialize, R: DeserializeOwned>(
    env: &worker::Env,
    binding: &str,
    name: &str,
    op: &str,
    req: &Q,
) -> worker::Result<R> {
    call_text(env, binding, name, op, to_text(req)?).await
}

/// A Durable Object's 200 answer with a typed response.
/// (No content type: only [`call`] reads it, and knows it is JSON.)
pub fn answer<T: Serialize>(v: &T) -> worker::Result<worker::Response> {
    worker::Response::ok(to_text(v)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_ingest_request_reads_as_the_queue_message_carrying_its_event() {
        let req = IngestReq {
            source: "s".into(),
            id: "evt_1".into(),
            pull: false,
            admit: Admit {
                event_type: "media.upload.completed".into(),
                vendor_type: "NewFileUpload".into(),
                subject: Some("f1".into()),
                dests: vec!["https://origin.example.com/h".into()],
                received_at: 1,
                nonce: "n1".into(),
                event: r#"{"id":"evt_1"}"#.into(),
            },
        };
        let text = serde_json::to_string(&req).unwrap();
        let msg: QueueMsg = serde_json::from_str(&text).unwrap();
        assert_eq!((msg.source.as_str(), msg.id.as_str()), ("s", "evt_1"));
        let admit = msg.admit.unwrap();
        assert_eq!(admit.nonce, "n1");
        assert_eq!(admit.event, r#"{"id":"evt_1"}"#);
        assert_eq!(admit.dests, req.admit.dests);
    }

    #[test]
    fn states_spell_as_stored() {
        assert_eq!(
            serde_json::to_string(&EventState::Dead).unwrap(),
            "\"dead\""
        );
        assert_eq!(EventState::parse("pending"), Some(EventState::Pending));
        assert_eq!(EventState::parse("x"), None);
        let c = Cursor::parse("17.evt_a.b").unwrap();
        assert_eq!((c.at, c.id.as_str()), (17, "evt_a.b"));
        assert_eq!(Cursor::parse(&c.to_param()), Some(c));
        assert_eq!(Cursor::parse("x.evt"), None);
        assert_eq!(Cursor::parse("17."), None);
    }
}
