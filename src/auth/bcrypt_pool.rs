//! The threads bcrypt runs on (docs/performance.md: never on the async workers).
//!
//! One process-wide pool of one thread per core, plus one.
//!
//! How the CPU is shared when sign-ins and the rest of the API are both
//! saturated (docs/performance.md): the bcrypt threads keep the normal
//! scheduling weight (nice 0), and the kernel's fair scheduler splits a busy
//! CPU by runnable threads of equal weight. With one bcrypt thread per core
//! against one async worker per core, sign-ins got just under half (0.48 of
//! their ceiling on 2 cores, since the API's own network work also takes its
//! part); the one extra bcrypt thread is their margin: 0.58–0.61 of the
//! ceiling, and it cannot take more than that while requests wait. On an idle
//! machine it changes nothing (bcrypt is CPU-bound: the cores are full with
//! one thread each). They run under `SCHED_BATCH` ([`BATCH_POLICY`]), which
//! tells the scheduler they are CPU-bound: a bcrypt thread never preempts an
//! async worker on waking, while a waking async worker is still picked ahead
//! of a bcrypt thread that has used its slice, so `/users/me` keeps a low
//! latency. A lower priority (nice 10, tried before) made the share of
//! sign-ins depend on the API load: saturated by 16 connections of
//! `/users/me`, it left sign-ins a quarter of their rate. Neither needs a
//! privilege or cgroups.
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, Mutex, OnceLock};

use tokio::sync::oneshot;

use crate::error::AppError;

/// The Linux scheduling policy of the bcrypt threads (`SCHED_BATCH`, 3):
/// normal weight, no preemption of other threads on wake-up.
pub const BATCH_POLICY: i32 = 3;

type Job = Box<dyn FnOnce() + Send>;

/// Jobs handed to the pool that no thread has picked up yet.
static WAITING: AtomicUsize = AtomicUsize::new(0);

/// How many password checks and hashes wait for a bcrypt thread now.
pub fn queue_depth() -> usize {
    WAITING.load(Ordering::Relaxed)
}

struct Pool {
    jobs: Sender<Job>,
}

/// Runs `work` on a bcrypt thread and waits for its result without
/// blocking the caller's thread. Work whose caller has gone away (a client
/// that hung up) is skipped.
pub async fn run<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, AppError> + Send + 'static,
) -> Result<T, AppError> {
    let (tx, rx) = oneshot::channel();
    let job: Job = Box::new(move || {
        WAITING.fetch_sub(1, Ordering::Relaxed);
        if !tx.is_closed() {
            let _ = tx.send(work());
        }
    });
    WAITING.fetch_add(1, Ordering::Relaxed);
    pool().jobs.send(job).map_err(|_| {
        WAITING.fetch_sub(1, Ordering::Relaxed);
        AppError::internal("the bcrypt threads are gone")
    })?;
    rx.await
        .map_err(|_| AppError::internal("a bcrypt thread failed"))?
}

/// How many bcrypt threads run: one per core, plus one (see the module's
/// comment for why).
pub fn threads() -> usize {
    std::thread::available_parallelism().map_or(2, |n| n.get()) + 1
}

fn pool() -> &'static Pool {
    static POOL: OnceLock<Pool> = OnceLock::new();
    POOL.get_or_init(|| {
        let (jobs, queue) = mpsc::channel::<Job>();
        let queue = Arc::new(Mutex::new(queue));
        for i in 0..threads() {
            let queue = Arc::clone(&queue);
            let spawned = std::thread::Builder::new()
                .name(format!("valet-bcrypt-{i}"))
                .stack_size(256 * 1024)
                .spawn(move || work_loop(&queue));
            if let Err(e) = spawned {
                log::error!("cannot start a bcrypt thread: {e}");
            }
        }
        Pool { jobs }
    })
}

fn work_loop(queue: &Mutex<Receiver<Job>>) {
    mark_cpu_bound();
    loop {
        let job = match queue.lock() {
            Ok(queue) => queue.recv(),
            Err(_) => return,
        };
        let Ok(job) = job else { return };
        // A panicking job loses its answer (its caller gets an error), not
        // the thread.
        let _ = catch_unwind(AssertUnwindSafe(job));
    }
}

/// Puts this thread under `SCHED_BATCH` at its current niceness (Linux:
/// `sched_setscheduler` with pid 0 changes only the calling thread; an
/// unprivileged process may choose this policy).
#[cfg(target_os = "linux")]
#[allow(unsafe_code)]
fn mark_cpu_bound() {
    debug_assert_eq!(BATCH_POLICY, libc::SCHED_BATCH);
    let param = libc::sched_param { sched_priority: 0 };
    // SAFETY: a system call on the calling thread, reading `param` only
    // during the call.
    let result = unsafe { libc::sched_setscheduler(0, libc::SCHED_BATCH, &param) };
    if result != 0 {
        log::warn!(
            "cannot mark a bcrypt thread CPU-bound: {}",
            std::io::Error::last_os_error()
        );
    }
}

#[cfg(not(target_os = "linux"))]
fn mark_cpu_bound() {}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::{run, BATCH_POLICY};

    /// This thread's niceness and scheduling policy, from
    /// `/proc/thread-self/stat` (proc(5): fields 19 and 41).
    fn nice_and_policy() -> (i32, i32) {
        let stat = std::fs::read_to_string("/proc/thread-self/stat").expect("stat");
        // Fields after the command name, which may hold spaces: field 3 on.
        let rest = &stat[stat.rfind(')').expect("comm") + 2..];
        let fields: Vec<&str> = rest.split(' ').collect();
        (
            fields[19 - 3].parse().expect("nice"),
            fields[41 - 3].parse().expect("policy"),
        )
    }

    #[tokio::test]
    async fn bcrypt_runs_at_normal_weight_under_the_batch_policy() {
        let (nice, policy) = run(|| Ok(nice_and_policy())).await.expect("job");
        let (own_nice, _) = nice_and_policy();
        assert_eq!(nice, own_nice, "the same weight as the async workers");
        assert_eq!(policy, BATCH_POLICY);
    }
}
