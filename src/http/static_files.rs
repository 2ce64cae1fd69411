//! The stylesheets and the icon, compiled into the binary so valet stays
//! one file, served by one handler.
use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};

/// A file under `/static/`: its name, content type, cache lifetime and bytes.
struct Asset {
    name: &'static str,
    content_type: &'static str,
    max_age: u32,
    body: &'static str,
}

const ASSETS: [Asset; 3] = [
    Asset {
        name: "valet.css",
        content_type: "text/css; charset=utf-8",
        max_age: 3600,
        body: include_str!("../../static/valet.css"),
    },
    // The admin pages' own styles, on top of valet.css.
    Asset {
        name: "admin.css",
        content_type: "text/css; charset=utf-8",
        max_age: 3600,
        body: include_str!("../../static/admin.css"),
    },
    Asset {
        name: "favicon.svg",
        content_type: "image/svg+xml",
        max_age: 86400,
        body: include_str!("../../static/favicon.svg"),
    },
];

/// `GET /static/{file}`: a compiled-in file, or the 404 of an unknown route.
pub async fn get_static_file(req: HttpRequest, file: web::Path<String>) -> HttpResponse {
    match ASSETS.iter().find(|asset| asset.name == file.as_str()) {
        Some(asset) => serve(asset),
        None => super::errors::not_found(req).await,
    }
}

/// `GET /favicon.ico`, asked for by browsers on pages without a link (such
/// as JSON answers); pages link `/static/favicon.svg`.
pub async fn get_icon() -> HttpResponse {
    serve(&ASSETS[2])
}

fn serve(asset: &Asset) -> HttpResponse {
    HttpResponse::Ok()
        .content_type(asset.content_type)
        .insert_header((
            header::CACHE_CONTROL,
            format!("public, max-age={}", asset.max_age),
        ))
        .body(asset.body)
}
