//! The worker's settings and the backoff it computes from them.

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use sapllm_store::PostingTarget;
use std::fmt::Debug;
use std::time::Duration;

/// How the worker paces itself. The defaults suit a real SAP system; tests shrink them.
#[derive(Debug, Clone, PartialEq)]
pub struct WorkerConfig {
    /// Which entries this worker posts (the OData worker: `Odata`).
    pub target: PostingTarget,
    /// Entries handled per [`crate::OutboxWorker::run_once`] (claimed one at a time, so a
    /// crash strands at most one entry until its lease runs out).
    pub batch_size: u32,
    /// How long a claim holds an entry. A worker that dies leaves its entry to others after
    /// this; it is renewed right before each create. Must be longer than the slowest single
    /// SAP call (the client's request timeout, CSRF fetch included), or a live worker could
    /// lose an entry it is still sending.
    pub lease: Duration,
    /// First retry waits up to this long (full jitter: a uniform draw in `[0, bound]`).
    pub backoff_base: Duration,
    /// The bound doubles per attempt up to this cap.
    pub backoff_cap: Duration,
    /// Give up (entry `failed`, "gave up after N attempts") after this many creates that
    /// failed transiently. Tries that could not reach SAP at all (its pre-check failed: offline,
    /// timeouts) do not count: an offline laptop waits, it does not give up.
    pub max_sends: u32,
    /// A `Retry-After` longer than this is shortened to it (a broken header must not park the
    /// outbox for days).
    pub max_retry_after: Duration,
    /// How often [`crate::OutboxWorker::run`] looks for new entries when none is due.
    pub poll_interval: Duration,
    /// After a create whose outcome is unknown (timeout, broken connection, unreadable
    /// answer), the next try waits at least this long: SAP may still be processing the
    /// request, and a lookup that comes too early would miss the document it is creating.
    /// Should exceed the time SAP can take to finish a request the client gave up on.
    pub settle_after_unknown: Duration,
}

impl Default for WorkerConfig {
    fn default() -> Self {
        Self {
            target: PostingTarget::Odata,
            batch_size: 16,
            lease: Duration::from_secs(300),
            backoff_base: Duration::from_secs(2),
            backoff_cap: Duration::from_secs(15 * 60),
            max_sends: 8,
            max_retry_after: Duration::from_secs(60 * 60),
            poll_interval: Duration::from_secs(10),
            settle_after_unknown: Duration::from_secs(60),
        }
    }
}

impl WorkerConfig {
    /// Checks the settings; the message says which one is wrong.
    pub fn validate(&self) -> Result<(), String> {
        if self.batch_size == 0 {
            return Err("batch_size must be at least 1".into());
        }
        if self.lease < Duration::from_millis(100) {
            return Err("lease must be at least 100 ms (and longer than any SAP call)".into());
        }
        if self.backoff_base.is_zero() || self.backoff_cap < self.backoff_base {
            return Err("backoff needs 0 < base ≤ cap".into());
        }
        if self.max_sends == 0 {
            return Err("max_sends must be at least 1".into());
        }
        Ok(())
    }

    /// The upper bound of the delay before try `attempt + 1` after `attempt` tries
    /// (1-based): `min(cap, base · 2^(attempt-1))`.
    pub fn backoff_bound(&self, attempt: u32) -> Duration {
        let exp = attempt.saturating_sub(1).min(32);
        self.backoff_base
            .checked_mul(1u32 << exp.min(31))
            .map_or(self.backoff_cap, |d| d.min(self.backoff_cap))
    }
}

/// Where the randomness of the backoff comes from (injected so tests are exact).
pub trait Jitter: Debug + Send {
    /// A delay drawn from `[0, upper]`.
    fn draw(&mut self, upper: Duration) -> Duration;
}

/// Uniform draws from a seedable generator: "full jitter", so many clients that failed
/// together do not come back together.
#[derive(Debug)]
pub struct RandomJitter(StdRng);

impl RandomJitter {
    /// Seeded by the OS.
    pub fn from_os() -> Self {
        Self(StdRng::from_os_rng())
    }

    /// Reproducible (tests, replaying a chaos run).
    pub fn seeded(seed: u64) -> Self {
        Self(StdRng::seed_from_u64(seed))
    }
}

impl Jitter for RandomJitter {
    fn draw(&mut self, upper: Duration) -> Duration {
        let max = u64::try_from(upper.as_micros()).unwrap_or(u64::MAX);
        Duration::from_micros(self.0.random_range(0..=max))
    }
}

/// Always the same fraction of the bound (tests): `FixedJitter(1.0)` waits the full bound,
/// `FixedJitter(0.0)` not at all.
#[derive(Debug, Clone, Copy)]
pub struct FixedJitter(pub f64);

impl Jitter for FixedJitter {
    fn draw(&mut self, upper: Duration) -> Duration {
        upper.mul_f64(self.0.clamp(0.0, 1.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bound_doubles_from_the_base_up_to_the_cap() {
        let c = WorkerConfig {
            backoff_base: Duration::from_secs(2),
            backoff_cap: Duration::from_secs(60),
            ..WorkerConfig::default()
        };
        let bounds: Vec<u64> = (1..=8).map(|a| c.backoff_bound(a).as_secs()).collect();
        assert_eq!(bounds, [2, 4, 8, 16, 32, 60, 60, 60]);
        assert_eq!(c.backoff_bound(0).as_secs(), 2);
        assert_eq!(c.backoff_bound(u32::MAX).as_secs(), 60);
        assert!(c.validate().is_ok());
    }

    #[test]
    fn random_jitter_stays_in_bounds_and_is_reproducible() {
        let mut a = RandomJitter::seeded(7);
        let mut b = RandomJitter::seeded(7);
        let upper = Duration::from_millis(500);
        let xs: Vec<Duration> = (0..200).map(|_| a.draw(upper)).collect();
        let ys: Vec<Duration> = (0..200).map(|_| b.draw(upper)).collect();
        assert_eq!(xs, ys);
        assert!(xs.iter().all(|d| *d <= upper));
        // Spread over the range, not stuck at one end.
        assert!(xs.iter().any(|d| *d < upper / 4) && xs.iter().any(|d| *d > upper * 3 / 4));
        assert_eq!(FixedJitter(1.0).draw(upper), upper);
        assert_eq!(FixedJitter(0.5).draw(upper), upper / 2);
    }

    #[test]
    fn bad_settings_are_named() {
        let bad = WorkerConfig {
            backoff_cap: Duration::from_millis(1),
            ..WorkerConfig::default()
        };
        assert!(bad.validate().unwrap_err().contains("backoff"));
        let bad = WorkerConfig {
            max_sends: 0,
            ..WorkerConfig::default()
        };
        assert!(bad.validate().unwrap_err().contains("max_sends"));
    }
}
