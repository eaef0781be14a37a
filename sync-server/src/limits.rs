//! Rate limits: enrollment attempts per network address and per code, so
//! codes cannot be guessed and one address cannot flood the server. Counted
//! in memory over a sliding window (a restart forgets them, which only helps
//! someone who can restart the server).

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// A sliding-window limit: at most `max` events per `window` for each key.
#[derive(Debug)]
pub struct RateLimit {
    max: usize,
    window: Duration,
    seen: Mutex<HashMap<String, VecDeque<Instant>>>,
}

impl RateLimit {
    /// At most `max` per `window`.
    pub fn new(max: usize, window: Duration) -> Self {
        RateLimit { max, window, seen: Mutex::new(HashMap::new()) }
    }

    /// Counts an event for `key` at `now`; `false` when over the limit.
    pub fn allow(&self, key: &str, now: Instant) -> bool {
        let mut seen = self.seen.lock().unwrap_or_else(|p| p.into_inner());
        if seen.len() > 100_000 {
            // Forget idle keys rather than grow without bound.
            seen.retain(|_, q| q.back().is_some_and(|t| now.duration_since(*t) < self.window));
        }
        let q = seen.entry(key.to_string()).or_default();
        while q.front().is_some_and(|t| now.duration_since(*t) >= self.window) {
            q.pop_front();
        }
        if q.len() >= self.max {
            return false;
        }
        q.push_back(now);
        true
    }
}

/// Enrollment limits: per address and per code.
#[derive(Debug)]
pub struct EnrollLimits {
    /// Attempts per network address.
    pub per_address: RateLimit,
    /// Attempts per code (right or wrong).
    pub per_code: RateLimit,
}

impl Default for EnrollLimits {
    fn default() -> Self {
        EnrollLimits {
            per_address: RateLimit::new(20, Duration::from_secs(60)),
            per_code: RateLimit::new(5, Duration::from_secs(600)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_window_admits_its_maximum_then_refuses_until_it_slides() {
        let limit = RateLimit::new(3, Duration::from_secs(60));
        let t0 = Instant::now();
        assert!((0..3).all(|i| limit.allow("a", t0 + Duration::from_secs(i))));
        assert!(!limit.allow("a", t0 + Duration::from_secs(10)));
        assert!(limit.allow("b", t0 + Duration::from_secs(10)), "keys are counted apart");
        assert!(limit.allow("a", t0 + Duration::from_secs(61)), "the first event left the window");
    }
}
