//! (to be built) `/revoke`, `/introspect`, server metadata.
use actix_web::web;

pub fn configure(_cfg: &mut web::ServiceConfig) {}
