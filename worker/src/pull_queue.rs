//! The `PullQueue` Durable Object (SQLite storage), one per source: a pull source's accepted
//! events in arrival order, for the pull API ([`crate::pull_api`]).
//!
//! The `EventStore` pushes each new event here (idempotent by event id). Long-polls wait
//! inside the Durable Object: a waiting pull is parked in memory and woken by a push (one
//! parked pull per stored event, the longest-parked first), at the latest when an in-flight
//! event's visibility timeout ends, or after a short re-check period; every wake-up re-claims
//! from SQLite with one synchronous `UPDATE … RETURNING`, so two pulls never receive the same
//! in-flight event. An alarm removes events older than the retention.

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
use crate::protocol::{
    answer, parse, ConfirmOutcome, ConfirmReq, ConfirmResp, ConfirmResult, IngestReq, PullReq,
    PullResp, Pulled, PushResp, StateResp, StatusReq, StatusResp,
};
use crate::store::Sql;

/// Durable Object binding name (wrangler.toml).
pub const BINDING: &str = "PULL_QUEUE";
/// At most this many events per pull, handles per confirm (Tencent's limit).
pub const MAX_BATCH: usize = 16;
/// Longest long-poll (s).
pub const MAX_WAIT_SECONDS: i64 = 10;
/// Long-poll when the body does not say (s).
pub const DEFAULT_WAIT_SECONDS: i64 = 5;

/// Rows removed per retention step.
const PURGE_BATCH: i64 = 500;
/// Retry period of the retention alarm while the configuration does not allow a purge.
const PURGE_RETRY_MS: i64 = 60_000;
/// A parked pull re-checks storage at least this often (fallback to the in-memory wake-up).
const RECHECK_MS: i64 = 1_000;

fn now_ms() -> i64 {
    Date::now().as_millis() as i64
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
struct Claimed {
    seq: i64,
    body: String,
}

impl DurableObject for PullQueue {
    fn new(state: State, env: Env) -> Self {
        let sql = state.storage().sql();
        if let Err(e) = sql.exec(crate::schema::PULL_QUEUE, None) {
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
        if path == "/test-faults" || path == "/test-seed" {
            if !crate::test_mode(&self.env) {
                return Response::error("not in test mode", 404);
            }
            if path == "/test-seed" {
                return self.test_seed(&body).and_then(|r| answer(&r));
            }
            crate::faults::set(parse(&body)?);
            return answer(&crate::protocol::Done { ok: true });
        }
        if crate::faults::failing(crate::faults::Part::Pull, now_ms()) {
            return Response::error("pull queue: unavailable (test fault)", 500);
        }
        let out = match path.as_str() {
            "/push" => self.push(&body).await.and_then(|r| answer(&r)),
            "/pull" => self.pull(&body).await.and_then(|r| answer(&r)),
            "/confirm" => self.confirm(&body).and_then(|r| answer(&r)),
            "/state" => self.state_of().and_then(|r| answer(&r)),
            "/status" => self.statuses(&body).and_then(|r| answer(&r)),
            _ => return Response::error("unknown pull operation", 404),
        };
        out.or_else(|e| Response::error(format!("pull queue: {e}"), 500))
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
        self.configured(source).unwrap_or((
            i64::from(PULL_VISIBILITY_DEFAULT_S) * 1000,
            i64::from(PULL_RETENTION_DEFAULT_S) * 1000,
        ))
    }

    /// (visibility timeout, retention) in ms as configured; `None` when the configuration is
    /// invalid or has no pull section for this source (never purge on defaults).
    fn configured(&self, source: &str) -> Option<(i64, i64)> {
        let cfg = crate::current_config(&self.env);
        let pull = cfg
            .as_ref()
            .as_ref()
            .ok()
            .and_then(|c| c.source(source))
            .and_then(|s| s.pull.as_ref())?;
        Some((
            i64::from(pull.visibility_timeout_seconds) * 1000,
            i64::from(pull.retention_seconds) * 1000,
        ))
    }

    /// The number of unconfirmed events (a counter kept with every change; computed once
    /// for a queue created before the counter existed).
    fn live_count(&self) -> Result<i64> {
        #[derive(Deserialize)]
        struct V {
            v: String,
        }
        if let Some(v) = self.first::<V>("SELECT v FROM pull_meta WHERE k = 'live'", vec![])? {
            if let Ok(n) = v.v.parse::<i64>() {
                return Ok(n.max(0));
            }
        }
        #[derive(Deserialize)]
        struct N {
            n: i64,
        }
        let n = self
            .first::<N>(
                "SELECT COUNT(*) AS n FROM pull_events WHERE confirmed_at IS NULL",
                vec![],
            )?
            .map_or(0, |n| n.n);
        self.set_live(n)?;
        Ok(n)
    }

    fn set_live(&self, n: i64) -> Result<()> {
        self.exec(
            "INSERT OR REPLACE INTO pull_meta (k, v) VALUES ('live', ?)",
            vec![n.max(0).to_string().into()],
        )?;
        Ok(())
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

    /// Test mode: stores `n` unconfirmed events `evt_pseed_{tag}_{i}` (received `n - i` ms
    /// ago, queued after every event already there) in one statement, for the bounded
    /// pull-queue test (100 000 waiting events), and recounts the unconfirmed counter.
    fn test_seed(&self, body: &str) -> Result<crate::protocol::Done> {
        #[derive(Deserialize)]
        struct Seed {
            source: String,
            n: i64,
            tag: String,
        }
        let r: Seed = parse(body)?;
        self.remember_source(&r.source)?;
        let now = now_ms();
        self.exec(
            "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < ?)
             INSERT OR IGNORE INTO pull_events (id, type, vendor_type, received_at, body)
             SELECT 'evt_pseed_' || ? || '_' || i, 'media.upload.completed', 'NewFileUpload', ? - ? + i,
                    '{\"id\":\"evt_pseed_' || ? || '_' || i || '\"}' FROM c",
            vec![
                r.n.into(),
                r.tag.as_str().into(),
                now.into(),
                r.n.into(),
                r.tag.as_str().into(),
            ],
        )?;
        self.exec("DELETE FROM pull_meta WHERE k = 'live'", vec![])?;
        self.live_count()?;
        Ok(crate::protocol::Done { ok: true })
    }

    /// Stores a new event (idempotent by event id) and wakes the parked pulls.
    async fn push(&self, body: &str) -> Result<PushResp> {
        let meta: IngestReq = parse(body)?;
        let now = now_ms();
        self.remember_source(&meta.source)?;
        let live = self.live_count()?;
        let inserted: Vec<Value> = self.rows(
            "INSERT INTO pull_events (id, type, vendor_type, received_at, body)
             VALUES (?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING RETURNING 1 AS n",
            vec![
                meta.id.as_str().into(),
                meta.admit.event_type.as_str().into(),
                meta.admit.vendor_type.as_str().into(),
                now.into(),
                meta.admit.event.as_str().into(),
            ],
        )?;
        if !inserted.is_empty() {
            self.set_live(live + 1)?;
        }
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
        Ok(PushResp { stored: true })
    }

    /// Leases up to `max` visible events, oldest first.
    fn claim(&self, max: i64, now: i64, visibility_ms: i64) -> Result<PullResp> {
        let lease = crate::ids::random_hex(8);
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
        let events = got
            .into_iter()
            .map(|c| Pulled {
                handle: format!("{}.{lease}", c.seq),
                event: crate::protocol::from_stored_text(&c.body).unwrap_or(Value::Null),
            })
            .collect();
        Ok(PullResp { events })
    }

    /// Long-poll: returns at once when events are visible, else waits for a push, the end of
    /// an in-flight event's visibility timeout, or the deadline.
    async fn pull(&self, body: &str) -> Result<PullResp> {
        let r: PullReq = parse(body)?;
        let (visibility_ms, _) = self.settings(&r.source);
        let max = r.max.clamp(1, MAX_BATCH as i64);
        let deadline = now_ms() + r.wait_ms.clamp(0, MAX_WAIT_SECONDS * 1000);
        loop {
            let now = now_ms();
            let out = self.claim(max, now, visibility_ms)?;
            if !out.events.is_empty() || now >= deadline {
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

    fn confirm(&self, body: &str) -> Result<ConfirmResp> {
        let r: ConfirmReq = parse(body)?;
        self.remember_source(&r.source)?;
        let now = now_ms();
        #[derive(Deserialize)]
        struct Row {
            lease: Option<String>,
            visible_at: i64,
            confirmed_at: Option<i64>,
        }
        let live = self.live_count()?;
        let mut results = Vec::with_capacity(r.handles.len());
        let (mut ok, mut failed) = (0u32, 0u32);
        for h in &r.handles {
            let parsed = h
                .split_once('.')
                .and_then(|(seq, lease)| Some((seq.parse::<i64>().ok()?, lease)));
            let outcome = match parsed {
                None => ConfirmOutcome::Unknown,
                Some((seq, lease)) => {
                    let row: Vec<Row> = self.rows(
                        "SELECT lease, visible_at, confirmed_at FROM pull_events WHERE seq = ?",
                        vec![seq.into()],
                    )?;
                    match row.first() {
                        None => ConfirmOutcome::Unknown,
                        Some(row) if row.lease.as_deref() != Some(lease) => {
                            // Never issued, or re-leased to a later pull after this handle's
                            // visibility timeout ended.
                            if row.lease.is_none() {
                                ConfirmOutcome::Unknown
                            } else {
                                ConfirmOutcome::Expired
                            }
                        }
                        Some(row) if row.confirmed_at.is_some() => ConfirmOutcome::AlreadyConfirmed,
                        Some(row) if row.visible_at <= now => ConfirmOutcome::Expired,
                        Some(_) => {
                            self.exec(
                                "UPDATE pull_events SET confirmed_at = ?, body = '' WHERE seq = ?",
                                vec![now.into(), seq.into()],
                            )?;
                            ConfirmOutcome::Confirmed
                        }
                    }
                }
            };
            if outcome == ConfirmOutcome::Confirmed {
                ok += 1;
            } else {
                failed += 1;
            }
            results.push(ConfirmResult {
                handle: h.clone(),
                outcome,
            });
        }
        if ok > 0 {
            self.set_live(live - i64::from(ok))?;
        }
        Ok(ConfirmResp {
            results,
            confirmed: ok,
            failed,
        })
    }

    /// Counts without scanning every row: the unconfirmed counter, the in-flight rows
    /// (through the `pull_visible` index) and the oldest unconfirmed row (through `pull_live`).
    fn state_of(&self) -> Result<StateResp> {
        let now = now_ms();
        #[derive(Deserialize)]
        struct N {
            n: i64,
        }
        #[derive(Deserialize)]
        struct At {
            received_at: i64,
        }
        let live = self.live_count()?;
        let in_flight = self
            .first::<N>(
                "SELECT COUNT(*) AS n FROM pull_events WHERE confirmed_at IS NULL AND visible_at > ?",
                vec![now.into()],
            )?
            .map_or(0, |n| n.n);
        let oldest = self
            .first::<At>(
                "SELECT received_at FROM pull_events WHERE confirmed_at IS NULL ORDER BY seq LIMIT 1",
                vec![],
            )?
            .map_or(0, |a| (now - a.received_at).max(0) / 1000);
        Ok(StateResp {
            pending: (live - in_flight).max(0),
            in_flight,
            oldest_age_seconds: oldest,
        })
    }

    /// The pull side of some events, for the admin API: `{"statuses": {id: {"status", "pulls",
    /// "confirmed_at"}}}` with `status` `pending`, `in_flight` or `confirmed`; ids this queue
    /// does not hold are left out.
    fn statuses(&self, body: &str) -> Result<StatusResp> {
        #[derive(Deserialize)]
        struct Row {
            id: String,
            visible_at: i64,
            pulls: i64,
            confirmed_at: Option<i64>,
        }
        let r: StatusReq = parse(body)?;
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
        Ok(StatusResp { statuses: out })
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
        let storage = self.state.storage();
        let Some((_, retention_ms)) = self.configured(&source) else {
            // Invalid configuration, or the source (or its pull section) is gone: nothing is
            // removed on defaults; look again later.
            crate::log_line(json!({"at": "pull.alarm", "source": source,
                "outcome": "not_configured", "note": "nothing purged; retrying"}));
            storage.set_alarm(PURGE_RETRY_MS).await?;
            self.alarm_set.set(true);
            return Ok(());
        };
        let now = now_ms();
        #[derive(Deserialize)]
        struct Gone {
            confirmed_at: Option<i64>,
        }
        let gone: Vec<Gone> = self.rows(
            "DELETE FROM pull_events WHERE seq IN
             (SELECT seq FROM pull_events WHERE received_at <= ? ORDER BY received_at LIMIT ?)
             RETURNING confirmed_at",
            vec![(now - retention_ms).into(), PURGE_BATCH.into()],
        )?;
        let unconfirmed = gone.iter().filter(|g| g.confirmed_at.is_none()).count() as i64;
        if unconfirmed > 0 {
            let live = self.live_count()?;
            self.set_live(live - unconfirmed)?;
        }
        if gone.len() as i64 >= PURGE_BATCH {
            // More to remove: the next batch in a second.
            storage.set_alarm(1_000i64).await?;
            self.alarm_set.set(true);
            return Ok(());
        }
        #[derive(Deserialize)]
        struct Oldest {
            at: Option<i64>,
        }
        let oldest: Vec<Oldest> =
            self.rows("SELECT MIN(received_at) AS at FROM pull_events", vec![])?;
        match oldest.first().and_then(|o| o.at) {
            Some(at) => {
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

/// Stores a new event of a pull source in its `PullQueue` (`body`: the ingest body, an
/// [`IngestReq`] as JSON). `Ok` only once the event is stored there.
pub(crate) async fn push(env: &Env, source: &str, body: &str) -> Result<()> {
    let r: PushResp =
        crate::protocol::call_text(env, BINDING, source, "/push", body.to_string()).await?;
    if r.stored {
        Ok(())
    } else {
        Err(Error::RustError("pull queue push: not stored".into()))
    }
}
