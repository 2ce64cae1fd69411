//! Regression tests of the second security round: each rule tried as an
//! attacker would, with parallel requests and narrowed tokens.
mod budget;
mod cookie;
mod corrupt_hash;
mod delegation;
mod files;
mod last_admin;
mod overload;
mod params;
mod proxies;
mod signin_races;
mod unlock;
