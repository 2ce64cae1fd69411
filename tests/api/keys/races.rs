//! One new key per database however many instances race to make it: twenty
//! instances starting at once on an empty database, and twenty seeing the
//! same automatic rotation due.
use std::sync::Arc;

use futures_util::future::join_all;
use valet::clock::{Clock, StoppedClock};
use valet::config::Settings;
use valet::keys::{KeyPolicy, KeyRing};

use crate::helpers::TestDatabase;

const INSTANCES: usize = 20;

/// Twenty instances' database pools on one fresh, migrated database.
async fn instances(database: &TestDatabase) -> (Settings, Vec<sea_orm::DatabaseConnection>) {
    let url = database.url();
    let settings = Settings::from_lookup(|k| match k {
        "DATABASE_URL" => Some(url.clone()),
        "VALET_DB_MAX_CONNECTIONS" => Some("2".into()),
        "VALET_KEY_ROTATION_DAYS" => Some("1".into()),
        _ => None,
    })
    .unwrap();
    let first = valet::db::connect(&settings).await.unwrap();
    valet::db::migrate(&first).await.unwrap();
    let mut pools = vec![first];
    for _ in 1..INSTANCES {
        pools.push(valet::db::connect(&settings).await.unwrap());
    }
    (settings, pools)
}

async fn key_count(db: &sea_orm::DatabaseConnection) -> usize {
    valet::keys::store::load_all(db).await.unwrap().len()
}

#[tokio::test]
async fn twenty_instances_starting_at_once_on_an_empty_database_make_one_key() {
    let database = TestDatabase::create().await;
    let (settings, pools) = instances(&database).await;
    let policy = KeyPolicy::from_settings(&settings);
    let clock: Arc<dyn Clock> = Arc::new(StoppedClock::at_now());
    let rings = join_all(
        pools
            .iter()
            .map(|db| KeyRing::load(db, policy, Arc::clone(&clock))),
    )
    .await;
    let signing: Vec<String> = rings
        .into_iter()
        .map(|ring| {
            let ring = ring.expect("every instance starts");
            let keys = ring.keys();
            keys.signing(ring.now())
                .expect("a signing key")
                .row
                .kid
                .clone()
        })
        .collect();
    assert_eq!(key_count(&pools[0]).await, 1);
    assert!(signing.iter().all(|kid| *kid == signing[0]), "{signing:?}");
}

#[tokio::test]
async fn twenty_instances_seeing_a_rotation_due_at_once_make_one_key() {
    let database = TestDatabase::create().await;
    let (settings, pools) = instances(&database).await;
    let policy = KeyPolicy::from_settings(&settings);
    let clock = Arc::new(StoppedClock::at_now());
    let shared: Arc<dyn Clock> = Arc::clone(&clock) as Arc<dyn Clock>;
    let mut rings = Vec::new();
    for db in &pools {
        rings.push(
            KeyRing::load(db, policy, Arc::clone(&shared))
                .await
                .unwrap(),
        );
    }
    assert_eq!(key_count(&pools[0]).await, 1);

    clock.advance(86_400); // VALET_KEY_ROTATION_DAYS=1
    join_all(rings.iter().zip(&pools).map(|(ring, db)| ring.refresh(db))).await;
    assert_eq!(key_count(&pools[0]).await, 2);

    // Every instance publishes the new key and switches at the same moment.
    clock.advance(policy.publish_seconds);
    join_all(rings.iter().zip(&pools).map(|(ring, db)| ring.refresh(db))).await;
    let newest = valet::keys::store::load_all(&pools[0]).await.unwrap()[1]
        .kid
        .clone();
    for ring in &rings {
        assert_eq!(ring.keys().signing(ring.now()).unwrap().row.kid, newest);
    }
}
