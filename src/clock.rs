//! Wall-clock time as UNIX seconds, the unit of every stored time.
pub fn now() -> i64 {
    chrono::Utc::now().timestamp()
}
