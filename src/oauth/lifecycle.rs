//! The token lifecycle endpoints beside `/token` (docs/resource-servers.md): revocation
//! (RFC 7009), introspection (RFC 7662), the server metadata document
//! (RFC 8414), the JWK Set (RFC 7517), OpenID Connect's discovery document
//! and UserInfo endpoint (Discovery 1.0 §4, Core §5.3), plus what
//! revocation and introspection share: recognising which kind of token a
//! client presented.
use actix_web::web;
use sea_orm::{ConnectionTrait, DbErr, EntityTrait};

use crate::auth::refresh;
use crate::auth::tokens::AccessClaims;
use crate::domain::Scope;
use crate::entities::prelude::RefreshToken;
use crate::entities::refresh_token;
use crate::http::Guard;
use crate::state::AppState;

pub mod discovery;
pub mod introspect;
pub mod jwks;
pub mod metadata;
pub mod revoke;

/// Path of the RFC 8414 §3 metadata document.
pub const METADATA_PATH: &str = "/.well-known/oauth-authorization-server";

/// Registers `/revoke`, `/introspect` (scope `introspect`) and the metadata
/// document, also under the issuer's path (RFC 8414 §3.1). Other methods on
/// these paths answer 405.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource("/revoke")
            .route(web::post().to(revoke::post_revoke))
            .default_service(web::to(crate::http::errors::post_only)),
    )
    .service(
        web::resource("/introspect")
            .wrap(
                Guard::api()
                    .require(Scope::INTROSPECT)
                    .or_client()
                    .or_client_secret(),
            )
            .route(web::post().to(introspect::post_introspect))
            .default_service(web::to(crate::http::errors::post_only)),
    )
    .service(web::resource(METADATA_PATH).route(web::get().to(metadata::get_metadata)))
    .service(
        web::resource(discovery::DISCOVERY_PATH)
            .route(web::get().to(discovery::get_openid_configuration)),
    )
    .service(
        web::resource("/userinfo")
            .wrap(Guard::api().require(Scope::OPENID))
            .wrap(actix_web::middleware::from_fn(
                crate::oauth::userinfo::token_from_body,
            ))
            .route(web::get().to(crate::oauth::userinfo::get_userinfo))
            .route(web::post().to(crate::oauth::userinfo::post_userinfo)),
    )
    .service(web::resource(jwks::JWKS_PATH).route(web::get().to(jwks::get_jwks)))
    .service(
        web::resource(format!("{METADATA_PATH}/{{issuer_path:.+}}"))
            .route(web::get().to(metadata::get_metadata_for_path)),
    );
}

/// The `token_type_hint` of RFC 7009 §2.1 and RFC 7662 §2.1. It only
/// decides which kind is looked up first: an unknown or wrong hint still
/// finds the token (RFC 7009 §2.1: the server "MUST extend its search").
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Hint {
    AccessTokenFirst,
    RefreshTokenFirst,
}

impl Hint {
    fn parse(hint: Option<&str>) -> Self {
        match hint {
            Some("refresh_token") => Self::RefreshTokenFirst,
            _ => Self::AccessTokenFirst,
        }
    }
}

/// Whether an access token past its `exp` still counts as recognised.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Expiry {
    /// Introspection: an expired token is simply inactive.
    Enforce,
    /// Revocation: an expired access token still names the session to end.
    Ignore,
}

/// A token valet issued, as recognised from its text. Says nothing yet
/// about whether its session is live.
enum Presented {
    /// A JWT access token whose signature, `typ`, `iss`, `aud` and `nbf`
    /// checked out (and `exp`, unless [`Expiry::Ignore`]).
    Access(AccessClaims),
    /// A stored refresh token, used or not, expired or not.
    Refresh(refresh_token::Model),
}

/// Recognises `token` as one of valet's access or refresh tokens, trying the
/// hinted kind first. `None` for anything valet never issued.
async fn recognise(
    state: &AppState,
    token: &str,
    hint: Option<&str>,
    expiry: Expiry,
) -> Result<Option<Presented>, DbErr> {
    let as_access = || async {
        let enforce_expiry = expiry == Expiry::Enforce;
        state
            .jwt
            .validate_fresh(&state.db, token, enforce_expiry)
            .await
            .ok()
            .map(Presented::Access)
    };
    match Hint::parse(hint) {
        Hint::AccessTokenFirst => match as_access().await {
            Some(found) => Ok(Some(found)),
            None => find_refresh_token(&state.db, token).await,
        },
        Hint::RefreshTokenFirst => match find_refresh_token(&state.db, token).await? {
            Some(found) => Ok(Some(found)),
            None => Ok(as_access().await),
        },
    }
}

async fn find_refresh_token(
    db: &impl ConnectionTrait,
    token: &str,
) -> Result<Option<Presented>, DbErr> {
    // Refresh tokens are 43 URL-safe characters; anything far longer is not
    // one and is not worth hashing.
    if token.len() > 512 {
        return Ok(None);
    }
    let hash = refresh::hash(token);
    Ok(RefreshToken::find_by_id(hash.as_str())
        .one(db)
        .await?
        .map(Presented::Refresh))
}
