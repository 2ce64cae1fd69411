//! The stylesheet and the icon, compiled into the binary so valet stays
//! one file.
use actix_web::http::header;
use actix_web::HttpResponse;

const STYLESHEET: &str = include_str!("../../static/valet.css");
const ICON: &str = include_str!("../../static/favicon.svg");

/// `GET /static/valet.css`.
pub async fn get_stylesheet() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/css; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "public, max-age=3600"))
        .body(STYLESHEET)
}

/// `GET /favicon.ico` (asked for by browsers on pages without a link, such
/// as JSON answers) and `GET /static/favicon.svg` (linked by every page).
pub async fn get_icon() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("image/svg+xml")
        .insert_header((header::CACHE_CONTROL, "public, max-age=86400"))
        .body(ICON)
}
