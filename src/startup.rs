//! Building the application: database, keys, first admin, routes, and the
//! wraps every response passes through.
use std::net::TcpListener;
use std::sync::Arc;

use actix_session::config::CookieContentSecurity;
use actix_session::storage::CookieSessionStore;
use actix_session::SessionMiddleware;
use actix_web::cookie::{Key, SameSite};
use actix_web::dev::Server;
use actix_web::middleware::DefaultHeaders;
use actix_web::{web, App, HttpServer};
use sea_orm::DatabaseConnection;

use crate::auth::password::PasswordHasher;
use crate::auth::rate_limit::RateLimiter;
use crate::auth::signin_queue::SigninQueue;
use crate::auth::tokens::JwtKeys;
use crate::clock::{Clock, SystemClock};
use crate::config::Settings;
use crate::http::Guard;
use crate::keys::{KeyPolicy, KeyRing};
use crate::metrics::Metrics;
use crate::state::AppState;
use crate::{db, oauth, routes, users};

/// Request bodies above this are refused with 413 (docs/security.md).
pub const MAX_BODY_BYTES: usize = 64 * 1024;
/// Name of the browser session cookie.
pub const SESSION_COOKIE: &str = "valet_session";
/// Its name under an https issuer: the `__Host-` prefix makes browsers
/// accept it only with `Secure`, `Path=/` and no `Domain`, so a sibling
/// subdomain cannot plant one (RFC 6265bis §4.1.3.2).
pub const HOST_SESSION_COOKIE: &str = "__Host-valet_session";

pub struct Application {
    port: u16,
    server: Server,
    state: web::Data<AppState>,
    metrics: Option<(u16, Server)>,
}

impl Application {
    /// Connects and migrates the database, loads or creates the shared keys
    /// and the first admin, and binds the listener (port 0 picks a free one).
    pub async fn build(settings: Settings) -> Result<Self, String> {
        Self::build_with_clock(settings, Arc::new(SystemClock)).await
    }

    /// [`build`](Self::build) with the clock every rule goes by (tests pass
    /// a stopped one they move).
    pub async fn build_with_clock(
        settings: Settings,
        clock: Arc<dyn Clock>,
    ) -> Result<Self, String> {
        let db = db::connect(&settings)
            .await
            .map_err(|e| format!("cannot open the database: {e}"))?;
        db::migrate(&db)
            .await
            .map_err(|e| format!("cannot migrate the database: {e}"))?;
        let keys = SharedKeys::load(&db).await?;
        let ring = KeyRing::load(&db, KeyPolicy::from_settings(&settings), clock.clone())
            .await
            .map_err(|e| format!("cannot load the signing keys: {e}"))?;
        let hasher = PasswordHasher::new(settings.bcrypt_cost);
        users::bootstrap_admin(&db, &hasher, &settings).await?;
        crate::clients::docs_client::ensure(&db, &settings).await?;

        let metrics_listener = match settings.metrics_addr {
            Some(addr) => Some(
                TcpListener::bind(addr)
                    .map_err(|e| format!("cannot listen on {addr} (VALET_METRICS_ADDR): {e}"))?,
            ),
            None => None,
        };
        let state = web::Data::new(AppState {
            jwt: JwtKeys::new_with_ring(Arc::new(ring), &settings),
            rate_limiter: RateLimiter::new(settings.rate_limit_per_minute),
            signin_queue: SigninQueue::new(settings.signin_queue),
            hasher,
            db,
            metrics: match metrics_listener {
                Some(_) => Metrics::enabled()?,
                None => Metrics::disabled(),
            },
            settings: Arc::new(settings),
            clock,
        });
        let warm = state.clone();
        tokio::spawn(async move {
            if let Err(e) = warm.hasher.warm_up().await {
                log::warn!("could not prepare the dummy hash: {e}");
            }
        });
        crate::auth::purge::spawn(state.db.clone(), state.clock.clone());

        let listener = TcpListener::bind(state.settings.addr)
            .map_err(|e| format!("cannot listen on {}: {e}", state.settings.addr))?;
        let port = listener.local_addr().map_err(|e| e.to_string())?.port();
        let server = serve(listener, state.clone(), keys.session_key)
            .map_err(|e| format!("cannot start the server: {e}"))?;
        let metrics = match metrics_listener {
            Some(listener) => {
                let port = listener.local_addr().map_err(|e| e.to_string())?.port();
                let server = crate::routes::metrics::serve(listener, state.clone())
                    .map_err(|e| format!("cannot start the metrics server: {e}"))?;
                Some((port, server))
            }
            None => None,
        };
        Ok(Self {
            port,
            server,
            state,
            metrics,
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// The port of the `VALET_METRICS_ADDR` listener, when there is one.
    pub fn metrics_port(&self) -> Option<u16> {
        self.metrics.as_ref().map(|(port, _)| *port)
    }

    pub fn db(&self) -> DatabaseConnection {
        self.state.db.clone()
    }

    /// Serves until SIGINT/SIGTERM, then drains in-flight requests.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        match self.metrics {
            // The metrics listener ignores signals (see `routes::metrics::serve`): it
            // stops once the main server has drained its requests.
            Some((_, metrics)) => {
                let handle = metrics.handle();
                let main = async {
                    let result = self.server.await;
                    handle.stop(true).await;
                    result
                };
                futures_util::future::try_join(main, metrics).await?;
                Ok(())
            }
            None => self.server.await,
        }
    }
}

/// Secrets every instance on one database shares (the signing keys aside).
struct SharedKeys {
    session_key: Key,
}

impl SharedKeys {
    async fn load(db: &DatabaseConnection) -> Result<Self, String> {
        let session_key = Key::from(&stored_random_key(db, "session_cookie", 64).await?);
        Ok(Self { session_key })
    }
}

async fn stored_random_key(
    db: &DatabaseConnection,
    name: &str,
    len: usize,
) -> Result<Vec<u8>, String> {
    let text = db::shared_secret(db, name, || {
        let mut bytes = vec![0u8; len];
        rand::fill(bytes.as_mut_slice());
        hex::encode(bytes)
    })
    .await
    .map_err(|e| format!("cannot load the {name} key: {e}"))?;
    hex::decode(text)
        .ok()
        .filter(|bytes| bytes.len() >= len)
        .ok_or_else(|| format!("the stored {name} key is corrupt"))
}

fn serve(
    listener: TcpListener,
    state: web::Data<AppState>,
    session_key: Key,
) -> std::io::Result<Server> {
    let server = HttpServer::new(move || {
        let https = state.settings.is_https();
        let session =
            SessionMiddleware::builder(CookieSessionStore::default(), session_key.clone())
                .cookie_name(
                    if https {
                        HOST_SESSION_COOKIE
                    } else {
                        SESSION_COOKIE
                    }
                    .to_owned(),
                )
                .cookie_path("/".to_owned())
                .cookie_domain(None)
                .cookie_secure(https)
                .cookie_http_only(true)
                .cookie_same_site(SameSite::Lax)
                .cookie_content_security(CookieContentSecurity::Private)
                .build();
        App::new()
            .app_data(state.clone())
            .configure(configure_limits)
            .configure(routes_config)
            .default_service(web::to(crate::http::errors::not_found))
            .wrap(session)
            .wrap(actix_web::middleware::from_fn(
                crate::http::errors::refuse_nul_in_uri,
            ))
            .wrap(actix_web::middleware::from_fn(
                crate::http::errors::answer_head_as_get,
            ))
            .wrap(security_headers(https))
            .wrap(actix_web::middleware::from_fn(
                crate::logging::observe_request,
            ))
    })
    .listen(listener)?
    .shutdown_timeout(30)
    .run();
    Ok(server)
}

/// Every route, with the scope each needs declared here, in one place.
pub fn routes_config(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/healthz").route(web::get().to(routes::health::get_healthz)))
        .service(
            web::resource("/static/{file}")
                .route(web::get().to(crate::http::static_files::get_static_file)),
        )
        .service(
            web::resource("/favicon.ico").route(web::get().to(crate::http::static_files::get_icon)),
        )
        .service(
            web::resource("/token")
                .route(web::post().to(oauth::token::post_token))
                .default_service(web::to(crate::http::errors::post_only)),
        )
        .service(
            web::resource("/users/me")
                .wrap(Guard::api())
                .route(web::get().to(routes::me::get_me)),
        )
        .configure(oauth::lifecycle::configure)
        .configure(routes::api_users::configure)
        .configure(routes::pages::configure)
        .configure(routes::admin::configure)
        .configure(routes::api_clients::configure)
        .configure(routes::api_docs::configure)
        .configure(oauth::authorize::configure);
}

/// Body limits (413 above 64 KiB) and JSON errors for bad bodies.
fn configure_limits(cfg: &mut web::ServiceConfig) {
    cfg.app_data(web::PayloadConfig::new(MAX_BODY_BYTES))
        .app_data(
            web::FormConfig::default()
                .limit(MAX_BODY_BYTES)
                .error_handler(crate::http::errors::form_error),
        )
        .app_data(
            web::JsonConfig::default()
                .limit(MAX_BODY_BYTES)
                .error_handler(crate::http::errors::json_error),
        )
        .app_data(web::QueryConfig::default().error_handler(crate::http::errors::query_error))
        .app_data(web::PathConfig::default().error_handler(crate::http::errors::path_error));
}

pub use crate::http::CONTENT_SECURITY_POLICY;

/// docs/security.md: headers on every response; HSTS only under an https issuer.
fn security_headers(https: bool) -> DefaultHeaders {
    let headers = DefaultHeaders::new()
        .add(("X-Content-Type-Options", "nosniff"))
        .add(("Referrer-Policy", "no-referrer"))
        .add(("Content-Security-Policy", CONTENT_SECURITY_POLICY))
        .add(("X-Frame-Options", "DENY"));
    if https {
        headers.add((
            "Strict-Transport-Security",
            "max-age=31536000; includeSubDomains",
        ))
    } else {
        headers
    }
}
