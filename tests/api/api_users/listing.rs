//! Listing, searching and paging `GET /api/users`.
use super::*;

#[tokio::test]
async fn list_returns_users_with_total_page_and_default_per_page() {
    let app = spawn_app().await;
    app.create_user("bob", "bob-password-1", "me").await;
    let token = admin_token(&app).await;

    let body = json_of(
        api(&app, Method::GET, "/api/users", &token, None).await,
        StatusCode::OK,
    )
    .await;

    assert_eq!(body["total"], 2);
    assert_eq!(body["page"], 1);
    assert_eq!(body["per_page"], 20);
    let names: Vec<_> = body["users"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["username"].clone())
        .collect();
    assert_eq!(names, [json!("admin"), json!("bob")]);
    let bob = &body["users"][1];
    assert_eq!(bob["scopes"], json!(["me"]));
    assert_eq!(bob["disabled"], false);
    assert!(
        bob.get("password_hash").is_none() && bob["id"].is_string(),
        "{bob}"
    );
}

#[tokio::test]
async fn search_matches_the_start_of_username_email_or_full_name_ignoring_case() {
    let app = spawn_app().await;
    let token = admin_token(&app).await;
    for (name, email, full) in [
        ("carol", "c.lane@example.com", "Carol Lane"),
        ("dave", "dave@corp.test", "Lane Dave"),
        ("erin", "erin@example.com", "Erin Carlsson"),
    ] {
        let body = json!({"username": name, "password": "long-password-1", "email": email, "full_name": full});
        assert_eq!(
            create(&app, &token, body).await.status(),
            StatusCode::CREATED
        );
    }
    let search = |q: &'static str| {
        let (app, token) = (&app, &token);
        async move {
            let body = json_of(
                api(app, Method::GET, &format!("/api/users?q={q}"), token, None).await,
                StatusCode::OK,
            )
            .await;
            let names: Vec<String> = body["users"]
                .as_array()
                .unwrap()
                .iter()
                .map(|u| u["username"].as_str().unwrap().to_owned())
                .collect();
            (names, body["total"].as_u64().unwrap())
        }
    };

    assert_eq!(
        search("CAR").await,
        (vec!["carol".to_owned()], 1),
        "username and name prefix"
    );
    assert_eq!(
        search("c.la").await,
        (vec!["carol".to_owned()], 1),
        "email prefix"
    );
    assert_eq!(
        search("lane").await,
        (vec!["dave".to_owned()], 1),
        "full-name prefix"
    );
    assert_eq!(search("e").await, (vec!["erin".to_owned()], 1));
    assert_eq!(
        search("%25").await,
        (vec![], 0),
        "LIKE wildcards are literal"
    );
    assert_eq!(search("").await.1, 4, "a blank q matches everyone");
}

#[tokio::test]
async fn paging_returns_the_asked_page_and_the_full_total() {
    let app = spawn_app().await;
    let token = admin_token(&app).await;
    for i in 0..5 {
        let body = json!({"username": format!("user{i}"), "password": "long-password-1"});
        assert_eq!(
            create(&app, &token, body).await.status(),
            StatusCode::CREATED
        );
    }

    let body = json_of(
        api(
            &app,
            Method::GET,
            "/api/users?q=user&page=2&per_page=2",
            &token,
            None,
        )
        .await,
        StatusCode::OK,
    )
    .await;

    assert_eq!(body["total"], 5);
    assert_eq!(
        (body["page"].clone(), body["per_page"].clone()),
        (json!(2), json!(2))
    );
    assert_eq!(body["users"][0]["username"], "user2");
    assert_eq!(body["users"][1]["username"], "user3");
    let beyond = api(&app, Method::GET, "/api/users?page=9", &token, None).await;
    let beyond = json_of(beyond, StatusCode::OK).await;
    assert_eq!(
        (
            beyond["users"].as_array().unwrap().len(),
            beyond["total"].clone()
        ),
        (0, json!(6))
    );
}

#[tokio::test]
async fn bad_paging_values_are_a_400_with_a_json_error() {
    let app = spawn_app().await;
    let token = admin_token(&app).await;
    for query in [
        "page=0",
        "page=abc",
        "per_page=0",
        "per_page=101",
        "page=-1",
        "per_page=1.5",
    ] {
        let response = api(
            &app,
            Method::GET,
            &format!("/api/users?{query}"),
            &token,
            None,
        )
        .await;
        let body = json_of(response, StatusCode::BAD_REQUEST).await;
        assert_eq!(body["error"], "invalid_request", "{query}");
        assert!(
            body["error_description"].as_str().unwrap().contains("page"),
            "{query}: {body}"
        );
    }
}
