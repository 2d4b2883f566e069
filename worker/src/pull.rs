//! Pull delivery (reliable callbacks for every vendor): a source with a `pull` section keeps
//! its accepted events in a [`PullQueue`] Durable Object (SQLite storage), one per source, in
//! arrival order, for clients that cannot accept inbound requests:
//!
//! * `POST /v1/sources/{source}/events:pull` `{"max": 1..16, "wait_seconds": 0..10}` — long-poll;
//!   pulled events are invisible for the visibility timeout, then pullable again.
//! * `POST /v1/sources/{source}/events:confirm` `{"handles": [...]}` — removes them; each handle
//!   gets its own outcome (`confirmed`, `already_confirmed`, `expired`, `unknown`).
//! * `GET /v1/sources/{source}/events:state` — `{"pending", "in_flight", "oldest_age_seconds"}`.
//! * `POST /v1/sources/{source}/tencent/PullEvents|ConfirmEvents` — Tencent VOD's shapes.
//!
//! Auth: the source's pull token as a bearer token (constant-time comparison).
//!
//! The `EventStore` pushes each new event here (after dedupe, before the vendor gets its 200).
//! Long-polls wait inside the Durable Object: a waiting pull is parked in memory and woken by
//! a push (one parked pull per stored event, the longest-parked first), at the latest when an
//! in-flight event's visibility timeout ends, or after a short re-check period; every wake-up
//! re-claims from SQLite with one synchronous `UPDATE … RETURNING`, so two pulls never receive
//! the same in-flight event. An alarm removes events older than the retention.

use std::cell::{Cell, RefCell};
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context as TaskContext, Poll, Waker};

use futures_util::future::select;
use serde::Deserialize;
use serde_json::{json, Map, Value};
use worker::*;

use crate::config::{PULL_RETENTION_DEFAULT_S, PULL_VISIBILITY_DEFAULT_S};
use crate::store::{parse, IngestReq, Sql};
use crate::Log;

/// Durable Object binding name (wrangler.toml).
pub const BINDING: &str = "PULL_QUEUE";
/// At most this many events per pull, handles per confirm (Tencent's limit).
pub const MAX_BATCH: usize = 16;
/// Longest long-poll.
pub const MAX_WAIT_SECONDS: i64 = 10;
/// Long-poll when the body does not say.
pub const DEFAULT_WAIT_SECONDS: i64 = 5;
/// Largest accepted pull/confirm request body.
const MAX_REQUEST_BYTES: usize = 64 * 1024;
/// A parked pull re-checks storage at least this often (fallback to the in-memory wake-up).
const RECHECK_MS: i64 = 1_000;

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS pull_events (
  seq INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  type TEXT NOT NULL,
  vendor_type TEXT NOT NULL,
  received_at INTEGER NOT NULL,
  visible_at INTEGER NOT NULL DEFAULT 0,
  lease TEXT,
  pulls INTEGER NOT NULL DEFAULT 0,
  confirmed_at INTEGER,
  body TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS pull_live ON pull_events (seq) WHERE confirmed_at IS NULL;
CREATE INDEX IF NOT EXISTS pull_by_time ON pull_events (received_at);
CREATE TABLE IF NOT EXISTS pull_meta (k TEXT PRIMARY KEY, v TEXT NOT NULL);";

fn now_ms() -> i64 {
    Date::now().as_millis() as i64
}

fn random_hex(n32: usize) -> String {
    (0..n32)
        .map(|_| format!("{:08x}", (js_sys::Math::random() * 4_294_967_296.0) as u32))
        .collect()
}

// ---------------------------------------------------------------------------------------
// A one-shot wake-up for parked pulls (single-threaded: Rc + Cell).

#[derive(Default)]
struct Waiter {
    fired: Cell<bool>,
    waker: RefCell<Option<Waker>>,
}

impl Waiter {
    fn fire(&self) {
        self.fired.set(true);
        if let Some(w) = self.waker.borrow_mut().take() {
            w.wake();
        }
    }
}

struct Wake(Rc<Waiter>);

/// A parked pull's place in the waiters list; leaving it removes it (also when the request's
/// future is dropped), so a push never wakes a pull that has ended.
struct Parked<'a> {
    list: &'a RefCell<Vec<Rc<Waiter>>>,
    me: Rc<Waiter>,
}

impl Drop for Parked<'_> {
    fn drop(&mut self) {
        self.list.borrow_mut().retain(|w| !Rc::ptr_eq(w, &self.me));
    }
}

impl Future for Wake {
    type Output = ();
    fn poll(self: Pin<&mut Self>, cx: &mut TaskContext<'_>) -> Poll<()> {
        if self.0.fired.get() {
            Poll::Ready(())
        } else {
            *self.0.waker.borrow_mut() = Some(cx.waker().clone());
            Poll::Pending
        }
    }
}

// ---------------------------------------------------------------------------------------
// The Durable Object.

#[durable_object(alarm)]
pub struct PullQueue {
    state: State,
    env: Env,
    sql: SqlStorage,
    /// Parked long-polls, woken by a push.
    waiters: RefCell<Vec<Rc<Waiter>>>,
    /// Whether the retention alarm is known to be set.
    alarm_set: Cell<bool>,
    /// Whether the source name was written to `pull_meta` by this instance.
    named: Cell<bool>,
}

#[derive(Deserialize)]
struct PullReq {
    source: String,
    max: i64,
    wait_ms: i64,
}

#[derive(Deserialize)]
struct ConfirmReq {
    source: String,
    handles: Vec<String>,
}

#[derive(Deserialize)]
struct Claimed {
    seq: i64,
    body: String,
}

impl DurableObject for PullQueue {
    fn new(state: State, env: Env) -> Self {
        let sql = state.storage().sql();
        if let Err(e) = sql.exec(SCHEMA, None) {
            console_error!("{}", json!({"at": "pull", "error": format!("schema: {e}")}));
        }
        PullQueue {
            state,
            env,
            sql,
            waiters: RefCell::new(Vec::new()),
            alarm_set: Cell::new(false),
            named: Cell::new(false),
        }
    }

    async fn fetch(&self, mut req: Request) -> Result<Response> {
        let path = req.path();
        let body = req.text().await?;
        let out = match path.as_str() {
            "/push" => self.push(&body).await,
            "/pull" => self.pull(&body).await,
            "/confirm" => self.confirm(&body),
            "/state" => self.state_of(&body),
            "/status" => self.statuses(&body),
            _ => return Response::error("unknown pull operation", 404),
        };
        match out {
            Ok(text) => {
                let headers = Headers::new();
                headers.set("content-type", "application/json")?;
                Ok(Response::ok(text)?.with_headers(headers))
            }
            Err(e) => Response::error(format!("pull queue: {e}"), 500),
        }
    }

    async fn alarm(&self) -> Result<Response> {
        if let Err(e) = self.expire().await {
            console_error!("{}", json!({"at": "pull.alarm", "error": e.to_string()}));
            // Try again later rather than never.
            self.state.storage().set_alarm(60_000i64).await?;
        }
        Response::ok("ok")
    }
}

impl Sql for PullQueue {
    fn sql(&self) -> &SqlStorage {
        &self.sql
    }
}

impl PullQueue {
    /// (visibility timeout, retention) of a source, in ms, from the current configuration.
    fn settings(&self, source: &str) -> (i64, i64) {
        let cfg = crate::current_config(&self.env);
        let pull = cfg
            .as_ref()
            .as_ref()
            .ok()
            .and_then(|c| c.source(source))
            .and_then(|s| s.pull.as_ref());
        let (vis, ret) = pull
            .map(|p| (p.visibility_timeout_seconds, p.retention_seconds))
            .unwrap_or((PULL_VISIBILITY_DEFAULT_S, PULL_RETENTION_DEFAULT_S));
        (i64::from(vis) * 1000, i64::from(ret) * 1000)
    }

    fn remember_source(&self, source: &str) -> Result<()> {
        if !self.named.get() {
            self.exec(
                "INSERT OR REPLACE INTO pull_meta (k, v) VALUES ('source', ?)",
                vec![source.into()],
            )?;
            self.named.set(true);
        }
        Ok(())
    }

    /// Stores a new event (idempotent by event id) and wakes the parked pulls.
    async fn push(&self, body: &str) -> Result<String> {
        let meta: IngestReq = parse(body)?;
        let now = now_ms();
        self.remember_source(&meta.source)?;
        self.exec(
            "INSERT INTO pull_events (id, type, vendor_type, received_at, body)
             VALUES (?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING",
            vec![
                meta.id.as_str().into(),
                meta.admit.event_type.as_str().into(),
                meta.admit.vendor_type.as_str().into(),
                now.into(),
                meta.admit.event.as_str().into(),
            ],
        )?;
        // Wake the longest-parked pull: it re-claims from storage (taking every visible event
        // up to its `max`), so no event is handed out twice; the next push wakes the next one.
        let first = {
            let mut waiters = self.waiters.borrow_mut();
            (!waiters.is_empty()).then(|| waiters.remove(0))
        };
        if let Some(w) = first {
            w.fire();
        }
        if !self.alarm_set.get() {
            let (_, retention_ms) = self.settings(&meta.source);
            let storage = self.state.storage();
            if storage.get_alarm().await?.is_none() {
                storage.set_alarm(retention_ms.max(1_000)).await?;
            }
            self.alarm_set.set(true);
        }
        Ok(r#"{"outcome":"stored"}"#.into())
    }

    /// Leases up to `max` visible events, oldest first.
    fn claim(&self, max: i64, now: i64, visibility_ms: i64) -> Result<String> {
        let lease = random_hex(2);
        let mut got: Vec<Claimed> = self.rows(
            "UPDATE pull_events SET visible_at = ?, lease = ?, pulls = pulls + 1
             WHERE seq IN (SELECT seq FROM pull_events WHERE confirmed_at IS NULL AND visible_at <= ?
                           ORDER BY seq LIMIT ?)
             RETURNING seq, body",
            vec![
                (now + visibility_ms).into(),
                lease.as_str().into(),
                now.into(),
                max.into(),
            ],
        )?;
        got.sort_by_key(|c| c.seq);
        let mut out = String::from(r#"{"events":["#);
        for (i, c) in got.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            // The handle is digits, '.' and hex: no escaping needed; the body is JSON.
            out.push_str(&format!(r#"{{"handle":"{}.{lease}","event":"#, c.seq));
            out.push_str(if c.body.is_empty() { "null" } else { &c.body });
            out.push('}');
        }
        out.push_str("]}");
        Ok(out)
    }

    /// Long-poll: returns at once when events are visible, else waits for a push, the end of
    /// an in-flight event's visibility timeout, or the deadline.
    async fn pull(&self, body: &str) -> Result<String> {
        let r: PullReq = parse(body)?;
        let (visibility_ms, _) = self.settings(&r.source);
        let max = r.max.clamp(1, MAX_BATCH as i64);
        let deadline = now_ms() + r.wait_ms.clamp(0, MAX_WAIT_SECONDS * 1000);
        loop {
            let now = now_ms();
            let out = self.claim(max, now, visibility_ms)?;
            if out.len() > r#"{"events":[]}"#.len() || now >= deadline {
                return Ok(out);
            }
            #[derive(Deserialize)]
            struct Next {
                at: Option<i64>,
            }
            let next: Vec<Next> = self.rows(
                "SELECT MIN(visible_at) AS at FROM pull_events WHERE confirmed_at IS NULL AND visible_at > ?",
                vec![now.into()],
            )?;
            let mut until = deadline.min(now + RECHECK_MS);
            if let Some(at) = next.first().and_then(|n| n.at) {
                until = until.min(at);
            }
            let parked = Parked {
                list: &self.waiters,
                me: Rc::new(Waiter::default()),
            };
            self.waiters.borrow_mut().push(parked.me.clone());
            let timer = Delay::from(std::time::Duration::from_millis(
                u64::try_from((until - now).max(1)).unwrap_or(1),
            ));
            select(Box::pin(Wake(parked.me.clone())), Box::pin(timer)).await;
            drop(parked);
        }
    }

    fn confirm(&self, body: &str) -> Result<String> {
        let r: ConfirmReq = parse(body)?;
        self.remember_source(&r.source)?;
        let now = now_ms();
        #[derive(Deserialize)]
        struct Row {
            lease: Option<String>,
            visible_at: i64,
            confirmed_at: Option<i64>,
        }
        let mut results = Vec::with_capacity(r.handles.len());
        let (mut ok, mut failed) = (0u32, 0u32);
        for h in &r.handles {
            let parsed = h
                .split_once('.')
                .and_then(|(seq, lease)| Some((seq.parse::<i64>().ok()?, lease)));
            let outcome = match parsed {
                None => "unknown",
                Some((seq, lease)) => {
                    let row: Vec<Row> = self.rows(
                        "SELECT lease, visible_at, confirmed_at FROM pull_events WHERE seq = ?",
                        vec![seq.into()],
                    )?;
                    match row.first() {
                        None => "unknown",
                        Some(row) if row.lease.as_deref() != Some(lease) => {
                            // Never issued, or re-leased to a later pull after this handle's
                            // visibility timeout ended.
                            if row.lease.is_none() {
                                "unknown"
                            } else {
                                "expired"
                            }
                        }
                        Some(row) if row.confirmed_at.is_some() => "already_confirmed",
                        Some(row) if row.visible_at <= now => "expired",
                        Some(_) => {
                            self.exec(
                                "UPDATE pull_events SET confirmed_at = ?, body = '' WHERE seq = ?",
                                vec![now.into(), seq.into()],
                            )?;
                            "confirmed"
                        }
                    }
                }
            };
            if outcome == "confirmed" {
                ok += 1;
            } else {
                failed += 1;
            }
            results.push(json!({"handle": h, "outcome": outcome}));
        }
        Ok(json!({"results": results, "confirmed": ok, "failed": failed}).to_string())
    }

    fn state_of(&self, _body: &str) -> Result<String> {
        let now = now_ms();
        #[derive(Deserialize)]
        struct Agg {
            pending: Option<i64>,
            in_flight: Option<i64>,
            oldest: Option<i64>,
        }
        let agg: Vec<Agg> = self.rows(
            "SELECT SUM(visible_at <= ?) AS pending, SUM(visible_at > ?) AS in_flight,
                    MIN(received_at) AS oldest
             FROM pull_events WHERE confirmed_at IS NULL",
            vec![now.into(), now.into()],
        )?;
        let a = agg.first();
        let pending = a.and_then(|a| a.pending).unwrap_or(0);
        let in_flight = a.and_then(|a| a.in_flight).unwrap_or(0);
        let oldest = a
            .and_then(|a| a.oldest)
            .map(|t| (now - t).max(0) / 1000)
            .unwrap_or(0);
        Ok(
            json!({"pending": pending, "in_flight": in_flight, "oldest_age_seconds": oldest})
                .to_string(),
        )
    }

    /// The pull side of some events, for the admin API: `{"statuses": {id: {"status", "pulls",
    /// "confirmed_at"}}}` with `status` `pending`, `in_flight` or `confirmed`; ids this queue
    /// does not hold are left out.
    fn statuses(&self, body: &str) -> Result<String> {
        #[derive(Deserialize)]
        struct Req {
            ids: Vec<String>,
        }
        #[derive(Deserialize)]
        struct Row {
            id: String,
            visible_at: i64,
            pulls: i64,
            confirmed_at: Option<i64>,
        }
        let r: Req = parse(body)?;
        let now = now_ms();
        let mut out = Map::new();
        for id in &r.ids {
            let rows: Vec<Row> = self.rows(
                "SELECT id, visible_at, pulls, confirmed_at FROM pull_events WHERE id = ?",
                vec![id.as_str().into()],
            )?;
            for row in rows {
                let status = match row.confirmed_at {
                    Some(_) => "confirmed",
                    None if row.visible_at > now => "in_flight",
                    None => "pending",
                };
                let confirmed_at = row
                    .confirmed_at
                    .map(|ms| mediahook_core::time::rfc3339_from_unix(ms.div_euclid(1000)));
                out.insert(
                    row.id,
                    json!({"status": status, "pulls": row.pulls, "confirmed_at": confirmed_at}),
                );
            }
        }
        Ok(json!({ "statuses": out }).to_string())
    }

    /// The alarm: removes events older than the retention, then sets the alarm for the next
    /// one to expire (none left: no alarm until the next push).
    async fn expire(&self) -> Result<()> {
        #[derive(Deserialize)]
        struct Meta {
            v: String,
        }
        let meta: Vec<Meta> = self.rows("SELECT v FROM pull_meta WHERE k = 'source'", vec![])?;
        let source = meta.into_iter().next().map(|m| m.v).unwrap_or_default();
        let (_, retention_ms) = self.settings(&source);
        let now = now_ms();
        self.exec(
            "DELETE FROM pull_events WHERE received_at <= ?",
            vec![(now - retention_ms).into()],
        )?;
        #[derive(Deserialize)]
        struct Oldest {
            at: Option<i64>,
        }
        let oldest: Vec<Oldest> =
            self.rows("SELECT MIN(received_at) AS at FROM pull_events", vec![])?;
        match oldest.first().and_then(|o| o.at) {
            Some(at) => {
                let storage = self.state.storage();
                storage
                    .set_alarm((at + retention_ms - now).max(1_000))
                    .await?;
                self.alarm_set.set(true);
            }
            None => self.alarm_set.set(false),
        }
        Ok(())
    }
}

// ---------------------------------------------------------------------------------------
// Worker side.

async fn call(env: &Env, source: &str, op: &str, body: String) -> Result<String> {
    let stub = env.durable_object(BINDING)?.get_by_name(source)?;
    let mut init = RequestInit::new();
    init.with_method(Method::Post)
        .with_body(Some(wasm_bindgen::JsValue::from_str(&body)));
    let req = Request::new_with_init(&format!("https://pull-queue{op}"), &init)?;
    let mut resp = stub.fetch_with_request(req).await?;
    let text = resp.text().await.unwrap_or_default();
    if resp.status_code() != 200 {
        return Err(Error::RustError(format!(
            "pull queue {op}: HTTP {}: {text}",
            resp.status_code()
        )));
    }
    Ok(text)
}

/// Called by the `EventStore` for a new event of a pull source (`body`: the ingest body, an
/// [`IngestReq`] as JSON). `Ok` only once the event is stored in the `PullQueue`.
pub(crate) async fn push(env: &Env, source: &str, body: &str) -> Result<()> {
    let out = call(env, source, "/push", body.to_string()).await?;
    if out.contains(r#""outcome":"stored""#) {
        Ok(())
    } else {
        Err(Error::RustError(format!("pull queue push: {out}")))
    }
}

/// Adds `"pull"` to admin API events of a pull source: their state in its `PullQueue`, or
/// `{"status": "absent"}` (not kept for pulling: a type the pull filter leaves out, or removed
/// after `retention_seconds`).
pub(crate) async fn add_pull_status(env: &Env, source: &str, events: &mut [Value]) -> Result<()> {
    if events.is_empty() {
        return Ok(());
    }
    let ids: Vec<&str> = events.iter().filter_map(|e| e["id"].as_str()).collect();
    let out = call(env, source, "/status", json!({ "ids": ids }).to_string()).await?;
    let mut statuses: Value =
        serde_json::from_str(&out).map_err(|e| Error::RustError(format!("pull status: {e}")))?;
    for ev in events.iter_mut() {
        let id = ev["id"].as_str().unwrap_or_default().to_string();
        let status = statuses["statuses"]
            .get_mut(&id)
            .map(Value::take)
            .unwrap_or_else(|| json!({"status": "absent"}));
        if let Some(obj) = ev.as_object_mut() {
            obj.insert("pull".into(), status);
        }
    }
    Ok(())
}

#[derive(Clone, Copy, PartialEq)]
enum Op {
    Pull,
    Confirm,
    State,
    TencentPull,
    TencentConfirm,
}

impl Op {
    fn tencent(self) -> bool {
        matches!(self, Op::TencentPull | Op::TencentConfirm)
    }
}

fn request_id() -> String {
    let h = random_hex(4);
    format!(
        "{}-{}-{}-{}-{}",
        &h[0..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    )
}

fn text_resp(status: u16, text: String) -> Result<Response> {
    let headers = Headers::new();
    headers.set("content-type", "application/json; charset=utf-8")?;
    Ok(Response::from_bytes(text.into_bytes())?
        .with_status(status)
        .with_headers(headers))
}

/// An error in the route's shape: ours, or Tencent's envelope on the Tencent routes.
fn fail(op: Option<Op>, log: &mut Log, status: u16, code: &str, msg: &str) -> Result<Response> {
    log.outcome = code.into();
    let r = if op.is_some_and(Op::tencent) {
        let tcode = match status {
            401 => "AuthFailure",
            404 => "ResourceNotFound",
            405 => "UnsupportedOperation",
            400 | 413 => "InvalidParameter",
            _ => "InternalError",
        };
        crate::json_resp(
            status,
            &json!({"Response": {"Error": {"Code": tcode, "Message": msg}, "RequestId": request_id()}}),
        )?
    } else {
        crate::error(status, code, msg)?
    };
    match status {
        401 => r.headers().set("www-authenticate", "Bearer")?,
        405 => r
            .headers()
            .set("allow", if op == Some(Op::State) { "GET" } else { "POST" })?,
        _ => {}
    }
    Ok(r)
}

/// `/v1/sources/{source}/…`: the pull API.
pub(crate) async fn handle(
    req: Request,
    env: &Env,
    segs: &[&str],
    log: &mut Log,
) -> Result<Response> {
    // Some clients percent-encode the ':' of `events:pull`.
    let decoded: Vec<String> = segs
        .iter()
        .map(|s| crate::util::percent_decode(s).unwrap_or_else(|| (*s).to_string()))
        .collect();
    let segs: Vec<&str> = decoded.iter().map(String::as_str).collect();
    let (source, op) = match segs.as_slice() {
        ["v1", "sources", s, "events:pull"] => (*s, Op::Pull),
        ["v1", "sources", s, "events:confirm"] => (*s, Op::Confirm),
        ["v1", "sources", s, "events:state"] => (*s, Op::State),
        ["v1", "sources", s, "tencent", "PullEvents"] => (*s, Op::TencentPull),
        ["v1", "sources", s, "tencent", "ConfirmEvents"] => (*s, Op::TencentConfirm),
        _ => return fail(None, log, 404, "not_found", "no such route"),
    };
    log.source = Some(source.to_string());
    match handle_op(req, env, source, op, log).await {
        Ok(r) => Ok(r),
        Err(e) => {
            let r = fail(
                Some(op),
                log,
                503,
                "unavailable",
                "temporarily unable to process the request; retry later",
            );
            log.outcome = format!("unavailable: {e}");
            r
        }
    }
}

fn int_in(
    o: &Map<String, Value>,
    k: &str,
    min: i64,
    max: i64,
    default: i64,
    problems: &mut Vec<String>,
) -> i64 {
    match o.get(k) {
        None => default,
        Some(v) => match v.as_i64() {
            Some(n) if (min..=max).contains(&n) => n,
            _ => {
                problems.push(format!("{k}: must be an integer from {min} to {max}"));
                default
            }
        },
    }
}

fn handles_in(o: &Map<String, Value>, k: &str, problems: &mut Vec<String>) -> Vec<String> {
    match o.get(k) {
        Some(Value::Array(list)) if !list.is_empty() && list.len() <= MAX_BATCH => {
            let all: Vec<String> = list
                .iter()
                .filter_map(Value::as_str)
                .filter(|s| !s.is_empty() && s.len() <= 128)
                .map(String::from)
                .collect();
            if all.len() != list.len() {
                problems.push(format!(
                    "{k}: every entry must be a handle string (1-128 characters)"
                ));
            }
            all
        }
        _ => {
            problems.push(format!(
                "{k}: required: a list of 1 to {MAX_BATCH} handles from a pull"
            ));
            Vec::new()
        }
    }
}

async fn handle_op(
    mut req: Request,
    env: &Env,
    source_name: &str,
    op: Op,
    log: &mut Log,
) -> Result<Response> {
    let want = if op == Op::State {
        Method::Get
    } else {
        Method::Post
    };
    if req.method() != want {
        return fail(
            Some(op),
            log,
            405,
            "method_not_allowed",
            if op == Op::State {
                "use GET"
            } else {
                "use POST"
            },
        );
    }
    let cfg = crate::current_config(env);
    let cfg = match cfg.as_ref() {
        Ok(c) => c,
        Err(p) => {
            log.outcome = "config_invalid".into();
            return crate::config_error(p);
        }
    };
    let Some(source) = cfg.source(source_name) else {
        return fail(
            Some(op),
            log,
            404,
            "unknown_source",
            "no source is configured with this name",
        );
    };
    let Some(pull) = source.pull.as_ref() else {
        return fail(
            Some(op),
            log,
            404,
            "pull_disabled",
            "pull delivery is not configured for this source (sources[].pull)",
        );
    };
    let auth = req.headers().get("authorization")?.unwrap_or_default();
    let token = auth
        .strip_prefix("Bearer ")
        .or_else(|| auth.strip_prefix("bearer "))
        .unwrap_or("");
    if !pull.token_matches(token.trim()) {
        return fail(
            Some(op),
            log,
            401,
            "unauthorized",
            "a valid bearer token (the source's pull token) is required",
        );
    }
    if op == Op::State {
        let out = call(
            env,
            source_name,
            "/state",
            json!({"source": source_name}).to_string(),
        )
        .await?;
        log.outcome = "ok".into();
        return text_resp(200, out);
    }
    let bytes = req.bytes().await?;
    if bytes.len() > MAX_REQUEST_BYTES {
        return fail(
            Some(op),
            log,
            413,
            "payload_too_large",
            "the request body is larger than 64 KiB",
        );
    }
    let body: Map<String, Value> = if bytes.iter().all(u8::is_ascii_whitespace) {
        Map::new()
    } else {
        match serde_json::from_slice::<Value>(&bytes) {
            Ok(Value::Object(o)) => o,
            _ => {
                return fail(
                    Some(op),
                    log,
                    400,
                    "bad_request",
                    "the body must be a JSON object",
                )
            }
        }
    };
    let mut problems = Vec::new();
    let known: &[&str] = match op {
        Op::Pull => &["max", "wait_seconds"],
        Op::Confirm => &["handles"],
        Op::TencentPull => &["SubAppId"],
        _ => &["EventHandles", "SubAppId"],
    };
    for k in body.keys() {
        if !known.contains(&k.as_str()) {
            problems.push(format!("{k}: unknown field (known: {})", known.join(", ")));
        }
    }
    match op {
        Op::Pull | Op::TencentPull => {
            let (max, wait) = if op == Op::Pull {
                (
                    int_in(
                        &body,
                        "max",
                        1,
                        MAX_BATCH as i64,
                        MAX_BATCH as i64,
                        &mut problems,
                    ),
                    int_in(
                        &body,
                        "wait_seconds",
                        0,
                        MAX_WAIT_SECONDS,
                        DEFAULT_WAIT_SECONDS,
                        &mut problems,
                    ),
                )
            } else {
                (MAX_BATCH as i64, DEFAULT_WAIT_SECONDS)
            };
            if !problems.is_empty() {
                return fail(Some(op), log, 400, "bad_request", &problems.join("; "));
            }
            let q = json!({"source": source_name, "max": max, "wait_ms": wait * 1000});
            let out = call(env, source_name, "/pull", q.to_string()).await?;
            log.outcome = "ok".into();
            if op == Op::Pull {
                return text_resp(200, out);
            }
            let v: Value = serde_json::from_str(&out)
                .map_err(|e| Error::RustError(format!("pull answer: {e}")))?;
            let set: Vec<Value> = v["events"]
                .as_array()
                .map(|a| a.iter().map(tencent_event).collect())
                .unwrap_or_default();
            crate::json_resp(
                200,
                &json!({"Response": {"EventSet": set, "RequestId": request_id()}}),
            )
        }
        _ => {
            let handles = handles_in(
                &body,
                if op == Op::Confirm {
                    "handles"
                } else {
                    "EventHandles"
                },
                &mut problems,
            );
            if !problems.is_empty() {
                return fail(Some(op), log, 400, "bad_request", &problems.join("; "));
            }
            let q = json!({"source": source_name, "handles": handles});
            let out = call(env, source_name, "/confirm", q.to_string()).await?;
            log.outcome = "ok".into();
            if op == Op::Confirm {
                return text_resp(200, out);
            }
            let v: Value = serde_json::from_str(&out)
                .map_err(|e| Error::RustError(format!("confirm answer: {e}")))?;
            let failed: Vec<Value> = v["results"]
                .as_array()
                .map(|a| {
                    a.iter()
                        .filter(|r| r["outcome"] != "confirmed")
                        .map(|r| json!({"EventHandle": r["handle"], "Reason": r["outcome"]}))
                        .collect()
                })
                .unwrap_or_default();
            let resp = if failed.is_empty() {
                json!({"Response": {"RequestId": request_id()}})
            } else {
                json!({"Response": {
                    "Error": {"Code": "InvalidParameterValue.EventHandles",
                              "Message": format!("{} of {} event handles were not confirmed (unknown, already confirmed, or past the visibility timeout); the others were", failed.len(), handles.len())},
                    "FailedEventHandles": failed,
                    "RequestId": request_id()}})
            };
            crate::json_resp(200, &resp)
        }
    }
}

/// Tencent's `EventContent` shape: `EventHandle`, `EventType` (the vendor's own type name)
/// and the vendor payload's fields (for a Tencent source: exactly what Tencent would send,
/// e.g. `FileUploadEvent`), plus `MediahookEvent`, the normalized event without its `data`.
fn tencent_event(item: &Value) -> Value {
    let ev = &item["event"];
    let mut out = Map::new();
    out.insert("EventHandle".into(), item["handle"].clone());
    out.insert("EventType".into(), ev["vendor_type"].clone());
    if let Value::Object(data) = &ev["data"] {
        for (k, v) in data {
            if k != "EventHandle" && k != "EventType" {
                out.insert(k.clone(), v.clone());
            }
        }
    }
    let mut summary = ev.as_object().cloned().unwrap_or_default();
    summary.remove("data");
    out.insert("MediahookEvent".into(), Value::Object(summary));
    Value::Object(out)
}
