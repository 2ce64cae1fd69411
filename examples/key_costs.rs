//! Per-call costs of the signing keys: sign, verify and parse per algorithm
//! (aws-lc-rs, kept keys), and the guard's token check: RS256 at first use,
//! RS256 remembered, and legacy HS256. `cargo run --release --example key_costs`.
use std::time::Instant;
use valet::keys::{material, Alg, KeyMaterial};

#[tokio::main]
async fn main() {
    token_costs().await;
    for alg in [Alg::Rs256, Alg::Es256, Alg::EdDsa] {
        let der = material::generate(alg).unwrap();
        let key = KeyMaterial::from_pkcs8(alg, "k", &der).unwrap();
        let msg = vec![b'x'; 600];
        let n = 2000;
        let t = Instant::now();
        let mut sig = Vec::new();
        for _ in 0..n {
            sig = key.sign(&msg).unwrap();
        }
        let sign = t.elapsed().as_secs_f64() / n as f64 * 1e6;
        let t = Instant::now();
        for _ in 0..n {
            assert!(key.verify(&msg, &sig));
        }
        let verify = t.elapsed().as_secs_f64() / n as f64 * 1e6;
        let t = Instant::now();
        for _ in 0..200 {
            KeyMaterial::from_pkcs8(alg, "k", &der).unwrap();
        }
        let parse = t.elapsed().as_secs_f64() / 200.0 * 1e6;
        println!(
            "{}: sign {sign:.1} us, verify {verify:.1} us, parse {parse:.1} us",
            alg.as_str()
        );
    }
}

pub async fn token_costs() {
    use std::sync::Arc;
    use valet::auth::tokens::JwtKeys;
    use valet::config::Settings;
    use valet::domain::ScopeSet;
    let settings = Settings::from_lookup(|k| match k {
        "DATABASE_URL" => Some("sqlite::memory:".into()),
        "VALET_DB_MAX_CONNECTIONS" => Some("1".into()),
        _ => None,
    })
    .unwrap();
    let db = valet::db::connect(&settings).await.unwrap();
    valet::db::migrate(&db).await.unwrap();
    let ring = valet::keys::KeyRing::load(
        &db,
        valet::keys::KeyPolicy::from_settings(&settings),
        Arc::new(valet::clock::SystemClock),
    )
    .await
    .unwrap();
    let signed = JwtKeys::new_with_ring(Arc::new(ring), &settings);
    let legacy = JwtKeys::new(b"0123456789abcdef0123456789abcdef", &settings);
    let scope = ScopeSet::parse("me users:read").unwrap();
    let issue = |keys: &JwtKeys| {
        keys.issue(
            "0260aae8-0000-0000-0000-000000000000",
            Some("bench"),
            "2bc837d9-0000-0000-0000-000000000000",
            &scope,
            None,
            900,
        )
        .unwrap()
    };
    let n = 3000;
    let tokens: Vec<String> = (0..n).map(|_| issue(&signed)).collect();
    let t = Instant::now();
    for token in &tokens {
        signed.validate(token).unwrap();
    }
    let first = t.elapsed().as_secs_f64() / n as f64 * 1e6;
    let t = Instant::now();
    for token in &tokens {
        signed.validate(token).unwrap();
    }
    let again = t.elapsed().as_secs_f64() / n as f64 * 1e6;
    let hs = issue(&legacy);
    let t = Instant::now();
    for _ in 0..n {
        legacy.validate(&hs).unwrap();
    }
    let hs_cost = t.elapsed().as_secs_f64() / n as f64 * 1e6;
    println!("JwtKeys::validate RS256 first use {first:.1} us, remembered {again:.1} us; HS256 {hs_cost:.1} us");
}
