//! A new SQLite database and its `-wal`/`-shm` files are readable by their
//! owner only: they hold password hashes and private keys.
use std::os::unix::fs::PermissionsExt;

use crate::helpers::{spawn_app_in, TestDatabase};

#[tokio::test]
async fn a_new_sqlite_database_and_its_wal_files_are_private_to_their_owner() {
    let database = TestDatabase::Sqlite(tempfile::tempdir().unwrap());
    let TestDatabase::Sqlite(dir) = &database else {
        unreachable!()
    };
    let dir = dir.path().to_owned();
    let app = spawn_app_in(database, &[]).await;
    // A sign-in writes, so the WAL files exist while the app runs.
    app.tokens_for(
        crate::helpers::ADMIN_USERNAME,
        crate::helpers::ADMIN_PASSWORD,
    )
    .await;
    for name in ["valet.db", "valet.db-wal", "valet.db-shm"] {
        let mode = std::fs::metadata(dir.join(name))
            .unwrap_or_else(|e| panic!("{name}: {e}"))
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600, "{name} has mode {:o}", mode & 0o777);
    }
}
