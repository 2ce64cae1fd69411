//! Wall-clock time as UNIX seconds, the unit of every stored time.
use std::sync::atomic::{AtomicI64, Ordering};

pub fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

/// The time as the signing keys see it (which key signs, when a rotation is
/// due, when a retired key leaves the JWKS), held in `AppState` so that
/// tests can move it instead of sleeping.
pub trait Clock: Send + Sync {
    fn now(&self) -> i64;

    /// The time in UNIX milliseconds, for the sign-in budget's rolling
    /// minute.
    fn now_ms(&self) -> i64 {
        self.now() * 1000
    }
}

/// The system clock, used in production.
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> i64 {
        now()
    }

    fn now_ms(&self) -> i64 {
        chrono::Utc::now().timestamp_millis()
    }
}

/// A stopped clock that moves only when told to.
pub struct StoppedClock(AtomicI64);

impl StoppedClock {
    /// Stopped at the current system time.
    pub fn at_now() -> Self {
        Self(AtomicI64::new(now()))
    }

    pub fn advance(&self, seconds: i64) {
        self.0.fetch_add(seconds, Ordering::SeqCst);
    }
}

impl Clock for StoppedClock {
    fn now(&self) -> i64 {
        self.0.load(Ordering::SeqCst)
    }
}
