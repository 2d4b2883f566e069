//! The SQLite schemas of the Durable Objects (applied with `CREATE … IF NOT EXISTS` when an
//! object starts; additive changes only, so objects created by older versions keep working).

/// The `EventStore`'s tables: events (one row per event id: dedupe, body, overall state),
/// deliveries (one row per event and destination: attempts, schedule, lease), meta.
pub const EVENT_STORE: &str = "
CREATE TABLE IF NOT EXISTS events (
  id TEXT PRIMARY KEY,
  type TEXT NOT NULL,
  vendor_type TEXT NOT NULL,
  subject TEXT,
  received_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  state TEXT NOT NULL,
  duplicates INTEGER NOT NULL DEFAULT 0,
  body TEXT NOT NULL,
  admitted_by TEXT
);
CREATE INDEX IF NOT EXISTS events_by_time ON events (received_at);
CREATE INDEX IF NOT EXISTS events_by_state ON events (state, received_at);
CREATE TABLE IF NOT EXISTS deliveries (
  event_id TEXT NOT NULL,
  url TEXT NOT NULL,
  state TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  last_status INTEGER,
  last_error TEXT,
  next_at INTEGER NOT NULL DEFAULT 0,
  lease_until INTEGER NOT NULL DEFAULT 0,
  delivered_at INTEGER,
  lease TEXT,
  PRIMARY KEY (event_id, url)
);
CREATE TABLE IF NOT EXISTS meta (k TEXT PRIMARY KEY, v TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS quarantine (
  seq INTEGER PRIMARY KEY,
  queue TEXT NOT NULL,
  received_at INTEGER NOT NULL,
  body TEXT NOT NULL
);";

/// Columns added after the first version (each `ALTER` fails harmlessly when it is there).
/// `deliveries.lease`: the compare-and-set token of the attempt in flight; while it is set,
/// `next_at` is the lease's end. (`lease_until` is no longer used.)
pub const EVENT_STORE_UPGRADES: [&str; 2] = [
    "ALTER TABLE events ADD COLUMN admitted_by TEXT",
    "ALTER TABLE deliveries ADD COLUMN lease TEXT",
];

/// The indexes the delivery engine reads through: due steps per destination, and the
/// earliest due step (the alarm time). Partial: only pending steps are indexed.
pub const EVENT_STORE_INDEXES: &str = "
CREATE INDEX IF NOT EXISTS deliveries_due ON deliveries (url, next_at) WHERE state = 'pending';
CREATE INDEX IF NOT EXISTS deliveries_next ON deliveries (next_at) WHERE state = 'pending';";

/// The `PullQueue`'s tables: pull_events (arrival order, visibility, lease), pull_meta.
pub const PULL_QUEUE: &str = "
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
CREATE INDEX IF NOT EXISTS pull_visible ON pull_events (visible_at) WHERE confirmed_at IS NULL;
CREATE TABLE IF NOT EXISTS pull_meta (k TEXT PRIMARY KEY, v TEXT NOT NULL);";
