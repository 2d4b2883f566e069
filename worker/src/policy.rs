//! The delivery policy as a pure function: what one attempt's result means for an (event,
//! destination) pair — its new state, its attempt count and when it is tried next. No I/O,
//! no clock, no randomness of its own (the caller passes `now_ms` and a uniform `rand01`),
//! so it is unit tested natively.

use crate::config::DeliveryPolicy;
use crate::protocol::{AttemptOutcome, DeliveryState};

/// The outcome of a response status: 2xx delivered, 410 stopped, anything else failed.
pub fn outcome_of_status(status: u16) -> AttemptOutcome {
    match status {
        200..=299 => AttemptOutcome::Delivered,
        410 => AttemptOutcome::Stopped,
        _ => AttemptOutcome::Failed,
    }
}

/// Retry delay after `attempts` failed attempts (1 = the first try failed), in seconds:
/// `base · 2^(attempts−1)` capped at `backoff_max_seconds`, with "equal jitter" (a random
/// point in the upper half), and never less than a `Retry-After` the destination asked for
/// (itself capped at the maximum). `rand01` is a uniform random number in [0, 1).
pub fn backoff_seconds(
    policy: &DeliveryPolicy,
    attempts: u32,
    retry_after: Option<u32>,
    rand01: f64,
) -> u32 {
    let max = u64::from(policy.backoff_max_seconds);
    let exp = attempts.saturating_sub(1).min(40);
    let full = u64::from(policy.backoff_base_seconds)
        .saturating_mul(1u64 << exp)
        .min(max);
    let r = if rand01.is_finite() {
        rand01.clamp(0.0, 1.0)
    } else {
        0.5
    };
    let jittered = (full as f64 / 2.0 + r * full as f64 / 2.0).ceil() as u64;
    let floor = u64::from(retry_after.unwrap_or(0)).min(max);
    u32::try_from(jittered.max(floor).min(max)).unwrap_or(u32::MAX)
}

/// What an (event, destination) pair becomes after an attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Decision {
    /// New state.
    pub state: DeliveryState,
    /// Attempts made, this one included.
    pub attempts: u32,
    /// When to try next (Unix ms; 0 unless `state` is pending).
    pub next_at_ms: i64,
}

/// The decision after attempt number `attempts_before + 1` came to `outcome`:
/// delivered → delivered; 410 → stopped; destination no longer configured → dead; a failure
/// → dead once `max_attempts` attempts were made, else pending at `now_ms` + backoff (with
/// `Retry-After` as a floor).
pub fn after_attempt(
    policy: &DeliveryPolicy,
    attempts_before: u32,
    outcome: AttemptOutcome,
    retry_after_s: Option<u32>,
    now_ms: i64,
    rand01: f64,
) -> Decision {
    let attempts = attempts_before.saturating_add(1);
    let done = |state| Decision {
        state,
        attempts,
        next_at_ms: 0,
    };
    match outcome {
        AttemptOutcome::Delivered => done(DeliveryState::Delivered),
        AttemptOutcome::Stopped => done(DeliveryState::Stopped),
        AttemptOutcome::Gone => done(DeliveryState::Dead),
        AttemptOutcome::Failed if attempts >= policy.max_attempts => done(DeliveryState::Dead),
        AttemptOutcome::Failed => {
            let delay_s = backoff_seconds(policy, attempts, retry_after_s, rand01);
            Decision {
                state: DeliveryState::Pending,
                attempts,
                next_at_ms: now_ms.saturating_add(i64::from(delay_s) * 1000),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pol(base: u32, max: u32) -> DeliveryPolicy {
        DeliveryPolicy {
            timeout_ms: 1000,
            max_attempts: 5,
            backoff_base_seconds: base,
            backoff_max_seconds: max,
            concurrency: 2,
        }
    }

    #[test]
    fn backoff_grows_jitters_and_caps() {
        let p = pol(10, 300);
        assert_eq!(backoff_seconds(&p, 1, None, 0.0), 5);
        assert_eq!(backoff_seconds(&p, 1, None, 0.999), 10);
        assert_eq!(backoff_seconds(&p, 3, None, 1.0), 40);
        assert_eq!(backoff_seconds(&p, 30, None, 1.0), 300);
        assert_eq!(backoff_seconds(&p, u32::MAX, None, 1.0), 300);
        assert_eq!(backoff_seconds(&p, 1, Some(120), 0.0), 120);
        assert_eq!(backoff_seconds(&p, 1, Some(100_000), 0.0), 300);
        assert_eq!(backoff_seconds(&pol(0, 10), 4, None, 0.7), 0);
        assert_eq!(backoff_seconds(&p, 1, None, f64::NAN), 8);
    }

    #[test]
    fn statuses_map_to_outcomes() {
        assert_eq!(outcome_of_status(204), AttemptOutcome::Delivered);
        assert_eq!(outcome_of_status(410), AttemptOutcome::Stopped);
        assert_eq!(outcome_of_status(429), AttemptOutcome::Failed);
        assert_eq!(outcome_of_status(301), AttemptOutcome::Failed);
    }

    #[test]
    fn decisions_follow_attempts_status_and_retry_after() {
        let p = pol(10, 300);
        let d = after_attempt(&p, 0, AttemptOutcome::Failed, None, 1_000, 0.0);
        assert_eq!(
            d,
            Decision {
                state: DeliveryState::Pending,
                attempts: 1,
                next_at_ms: 6_000
            }
        );
        // Retry-After is a floor, capped at the maximum.
        let d = after_attempt(&p, 0, AttemptOutcome::Failed, Some(60), 0, 0.0);
        assert_eq!(d.next_at_ms, 60_000);
        let d = after_attempt(&p, 1, AttemptOutcome::Failed, Some(9_999), 0, 0.0);
        assert_eq!(d.next_at_ms, 300_000);
        // The last allowed attempt fails: dead, not rescheduled.
        let d = after_attempt(&p, 4, AttemptOutcome::Failed, None, 0, 0.5);
        assert_eq!(
            (d.state, d.attempts, d.next_at_ms),
            (DeliveryState::Dead, 5, 0)
        );
        assert_eq!(
            after_attempt(&p, 4, AttemptOutcome::Delivered, None, 0, 0.5).state,
            DeliveryState::Delivered
        );
        assert_eq!(
            after_attempt(&p, 0, AttemptOutcome::Stopped, None, 0, 0.5).state,
            DeliveryState::Stopped
        );
        assert_eq!(
            after_attempt(&p, 0, AttemptOutcome::Gone, None, 0, 0.5).state,
            DeliveryState::Dead
        );
        // Attempt counts never overflow.
        assert_eq!(
            after_attempt(&p, u32::MAX, AttemptOutcome::Failed, None, 0, 0.5).attempts,
            u32::MAX
        );
    }
}
