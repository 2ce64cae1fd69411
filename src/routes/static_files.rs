//! The stylesheet, compiled into the binary so valet stays one file.
use actix_web::http::header;
use actix_web::HttpResponse;

const STYLESHEET: &str = include_str!("../../static/valet.css");

/// `GET /static/valet.css`.
pub async fn get_stylesheet() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/css; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "public, max-age=3600"))
        .body(STYLESHEET)
}
