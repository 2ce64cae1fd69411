//! The metrics listener (docs/operating.md): `GET /metrics` on
//! `VALET_METRICS_ADDR`, never on the public listener.
use std::net::TcpListener;

use actix_web::dev::Server;
use actix_web::http::header;
use actix_web::{web, App, HttpResponse, HttpServer};

use crate::state::AppState;

/// The metrics listener: `GET /metrics` and nothing else (404).
pub fn serve(listener: TcpListener, state: web::Data<AppState>) -> std::io::Result<Server> {
    state.metrics.spawn_upkeep();
    Ok(HttpServer::new(move || {
        App::new()
            .app_data(state.clone())
            .route("/metrics", web::get().to(get_metrics))
            .default_service(web::to(HttpResponse::NotFound))
    })
    .workers(1)
    // Acting on SIGTERM itself, this second server would end the process
    // under the main one's in-flight requests; the main server stops it.
    .disable_signals()
    .listen(listener)?
    .shutdown_timeout(5)
    .run())
}

async fn get_metrics(state: web::Data<AppState>) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        ))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(state.metrics.render(&state.db, state.signin_queue.depth()))
}
