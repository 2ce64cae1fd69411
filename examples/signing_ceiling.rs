//! The machine's token-signing ceiling: how many access tokens per second
//! all cores together sign through valet's own issuing code
//! (`JwtKeys::issue`, the one function every grant signs with), whatever
//! algorithm that is (`VALET_SIGNING_ALG`, RS256 by default).
//! `grant_type=client_credentials` needs no bcrypt and one signature, so
//! `bench/run.sh` compares it against this.
//!
//! ```sh
//! cargo run --release --example signing_ceiling -- [SECONDS]
//! ```
//!
//! Prints one line: `signing_ceiling_per_s=N.NN threads=T alg=A`.
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use valet::auth::tokens::JwtKeys;
use valet::clock::SystemClock;
use valet::config::Settings;
use valet::domain::ScopeSet;
use valet::keys::{KeyPolicy, KeyRing};

/// valet's signing keys as a server would hold them: made on a fresh
/// SQLite database with the default settings (`VALET_SIGNING_ALG`, RS256
/// unless set), loaded into the ring the grants sign with.
async fn signing_keys() -> JwtKeys {
    let dir = tempfile::tempdir().expect("a temp dir");
    let url = format!("sqlite://{}/ceiling.db?mode=rwc", dir.path().display());
    let alg = std::env::var("VALET_SIGNING_ALG").ok();
    let settings = Settings::from_lookup(|name| match name {
        "DATABASE_URL" => Some(url.clone()),
        "VALET_SIGNING_ALG" => alg.clone(),
        _ => None,
    })
    .expect("default settings");
    let db = valet::db::connect(&settings).await.expect("database");
    valet::db::migrate(&db).await.expect("migrations");
    let ring = KeyRing::load(
        &db,
        KeyPolicy::from_settings(&settings),
        Arc::new(SystemClock),
    )
    .await
    .expect("a signing key");
    JwtKeys::new_with_ring(Arc::new(ring), &settings)
}

#[tokio::main]
async fn main() {
    let seconds: f64 = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(10.0);
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let keys = Arc::new(signing_keys().await);
    let scope = ScopeSet::parse("users:read").expect("a scope");
    let sample = keys
        .issue(
            "bench-svc",
            None,
            "generation",
            &scope,
            Some("bench-svc"),
            900,
        )
        .expect("valet signs a token");
    let alg =
        jsonwebtoken::decode_header(&sample).map_or("?".to_owned(), |h| format!("{:?}", h.alg));

    let stop = Arc::new(AtomicBool::new(false));
    let done = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    let workers: Vec<_> = (0..threads)
        .map(|_| {
            let (stop, done, keys, scope) = (
                Arc::clone(&stop),
                Arc::clone(&done),
                Arc::clone(&keys),
                scope.clone(),
            );
            std::thread::spawn(move || {
                while !stop.load(Ordering::Relaxed) {
                    let signed = keys.issue(
                        "bench-svc",
                        None,
                        "generation",
                        &scope,
                        Some("bench-svc"),
                        900,
                    );
                    if signed.is_ok() {
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
    let elapsed = started.elapsed().as_secs_f64();
    let signed = done.load(Ordering::Relaxed);
    println!(
        "signing_ceiling_per_s={:.2} threads={threads} alg={alg}",
        signed as f64 / elapsed
    );
}
