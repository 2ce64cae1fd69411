//! The machine's bcrypt ceiling: how many bcrypt verifications per second all
//! cores together manage at a given cost (default 12, valet's default).
//! `POST /token` can never go faster than this, so `bench/run.sh` compares the
//! token endpoint against it .
//!
//! ```sh
//! cargo run --release --example bcrypt_ceiling -- [SECONDS] [COST]
//! ```
//!
//! Prints one line: `bcrypt_ceiling_verifies_per_s=N.NN threads=T cost=C`.
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

fn main() {
    let mut args = std::env::args().skip(1);
    let seconds: f64 = args.next().and_then(|s| s.parse().ok()).unwrap_or(10.0);
    let cost: u32 = args.next().and_then(|s| s.parse().ok()).unwrap_or(12);
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());

    let password = "correct horse battery staple";
    let hash = match bcrypt::hash(password, cost) {
        Ok(hash) => hash,
        Err(e) => {
            eprintln!("bcrypt_ceiling: cannot hash: {e}");
            std::process::exit(1);
        }
    };

    let stop = Arc::new(AtomicBool::new(false));
    let done = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    let workers: Vec<_> = (0..threads)
        .map(|_| {
            let (stop, done, hash) = (Arc::clone(&stop), Arc::clone(&done), hash.clone());
            std::thread::spawn(move || {
                while !stop.load(Ordering::Relaxed) {
                    if bcrypt::verify(password, &hash).unwrap_or(false) {
                        done.fetch_add(1, Ordering::Relaxed);
                    }
                }
            })
        })
        .collect();
    std::thread::sleep(Duration::from_secs_f64(seconds));
    stop.store(true, Ordering::Relaxed);
    for worker in workers {
        let _ = worker.join();
    }
    // Every verification that finished counts, over the time until the last
    // one finished: no partial work is thrown away or left out.
    let elapsed = started.elapsed().as_secs_f64();
    let verifies = done.load(Ordering::Relaxed);
    println!(
        "bcrypt_ceiling_verifies_per_s={:.2} threads={threads} cost={cost}",
        verifies as f64 / elapsed
    );
}
