//! The bound on sign-ins waiting for a bcrypt thread (docs/security.md):
//! beyond `VALET_SIGNIN_QUEUE` waiting, a new sign-in is refused at once
//! with 503 and `Retry-After`, instead of making every sign-in slower
//! without bound.
use std::sync::atomic::{AtomicUsize, Ordering};

use super::bcrypt_pool;

/// How long a refused sign-in is asked to wait, in seconds.
pub const RETRY_AFTER_SECONDS: u64 = 1;

pub struct SigninQueue {
    /// Sign-ins allowed at once: those on a bcrypt thread plus those
    /// waiting for one.
    limit: usize,
    admitted: AtomicUsize,
}

/// A place in the queue, given back when dropped.
pub struct Admitted<'a>(&'a SigninQueue);

impl SigninQueue {
    /// Lets `waiting` sign-ins wait beside one per bcrypt thread.
    pub fn new(waiting: usize) -> Self {
        Self {
            limit: waiting.saturating_add(bcrypt_pool::threads()),
            admitted: AtomicUsize::new(0),
        }
    }

    /// A place, or `None` when the queue is full.
    pub fn try_admit(&self) -> Option<Admitted<'_>> {
        self.admitted
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| {
                (n < self.limit).then_some(n + 1)
            })
            .ok()
            .map(|_| Admitted(self))
    }

    /// Sign-ins admitted now (on a bcrypt thread or waiting for one).
    pub fn depth(&self) -> usize {
        self.admitted.load(Ordering::Acquire)
    }
}

impl Drop for Admitted<'_> {
    fn drop(&mut self) {
        self.0.admitted.fetch_sub(1, Ordering::AcqRel);
    }
}

#[cfg(test)]
mod tests {
    use super::SigninQueue;

    #[test]
    fn admits_up_to_the_limit_and_frees_a_place_on_drop() {
        let queue = SigninQueue::new(0);
        let held: Vec<_> = std::iter::from_fn(|| queue.try_admit())
            .take(1000)
            .collect();
        assert_eq!(held.len(), super::bcrypt_pool::threads());
        assert!(queue.try_admit().is_none());
        drop(held);
        assert!(queue.try_admit().is_some());
    }
}
