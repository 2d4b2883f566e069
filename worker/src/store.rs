//! The `EventStore` Durable Object (SQLite storage), one instance per source.
//!
//! It is the single writer for a source's events, which makes deduplication race-free:
//! a vendor retry of an event already stored is answered "duplicate" and never enqueued
//! again. It also keeps the per-destination delivery state the queue consumer works from,
//! and serves the admin API's reads and replays.
//!
//! Internal protocol: the worker POSTs to `https://event-store/<op>`; the body is JSON
//! (for `ingest`: an [`IngestReq`], the same JSON a push-only event's queue message carries).

use std::cell::{Cell, RefCell};
use std::collections::HashSet;

use serde::Deserialize;
use serde_json::{json, Value};
use worker::*;

use crate::config::{DeliveryPolicy, TypePattern};
use crate::policy::after_attempt;
use crate::protocol::{
    answer, parse, Admit, AttemptOutcome, Claim, ClaimReq, ClaimResp, DeadOutcome, DeadReq,
    DeadResp, DeliveryState, DueDest, EventRef, EventState, GetResp, IngestOutcome, IngestReq,
    IngestResp, ListReq, ListResp, QueueMsg, RecordBatch, RecordReq, RecordResp, RecordedResp,
    ReplayDeadReq, ReplayDeadResp, ReplayOutcome, ReplayResp,
};

/// Durable Object binding name (wrangler.toml).
pub const BINDING: &str = "EVENT_STORE";
/// Queue producer binding name (wrangler.toml).
pub const QUEUE_BINDING: &str = "DELIVERIES";

/// Queue delays have 1 s granularity: a message may arrive a little before `next_at`.
const DUE_SLACK_MS: i64 = 1_500;
/// Dead events are kept at least this long (or `retention_hours`, if longer).
const DEAD_RETENTION_MS: i64 = 30 * 24 * 3600 * 1000;
/// Housekeeping alarm period.
const ALARM_EVERY_MS: i64 = 3600 * 1000;

/// Largest queue message (serialized JSON, UTF-8 bytes) that may carry an event. Cloudflare
/// Queues take up to 128 KB per message, counted after the runtime's own serialization, in
/// which a string can take two bytes per UTF-16 unit: 64 000 UTF-8 bytes stay under that.
/// A larger event is stored in the `EventStore` first and only its id is queued.
pub const QUEUE_MESSAGE_MAX: usize = 64_000;

#[durable_object(alarm)]
pub struct EventStore {
    state: State,
    env: Env,
    sql: SqlStorage,
    alarm_checked: Cell<bool>,
    /// Ids of new events whose queue send is in flight.
    enqueuing: RefCell<HashSet<String>>,
}

fn now_ms() -> i64 {
    Date::now().as_millis() as i64
}

fn rfc3339_ms(ms: i64) -> String {
    mediahook_core::time::rfc3339_from_unix(ms.div_euclid(1000))
}

#[derive(Deserialize)]
struct StateRow {
    state: String,
}

#[derive(Deserialize)]
struct DeliveryRow {
    event_id: String,
    url: String,
    state: String,
    attempts: i64,
    last_status: Option<i64>,
    last_error: Option<String>,
    next_at: i64,
    delivered_at: Option<i64>,
}

#[derive(Deserialize)]
struct EventRow {
    id: String,
    #[serde(rename = "type")]
    event_type: String,
    vendor_type: String,
    subject: Option<String>,
    received_at: i64,
    state: String,
    duplicates: i64,
}

impl DurableObject for EventStore {
    fn new(state: State, env: Env) -> Self {
        let sql = state.storage().sql();
        if let Err(e) = sql.exec(crate::schema::EVENT_STORE, None) {
            console_error!(
                "{}",
                json!({"at": "store", "error": format!("schema: {e}")})
            );
        }
        let _ = sql.exec(crate::schema::EVENT_STORE_ADD_ADMITTED_BY, None);
        EventStore {
            state,
            env,
            sql,
            alarm_checked: Cell::new(false),
            enqueuing: RefCell::new(HashSet::new()),
        }
    }

    async fn fetch(&self, mut req: Request) -> Result<Response> {
        let path = req.path();
        let body = req.text().await?;
        let out = match path.as_str() {
            "/ingest" => self.ingest(&body).await.and_then(|r| answer(&r)),
            "/claim" => self.claim(&body).await.and_then(|r| answer(&r)),
            "/record" => self.record(&body).and_then(|r| answer(&r)),
            "/get" => self.get(&body).and_then(|r| answer(&r)),
            "/list" => self.list(&body).and_then(|r| answer(&r)),
            "/replay" => self.replay(&body).await.and_then(|r| answer(&r)),
            "/replay-dead" => self.replay_dead(&body).await.and_then(|r| answer(&r)),
            "/dead" => self.mark_dead(&body).await.and_then(|r| answer(&r)),
            _ => return Response::error("unknown store operation", 404),
        };
        out.or_else(|e| Response::error(format!("store: {e}"), 500))
    }

    async fn alarm(&self) -> Result<Response> {
        if let Err(e) = self.housekeeping().await {
            console_error!("{}", json!({"at": "store.alarm", "error": e.to_string()}));
        }
        self.state.storage().set_alarm(ALARM_EVERY_MS).await?;
        Response::ok("ok")
    }
}

/// Statement helpers shared by the SQLite-backed Durable Objects.
pub(crate) trait Sql {
    /// The object's SQLite storage.
    fn sql(&self) -> &SqlStorage;

    /// Runs one statement with its bindings.
    fn exec(&self, q: &str, b: Vec<SqlStorageValue>) -> Result<SqlCursor> {
        self.sql().exec(q, Some(b))
    }

    /// Runs one statement and reads its first row, if any.
    fn first<T: for<'de> Deserialize<'de>>(
        &self,
        q: &str,
        b: Vec<SqlStorageValue>,
    ) -> Result<Option<T>> {
        Ok(self.rows(q, b)?.into_iter().next())
    }

    /// Runs one statement and reads every row.
    fn rows<T: for<'de> Deserialize<'de>>(
        &self,
        q: &str,
        b: Vec<SqlStorageValue>,
    ) -> Result<Vec<T>> {
        self.exec(q, b)?.to_array()
    }
}

impl Sql for EventStore {
    fn sql(&self) -> &SqlStorage {
        &self.sql
    }
}

impl EventStore {
    async fn enqueue(&self, source: &str, id: &str) -> Result<()> {
        let msg = serde_json::to_string(&QueueMsg {
            source: source.into(),
            id: id.into(),
            admit: None,
        })
        .map_err(|e| Error::RustError(e.to_string()))?;
        self.env.queue(QUEUE_BINDING)?.send(msg).await
    }

    /// Once per instance: remember the source name (for housekeeping) and make sure the
    /// housekeeping alarm is set.
    async fn ensure_alarm(&self, source: &str) {
        if self.alarm_checked.get() {
            return;
        }
        let _ = self.exec(
            "INSERT OR REPLACE INTO meta (k, v) VALUES ('source', ?)",
            vec![source.into()],
        );
        let storage = self.state.storage();
        let ok = match storage.get_alarm().await {
            Ok(Some(_)) => true,
            Ok(None) => storage.set_alarm(ALARM_EVERY_MS).await.is_ok(),
            Err(_) => false,
        };
        self.alarm_checked.set(ok);
    }

    /// Dedupe + store + enqueue. Answers `accepted`, `duplicate`, `in_progress` (the same
    /// event is being enqueued right now: the vendor should retry) or `unavailable`.
    ///
    /// The Durable Object runs one request at a time between awaits and the SQL calls are
    /// synchronous, so check-and-insert is atomic. While the queue send of a new event (and,
    /// for a pull source, its push to the `PullQueue`) is in flight its id is in `enqueuing`: a
    /// concurrent duplicate gets `in_progress` (not a 200 that a failed send would turn into a
    /// lost event). If the send fails the row is removed.
    async fn ingest(&self, body: &str) -> Result<IngestResp> {
        let meta: IngestReq = parse(body)?;
        if self.enqueuing.borrow().contains(&meta.id) {
            return Ok(IngestResp {
                outcome: IngestOutcome::InProgress,
            });
        }
        if !self.insert_event(&meta.id, &meta.admit)? {
            self.count_duplicate(&meta.id)?;
            return Ok(IngestResp {
                outcome: IngestOutcome::Duplicate,
            });
        }
        if meta.admit.dests.is_empty() && !meta.pull {
            self.ensure_alarm(&meta.source).await;
            return Ok(IngestResp {
                outcome: IngestOutcome::Accepted,
            });
        }
        // Before the first await: from here until the send settles, duplicates are in_progress.
        self.enqueuing.borrow_mut().insert(meta.id.clone());
        self.ensure_alarm(&meta.source).await;
        // Pull delivery first (idempotent by event id, so a retry after a failed queue send
        // below does not store it twice), then the queue send for the push destinations.
        let mut sent = Ok(());
        if meta.pull {
            sent = crate::pull_queue::push(&self.env, &meta.source, body).await;
        }
        if sent.is_ok() && !meta.admit.dests.is_empty() {
            sent = self.enqueue(&meta.source, &meta.id).await;
        }
        self.enqueuing.borrow_mut().remove(&meta.id);
        match sent {
            Ok(()) => Ok(IngestResp {
                outcome: IngestOutcome::Accepted,
            }),
            Err(e) => {
                // Roll back so the vendor's retry is not mistaken for a duplicate.
                self.exec(
                    "DELETE FROM deliveries WHERE event_id = ?",
                    vec![meta.id.as_str().into()],
                )?;
                self.exec(
                    "DELETE FROM events WHERE id = ?",
                    vec![meta.id.as_str().into()],
                )?;
                crate::log_line(
                    json!({"at": "store.ingest", "outcome": "unavailable", "error": e.to_string()}),
                );
                Ok(IngestResp {
                    outcome: IngestOutcome::Unavailable,
                })
            }
        }
    }

    /// Stores a new event with its pending deliveries (and its nonce as `admitted_by`);
    /// `false` if its id is already stored.
    fn insert_event(&self, id: &str, a: &Admit) -> Result<bool> {
        let state = if a.dests.is_empty() {
            "delivered"
        } else {
            "pending"
        };
        let inserted: Vec<Value> = self.rows(
            "INSERT INTO events (id, type, vendor_type, subject, received_at, updated_at, state, body, admitted_by)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING RETURNING 1 AS new",
            vec![
                id.into(),
                a.event_type.as_str().into(),
                a.vendor_type.as_str().into(),
                a.subject.clone().into(),
                a.received_at.into(),
                now_ms().into(),
                state.into(),
                a.event.as_str().into(),
                a.nonce.as_str().into(),
            ],
        )?;
        if inserted.is_empty() {
            return Ok(false);
        }
        for url in &a.dests {
            self.exec(
                "INSERT OR IGNORE INTO deliveries (event_id, url, state) VALUES (?, ?, 'pending')",
                vec![id.into(), url.as_str().into()],
            )?;
        }
        Ok(true)
    }

    fn count_duplicate(&self, id: &str) -> Result<()> {
        self.exec(
            "UPDATE events SET duplicates = duplicates + 1 WHERE id = ?",
            vec![id.into()],
        )
        .map(|_| ())
    }

    /// Admits an event carried by a queue message: stores it if its id is new. `true` when
    /// this message owns the event (it stored it now, or on an earlier try of the same
    /// message); `false` for a vendor retry of an event stored by another message or at
    /// ingest, which is counted as a duplicate.
    fn admit(&self, id: &str, a: &Admit) -> Result<bool> {
        if self.insert_event(id, a)? {
            return Ok(true);
        }
        #[derive(Deserialize)]
        struct Owner {
            admitted_by: Option<String>,
        }
        let owner: Option<Owner> = self.first(
            "SELECT admitted_by FROM events WHERE id = ?",
            vec![id.into()],
        )?;
        if owner
            .and_then(|o| o.admitted_by)
            .is_some_and(|n| n == a.nonce)
        {
            return Ok(true);
        }
        self.count_duplicate(id)?;
        Ok(false)
    }

    /// Admits the events a queue batch carries, then claims the due destinations of every
    /// message (one call per queue batch and source).
    async fn claim(&self, body: &str) -> Result<ClaimResp> {
        let r: ClaimReq = parse(body)?;
        let now = now_ms();
        let claims = r
            .items
            .iter()
            .map(|m| match &m.admit {
                Some(a) if !self.admit(&m.id, a)? => Ok(Claim::Duplicate),
                Some(_) => self.claim_inner(&m.id, now, r.lease_ms, false),
                None => self.claim_inner(&m.id, now, r.lease_ms, true),
            })
            .collect::<Result<Vec<Claim>>>()?;
        if r.items.iter().any(|m| m.admit.is_some()) {
            self.ensure_alarm(&r.source).await;
        }
        Ok(ClaimResp { claims })
    }

    /// Leases the due destinations of one event; `with_body`: the answer includes the event.
    fn claim_inner(&self, id: &str, now: i64, lease_ms: i64, with_body: bool) -> Result<Claim> {
        // Lease every due destination in one statement (a finished event has none).
        let due: Vec<DueDest> = self.rows(
            "UPDATE deliveries SET lease_until = ?
             WHERE event_id = ? AND state = 'pending' AND next_at <= ? AND lease_until <= ?
             RETURNING url, attempts",
            vec![
                (now + lease_ms).into(),
                id.into(),
                (now + DUE_SLACK_MS).into(),
                now.into(),
            ],
        )?;
        if due.is_empty() {
            let ev: Vec<StateRow> =
                self.rows("SELECT state FROM events WHERE id = ?", vec![id.into()])?;
            let Some(ev) = ev.first() else {
                return Ok(Claim::Gone);
            };
            if ev.state == "delivered" || ev.state == "dead" {
                return Ok(Claim::Done);
            }
            let (state, next) = self.refresh_state(id, now)?;
            return Ok(match (state, next) {
                (EventState::Pending, Some(at)) => Claim::Wait {
                    wait_ms: (at - now).max(0),
                },
                _ => Claim::Done,
            });
        }
        if !with_body {
            return Ok(Claim::Deliver {
                event: None,
                dests: due,
            });
        }
        #[derive(Deserialize)]
        struct Body {
            body: String,
        }
        match self.first::<Body>("SELECT body FROM events WHERE id = ?", vec![id.into()])? {
            Some(b) => Ok(Claim::Deliver {
                event: Some(b.body),
                dests: due,
            }),
            None => Ok(Claim::Gone),
        }
    }

    /// Recomputes an event's state from its deliveries; returns it with the earliest time a
    /// pending destination becomes claimable.
    fn refresh_state(&self, id: &str, now: i64) -> Result<(EventState, Option<i64>)> {
        #[derive(Deserialize)]
        struct Agg {
            state: String,
            n: i64,
            at: Option<i64>,
        }
        let aggs: Vec<Agg> = self.rows(
            "SELECT state, COUNT(*) AS n, MIN(MAX(next_at, lease_until)) AS at
             FROM deliveries WHERE event_id = ? GROUP BY state",
            vec![id.into()],
        )?;
        let count = |s: &str| {
            aggs.iter()
                .filter(|a| a.state == s)
                .map(|a| a.n)
                .sum::<i64>()
        };
        let next = aggs
            .iter()
            .find(|a| a.state == "pending")
            .and_then(|a| a.at);
        let state = if count("pending") > 0 {
            EventState::Pending
        } else if count("dead") > 0 {
            EventState::Dead
        } else {
            EventState::Delivered
        };
        self.exec(
            "UPDATE events SET state = ?, updated_at = ? WHERE id = ?",
            vec![state.as_str().into(), now.into(), id.into()],
        )?;
        Ok((state, next))
    }

    /// Records the attempts of several events (one call per queue batch and source).
    fn record(&self, body: &str) -> Result<RecordedResp> {
        let r: RecordBatch = parse(body)?;
        let now = now_ms();
        let results = r
            .records
            .iter()
            .map(|rec| self.record_one(rec, now))
            .collect::<Result<Vec<RecordResp>>>()?;
        Ok(RecordedResp { results })
    }

    fn record_one(&self, r: &RecordReq, now: i64) -> Result<RecordResp> {
        let policy = DeliveryPolicy {
            timeout_ms: 0,
            max_attempts: r.max_attempts,
            backoff_base_seconds: r.backoff_base_seconds,
            backoff_max_seconds: r.backoff_max_seconds,
        };
        for a in &r.results {
            #[derive(Deserialize)]
            struct Att {
                attempts: i64,
            }
            let key = || vec![r.id.as_str().into(), a.url.as_str().into()];
            let cur: Option<Att> = self.first(
                "SELECT attempts FROM deliveries WHERE event_id = ? AND url = ?",
                key(),
            )?;
            let before = u32::try_from(cur.map(|c| c.attempts).unwrap_or(0)).unwrap_or(0);
            let d = after_attempt(
                &policy,
                before,
                a.outcome,
                a.retry_after,
                now,
                crate::ids::random_unit(),
            );
            let error = match a.outcome {
                AttemptOutcome::Delivered => None,
                AttemptOutcome::Stopped => {
                    Some("the destination answered 410 Gone: no more deliveries".to_string())
                }
                AttemptOutcome::Gone => Some("the destination is no longer configured".to_string()),
                AttemptOutcome::Failed => a.error.clone(),
            };
            let delivered_at = (d.state == DeliveryState::Delivered).then_some(now);
            let mut b = vec![
                d.state.as_str().into(),
                i64::from(d.attempts).into(),
                a.status.map(i64::from).into(),
                error.into(),
                d.next_at_ms.into(),
                delivered_at.into(),
            ];
            b.extend(key());
            self.exec(
                "UPDATE deliveries SET state = ?, attempts = ?, last_status = ?, last_error = ?,
                 next_at = ?, lease_until = 0, delivered_at = COALESCE(?, delivered_at)
                 WHERE event_id = ? AND url = ?",
                b,
            )?;
        }
        let (state, next) = self.refresh_state(&r.id, now)?;
        Ok(RecordResp {
            retry_in_ms: next.map(|at| (at - now).max(0)),
            state,
        })
    }

    /// The queue gave up on a message: its event's pending destinations become dead (a
    /// carried event is stored first, so it can be replayed; a duplicate changes nothing).
    async fn mark_dead(&self, body: &str) -> Result<DeadResp> {
        let r: DeadReq = parse(body)?;
        if let Some(a) = &r.admit {
            if !self.admit(&r.id, a)? {
                return Ok(DeadResp {
                    state: DeadOutcome::Duplicate,
                });
            }
            self.ensure_alarm(&r.source).await;
        }
        self.exec(
            "UPDATE deliveries SET state = 'dead', last_error = ?, lease_until = 0
             WHERE event_id = ? AND state = 'pending'",
            vec![r.reason.as_str().into(), r.id.as_str().into()],
        )?;
        let (state, _) = self.refresh_state(&r.id, now_ms())?;
        Ok(DeadResp {
            state: match state {
                EventState::Pending => DeadOutcome::Pending,
                EventState::Delivered => DeadOutcome::Delivered,
                EventState::Dead => DeadOutcome::Dead,
            },
        })
    }

    fn summaries(
        &self,
        events: Vec<EventRow>,
        deliveries: Vec<DeliveryRow>,
        source: &str,
    ) -> Vec<Value> {
        events
            .into_iter()
            .map(|e| {
                let dests: Vec<Value> = deliveries
                    .iter()
                    .filter(|d| d.event_id == e.id)
                    .map(|d| {
                        json!({
                            "url": d.url,
                            "status": d.state,
                            "attempts": d.attempts,
                            "last_status": d.last_status,
                            "last_error": d.last_error,
                            "next_attempt_at": (d.state == "pending" && d.next_at > 0).then(|| rfc3339_ms(d.next_at)),
                            "delivered_at": d.delivered_at.map(rfc3339_ms),
                        })
                    })
                    .collect();
                json!({
                    "id": e.id,
                    "source": source,
                    "type": e.event_type,
                    "vendor_type": e.vendor_type,
                    "subject": e.subject,
                    "status": e.state,
                    "received_at": rfc3339_ms(e.received_at),
                    "received_at_ms": e.received_at,
                    "duplicates": e.duplicates,
                    "attempts": dests.iter().filter_map(|d| d["attempts"].as_i64()).max().unwrap_or(0),
                    "destinations": dests,
                })
            })
            .collect()
    }

    fn get(&self, body: &str) -> Result<GetResp> {
        let r: EventRef = parse(body)?;
        let events: Vec<EventRow> = self.rows(
            "SELECT id, type, vendor_type, subject, received_at, state, duplicates FROM events WHERE id = ?",
            vec![r.id.as_str().into()],
        )?;
        if events.is_empty() {
            return Ok(GetResp { event: None });
        }
        let deliveries: Vec<DeliveryRow> = self.rows(
            "SELECT * FROM deliveries WHERE event_id = ? ORDER BY url",
            vec![r.id.as_str().into()],
        )?;
        #[derive(Deserialize)]
        struct Body {
            body: String,
        }
        let b: Vec<Body> = self.rows(
            "SELECT body FROM events WHERE id = ?",
            vec![r.id.as_str().into()],
        )?;
        let event: Value = b
            .first()
            .and_then(|b| serde_json::from_str(&b.body).ok())
            .unwrap_or(Value::Null);
        let mut one = self.summaries(events, deliveries, &r.source);
        let mut v = one.pop().unwrap_or(Value::Null);
        if let Value::Object(o) = &mut v {
            o.insert("event".into(), event);
        }
        Ok(GetResp { event: Some(v) })
    }

    fn list(&self, body: &str) -> Result<ListResp> {
        let r: ListReq = parse(body)?;
        let (filter, mut binds): (&str, Vec<SqlStorageValue>) = match r.status {
            Some(s) => ("WHERE state = ?", vec![s.as_str().into()]),
            None => ("", vec![]),
        };
        binds.push(r.limit.into());
        let q = format!(
            "SELECT id, type, vendor_type, subject, received_at, state, duplicates FROM events {filter}
             ORDER BY received_at DESC, id LIMIT ?"
        );
        let events: Vec<EventRow> = self.rows(&q, binds.clone())?;
        let dq = format!(
            "SELECT * FROM deliveries WHERE event_id IN
             (SELECT id FROM events {filter} ORDER BY received_at DESC, id LIMIT ?) ORDER BY url"
        );
        let deliveries: Vec<DeliveryRow> = self.rows(&dq, binds)?;
        Ok(ListResp {
            events: self.summaries(events, deliveries, &r.source),
        })
    }

    /// Re-delivers one event to every destination that currently matches it (and any it
    /// had), with the same id (= webhook-id).
    async fn replay(&self, body: &str) -> Result<ReplayResp> {
        let r: EventRef = parse(body)?;
        let cfg = crate::current_config(&self.env);
        let cfg = cfg
            .as_ref()
            .as_ref()
            .map_err(|_| Error::RustError("configuration is invalid".into()))?;
        #[derive(Deserialize)]
        struct T {
            #[serde(rename = "type")]
            t: String,
        }
        let ev: Vec<T> = self.rows(
            "SELECT type FROM events WHERE id = ?",
            vec![r.id.as_str().into()],
        )?;
        let Some(ev) = ev.first() else {
            return Ok(ReplayResp {
                outcome: ReplayOutcome::NotFound,
            });
        };
        let id = || -> SqlStorageValue { r.id.as_str().into() };
        self.exec(
            "UPDATE deliveries SET state = 'pending', attempts = 0, next_at = 0, lease_until = 0,
             last_error = NULL WHERE event_id = ?",
            vec![id()],
        )?;
        if let Some(src) = cfg.source(&r.source) {
            for d in src.matching(&ev.t) {
                self.exec(
                    "INSERT OR IGNORE INTO deliveries (event_id, url, state) VALUES (?, ?, 'pending')",
                    vec![id(), d.url.as_str().into()],
                )?;
            }
        }
        self.requeue(&r.source, &r.id).await
    }

    /// After deliveries were reset: recompute the state and enqueue if anything is pending.
    async fn requeue(&self, source: &str, id: &str) -> Result<ReplayResp> {
        let now = now_ms();
        let (state, _) = self.refresh_state(id, now)?;
        if state != EventState::Pending {
            return Ok(ReplayResp {
                outcome: ReplayOutcome::NothingToDeliver,
            });
        }
        match self.enqueue(source, id).await {
            Ok(()) => Ok(ReplayResp {
                outcome: ReplayOutcome::Queued,
            }),
            Err(e) => {
                self.exec(
                    "UPDATE deliveries SET state = 'dead', last_error = 'replay could not be queued'
                     WHERE event_id = ? AND state = 'pending'",
                    vec![id.into()],
                )?;
                self.refresh_state(id, now)?;
                crate::log_line(
                    json!({"at": "store.replay", "outcome": "unavailable", "error": e.to_string()}),
                );
                Ok(ReplayResp {
                    outcome: ReplayOutcome::Unavailable,
                })
            }
        }
    }

    /// Replays dead-lettered events: their dead destinations become pending again.
    async fn replay_dead(&self, body: &str) -> Result<ReplayDeadResp> {
        let r: ReplayDeadReq = parse(body)?;
        let pattern = match r.type_pattern.as_deref() {
            Some(p) => Some(
                TypePattern::parse(p).ok_or_else(|| Error::RustError("bad type pattern".into()))?,
            ),
            None => None,
        };
        #[derive(Deserialize)]
        struct Row {
            id: String,
            #[serde(rename = "type")]
            t: String,
        }
        let dead: Vec<Row> = self.rows(
            "SELECT id, type FROM events WHERE state = 'dead' ORDER BY received_at",
            vec![],
        )?;
        let (mut queued, mut failed, mut more) = (Vec::new(), 0u32, false);
        for row in dead
            .into_iter()
            .filter(|r| pattern.as_ref().is_none_or(|p| p.matches(&r.t)))
        {
            if queued.len() as i64 >= r.limit {
                more = true;
                break;
            }
            self.exec(
                "UPDATE deliveries SET state = 'pending', attempts = 0, next_at = 0, lease_until = 0,
                 last_error = NULL WHERE event_id = ? AND state = 'dead'",
                vec![row.id.as_str().into()],
            )?;
            let out = self.requeue(&r.source, &row.id).await?;
            if out.outcome == ReplayOutcome::Queued {
                queued.push(row.id);
            } else {
                failed += 1;
            }
        }
        Ok(ReplayDeadResp {
            replayed: queued,
            failed,
            more,
        })
    }

    /// Hourly: purge old finished events; re-enqueue events whose queue message got lost.
    async fn housekeeping(&self) -> Result<()> {
        let now = now_ms();
        let retention_ms = match crate::current_config(&self.env).as_ref() {
            Ok(c) => i64::from(c.retention_hours) * 3600 * 1000,
            Err(_) => 72 * 3600 * 1000,
        };
        let delivered_before = now - retention_ms;
        let dead_before = now - retention_ms.max(DEAD_RETENTION_MS);
        self.exec(
            "DELETE FROM deliveries WHERE event_id IN (SELECT id FROM events WHERE
             (state = 'delivered' AND received_at < ?) OR (state = 'dead' AND received_at < ?))",
            vec![delivered_before.into(), dead_before.into()],
        )?;
        self.exec(
            "DELETE FROM events WHERE (state = 'delivered' AND received_at < ?) OR (state = 'dead' AND received_at < ?)",
            vec![delivered_before.into(), dead_before.into()],
        )?;
        #[derive(Deserialize)]
        struct Stuck {
            id: String,
        }
        let stuck: Vec<Stuck> = self.rows(
            "SELECT id FROM events e WHERE state = 'pending' AND updated_at < ?
             AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.event_id = e.id AND d.state = 'pending'
                             AND (d.next_at > ? OR d.lease_until > ?))
             LIMIT 500",
            vec![(now - ALARM_EVERY_MS).into(), (now - 600_000).into(), now.into()],
        )?;
        #[derive(Deserialize)]
        struct Meta {
            v: String,
        }
        let meta: Vec<Meta> = self.rows("SELECT v FROM meta WHERE k = 'source'", vec![])?;
        let Some(source) = meta.into_iter().next().map(|m| m.v) else {
            return Ok(());
        };
        for s in stuck {
            if self.enqueue(&source, &s.id).await.is_ok() {
                self.exec(
                    "UPDATE events SET updated_at = ? WHERE id = ?",
                    vec![now.into(), s.id.as_str().into()],
                )?;
            }
        }
        Ok(())
    }
}
