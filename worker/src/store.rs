//! The `EventStore` Durable Object (SQLite storage): a source's events, sharded by event id
//! ([`shard_name`]), and the engine that delivers them.
//!
//! **Before the 200.** `ingest` stores the event and, next to it, one `deliveries` row per
//! step still to do — one per matching push destination, plus [`PULL_STEP`] when the event is
//! kept for pulling — and makes sure the shard's alarm is set. The edge answers 200 only after
//! that (SQLite writes and the alarm are durable before the answer leaves the object).
//!
//! **After the 200.** The alarm (one per shard, re-armed for the earliest due row) runs the
//! due rows: one *lane* per destination with its own concurrency cap (`delivery.concurrency`),
//! so a slow or failing origin never holds up another. A lane leases a round of rows
//! (up to [`LEASE_WAVES`] × its cap) with one compare-and-set (`lease` token, lease end stored
//! in `next_at`), reads their events in one statement, POSTs them, at most its cap at once
//! (timeout started once a connection slot of the shard is held; 6 slots; a lease that would
//! end before the POST can is extended first, by compare-and-set, or the POST is not made),
//! and records each result as soon as it is in, only if its lease still holds (answers that
//! arrive together in one statement). Each (event, destination) has its own attempts and schedule
//! ([`crate::policy`]); only its own budget or a 410 ends it. After a crash or restart the
//! stored alarm fires at the earliest `next_at` (a lease's end counts as one), so every
//! pending step resumes at its scheduled time.
//!
//! **Purges** run from the alarm in batches of [`PURGE_BATCH`], only with a valid
//! configuration that names the source, and only for delivered events older than
//! `retention_hours` and dead events older than max(retention, 30 days). Pending events are
//! never purged.
//!
//! Internal protocol: [`crate::protocol`] (the worker POSTs to `https://event_store/<op>`).

use std::cell::{Cell, RefCell};
use std::collections::{HashMap, HashSet};
use std::pin::Pin;

use futures_util::future::{select, Either, FutureExt};
use futures_util::stream::{FuturesUnordered, StreamExt};
use serde::Deserialize;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use worker::*;

use crate::config::{Config, Source, TypePattern};
use crate::faults::{self, Part};
use crate::policy::after_attempt;
use crate::protocol::{
    answer, parse, Admit, AttemptOutcome, AttemptResult, Cursor, DeliveryState, Done, EventRef,
    EventState, GetResp, IngestOutcome, IngestReq, IngestResp, ListReq, ListResp, QuarantineList,
    QuarantineReq, ReplayDeadReq, ReplayDeadResp, ReplayOutcome, ReplayResp, WakeReq,
};
use crate::sync::{Notify, Semaphore};

/// Durable Object binding name (wrangler.toml).
pub const BINDING: &str = "EVENT_STORE";
/// Queue producer binding name (wrangler.toml).
pub const QUEUE_BINDING: &str = "DELIVERIES";
/// The `deliveries.url` of the "push to the source's pull queue" step.
pub const PULL_STEP: &str = "mediahook:pull-queue";
/// The Durable Object (of the `EventStore` class) that keeps unparseable queue messages.
pub const QUARANTINE: &str = "mediahook:quarantine";

/// Dead events are kept at least this long (or `retention_hours`, if longer).
const DEAD_RETENTION_MS: i64 = 30 * 24 * 3600 * 1000;
/// Rows deleted per purge step.
pub const PURGE_BATCH: i64 = 500;
/// Purge steps are this far apart while there is nothing more to purge.
const PURGE_EVERY_MS: i64 = 3600 * 1000;
/// Connections one alarm invocation holds at once (the Workers limit is 6).
const CONNECTIONS: usize = 6;
/// One alarm run stops taking new work after this long (then re-arms at once).
const RUN_MS: i64 = 60_000;
/// One alarm run makes at most this many attempts (each is a subrequest; Workers allow
/// 1 000 per invocation), then re-arms at once: the next run is a new invocation.
const RUN_ATTEMPTS: i64 = 900;
/// In a test fault window the alarm only re-arms, this far ahead at most.
const FAULT_POLL_MS: i64 = 5_000;
/// The run loop looks for steps whose backoff ended this often.
const TICK_MS: u64 = 500;
/// A lane with nothing due waits this long for new work before it ends.
const LANE_IDLE_MS: u64 = 1_000;
/// A push lane leases this many waves of `delivery.concurrency` steps per round.
const LEASE_WAVES: i64 = 4;
/// A lease outlives the round's POST timeouts by this much.
const LEASE_EXTRA_MS: i64 = 15_000;
/// Retry delay while the configuration is invalid or does not name the source.
const TROUBLE_RETRY_MS: i64 = 10_000;
/// Longest retry delay of a pull-queue push (it is never given up).
const PULL_RETRY_MAX_MS: i64 = 60_000;

/// The Durable Object name of the shard holding event `id` of `source`: shard
/// `u64(SHA-256(id)[0..8]) mod shards`; shard 0 is named like the source (the name it had
/// before sharding), shard k > 0 `"{source}#{k}"` (`#` never occurs in a source name).
pub fn shard_name(source: &str, shards: u32, id: &str) -> String {
    shard_name_of(source, shard_of(shards, id))
}

/// Which shard holds event `id` (0..shards).
pub fn shard_of(shards: u32, id: &str) -> u32 {
    if shards <= 1 {
        return 0;
    }
    let h = Sha256::digest(id.as_bytes());
    let mut b = [0u8; 8];
    b.copy_from_slice(&h[..8]);
    u32::try_from(u64::from_be_bytes(b) % u64::from(shards)).unwrap_or(0)
}

/// The Durable Object name of shard `k` of `source`.
pub fn shard_name_of(source: &str, k: u32) -> String {
    if k == 0 {
        source.to_string()
    } else {
        format!("{source}#{k}")
    }
}

/// The shard names of a source, shard 0 first.
pub fn shard_names(source: &Source) -> Vec<String> {
    (0..source.shards.max(1))
        .map(|k| shard_name_of(&source.name, k))
        .collect()
}

#[durable_object(alarm)]
pub struct EventStore {
    state: State,
    env: Env,
    sql: SqlStorage,
    /// The alarm time this instance last set (None: unknown or fired).
    alarm_at: Cell<Option<i64>>,
    /// Whether the source name is written to `meta` by this instance.
    named: Cell<bool>,
    /// Whether an alarm run is delivering right now.
    running: Cell<bool>,
    /// Destinations with a running lane.
    lanes: RefCell<HashSet<String>>,
    /// Woken by a new or replayed event.
    work: Notify,
    /// Destinations of steps stored since the run loop last looked (due at once): it starts
    /// their lanes without a query.
    fresh: RefCell<Vec<String>>,
    /// Set when steps became due some other way (replay, wake): the run loop queries.
    rescan: Cell<bool>,
    /// Attempts the current alarm run may still make.
    budget: Cell<i64>,
    /// The shard's connection slots.
    connections: Semaphore,
}

fn now_ms() -> i64 {
    Date::now().as_millis() as i64
}

/// `?, ?, …` (`n` times) for an `IN (…)` list.
fn placeholders(n: usize) -> String {
    vec!["?"; n].join(", ")
}

fn rfc3339_ms(ms: i64) -> String {
    mediahook_core::time::rfc3339_from_unix(ms.div_euclid(1000))
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

/// What the alarm has to do after an ingest (ordered: the most urgent wins).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Next {
    /// Nothing new (a duplicate).
    Nothing,
    /// A stored event with nothing to deliver: only the retention purge.
    Purge,
    /// Steps to run now.
    Deliver,
}

#[derive(Deserialize)]
struct Leased {
    event_id: String,
    attempts: i64,
}

#[derive(Deserialize)]
struct Stored {
    id: String,
    #[serde(rename = "type")]
    event_type: String,
    vendor_type: String,
    subject: Option<String>,
    received_at: i64,
    body: String,
    admitted_by: Option<String>,
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
        // Additive changes for objects created by older versions (fail harmlessly when done).
        for alter in crate::schema::EVENT_STORE_UPGRADES {
            let _ = sql.exec(alter, None);
        }
        let _ = sql.exec(crate::schema::EVENT_STORE_INDEXES, None);
        EventStore {
            state,
            env,
            sql,
            alarm_at: Cell::new(None),
            named: Cell::new(false),
            running: Cell::new(false),
            lanes: RefCell::new(HashSet::new()),
            work: Notify::default(),
            fresh: RefCell::new(Vec::new()),
            rescan: Cell::new(false),
            budget: Cell::new(0),
            connections: Semaphore::new(CONNECTIONS),
        }
    }

    async fn fetch(&self, mut req: Request) -> Result<Response> {
        let path = req.path();
        let body = req.text().await?;
        if path == "/test-faults" {
            return self.test_faults(&body).await.and_then(|r| answer(&r));
        }
        if path == "/test-purge" {
            return self.test_purge().await.and_then(|r| answer(&r));
        }
        if path == "/test-seed-dead" {
            return self.test_seed_dead(&body).and_then(|r| answer(&r));
        }
        if faults::failing(Part::Store, now_ms()) {
            return Response::error("store: unavailable (test fault)", 500);
        }
        let out = match path.as_str() {
            "/ingest" => self.ingest(&body).await.and_then(|r| answer(&r)),
            "/wake" => self.wake(&body).await.and_then(|r| answer(&r)),
            "/get" => self.get(&body).and_then(|r| answer(&r)),
            "/list" => self.list(&body).and_then(|r| answer(&r)),
            "/replay" => self.replay(&body).await.and_then(|r| answer(&r)),
            "/replay-dead" => self.replay_dead(&body).await.and_then(|r| answer(&r)),
            "/quarantine" => self.quarantine(&body).and_then(|r| answer(&r)),
            "/quarantined" => self.quarantined().and_then(|r| answer(&r)),
            _ => return Response::error("unknown store operation", 404),
        };
        out.or_else(|e| Response::error(format!("store: {e}"), 500))
    }

    async fn alarm(&self) -> Result<Response> {
        self.alarm_at.set(None);
        if let Err(e) = self.on_alarm().await {
            console_error!("{}", json!({"at": "store.alarm", "error": e.to_string()}));
            // Never give up: look again soon.
            self.schedule(now_ms() + 5_000).await?;
        }
        Response::ok("ok")
    }
}

/// Lets the event loop run before work an ingest woke: the ingest's write commits and its
/// answer leaves first, instead of waiting behind the lane's lease, read and POST set-up.
async fn yield_to_io() {
    Delay::from(std::time::Duration::ZERO).await;
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
    /// Makes sure the alarm fires no later than `at` (Unix ms). Only ever moves it earlier.
    /// In a test `steps` window the alarm would only re-arm, so it need not fire before the
    /// window ends or [`FAULT_POLL_MS`] (asking for it at once on every ingest would run it
    /// on every ingest).
    ///
    /// While an alarm run is in progress it sets nothing: the running alarm stays armed until
    /// its handler ends (a crash during the run fires it again after the restart), and at its
    /// end `rearm` sets the next alarm from the table and the purge schedule, which hold
    /// everything a caller could ask for. Setting it here would replace the armed alarm: a
    /// later time (the next purge, asked for by an event without destinations) would then be
    /// all that fires after a crash, leaving the run's due steps waiting until it.
    async fn schedule(&self, at: i64) -> Result<()> {
        if self.running.get() {
            return Ok(());
        }
        let now = now_ms();
        let at = if faults::failing(Part::Steps, now) {
            at.max(faults::until(Part::Steps).min(now + FAULT_POLL_MS))
        } else {
            at
        };
        if self.alarm_at.get().is_some_and(|t| t <= at) {
            return Ok(());
        }
        self.alarm_at.set(Some(at));
        let offset = (at - now).max(0);
        self.state.storage().set_alarm(offset).await
    }

    fn remember_source(&self, source: &str) -> Result<()> {
        if !self.named.get() {
            self.exec(
                "INSERT OR REPLACE INTO meta (k, v) VALUES ('source', ?)",
                vec![source.into()],
            )?;
            self.named.set(true);
        }
        Ok(())
    }

    fn source_name(&self) -> Result<Option<String>> {
        #[derive(Deserialize)]
        struct Meta {
            v: String,
        }
        Ok(self
            .first::<Meta>("SELECT v FROM meta WHERE k = 'source'", vec![])?
            .map(|m| m.v))
    }

    fn test_mode_only(&self) -> Result<()> {
        if !crate::test_mode(&self.env) {
            return Err(Error::RustError("not in test mode".into()));
        }
        Ok(())
    }

    /// Test mode: replaces this isolate's fault windows, and has the alarm look at once (a
    /// window that ended or was lifted lets held-back work go).
    async fn test_faults(&self, body: &str) -> Result<Done> {
        self.test_mode_only()?;
        faults::set(parse(body)?);
        self.schedule(now_ms()).await?;
        Ok(Done { ok: true })
    }

    /// Test mode: make the next purge step due now.
    async fn test_purge(&self) -> Result<Done> {
        self.test_mode_only()?;
        self.exec("DELETE FROM meta WHERE k = 'purge_at'", vec![])?;
        self.schedule(now_ms()).await?;
        Ok(Done { ok: true })
    }

    /// Test mode: stores `n` dead events (one dead step each, to `url`) in one statement pair,
    /// for the bounded-listing test (100 000 dead events).
    fn test_seed_dead(&self, body: &str) -> Result<Done> {
        self.test_mode_only()?;
        #[derive(Deserialize)]
        struct Seed {
            source: String,
            n: i64,
            url: String,
            tag: String,
        }
        let r: Seed = parse(body)?;
        self.remember_source(&r.source)?;
        let now = now_ms();
        self.exec(
            "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < ?)
             INSERT OR IGNORE INTO events (id, type, vendor_type, subject, received_at, updated_at, state, body, admitted_by)
             SELECT 'evt_seed_' || ? || '_' || i, 'media.upload.completed', 'NewFileUpload', NULL, ? - i, ?, 'dead',
                    '{\"id\":\"evt_seed_' || ? || '_' || i || '\"}', 'seed' FROM c",
            vec![
                r.n.into(),
                r.tag.as_str().into(),
                now.into(),
                now.into(),
                r.tag.as_str().into(),
            ],
        )?;
        self.exec(
            "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < ?)
             INSERT OR IGNORE INTO deliveries (event_id, url, state, attempts, last_error, next_at)
             SELECT 'evt_seed_' || ? || '_' || i, ?, 'dead', 1, 'seeded', 0 FROM c",
            vec![r.n.into(), r.tag.as_str().into(), r.url.as_str().into()],
        )?;
        Ok(Done { ok: true })
    }

    /// Dedupe + store (+ the steps to do) + alarm. `Accepted` also when the same queue
    /// message (same nonce) stored it on an earlier try.
    async fn ingest(&self, body: &str) -> Result<IngestResp> {
        let r: IngestReq = parse(body)?;
        let (outcome, next) = self.admit(&r)?;
        self.after_admit(next).await?;
        Ok(IngestResp { outcome })
    }

    /// Stores one event (or finds it stored) and says what the alarm must do next.
    fn admit(&self, r: &IngestReq) -> Result<(IngestOutcome, Next)> {
        self.remember_source(&r.source)?;
        let now = now_ms();
        if !self.insert_event(&r.id, &r.admit, r.pull, now)? {
            // Stored before: by this same message (its nonce) on an earlier try, or a repeat
            // (counted). One statement either way.
            #[derive(Deserialize)]
            struct Owner {
                mine: i64,
            }
            let owner: Option<Owner> = self.first(
                "UPDATE events SET duplicates = duplicates + (admitted_by IS NOT ?1)
                 WHERE id = ?2 RETURNING admitted_by IS ?1 AS mine",
                vec![r.admit.nonce.as_str().into(), r.id.as_str().into()],
            )?;
            let outcome = if owner.is_some_and(|o| o.mine != 0) {
                IngestOutcome::Accepted
            } else {
                IngestOutcome::Duplicate
            };
            return Ok((outcome, Next::Nothing));
        }
        if !r.pull && r.admit.dests.is_empty() {
            return Ok((IngestOutcome::Accepted, Next::Purge));
        }
        let lanes = self.lanes.borrow();
        let mut fresh = self.fresh.borrow_mut();
        let steps = r.admit.dests.iter().map(String::as_str);
        for url in steps.chain(r.pull.then_some(PULL_STEP)) {
            if !lanes.contains(url) && !fresh.iter().any(|f| f == url) {
                fresh.push(url.to_string());
            }
        }
        Ok((IngestOutcome::Accepted, Next::Deliver))
    }

    /// Sets the alarm for what [`Self::admit`] stored (and wakes a running alarm's lanes).
    async fn after_admit(&self, next: Next) -> Result<()> {
        match next {
            Next::Nothing => Ok(()),
            Next::Purge => self.schedule(now_ms() + PURGE_EVERY_MS).await,
            Next::Deliver => {
                // A running alarm takes the step (named in `fresh`), or else reads it from
                // the table when it re-arms; `schedule` then sets nothing.
                self.work.notify_all();
                self.schedule(now_ms()).await
            }
        }
    }

    /// Stores a new event with one pending step per destination (and the pull step);
    /// `false` if its id is already stored.
    fn insert_event(&self, id: &str, a: &Admit, pull: bool, now: i64) -> Result<bool> {
        let state = if a.dests.is_empty() && !pull {
            EventState::Delivered
        } else {
            EventState::Pending
        };
        // The RETURNING row, read raw (no decoding): present iff the event is new.
        let inserted = self.exec(
            "INSERT INTO events (id, type, vendor_type, subject, received_at, updated_at, state, body, admitted_by)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING RETURNING 1 AS new",
            vec![
                id.into(),
                a.event_type.as_str().into(),
                a.vendor_type.as_str().into(),
                a.subject.clone().into(),
                a.received_at.into(),
                now.into(),
                state.as_str().into(),
                a.event.as_str().into(),
                a.nonce.as_str().into(),
            ],
        )?;
        match inserted.raw().next() {
            None => return Ok(false),
            Some(row) => drop(row?),
        }
        let steps: Vec<&str> = a
            .dests
            .iter()
            .map(String::as_str)
            .chain(pull.then_some(PULL_STEP))
            .collect();
        // One statement for all steps (at most 49 rows: 2 bindings each, under SQLite's
        // 100-binding limit on Durable Objects).
        for chunk in steps.chunks(49) {
            let q = format!(
                "INSERT OR IGNORE INTO deliveries (event_id, url, state, next_at) VALUES {}",
                vec!["(?, ?, 'pending', 0)"; chunk.len()].join(", ")
            );
            let b = chunk
                .iter()
                .flat_map(|url| [SqlStorageValue::from(id), SqlStorageValue::from(*url)])
                .collect();
            self.exec(&q, b)?;
        }
        Ok(true)
    }

    async fn wake(&self, body: &str) -> Result<Done> {
        let r: WakeReq = parse(body)?;
        self.remember_source(&r.source)?;
        self.steps_due().await?;
        Ok(Done { ok: true })
    }

    /// Steps became due other than by an ingest (a wake, a replay): a running alarm is told
    /// to query the table (and `schedule` sets nothing); with none running the alarm is set
    /// for now.
    async fn steps_due(&self) -> Result<()> {
        self.rescan.set(true);
        self.work.notify_all();
        self.schedule(now_ms()).await
    }

    // -----------------------------------------------------------------------------------
    // The alarm: due steps, then a bounded purge, then re-arm.

    async fn on_alarm(&self) -> Result<()> {
        let now = now_ms();
        for part in [Part::Store, Part::Steps] {
            if faults::failing(part, now) {
                // Look again when it ends, or within FAULT_POLL_MS (a restart clears the
                // window; lifting it schedules the alarm at once).
                return self
                    .schedule(faults::until(part).clamp(now + 100, now + FAULT_POLL_MS))
                    .await;
            }
        }
        let cfg = crate::current_config(&self.env);
        let source = self.source_name()?;
        let (cfg, src) = match (cfg.as_ref(), source) {
            (Ok(c), Some(name)) => match c.source(&name) {
                Some(s) => (c, s),
                None => {
                    crate::log_line(json!({"at": "store.alarm", "source": name,
                        "outcome": "source_not_configured", "note": "nothing delivered or purged; retrying"}));
                    return self.schedule(now + TROUBLE_RETRY_MS).await;
                }
            },
            (Err(_), name) => {
                crate::log_line(json!({"at": "store.alarm", "source": name,
                    "outcome": "config_invalid", "note": "nothing delivered or purged; retrying"}));
                return self.schedule(now + TROUBLE_RETRY_MS).await;
            }
            (Ok(_), None) => return Ok(()),
        };
        self.running.set(true);
        self.budget.set(RUN_ATTEMPTS);
        let ran = self.run(cfg, src, now + RUN_MS).await;
        self.running.set(false);
        ran?;
        let purge_next = self.purge(cfg, now_ms())?;
        self.rearm(purge_next).await
    }

    /// Sets the alarm for the earliest due step (a lease's end counts) or the next purge.
    async fn rearm(&self, purge_next: i64) -> Result<()> {
        #[derive(Deserialize)]
        struct Next {
            at: Option<i64>,
        }
        let next: Option<Next> = self.first(
            "SELECT MIN(next_at) AS at FROM deliveries WHERE state = 'pending'",
            vec![],
        )?;
        let at = next
            .and_then(|n| n.at)
            .map_or(purge_next, |a| a.min(purge_next));
        // Set it even if this instance believes an earlier one is set: the fired alarm is
        // gone, and a concurrent `schedule` only moves it earlier.
        let at = self.alarm_at.get().map_or(at, |t| t.min(at));
        self.alarm_at.set(Some(at));
        self.state.storage().set_alarm((at - now_ms()).max(0)).await
    }

    /// Runs lanes for every destination with due steps until none is due or `deadline`.
    /// The table is queried at the start, every [`TICK_MS`] (a step's backoff ending) and
    /// after a replay or wake; a newly stored step names its destination in `fresh`
    /// instead, so an ingest costs the loop no query (and no new timer).
    async fn run(&self, cfg: &Config, src: &Source, deadline: i64) -> Result<()> {
        let mut lanes = FuturesUnordered::new();
        let mut tick: Option<Pin<Box<Delay>>> = None;
        let mut scan = true;
        loop {
            let fresh: Vec<String> = self.fresh.borrow_mut().drain(..).collect();
            if now_ms() < deadline && self.budget.get() > 0 {
                let mut urls = if scan || self.rescan.replace(false) {
                    self.due_urls(now_ms())?
                } else {
                    Vec::new()
                };
                scan = false;
                urls.extend(fresh);
                for url in urls {
                    if self.lanes.borrow_mut().insert(url.clone()) {
                        lanes.push(self.lane(cfg, src, url, deadline));
                    }
                }
            }
            if lanes.is_empty() {
                return Ok(());
            }
            // A lane ending, new work, or the tick.
            let t = tick.get_or_insert_with(|| {
                Box::pin(Delay::from(std::time::Duration::from_millis(TICK_MS)))
            });
            let woken = select(Box::pin(self.work.notified()), t.as_mut());
            match select(lanes.next(), woken).await {
                Either::Left((Some(Err(e)), _)) => {
                    console_error!("{}", json!({"at": "store.lane", "error": e.to_string()}));
                }
                Either::Right((Either::Right(_), _)) => {
                    tick = None;
                    scan = true;
                }
                Either::Right((Either::Left(_), _)) => yield_to_io().await,
                _ => {}
            }
        }
    }

    /// Destinations with due steps and no running lane (at most 64 per call).
    fn due_urls(&self, now: i64) -> Result<Vec<String>> {
        #[derive(Deserialize)]
        struct U {
            url: String,
        }
        let active: Vec<String> = self.lanes.borrow().iter().cloned().collect();
        let mut q = String::from(
            "SELECT DISTINCT url FROM (SELECT url FROM deliveries WHERE state = 'pending' AND next_at <= ?",
        );
        let mut b: Vec<SqlStorageValue> = vec![now.into()];
        if !active.is_empty() {
            q.push_str(" AND url NOT IN (");
            q.push_str(&vec!["?"; active.len()].join(","));
            q.push(')');
            b.extend(active.iter().map(|u| SqlStorageValue::from(u.as_str())));
        }
        q.push_str(" ORDER BY next_at LIMIT 256) LIMIT 64");
        Ok(self.rows::<U>(&q, b)?.into_iter().map(|u| u.url).collect())
    }

    /// One destination's lane: lease due steps (up to its cap), attempt them, record, repeat;
    /// ends after [`LANE_IDLE_MS`] without due work, or at `deadline`.
    async fn lane(&self, cfg: &Config, src: &Source, url: String, deadline: i64) -> Result<()> {
        let out = self.lane_inner(cfg, src, &url, deadline).await;
        self.lanes.borrow_mut().remove(&url);
        out
    }

    async fn lane_inner(&self, cfg: &Config, src: &Source, url: &str, deadline: i64) -> Result<()> {
        let is_pull = url == PULL_STEP;
        // In flight at once, and leased per round: a round leases several waves so that
        // its bookkeeping (lease, read, record: one statement each) is shared by more
        // events; the lease covers every wave.
        let (in_flight, waves) = if is_pull {
            (16, 1)
        } else {
            (i64::from(cfg.delivery.concurrency.max(1)), LEASE_WAVES)
        };
        let slots = Semaphore::new(usize::try_from(in_flight).unwrap_or(1));
        let lease_ms = i64::from(cfg.delivery.timeout_ms) * waves + LEASE_EXTRA_MS;
        let mut idle = false;
        loop {
            let now = now_ms();
            let cap = (in_flight * waves).min(self.budget.get());
            // A test `steps` window pauses lanes too (the alarm re-arms until it ends).
            if now >= deadline || cap <= 0 || faults::failing(Part::Steps, now) {
                return Ok(());
            }
            let token = crate::ids::random_hex(8);
            let lease_until = now + lease_ms;
            let lease = (token.as_str(), lease_until);
            let leased: Vec<Leased> = self.rows(
                "UPDATE deliveries SET lease = ?, next_at = ?
                 WHERE rowid IN (SELECT rowid FROM deliveries WHERE state = 'pending' AND url = ?
                                 AND next_at <= ? ORDER BY next_at LIMIT ?)
                 RETURNING event_id, attempts",
                vec![
                    token.as_str().into(),
                    lease_until.into(),
                    url.into(),
                    now.into(),
                    cap.into(),
                ],
            )?;
            if leased.is_empty() {
                if idle {
                    return Ok(());
                }
                idle = true;
                let wait = Delay::from(std::time::Duration::from_millis(LANE_IDLE_MS));
                if let Either::Left(_) =
                    select(Box::pin(self.work.notified()), Box::pin(wait)).await
                {
                    yield_to_io().await;
                }
                continue;
            }
            idle = false;
            self.budget.set(self.budget.get() - leased.len() as i64);
            let started = now_ms();
            // The round's events in one read (a storage error fails each attempt, retried).
            let mut stored = self.stored(&leased).map_err(|e| e.to_string());
            let mut attempts: FuturesUnordered<_> = leased
                .iter()
                .enumerate()
                .map(|(i, l)| {
                    let ev = match stored.as_mut() {
                        Ok(m) => Ok(m.remove(&l.event_id)),
                        Err(e) => Err(e.clone()),
                    };
                    let slots = &slots;
                    async move { (i, self.attempt(cfg, src, url, ev, slots, lease).await) }
                })
                .collect();
            // Each result is recorded as soon as it is in (those that finish together, in one
            // go): an answer kept only in memory until the round's slowest POST would be lost
            // to a crash meanwhile, and the event POSTed again although its outcome was known.
            let mut delivered_in_round: Vec<&str> = Vec::new();
            while let Some(first) = attempts.next().await {
                let mut ready = vec![first];
                while let Some(Some(more)) = attempts.next().now_or_never() {
                    ready.push(more);
                }
                let mut delivered: Vec<(&str, Option<u16>)> = Vec::new();
                for (i, res) in ready {
                    let l = &leased[i];
                    if res.outcome == AttemptOutcome::Delivered {
                        delivered.push((l.event_id.as_str(), res.status));
                        continue;
                    }
                    crate::log_line(json!({
                        "at": "deliver", "source": src.name, "event_id": l.event_id,
                        "url": crate::util::url_for_log(url), "attempt": l.attempts + 1,
                        "outcome": res.outcome, "status": res.status, "error": res.error,
                    }));
                    // Every result is recorded even if another one fails to be: a hanging
                    // lease would re-send a delivered event when it ends.
                    if let Err(e) = self.record(cfg, &l.event_id, url, &token, l.attempts, res) {
                        console_error!(
                            "{}",
                            json!({"at": "store.record", "event_id": l.event_id, "error": e.to_string()})
                        );
                    }
                }
                if !delivered.is_empty() {
                    if let Err(e) = self.record_delivered(url, &token, &delivered) {
                        console_error!(
                            "{}",
                            json!({"at": "store.record", "url": crate::util::url_for_log(url), "error": e.to_string()})
                        );
                    }
                    delivered_in_round.extend(delivered.iter().map(|(id, _)| *id));
                }
            }
            if !delivered_in_round.is_empty() {
                // One line per round for the successes.
                crate::log_line(json!({
                    "at": "deliver", "source": src.name, "url": crate::util::url_for_log(url),
                    "outcome": "delivered", "delivered": delivered_in_round, "latency_ms": now_ms() - started,
                }));
            }
        }
    }

    /// The stored events of a round's leased steps, by id (one statement).
    fn stored(&self, leased: &[Leased]) -> Result<HashMap<String, Stored>> {
        let q = format!(
            "SELECT id, type, vendor_type, subject, received_at, body, admitted_by FROM events WHERE id IN ({})",
            placeholders(leased.len())
        );
        let ids = leased.iter().map(|l| l.event_id.as_str().into()).collect();
        Ok(self
            .rows::<Stored>(&q, ids)?
            .into_iter()
            .map(|ev| (ev.id.clone(), ev))
            .collect())
    }

    /// One attempt of one step: `ev` is its stored event (`None`: gone), or the error that
    /// kept it from being read (a failed attempt, retried); `lease` is the round's (token,
    /// lease end in Unix ms).
    async fn attempt(
        &self,
        cfg: &Config,
        src: &Source,
        url: &str,
        ev: std::result::Result<Option<Stored>, String>,
        lane_slots: &Semaphore,
        lease: (&str, i64),
    ) -> AttemptResult {
        let ev = match ev {
            Ok(Some(ev)) => ev,
            Ok(None) => return crate::delivery::gone(url),
            Err(e) => {
                return AttemptResult {
                    url: url.into(),
                    outcome: AttemptOutcome::Failed,
                    status: None,
                    error: Some(format!("store: {e}")),
                    retry_after: None,
                }
            }
        };
        if url == PULL_STEP {
            let id = ev.id.clone();
            self.push_to_pull_queue(src, &id, ev).await
        } else {
            match src.destination(url) {
                None => crate::delivery::gone(url),
                Some(dest) => {
                    // The lane's cap first, then one of the shard's connections.
                    let _lane = lane_slots.acquire().await;
                    let _slot = self.connections.acquire().await;
                    if !self.lease_holds(&ev.id, url, lease, cfg.delivery.timeout_ms) {
                        // Its result is not recorded either: the token no longer holds.
                        return AttemptResult {
                            url: url.into(),
                            outcome: AttemptOutcome::Failed,
                            status: None,
                            error: Some(
                                "not sent: while the attempt waited for a connection its lease \
                                 ended and a replay (or a newer lease) took the step"
                                    .into(),
                            ),
                            retry_after: None,
                        };
                    }
                    crate::delivery::post(
                        &ev.id,
                        dest,
                        &ev.body,
                        cfg.delivery.timeout_ms,
                        &self.budget,
                    )
                    .await
                }
            }
        }
    }

    /// Whether the round's lease on the step (`lease`: token, end in Unix ms) covers a POST
    /// that starts now and may take `timeout_ms`. The lease is sized for the round's waves,
    /// but an attempt can wait longer for one of the shard's connections (other lanes hold
    /// them); a replay would then find the step no longer in flight and send it again beside
    /// this POST. So a lease that would end before this POST can is first extended, with a
    /// compare-and-set on the token: `false` when a replay or a newer lease took the step
    /// meanwhile (or the storage cannot say), and the POST is not made.
    fn lease_holds(&self, id: &str, url: &str, lease: (&str, i64), timeout_ms: u32) -> bool {
        let (token, until) = lease;
        let needed = now_ms() + i64::from(timeout_ms) + LEASE_EXTRA_MS;
        if needed <= until {
            return true;
        }
        let extended = self.exec(
            "UPDATE deliveries SET next_at = ? WHERE event_id = ? AND url = ? AND lease = ?
             AND state = 'pending' RETURNING 1",
            vec![needed.into(), id.into(), url.into(), token.into()],
        );
        match extended {
            Ok(rows) => rows.raw().next().is_some_and(|r| r.is_ok()),
            Err(e) => {
                console_error!(
                    "{}",
                    json!({"at": "store.lease", "event_id": id, "error": e.to_string()})
                );
                false
            }
        }
    }

    async fn push_to_pull_queue(&self, src: &Source, id: &str, ev: Stored) -> AttemptResult {
        let req = IngestReq {
            source: src.name.clone(),
            id: id.into(),
            pull: true,
            admit: Admit {
                event_type: ev.event_type,
                vendor_type: ev.vendor_type,
                subject: ev.subject,
                dests: Vec::new(),
                received_at: ev.received_at,
                nonce: ev.admitted_by.unwrap_or_default(),
                event: ev.body,
            },
        };
        let pushed = match crate::protocol::to_text(&req) {
            Ok(body) => crate::pull_queue::push(&self.env, &src.name, &body).await,
            Err(e) => Err(e),
        };
        match pushed {
            Ok(()) => AttemptResult {
                url: PULL_STEP.into(),
                outcome: AttemptOutcome::Delivered,
                status: None,
                error: None,
                retry_after: None,
            },
            Err(e) => AttemptResult {
                url: PULL_STEP.into(),
                outcome: AttemptOutcome::Failed,
                status: None,
                error: Some(format!("pull queue: {e}")),
                retry_after: None,
            },
        }
    }

    /// Records an attempt if the lease `token` still holds (compare-and-set: a replay or a
    /// later lease in between wins, and a stale result never overwrites a newer state).
    fn record(
        &self,
        cfg: &Config,
        id: &str,
        url: &str,
        token: &str,
        attempts_before: i64,
        a: AttemptResult,
    ) -> Result<()> {
        let now = now_ms();
        let before = u32::try_from(attempts_before).unwrap_or(0);
        let d = if url == PULL_STEP {
            // Never given up: the event is stored, the pull queue will come back.
            let mut d = after_attempt(&cfg.delivery, 0, a.outcome, None, now, 0.5);
            d.attempts = before.saturating_add(1);
            if a.outcome == AttemptOutcome::Failed {
                let exp = before.min(16);
                d.state = DeliveryState::Pending;
                d.next_at_ms = now + (1000i64 << exp).min(PULL_RETRY_MAX_MS);
            }
            d
        } else {
            after_attempt(
                &cfg.delivery,
                before,
                a.outcome,
                a.retry_after,
                now,
                crate::ids::random_unit(),
            )
        };
        let error = match a.outcome {
            AttemptOutcome::Delivered => None,
            AttemptOutcome::Stopped => {
                Some("the destination answered 410 Gone: no more deliveries".to_string())
            }
            AttemptOutcome::Gone => Some("the destination is no longer configured".to_string()),
            AttemptOutcome::Failed => a.error.clone(),
        };
        let delivered_at = (d.state == DeliveryState::Delivered).then_some(now);
        let updated: Vec<Value> = self.rows(
            "UPDATE deliveries SET state = ?, attempts = ?, last_status = ?, last_error = ?,
             next_at = ?, lease = NULL, delivered_at = COALESCE(?, delivered_at)
             WHERE event_id = ? AND url = ? AND lease = ? RETURNING 1 AS n",
            vec![
                d.state.as_str().into(),
                i64::from(d.attempts).into(),
                a.status.map(i64::from).into(),
                error.into(),
                d.next_at_ms.into(),
                delivered_at.into(),
                id.into(),
                url.into(),
                token.into(),
            ],
        )?;
        if updated.is_empty() {
            crate::log_line(
                json!({"at": "deliver", "event_id": id, "url": crate::util::url_for_log(url),
                "outcome": "stale_lease", "note": "a replay or a newer lease took this step; result not recorded"}),
            );
        }
        self.refresh_state(id, now)?;
        Ok(())
    }

    /// Records a round's successful attempts (each `(event id, status)`) where the lease
    /// `token` still holds: one statement per distinct status, then one to recompute the
    /// events' states.
    fn record_delivered(&self, url: &str, token: &str, done: &[(&str, Option<u16>)]) -> Result<()> {
        #[derive(Deserialize)]
        struct Id {
            event_id: String,
        }
        let now = now_ms();
        let mut statuses: Vec<Option<u16>> = done.iter().map(|(_, s)| *s).collect();
        statuses.sort_unstable();
        statuses.dedup();
        let mut recorded: Vec<String> = Vec::with_capacity(done.len());
        for status in statuses {
            let ids: Vec<&str> = done
                .iter()
                .filter(|(_, s)| *s == status)
                .map(|(id, _)| *id)
                .collect();
            let q = format!(
                "UPDATE deliveries SET state = 'delivered', attempts = attempts + 1, last_status = ?,
                 last_error = NULL, next_at = 0, lease = NULL, delivered_at = ?
                 WHERE url = ? AND lease = ? AND event_id IN ({}) RETURNING event_id",
                placeholders(ids.len())
            );
            let mut b: Vec<SqlStorageValue> = vec![
                status.map(i64::from).into(),
                now.into(),
                url.into(),
                token.into(),
            ];
            b.extend(ids.iter().map(|id| SqlStorageValue::from(*id)));
            recorded.extend(self.rows::<Id>(&q, b)?.into_iter().map(|r| r.event_id));
        }
        for (id, _) in done
            .iter()
            .filter(|(id, _)| !recorded.iter().any(|r| r == id))
        {
            crate::log_line(
                json!({"at": "deliver", "event_id": id, "url": crate::util::url_for_log(url),
                "outcome": "stale_lease", "note": "a replay or a newer lease took this step; result not recorded"}),
            );
        }
        if recorded.is_empty() {
            return Ok(());
        }
        let q = format!(
            "UPDATE events SET updated_at = ?, state = CASE
               WHEN EXISTS (SELECT 1 FROM deliveries d WHERE d.event_id = events.id AND d.state = 'pending') THEN 'pending'
               WHEN EXISTS (SELECT 1 FROM deliveries d WHERE d.event_id = events.id AND d.state = 'dead') THEN 'dead'
               ELSE 'delivered' END
             WHERE id IN ({})",
            placeholders(recorded.len())
        );
        let mut b: Vec<SqlStorageValue> = vec![now.into()];
        b.extend(recorded.iter().map(|id| SqlStorageValue::from(id.as_str())));
        self.exec(&q, b)?;
        Ok(())
    }

    /// Recomputes an event's state from its steps (one statement).
    fn refresh_state(&self, id: &str, now: i64) -> Result<EventState> {
        #[derive(Deserialize)]
        struct S {
            state: String,
        }
        let row: Option<S> = self.first(
            "UPDATE events SET updated_at = ?2, state = CASE
               WHEN EXISTS (SELECT 1 FROM deliveries WHERE event_id = ?1 AND state = 'pending') THEN 'pending'
               WHEN EXISTS (SELECT 1 FROM deliveries WHERE event_id = ?1 AND state = 'dead') THEN 'dead'
               ELSE 'delivered' END
             WHERE id = ?1 RETURNING state",
            vec![id.into(), now.into()],
        )?;
        Ok(row
            .and_then(|r| EventState::parse(&r.state))
            .unwrap_or(EventState::Delivered))
    }

    /// One bounded purge step, if due. Returns when the next one is due.
    fn purge(&self, cfg: &Config, now: i64) -> Result<i64> {
        #[derive(Deserialize)]
        struct Meta {
            v: String,
        }
        let due = self
            .first::<Meta>("SELECT v FROM meta WHERE k = 'purge_at'", vec![])?
            .and_then(|m| m.v.parse::<i64>().ok())
            .unwrap_or(0);
        if now < due {
            return Ok(due);
        }
        let retention_ms = i64::from(cfg.retention_hours) * 3600 * 1000;
        let delivered_before = now - retention_ms;
        let dead_before = now - retention_ms.max(DEAD_RETENTION_MS);
        #[derive(Deserialize)]
        struct Id {
            id: String,
        }
        let victims: Vec<Id> = self.rows(
            "SELECT id FROM events WHERE (state = 'delivered' AND received_at < ?)
             UNION ALL SELECT id FROM events WHERE (state = 'dead' AND received_at < ?) LIMIT ?",
            vec![
                delivered_before.into(),
                dead_before.into(),
                PURGE_BATCH.into(),
            ],
        )?;
        for v in &victims {
            self.exec(
                "DELETE FROM deliveries WHERE event_id = ?",
                vec![v.id.as_str().into()],
            )?;
            self.exec(
                "DELETE FROM events WHERE id = ?",
                vec![v.id.as_str().into()],
            )?;
        }
        let next = if victims.len() as i64 >= PURGE_BATCH {
            now + 1_000
        } else {
            now + PURGE_EVERY_MS
        };
        self.exec(
            "INSERT OR REPLACE INTO meta (k, v) VALUES ('purge_at', ?)",
            vec![next.to_string().into()],
        )?;
        if !victims.is_empty() {
            crate::log_line(json!({"at": "store.purge", "purged": victims.len()}));
        }
        Ok(next)
    }

    // -----------------------------------------------------------------------------------
    // Unparseable queue messages (kept in the QUARANTINE object).

    fn quarantine(&self, body: &str) -> Result<Done> {
        let r: QuarantineReq = parse(body)?;
        self.exec(
            "INSERT INTO quarantine (queue, received_at, body) VALUES (?, ?, ?)",
            vec![
                r.queue.as_str().into(),
                now_ms().into(),
                r.body.as_str().into(),
            ],
        )?;
        Ok(Done { ok: true })
    }

    fn quarantined(&self) -> Result<QuarantineList> {
        let messages: Vec<Value> = self.rows(
            "SELECT seq, queue, received_at, body FROM quarantine ORDER BY seq LIMIT 100",
            vec![],
        )?;
        Ok(QuarantineList { messages })
    }

    // -----------------------------------------------------------------------------------
    // Admin API reads and replays.

    fn summaries(
        &self,
        events: Vec<EventRow>,
        deliveries: Vec<DeliveryRow>,
        source: &str,
    ) -> Vec<Value> {
        let now = now_ms();
        events
            .into_iter()
            .map(|e| {
                let dests: Vec<Value> = deliveries
                    .iter()
                    .filter(|d| d.event_id == e.id && d.url != PULL_STEP)
                    .map(|d| {
                        let pending = d.state == "pending";
                        json!({
                            "url": d.url,
                            "status": d.state,
                            "attempts": d.attempts,
                            "last_status": d.last_status,
                            "last_error": d.last_error,
                            "next_attempt_at": (pending && d.next_at > 0).then(|| rfc3339_ms(d.next_at.max(now))),
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
        let b: Option<Body> = self.first(
            "SELECT body FROM events WHERE id = ?",
            vec![r.id.as_str().into()],
        )?;
        let event: Value = b
            .and_then(|b| crate::protocol::from_stored_text(&b.body).ok())
            .unwrap_or(Value::Null);
        let mut one = self.summaries(events, deliveries, &r.source);
        let mut v = one.pop().unwrap_or(Value::Null);
        if let Value::Object(o) = &mut v {
            o.insert("event".into(), event);
        }
        Ok(GetResp { event: Some(v) })
    }

    /// Newest first, at most `limit` (≤ 501: a page of 500 and one more to tell whether there
    /// is a next page), after the cursor: bounded by the indexes.
    fn list(&self, body: &str) -> Result<ListResp> {
        let r: ListReq = parse(body)?;
        let mut conds: Vec<&str> = Vec::new();
        let mut binds: Vec<SqlStorageValue> = Vec::new();
        if let Some(s) = r.status {
            conds.push("state = ?");
            binds.push(s.as_str().into());
        }
        if let Some(c) = &r.before {
            conds.push("(received_at < ? OR (received_at = ? AND id > ?))");
            binds.push(c.at.into());
            binds.push(c.at.into());
            binds.push(c.id.as_str().into());
        }
        let filter = if conds.is_empty() {
            String::new()
        } else {
            format!("WHERE {}", conds.join(" AND "))
        };
        binds.push(r.limit.clamp(1, 501).into());
        let q = format!(
            "SELECT id, type, vendor_type, subject, received_at, state, duplicates FROM events {filter}
             ORDER BY received_at DESC, id LIMIT ?"
        );
        let events: Vec<EventRow> = self.rows(&q, binds)?;
        let mut deliveries = Vec::new();
        for e in &events {
            let mut d: Vec<DeliveryRow> = self.rows(
                "SELECT * FROM deliveries WHERE event_id = ? ORDER BY url",
                vec![e.id.as_str().into()],
            )?;
            deliveries.append(&mut d);
        }
        Ok(ListResp {
            events: self.summaries(events, deliveries, &r.source),
        })
    }

    /// How many of an event's steps are in flight (leased, lease not ended) at `now`.
    fn in_flight(&self, id: &str, now: i64) -> Result<u32> {
        #[derive(Deserialize)]
        struct N {
            n: i64,
        }
        let in_flight: Option<N> = self.first(
            "SELECT COUNT(*) AS n FROM deliveries WHERE event_id = ? AND state = 'pending'
             AND lease IS NOT NULL AND next_at > ?",
            vec![id.into(), now.into()],
        )?;
        Ok(u32::try_from(in_flight.map_or(0, |n| n.n)).unwrap_or(0))
    }

    /// Resets an event's steps to pending (not those in flight: their attempt stands).
    fn reset(&self, id: &str, only_dead: bool, now: i64) -> Result<u32> {
        let q = format!(
            "UPDATE deliveries SET state = 'pending', attempts = 0, next_at = 0, lease = NULL,
             last_error = NULL WHERE event_id = ? {} AND NOT (state = 'pending' AND lease IS NOT NULL AND next_at > ?)",
            if only_dead { "AND state = 'dead'" } else { "" }
        );
        self.exec(&q, vec![id.into(), now.into()])?;
        self.in_flight(id, now)
    }

    /// Re-delivers one event to every destination that currently matches it (and any it
    /// had), with the same id (= webhook-id).
    async fn replay(&self, body: &str) -> Result<ReplayResp> {
        let r: EventRef = parse(body)?;
        self.remember_source(&r.source)?;
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
        let Some(ev) = self.first::<T>(
            "SELECT type FROM events WHERE id = ?",
            vec![r.id.as_str().into()],
        )?
        else {
            return Ok(ReplayResp {
                outcome: ReplayOutcome::NotFound,
                in_flight: 0,
            });
        };
        let now = now_ms();
        if let Some(src) = cfg.source(&r.source) {
            for d in src.matching(&ev.t) {
                self.exec(
                    "INSERT OR IGNORE INTO deliveries (event_id, url, state, next_at) VALUES (?, ?, 'pending', 0)",
                    vec![r.id.as_str().into(), d.url.as_str().into()],
                )?;
            }
        }
        // The pull step is left as it is: the pull queue keeps the event for its own
        // retention (pulling it again is the puller's business, by not confirming).
        let in_flight = self.reset_push(&r.id, now)?;
        let state = self.refresh_state(&r.id, now)?;
        if state != EventState::Pending {
            return Ok(ReplayResp {
                outcome: ReplayOutcome::NothingToDeliver,
                in_flight,
            });
        }
        self.steps_due().await?;
        Ok(ReplayResp {
            outcome: ReplayOutcome::Queued,
            in_flight,
        })
    }

    /// [`Self::reset`] for push destinations only (the pull step stays as it is).
    fn reset_push(&self, id: &str, now: i64) -> Result<u32> {
        self.exec(
            "UPDATE deliveries SET state = 'pending', attempts = 0, next_at = 0, lease = NULL,
             last_error = NULL WHERE event_id = ? AND url != ?
             AND NOT (state = 'pending' AND lease IS NOT NULL AND next_at > ?)",
            vec![id.into(), PULL_STEP.into(), now.into()],
        )?;
        self.in_flight(id, now)
    }

    /// Replays up to `limit` dead events (oldest first; bounded: the replayed ones stop
    /// being dead, so the next call continues where this one ended).
    async fn replay_dead(&self, body: &str) -> Result<ReplayDeadResp> {
        let r: ReplayDeadReq = parse(body)?;
        self.remember_source(&r.source)?;
        let limit = r.limit.clamp(1, 1000);
        let (filter, mut binds): (&str, Vec<SqlStorageValue>) = match r.type_pattern.as_deref() {
            None | Some("*") => ("", vec![]),
            Some(p) => match TypePattern::parse(p) {
                Some(TypePattern::Exact(t)) => ("AND type = ?", vec![t.into()]),
                Some(TypePattern::Prefix(pre)) => {
                    let escaped = pre
                        .replace('\\', "\\\\")
                        .replace('%', "\\%")
                        .replace('_', "\\_");
                    (
                        "AND type LIKE ? ESCAPE '\\'",
                        vec![format!("{escaped}%").into()],
                    )
                }
                Some(TypePattern::Any) => ("", vec![]),
                None => return Err(Error::RustError("bad type pattern".into())),
            },
        };
        let after = match &r.after {
            Some(c) => {
                binds.extend([c.at.into(), c.at.into(), c.id.as_str().into()]);
                "AND (received_at > ? OR (received_at = ? AND id > ?))"
            }
            None => "",
        };
        binds.push((limit + 1).into());
        #[derive(Deserialize)]
        struct Row {
            id: String,
            received_at: i64,
        }
        let dead: Vec<Row> = self.rows(
            &format!(
                "SELECT id, received_at FROM events WHERE state = 'dead' {filter} {after}
                 ORDER BY received_at, id LIMIT ?"
            ),
            binds,
        )?;
        let more = dead.len() as i64 > limit;
        let now = now_ms();
        let mut replayed = Vec::new();
        let mut last = None;
        for row in dead.into_iter().take(usize::try_from(limit).unwrap_or(0)) {
            self.reset(&row.id, true, now)?;
            self.refresh_state(&row.id, now)?;
            last = Some(Cursor {
                at: row.received_at,
                id: row.id.clone(),
            });
            replayed.push(row.id);
        }
        if !replayed.is_empty() {
            self.steps_due().await?;
        }
        Ok(ReplayDeadResp {
            replayed,
            failed: 0,
            more,
            last,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_are_stable_and_spread() {
        assert_eq!(shard_of(1, "evt_a"), 0);
        assert_eq!(shard_of(0, "evt_a"), 0);
        let a = shard_of(8, "evt_0123");
        assert_eq!(a, shard_of(8, "evt_0123"));
        let mut seen = [0u32; 8];
        for i in 0..800 {
            seen[shard_of(8, &format!("evt_{i}")) as usize] += 1;
        }
        assert!(seen.iter().all(|&n| n > 50), "{seen:?}");
        assert_eq!(shard_name_of("src", 0), "src");
        assert_eq!(shard_name_of("src", 3), "src#3");
        assert_eq!(shard_name("src", 1, "anything"), "src");
    }
}
