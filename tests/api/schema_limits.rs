//! The limits `/openapi.json` states for a request are the ones the server
//! enforces: a value just inside is accepted, one just outside is refused
//! with 4xx naming the field. Clients generated from the document, and
//! fuzzers driven by it, then never meet a rule the document hides.
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::admin_support::{admin_token, api, json_of};
use crate::helpers::{spawn_app, TestApp};

async fn request_schema(app: &TestApp, path: &str, method: &str) -> Value {
    let doc: Value = app.get("/openapi.json").await.json().await.unwrap();
    let schema =
        &doc["paths"][path][method]["requestBody"]["content"]["application/json"]["schema"];
    let pointer = schema["$ref"].as_str().expect("a named schema");
    doc.pointer(pointer.trim_start_matches('#'))
        .cloned()
        .expect("$ref resolves")
}

fn property<'a>(schema: &'a Value, name: &str) -> &'a Value {
    let property = &schema["properties"][name];
    assert!(property.is_object(), "{name} in {schema}");
    property
}

#[tokio::test]
async fn a_new_users_stated_limits_are_the_enforced_ones() {
    let app = spawn_app().await;
    let token = admin_token(&app).await;
    let schema = request_schema(&app, "/api/users", "post").await;
    let required = schema["required"].as_array().unwrap();
    assert!(required.contains(&json!("username")) && required.contains(&json!("password")));
    let min = property(&schema, "password")["minLength"].as_u64().unwrap();
    let max_name = property(&schema, "username")["maxLength"].as_u64().unwrap();
    assert_eq!((min, max_name), (8, 64));

    let short = "x".repeat(min as usize - 1);
    let refused = api(
        &app,
        Method::POST,
        "/api/users",
        &token,
        Some(json!({"username": "u1", "password": short})),
    )
    .await;
    let body = json_of(refused, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert!(body["fields"]["password"].is_string(), "{body}");

    let long_name = "n".repeat(max_name as usize + 1);
    let refused = api(
        &app,
        Method::POST,
        "/api/users",
        &token,
        Some(json!({"username": long_name, "password": "x".repeat(min as usize)})),
    )
    .await;
    let body = json_of(refused, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert!(body["fields"]["username"].is_string(), "{body}");

    let name = "n".repeat(max_name as usize);
    let accepted = api(
        &app,
        Method::POST,
        "/api/users",
        &token,
        Some(json!({"username": name, "password": "x".repeat(min as usize)})),
    )
    .await;
    assert_eq!(accepted.status(), StatusCode::CREATED);
}

#[tokio::test]
async fn a_clients_stated_limits_are_the_enforced_ones() {
    let app = spawn_app().await;
    let token = admin_token(&app).await;
    let schema = request_schema(&app, "/api/clients", "post").await;
    let max_ttl = property(&schema, "access_token_ttl")["maximum"]
        .as_i64()
        .unwrap();
    let grants = property(&schema, "grant_types");
    assert_eq!(grants["minItems"], 1);
    let known = grants["items"]["enum"].as_array().unwrap();
    assert!(known.contains(&json!("client_credentials")), "{grants}");
    let scope_pattern = property(&schema, "scopes")["items"]["pattern"]
        .as_str()
        .unwrap();
    assert!(scope_pattern.contains(r"\x21"), "{scope_pattern}");

    let unknown = json!({"client_id": "app", "redirect_uris": ["https://app.example/cb"],
        "grant_types": ["implicit"], "scopes": ["two words"]});
    let refused = api(&app, Method::POST, "/api/clients", &token, Some(unknown)).await;
    let body = json_of(refused, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert!(body["fields"]["grant_types"].is_string(), "{body}");
    assert!(body["fields"]["scopes"].is_string(), "{body}");

    let too_long = json!({"client_id": "app", "redirect_uris": ["https://app.example/cb"],
        "access_token_ttl": max_ttl + 1, "grant_types": []});
    let refused = api(&app, Method::POST, "/api/clients", &token, Some(too_long)).await;
    let body = json_of(refused, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert!(body["fields"]["access_token_ttl"].is_string(), "{body}");
    assert!(body["fields"]["grant_types"].is_string(), "{body}");

    let longest = json!({"client_id": "app", "redirect_uris": ["https://app.example/cb"],
        "access_token_ttl": max_ttl});
    let accepted = api(&app, Method::POST, "/api/clients", &token, Some(longest)).await;
    assert_eq!(accepted.status(), StatusCode::CREATED);
}

#[tokio::test]
async fn the_last_page_the_document_allows_is_answered() {
    let app = spawn_app().await;
    let token = admin_token(&app).await;
    let doc: Value = app.get("/openapi.json").await.json().await.unwrap();
    let params = doc["paths"]["/api/users"]["get"]["parameters"]
        .as_array()
        .unwrap();
    let page = params.iter().find(|p| p["name"] == "page").unwrap();
    let max = page["schema"]["maximum"].as_u64().unwrap();

    let last = api(
        &app,
        Method::GET,
        &format!("/api/users?page={max}"),
        &token,
        None,
    )
    .await;
    let body = json_of(last, StatusCode::OK).await;
    assert_eq!(body["users"], json!([]));
    let beyond = api(
        &app,
        Method::GET,
        &format!("/api/users?page={}", max + 1),
        &token,
        None,
    )
    .await;
    let body = json_of(beyond, StatusCode::BAD_REQUEST).await;
    assert!(
        body["error_description"]
            .as_str()
            .unwrap()
            .contains(&max.to_string()),
        "{body}"
    );
}
