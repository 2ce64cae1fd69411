//! The threads bcrypt runs on (README: never on the async workers).
//!
//! One process-wide pool of one thread per core: more would only make each
//! hash take longer. The threads run at a lower OS priority (nice
//! [`BCRYPT_NICE`]) so that when sign-ins keep every core busy, the async
//! workers still get the CPU the moment a request arrives and `/users/me`
//! stays fast ; on an otherwise idle machine bcrypt still has every
//! core to itself, so sign-in throughput is unchanged.
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, Mutex, OnceLock};

use tokio::sync::oneshot;

use crate::error::AppError;

/// Niceness of the bcrypt threads (0 is normal, 19 the lowest).
pub const BCRYPT_NICE: i32 = 10;

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
        AppError::Internal("the bcrypt threads are gone".into())
    })?;
    rx.await
        .map_err(|_| AppError::Internal("a bcrypt thread failed".into()))?
}

/// How many bcrypt threads run: one per core.
pub fn threads() -> usize {
    std::thread::available_parallelism().map_or(2, |n| n.get())
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
    lower_priority();
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

/// Lowers this thread's priority (Linux: `setpriority` on the thread id
/// changes only this thread).
#[cfg(target_os = "linux")]
#[allow(unsafe_code)]
fn lower_priority() {
    // SAFETY: plain system calls on the calling thread's own id; no memory
    // is shared with the kernel.
    let result = unsafe {
        let tid = libc::syscall(libc::SYS_gettid) as libc::id_t;
        libc::setpriority(libc::PRIO_PROCESS, tid, BCRYPT_NICE)
    };
    if result != 0 {
        log::warn!(
            "cannot lower the priority of a bcrypt thread: {}",
            std::io::Error::last_os_error()
        );
    }
}

#[cfg(not(target_os = "linux"))]
fn lower_priority() {}
