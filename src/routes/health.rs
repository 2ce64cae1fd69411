use actix_web::{web, HttpResponse};
use serde_json::json;

use crate::db;
use crate::state::AppState;

/// `GET /healthz`: 200 when the database answers, 503 when it does not.
#[utoipa::path(
    get, path = "/healthz", tag = "operations",
    summary = "Liveness: whether the database answers",
    responses(
        (status = 200, description = "`{\"status\": \"ok\"}`"),
        (status = 503, description = "`{\"status\": \"unavailable\"}`"),
    ),
    security(())
)]
pub async fn get_healthz(state: web::Data<AppState>) -> HttpResponse {
    if db::ping(&state.db).await {
        HttpResponse::Ok().json(json!({"status": "ok"}))
    } else {
        HttpResponse::ServiceUnavailable().json(json!({"status": "unavailable"}))
    }
}
