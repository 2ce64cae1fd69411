//! A browser over real HTTP: a client with its own cookie jar that signs
//! in through the real `/login` form and fills in forms the way a person
//! would (the CSRF token read from the page).
use reqwest::{Client, Response, StatusCode};

use super::TestApp;

/// One browser: its own cookies, redirects not followed.
pub struct Browser<'a> {
    pub app: &'a TestApp,
    pub client: Client,
}

impl<'a> Browser<'a> {
    pub fn new(app: &'a TestApp) -> Self {
        let client = Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .cookie_store(true)
            .build()
            .expect("client");
        Self { app, client }
    }

    pub async fn get(&self, path: &str) -> Response {
        self.client
            .get(self.app.url(path))
            .header("Accept", "text/html")
            .send()
            .await
            .expect("request sent")
    }

    pub async fn post_form(&self, path: &str, form: &[(&str, &str)]) -> Response {
        self.client
            .post(self.app.url(path))
            .header("Accept", "text/html")
            .form(form)
            .send()
            .await
            .expect("request sent")
    }

    /// The CSRF token of the form on the page at `path`.
    pub async fn csrf_from(&self, path: &str) -> String {
        let response = self.get(path).await;
        assert_eq!(response.status(), 200, "GET {path}");
        csrf_in(&response.text().await.unwrap())
    }

    /// Opens `/login?next=…` (or `/login`) and submits the form.
    pub async fn sign_in_to(&self, username: &str, password: &str, next: Option<&str>) -> Response {
        let page = match next {
            Some(next) => format!(
                "/login?next={}",
                form_urlencoded::byte_serialize(next.as_bytes()).collect::<String>()
            ),
            None => "/login".to_owned(),
        };
        let csrf = self.csrf_from(&page).await;
        let mut form = vec![
            ("csrf_token", csrf.as_str()),
            ("username", username),
            ("password", password),
        ];
        if let Some(next) = next {
            form.push(("next", next));
        }
        self.post_form("/login", &form).await
    }

    pub async fn sign_in(&self, username: &str, password: &str) -> Response {
        self.sign_in_to(username, password, None).await
    }

    /// Signs in and asserts it worked.
    pub async fn signed_in(app: &'a TestApp, username: &str, password: &str) -> Self {
        let browser = Self::new(app);
        let response = browser.sign_in(username, password).await;
        assert_eq!(response.status(), 303, "sign-in of {username}");
        browser
    }

    /// The page's HTML, asserting a 200.
    pub async fn page(&self, path: &str) -> String {
        let response = self.get(path).await;
        assert_eq!(response.status(), StatusCode::OK, "GET {path}");
        response.text().await.unwrap()
    }

    /// Loads `page` for its CSRF token, then posts `fields` with it to
    /// `action`, as a person filling in the form would.
    pub async fn submit(&self, page: &str, action: &str, fields: &[(&str, &str)]) -> Response {
        let token = self.csrf_from(page).await;
        let mut all = vec![("csrf_token", token.as_str())];
        all.extend_from_slice(fields);
        self.post_form(action, &all).await
    }

    /// Follows a redirect answer and returns the page it leads to.
    pub async fn follow(&self, response: Response) -> String {
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        let location = response.headers()["location"].to_str().unwrap().to_owned();
        self.page(&location).await
    }

    /// The account page's HTML; panics unless it is shown.
    pub async fn account_page(&self) -> String {
        let response = self.get("/account").await;
        assert_eq!(response.status(), 200);
        response.text().await.unwrap()
    }
}

/// The value of the first hidden `csrf_token` field in `html`.
pub fn csrf_in(html: &str) -> String {
    let marker = r#"name="csrf_token" value=""#;
    let start = html.find(marker).expect("a csrf_token field") + marker.len();
    let len = html[start..].find('"').expect("closing quote");
    html[start..start + len].to_owned()
}
