//! `GET /openapi.json` and `GET /docs` (docs/operating.md).
use actix_web::{web, App, HttpRequest};
use reqwest::StatusCode;
use serde_json::Value;

use crate::helpers::{spawn_app, TestApp, ADMIN_PASSWORD, ADMIN_USERNAME};

/// The official OpenAPI 3.1 schema (spec.openapis.org/oas/3.1/schema/2022-10-07),
/// as shipped in the openapi-spec-validator package.
const OAS_31_SCHEMA: &str = include_str!("fixtures/oas-3.1-schema.json");

/// Routes that answer HTML or files, not JSON: they stay out of the
/// document. A new JSON route gets `#[utoipa::path]` and a line in its
/// area's `paths(...)`; a new page gets a line here.
const NOT_JSON: &[&str] = &[
    "/",
    "/login",
    "/logout",
    "/account",
    "/account/password",
    "/account/sessions/{id}/end",
    "/account/apps/{client_id}/withdraw",
    "/authorize",
    "/authorize/consent",
    "/openapi.json",
    "/docs",
    "/favicon.ico",
];
const NOT_JSON_PREFIXES: &[&str] = &["/admin", "/static/", "/docs/"];

async fn document(app: &TestApp) -> Value {
    let response = app.get("/openapi.json").await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["content-type"], "application/json");
    response.json().await.unwrap()
}

#[tokio::test]
async fn the_document_validates_as_openapi_3_1() {
    let app = spawn_app().await;
    let doc = document(&app).await;
    assert!(
        doc["openapi"].as_str().unwrap().starts_with("3.1."),
        "{}",
        doc["openapi"]
    );
    let schema: Value = serde_json::from_str(OAS_31_SCHEMA).unwrap();
    let validator = jsonschema::draft202012::new(&schema).expect("the OAS 3.1 schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(&doc)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "not OpenAPI 3.1: {errors:#?}");
}

#[tokio::test]
async fn the_document_fails_validation_when_broken() {
    // The check above can fail: a document without `info` does not pass.
    let app = spawn_app().await;
    let mut doc = document(&app).await;
    doc.as_object_mut().unwrap().remove("info");
    let schema: Value = serde_json::from_str(OAS_31_SCHEMA).unwrap();
    let validator = jsonschema::draft202012::new(&schema).unwrap();
    assert!(!validator.is_valid(&doc));
}

/// Every route pattern registered in the real route table, read from the
/// actix resource map (its `Debug` form is the only way it lists itself).
async fn registered_routes() -> Vec<String> {
    let app =
        actix_web::test::init_service(App::new().configure(valet::startup::routes_config).route(
            "/__resource_map",
            web::get().to(|req: HttpRequest| async move { format!("{:?}", req.resource_map()) }),
        ))
        .await;
    let request = actix_web::test::TestRequest::get()
        .uri("/__resource_map")
        .to_request();
    let body = actix_web::test::call_and_read_body(&app, request).await;
    let map = String::from_utf8(body.to_vec()).unwrap();
    let mut rest = map.as_str();
    let mut routes = Vec::new();
    read_node(&mut rest, "", &mut routes);
    routes.retain(|route| route != "/__resource_map");
    assert!(
        routes.len() > 10,
        "the route table was not read: {routes:?}"
    );
    routes
}

/// `ResourceMap { pattern: ResourceDef { .. patterns: Single("p") .. },
/// .., nodes: None | Some([child, ..]) }`: leaves are routes, inner nodes
/// (scopes) prefix their children.
fn read_node(rest: &mut &str, prefix: &str, routes: &mut Vec<String>) {
    let skip_past = |rest: &mut &str, marker: &str| {
        let at = rest
            .find(marker)
            .unwrap_or_else(|| panic!("{marker} in {rest}"));
        *rest = &rest[at + marker.len()..];
    };
    skip_past(rest, "patterns: Single(\"");
    let end = rest.find('"').unwrap();
    let pattern = format!("{prefix}{}", &rest[..end]);
    skip_past(rest, "nodes: ");
    if let Some(after) = rest.strip_prefix("None") {
        *rest = after;
        routes.push(pattern);
    } else {
        *rest = rest.strip_prefix("Some([").expect("Some([ children ])");
        loop {
            if let Some(after) = rest.strip_prefix("])") {
                *rest = after;
                break;
            }
            if let Some(after) = rest.strip_prefix(", ") {
                *rest = after;
            }
            read_node(rest, &pattern, routes);
        }
    }
    *rest = rest.strip_prefix(" }").expect("end of a ResourceMap");
}

/// `/x/{name:regex}` as OpenAPI writes it: `/x/{name}`.
fn openapi_path(pattern: &str) -> String {
    let mut out = String::new();
    let mut in_var = false;
    let mut skipping = false;
    for c in pattern.chars() {
        match c {
            '{' => in_var = true,
            '}' => {
                in_var = false;
                skipping = false;
            }
            ':' if in_var => skipping = true,
            _ => {}
        }
        if !skipping || c == '}' {
            out.push(c);
        }
    }
    out
}

#[tokio::test]
async fn every_registered_json_route_is_in_the_document_and_nothing_else() {
    let app = spawn_app().await;
    let doc = document(&app).await;
    let paths = doc["paths"].as_object().unwrap();
    let registered: Vec<String> = registered_routes()
        .await
        .iter()
        .map(|p| openapi_path(p))
        .collect();
    let json_routes: Vec<&String> = registered
        .iter()
        .filter(|r| !NOT_JSON.contains(&r.as_str()))
        .filter(|r| !NOT_JSON_PREFIXES.iter().any(|p| r.starts_with(p)))
        .collect();
    for route in &json_routes {
        assert!(
            paths.contains_key(route.as_str()),
            "{route} is registered but missing from /openapi.json: add #[utoipa::path] to its \
             handler and a line to its area's paths(...), or list it in NOT_JSON if it is a page"
        );
    }
    for path in paths.keys() {
        assert!(
            registered.contains(path),
            "{path} is documented but not registered"
        );
    }
    for must in [
        "/token",
        "/revoke",
        "/introspect",
        "/users/me",
        "/api/users/{username}",
    ] {
        assert!(paths.contains_key(must), "{must}");
    }
}

#[test]
fn routes_with_regex_segments_are_written_as_openapi_templates() {
    assert_eq!(openapi_path("/a/{b:.+}/c/{d}"), "/a/{b}/c/{d}");
}

#[tokio::test]
async fn the_token_endpoint_is_documented_per_grant_with_a_real_example() {
    let app = spawn_app().await;
    let doc = document(&app).await;
    let token = &doc["paths"]["/token"]["post"];
    let form = &token["requestBody"]["content"]["application/x-www-form-urlencoded"]["schema"];
    let request = resolve(&doc, form);
    assert_eq!(
        request["oneOf"].as_array().map(Vec::len),
        Some(4),
        "{request}"
    );
    for status in ["200", "400", "401", "429"] {
        assert!(token["responses"][status].is_object(), "{status}");
    }
    let schema = resolve(
        &doc,
        &token["responses"]["200"]["content"]["application/json"]["schema"],
    );
    let example = schema["examples"]
        .get(0)
        .or_else(|| schema.get("example"))
        .cloned()
        .expect("an example token response");
    let parsed: valet::oauth::response::TokenResponse =
        serde_json::from_value(example.clone()).expect("the example is a real TokenResponse");
    assert_eq!(parsed.token_type, valet::oauth::response::TokenType::Bearer);
    let error = resolve(
        &doc,
        &token["responses"]["400"]["content"]["application/json"]["schema"],
    );
    let codes = resolve(&doc, &error["properties"]["error"]);
    for code in [
        "invalid_request",
        "invalid_grant",
        "invalid_scope",
        "unsupported_grant_type",
    ] {
        assert!(
            codes["enum"].as_array().unwrap().contains(&code.into()),
            "{code}"
        );
    }

    let schemes = &doc["components"]["securitySchemes"];
    assert_eq!(schemes["bearer"]["scheme"], "bearer");
    assert_eq!(schemes["oauth2"]["flows"]["password"]["tokenUrl"], "/token");
    let code_flow = &schemes["oauth2"]["flows"]["authorizationCode"];
    assert_eq!(code_flow["authorizationUrl"], "/authorize");
    assert_eq!(code_flow["tokenUrl"], "/token");
    assert!(code_flow["scopes"]["openid"].is_string(), "{code_flow}");
    assert_eq!(
        doc["paths"]["/api/users"]["get"]["security"][1]["oauth2"][0],
        "users:read"
    );
}

/// Follows a `$ref` into `components`.
fn resolve(doc: &Value, schema: &Value) -> Value {
    match schema["$ref"].as_str() {
        Some(reference) => {
            let pointer = reference.trim_start_matches('#');
            doc.pointer(pointer).cloned().expect("$ref resolves")
        }
        None => schema.clone(),
    }
}

#[tokio::test]
async fn docs_are_served_from_valet_with_the_looser_policy_on_docs_only() {
    let app = spawn_app().await;
    let root = app.get("/docs").await;
    assert_eq!(root.status(), StatusCode::PERMANENT_REDIRECT);
    assert_eq!(root.headers()["location"], "/docs/");

    let page = app.get("/docs/").await;
    assert_eq!(page.status(), StatusCode::OK);
    let csp = page.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    assert_eq!(csp, valet::routes::api_docs::DOCS_CSP);
    assert!(page.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/html"));
    let html = page.text().await.unwrap();
    assert!(
        !html.contains("//"),
        "the page loads nothing from elsewhere: {html}"
    );
    for asset in [
        "swagger-ui.css",
        "index.css",
        "swagger-ui-bundle.js",
        "swagger-ui-standalone-preset.js",
        "swagger-initializer.js",
        "oauth2-redirect.html",
        "oauth2-redirect.js",
    ] {
        assert!(
            html.contains(asset) || asset.starts_with("oauth2"),
            "{asset}"
        );
        let response = app.get(&format!("/docs/{asset}")).await;
        assert_eq!(response.status(), StatusCode::OK, "{asset}");
        assert_eq!(response.headers()["content-security-policy"], csp.as_str());
    }
    let init = app
        .get("/docs/swagger-initializer.js")
        .await
        .text()
        .await
        .unwrap();
    assert!(init.contains("/openapi.json"), "{init}");
    assert_eq!(
        app.get("/docs/no-such-file.js").await.status(),
        StatusCode::NOT_FOUND
    );

    let pair = app.tokens_for(ADMIN_USERNAME, ADMIN_PASSWORD).await;
    let me = app.get_me(pair["access_token"].as_str().unwrap()).await;
    for response in [app.get("/login").await, app.get("/openapi.json").await, me] {
        let strict = response.headers()["content-security-policy"]
            .to_str()
            .unwrap();
        assert!(
            !strict.contains("unsafe-inline") && !strict.contains("script-src"),
            "{strict}"
        );
    }
}

#[tokio::test]
async fn the_password_flow_as_swagger_ui_sends_it_is_accepted() {
    // Swagger UI sends an empty client id and secret: `Basic Og==`.
    let app = spawn_app().await;
    let response = app
        .client
        .post(app.url("/token"))
        .header("Authorization", "Basic Og==")
        .form(&[
            ("grant_type", "password"),
            ("username", ADMIN_USERNAME),
            ("password", ADMIN_PASSWORD),
            ("scope", "users:read"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert!(response.headers().get("www-authenticate").is_none());
}
