//! `TestApp`: Resguardo served on a loopback port with a clock the test
//! sets, and helpers named after what people do with it.

use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};
use db::Database;
use domain::roles::Role;
use serde_json::{Value, json};

/// The password of every account tests create.
pub(crate) const PASSWORD: &str = "contraseña de prueba larga";

pub(crate) struct TestApp {
    pub(crate) base: String,
    pub(crate) db: Database,
    client: reqwest::Client,
    now: Arc<Mutex<DateTime<Utc>>>,
}

impl TestApp {
    /// Sessions last a year here: tests move the clock by days and weeks
    /// and file many requests from one address (the rate limits have tests
    /// of their own).
    pub(crate) async fn spawn(db: Database) -> Self {
        let year = chrono::Duration::days(365);
        let sessions = db::SessionPolicy { absolute: year, idle: year };
        let config = api::ApiConfig { sessions, rate_limits: api::RateLimits::OFF, ..api::ApiConfig::default() };
        Self::spawn_with(db, config).await
    }

    /// With `config`, whose clock is replaced by the test's.
    pub(crate) async fn spawn_with(db: Database, config: api::ApiConfig) -> Self {
        Self::spawn_with_web(db, config, web::WebConfig::default()).await
    }

    /// With the API's and the transports' settings.
    pub(crate) async fn spawn_with_web(db: Database, config: api::ApiConfig, web: web::WebConfig) -> Self {
        let now = Arc::new(Mutex::new(crate::fixtures::at("2026-07-13")));
        let clock = {
            let now = Arc::clone(&now);
            api::Clock::from_fn(move || *now.lock().unwrap())
        };
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let router = server::app::router(db.clone(), api::ApiConfig { clock, ..config }, web);
        tokio::spawn(async move {
            axum::serve(listener, router.into_make_service_with_connect_info::<std::net::SocketAddr>()).await
        });
        Self {
            base,
            db,
            client: reqwest::Client::builder()
                // Redirects are what a test looks at (the console's 303s).
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .expect("an HTTP client"),
            now,
        }
    }

    /// Moves the clock to an instant (RFC 3339).
    pub(crate) fn set_time(&self, instant: &str) {
        *self.now.lock().unwrap() = instant.parse().unwrap();
    }

    /// Moves the clock forward; returns the new time.
    pub(crate) fn advance_seconds(&self, seconds: i64) -> chrono::DateTime<chrono::Utc> {
        let mut now = self.now.lock().unwrap();
        *now += chrono::Duration::seconds(seconds);
        *now
    }

    /// Today in Lima, by the test's clock.
    pub(crate) fn today(&self) -> chrono::NaiveDate {
        domain::business_day::lima_date(*self.now.lock().unwrap())
    }

    /// Moves the clock to noon in Lima on `date`.
    pub(crate) fn set_today(&self, date: &str) {
        *self.now.lock().unwrap() = crate::fixtures::at(date);
    }

    /// Runs a GraphQL operation anonymously.
    pub(crate) async fn graphql(&self, query: &str, variables: Value) -> Value {
        self.graphql_as(None, query, variables).await
    }

    /// Runs a GraphQL operation as the holder of `token` (if any).
    pub(crate) async fn graphql_as(&self, token: Option<&str>, query: &str, variables: Value) -> Value {
        let mut request = self.client.post(format!("{}/graphql", self.base));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        request.json(&json!({ "query": query, "variables": variables })).send().await.unwrap().json().await.unwrap()
    }

    /// Signs in and returns the session token.
    pub(crate) async fn login(&self, email: &str, password: &str) -> String {
        let body = self
            .graphql(
                "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }",
                json!({ "e": email, "p": password }),
            )
            .await;
        body["data"]["login"]["token"].as_str().unwrap_or_else(|| panic!("login failed: {body}")).to_owned()
    }

    /// Creates a staff account with the test password and signs in as it.
    /// Returns the session token.
    pub(crate) async fn staff(&self, role: Role, email: &str, sector: Option<&str>) -> String {
        let hash = api::PasswordHasher::new(1).hash(PASSWORD).await.unwrap();
        let new = db::NewUser {
            email: email.into(),
            display_name: format!("{} de prueba", role.label()),
            role,
            sector: sector.map(|s| domain::codes::RefCode::parse(s).unwrap()),
            lead_coordinator: false,
            password_hash: hash,
        };
        self.db.create_user(new, &db::Actor::system(), crate::fixtures::at("2026-01-05")).await.unwrap();
        self.login(email, PASSWORD).await
    }

    /// Runs a GraphQL operation with one file, as the GraphQL multipart
    /// request spec sends it (`operations`, `map`, the file's part), the
    /// file at variable `variable`. Returns the status and the body.
    pub(crate) async fn graphql_with_file(
        &self,
        token: Option<&str>,
        query: &str,
        variables: Value,
        variable: &str,
        file: (&str, &[u8]),
    ) -> (u16, Value) {
        let (body, content_type) = multipart_body(query, variables, variable, file);
        let mut request = self.client.post(format!("{}/graphql", self.base)).header("content-type", content_type);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        let response = request.body(body).send().await.unwrap();
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    /// A `HEAD` request, sent.
    pub(crate) async fn head(&self, path: &str) -> reqwest::Response {
        self.client.head(format!("{}{path}", self.base)).send().await.unwrap()
    }

    pub(crate) fn get(&self, path: &str) -> reqwest::RequestBuilder {
        self.client.get(format!("{}{path}", self.base))
    }

    pub(crate) fn post(&self, path: &str) -> reqwest::RequestBuilder {
        self.client.post(format!("{}{path}", self.base))
    }
}

/// A GraphQL multipart request's body and content type, by hand (as any
/// client library writes it): the operation with the file's variable
/// null, the map from part `0` to it, and the file's part.
pub(crate) fn multipart_body(
    query: &str,
    mut variables: Value,
    variable: &str,
    file: (&str, &[u8]),
) -> (Vec<u8>, String) {
    let boundary = format!("resguardo-{}", uuid::Uuid::new_v4().simple());
    variables[variable] = Value::Null;
    let operations = json!({ "query": query, "variables": variables });
    let map = json!({ "0": [format!("variables.{variable}")] });
    let mut body = Vec::new();
    for (name, value) in [("operations", operations.to_string()), ("map", map.to_string())] {
        body.extend(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n").bytes(),
        );
    }
    let (file_name, bytes) = file;
    body.extend(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"0\"; filename=\"{file_name}\"\r\n\
             Content-Type: application/octet-stream\r\n\r\n"
        )
        .bytes(),
    );
    body.extend_from_slice(bytes);
    body.extend(format!("\r\n--{boundary}--\r\n").bytes());
    (body, format!("multipart/form-data; boundary={boundary}"))
}
