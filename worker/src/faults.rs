//! Test-mode-only fault injection (`"test_mode": true` in the configuration, never in
//! production): for a window of time, make a part fail the way an outage would.
//!
//! * `store` — every `EventStore` operation answers 500 and its alarms do no work (they
//!   re-arm): the store is unreachable.
//! * `steps` — the steps after storing (deliveries and pull-queue pushes, run by the store's
//!   alarm) do not run: a crash in this window is a crash between storing and enqueueing.
//! * `pull` — every `PullQueue` operation answers 500.
//! * `queue` — queue sends fail.
//!
//! Set with `POST /v1/test/faults` `{"store_ms": n, "steps_ms": n, "pull_ms": n,
//! "queue_ms": n}` (windows from now, ms; 0 clears). The edge sets them in its own isolate and
//! hands them to every store shard and pull queue of every source (they may live in other
//! isolates); windows are in memory only, so a restart clears them.

use std::cell::RefCell;

use serde::{Deserialize, Serialize};

/// Fault windows (each: faulty until this Unix ms).
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize)]
pub struct Faults {
    /// The store fails until then.
    #[serde(default)]
    pub store_until: i64,
    /// Steps after storing do not run until then.
    #[serde(default)]
    pub steps_until: i64,
    /// The pull queue fails until then.
    #[serde(default)]
    pub pull_until: i64,
    /// Queue sends fail until then.
    #[serde(default)]
    pub queue_until: i64,
}

/// Which part.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    /// The `EventStore`.
    Store,
    /// Deliveries and pull pushes.
    Steps,
    /// The `PullQueue`.
    Pull,
    /// Queue sends.
    Queue,
}

thread_local! {
    static FAULTS: RefCell<Faults> = RefCell::new(Faults::default());
}

/// Replaces this isolate's fault windows.
pub fn set(f: Faults) {
    FAULTS.with(|c| *c.borrow_mut() = f);
}

/// Whether `part` is failing at `now_ms` (always false unless a test set a window).
pub fn failing(part: Part, now_ms: i64) -> bool {
    FAULTS.with(|c| {
        let f = c.borrow();
        let until = match part {
            Part::Store => f.store_until,
            Part::Steps => f.steps_until,
            Part::Pull => f.pull_until,
            Part::Queue => f.queue_until,
        };
        now_ms < until
    })
}

/// The end of `part`'s window (0 if none).
pub fn until(part: Part) -> i64 {
    FAULTS.with(|c| {
        let f = c.borrow();
        match part {
            Part::Store => f.store_until,
            Part::Steps => f.steps_until,
            Part::Pull => f.pull_until,
            Part::Queue => f.queue_until,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_open_and_close() {
        assert!(!failing(Part::Store, 0));
        set(Faults {
            store_until: 100,
            ..Faults::default()
        });
        assert!(failing(Part::Store, 99));
        assert!(!failing(Part::Store, 100));
        assert!(!failing(Part::Pull, 0));
        assert_eq!(until(Part::Store), 100);
        set(Faults::default());
    }
}
