//! The HTTP layer: routing, query parameters, status codes and the error JSON.

use std::time::{Duration, Instant};

use lambda_http::http::{Method, StatusCode};
use lambda_http::{Body, Error, Request, RequestExt, Response};
use serde_json::{Value, json};

use crate::cursor::Cursor;
use crate::domain::{Author, Entry, InputError, Limit, Listing, Mode, Order, Post};
use crate::store::{IndexReader, Listed, StoreError, list};

/// What the handler needs, built once at init and borrowed by every request.
pub struct App<R> {
    pub index: R,
    pub page_size: i32,
}

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error(transparent)]
    Input(#[from] InputError),
    #[error("no route for {0}")]
    NotFound(String),
    #[error("method {0} is not allowed; use GET")]
    MethodNotAllowed(Method),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl ApiError {
    fn status(&self) -> StatusCode {
        match self {
            ApiError::Input(_) => StatusCode::BAD_REQUEST,
            ApiError::NotFound(_) => StatusCode::NOT_FOUND,
            ApiError::MethodNotAllowed(_) => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::Store(StoreError::Unavailable(_)) => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Store(StoreError::Failed(_)) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn code(&self) -> &'static str {
        match self {
            ApiError::Input(e) => e.code(),
            ApiError::NotFound(_) => "not_found",
            ApiError::MethodNotAllowed(_) => "method_not_allowed",
            ApiError::Store(StoreError::Unavailable(_)) => "dynamodb_unavailable",
            ApiError::Store(StoreError::Failed(_)) => "internal_error",
        }
    }

    /// What the client reads; store details stay in the log.
    fn message(&self) -> String {
        match self {
            ApiError::Store(StoreError::Unavailable(_)) => {
                "the database is unavailable, try again shortly".to_owned()
            }
            ApiError::Store(StoreError::Failed(_)) => "the request could not be served".to_owned(),
            other => other.to_string(),
        }
    }
}

/// The error JSON of the API contract.
pub fn error_body(code: &str, message: &str) -> Value {
    json!({"error": {"code": code, "message": message}})
}

/// Handles one function URL request. Never fails: every error is a JSON response.
pub async fn handle<R: IndexReader>(
    app: &App<R>,
    request: Request,
) -> Result<Response<Body>, Error> {
    let mut dynamodb = Duration::ZERO;
    let result = route(app, &request, &mut dynamodb).await;
    let (status, body) = match result {
        Ok(body) => (StatusCode::OK, body),
        Err(err) => {
            if err.status().is_server_error() {
                tracing::error!(error = %err, "request failed");
            }
            (err.status(), error_body(err.code(), &err.message()))
        }
    };
    let mut response = Response::builder()
        .status(status)
        .header("content-type", "application/json")
        .header(
            "server-timing",
            format!("dynamodb;dur={:.3}", dynamodb.as_secs_f64() * 1000.0),
        );
    if status == StatusCode::METHOD_NOT_ALLOWED {
        response = response.header("allow", "GET");
    }
    Ok(response.body(Body::Text(body.to_string()))?)
}

async fn route<R: IndexReader>(
    app: &App<R>,
    request: &Request,
    dynamodb: &mut Duration,
) -> Result<Value, ApiError> {
    let path = request.uri().path();
    if !matches!(path, "/" | "/authors" | "/posts") {
        return Err(ApiError::NotFound(path.to_owned()));
    }
    if request.method() != Method::GET {
        return Err(ApiError::MethodNotAllowed(request.method().clone()));
    }
    let params = request.query_string_parameters();
    let limit = Limit::parse(params.first("limit"))?;
    match path {
        "/" => {
            let mode = Mode::parse(params.first("mode"))?;
            let started = Instant::now();
            let authors = list::<Author, R>(&app.index, app.page_size, Order::Asc, limit, None);
            let posts = list::<Post, R>(&app.index, app.page_size, Order::Desc, limit, None);
            let result = match mode {
                Mode::Parallel => tokio::try_join!(authors, posts),
                Mode::Serial => match authors.await {
                    Ok(authors) => posts.await.map(|posts| (authors, posts)),
                    Err(e) => Err(e),
                },
            };
            *dynamodb = started.elapsed();
            let (authors, posts) = result?;
            Ok(json!({"authors": authors.entries, "posts": posts.entries, "mode": mode}))
        }
        "/authors" => {
            page::<Author, R>(app, params.first("cursor"), Order::Asc, limit, dynamodb).await
        }
        _ => {
            let order = Order::parse(params.first("order"), Order::Desc)?;
            page::<Post, R>(app, params.first("cursor"), order, limit, dynamodb).await
        }
    }
}

/// One page of `/authors` or `/posts`.
async fn page<T: Entry + serde::Serialize, R: IndexReader>(
    app: &App<R>,
    cursor: Option<&str>,
    order: Order,
    limit: Limit,
    dynamodb: &mut Duration,
) -> Result<Value, ApiError> {
    let after = cursor
        .map(|raw| Cursor::decode(raw, T::LISTING, order))
        .transpose()?;
    let started = Instant::now();
    let listed: Result<Listed<T>, StoreError> =
        list(&app.index, app.page_size, order, limit, after.as_ref()).await;
    *dynamodb = started.elapsed();
    let listed = listed?;
    let key = match T::LISTING {
        Listing::Authors => "authors",
        Listing::Posts => "posts",
    };
    Ok(json!({key: listed.entries, "next": listed.next.map(|c| c.encode())}))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Item;
    use crate::testing::{MemoryIndex, function_url_request as request};
    use aws_sdk_dynamodb::types::AttributeValue;

    fn s(v: &str) -> AttributeValue {
        AttributeValue::S(v.to_owned())
    }

    fn item(pk: &str, sk: &str, srt: &str) -> Item {
        Item::from([
            ("PK".into(), s(pk)),
            ("SK".into(), s(sk)),
            ("SRT".into(), s(srt)),
        ])
    }

    fn app() -> App<MemoryIndex> {
        let mut items = vec![
            item("a2", "USER", "Bob"),
            item("a1", "USER", "Ada"),
            item("a3", "USER", "Cy"),
            item("p1", "POST", "2021-10-01T10:00:00Z"),
            item("p2", "POST", "2021-10-02T10:00:00Z"),
            item("p3", "POST", "2021-10-03T10:00:00Z"),
            item("bad", "POST", "not a time"),
        ];
        items[3].insert("title".into(), s("First"));
        items[3].insert("author".into(), s("a1"));
        App {
            index: MemoryIndex::new(items),
            page_size: 2,
        }
    }

    async fn call(
        app: &App<MemoryIndex>,
        method: &str,
        path: &str,
        query: &str,
    ) -> (u16, Value, Response<Body>) {
        let response = handle(app, request(method, path, query)).await.unwrap();
        assert_eq!(response.headers()["content-type"], "application/json");
        let timing = response.headers()["server-timing"]
            .to_str()
            .unwrap()
            .to_owned();
        let dur = timing
            .strip_prefix("dynamodb;dur=")
            .expect("Server-Timing names dynamodb");
        assert!(dur.parse::<f64>().unwrap() >= 0.0, "{timing}");
        let body: Value = match response.body() {
            Body::Text(text) => serde_json::from_str(text).unwrap(),
            other => panic!("expected a text body, got {other:?}"),
        };
        (response.status().as_u16(), body, response)
    }

    fn ids(list: &Value, key: &str) -> Vec<String> {
        list.as_array()
            .unwrap()
            .iter()
            .map(|v| v[key].as_str().unwrap().to_owned())
            .collect()
    }

    #[tokio::test]
    async fn authors_are_listed_by_name() {
        let (status, body, _) = call(&app(), "GET", "/authors", "").await;
        assert_eq!(status, 200);
        assert_eq!(
            body,
            json!({"authors": [{"id": "a1", "name": "Ada"}, {"id": "a2", "name": "Bob"}, {"id": "a3", "name": "Cy"}], "next": null})
        );
    }

    #[tokio::test]
    async fn posts_default_to_newest_first_and_skip_malformed_items() {
        let (status, body, _) = call(&app(), "GET", "/posts", "").await;
        assert_eq!(status, 200);
        assert_eq!(ids(&body["posts"], "id"), ["p3", "p2", "p1"]);
        assert_eq!(
            body["posts"][2],
            json!({"id": "p1", "created": "2021-10-01T10:00:00Z", "title": "First", "author": "a1"})
        );
        let (_, body, _) = call(&app(), "GET", "/posts", "order=asc").await;
        assert_eq!(ids(&body["posts"], "id"), ["p1", "p2", "p3"]);
    }

    #[tokio::test]
    async fn next_cursor_continues_the_walk() {
        let app = app();
        let (_, first, _) = call(&app, "GET", "/posts", "limit=2").await;
        assert_eq!(ids(&first["posts"], "id"), ["p3", "p2"]);
        let next = first["next"].as_str().unwrap();
        let (_, second, _) = call(&app, "GET", "/posts", &format!("limit=2&cursor={next}")).await;
        assert_eq!(ids(&second["posts"], "id"), ["p1"]);
        assert_eq!(second["next"], Value::Null);
    }

    #[tokio::test]
    async fn front_page_gives_the_same_data_in_both_modes() {
        let app = app();
        let (status, parallel, _) = call(&app, "GET", "/", "limit=2").await;
        assert_eq!(status, 200);
        assert_eq!(parallel["mode"], "parallel");
        assert_eq!(ids(&parallel["authors"], "id"), ["a1", "a2"]);
        assert_eq!(ids(&parallel["posts"], "id"), ["p3", "p2"]);
        let (_, serial, _) = call(&app, "GET", "/", "limit=2&mode=serial").await;
        assert_eq!(serial["mode"], "serial");
        assert_eq!(
            (&serial["authors"], &serial["posts"]),
            (&parallel["authors"], &parallel["posts"])
        );
    }

    #[tokio::test]
    async fn bad_input_is_a_400_with_the_error_json() {
        let app = app();
        let authors_cursor =
            crate::cursor::Cursor::new(Listing::Authors, Order::Asc, "a1", "Ada").encode();
        let posts_cursor =
            crate::cursor::Cursor::new(Listing::Posts, Order::Desc, "p3", "2021-10-03T10:00:00Z")
                .encode();
        let cases = [
            ("/posts", "limit=0".to_owned(), "invalid_limit"),
            ("/authors", "limit=1001".to_owned(), "invalid_limit"),
            ("/", "limit=ten".to_owned(), "invalid_limit"),
            ("/posts", "order=sideways".to_owned(), "invalid_order"),
            ("/", "mode=turbo".to_owned(), "invalid_mode"),
            ("/posts", "cursor=garbage".to_owned(), "invalid_cursor"),
            (
                "/posts",
                format!("cursor={authors_cursor}"),
                "invalid_cursor",
            ),
            (
                "/posts",
                format!("order=asc&cursor={posts_cursor}"),
                "invalid_cursor",
            ),
        ];
        for (path, query, code) in cases {
            let (status, body, _) = call(&app, "GET", path, &query).await;
            assert_eq!(status, 400, "{path}?{query}");
            assert_eq!(body["error"]["code"], code, "{path}?{query}");
            let error = body["error"].as_object().unwrap();
            assert_eq!(error.len(), 2);
            assert!(!error["message"].as_str().unwrap().is_empty());
            assert_eq!(body.as_object().unwrap().len(), 1);
        }
        assert!(
            app.index.requests.lock().unwrap().is_empty(),
            "bad input never reaches DynamoDB"
        );
    }

    #[tokio::test]
    async fn unknown_path_is_404_and_other_methods_are_405() {
        let app = app();
        let (status, body, _) = call(&app, "GET", "/nope", "").await;
        assert_eq!(
            (status, body["error"]["code"].as_str()),
            (404, Some("not_found"))
        );
        for method in ["POST", "PUT", "DELETE", "PATCH"] {
            let (status, body, response) = call(&app, method, "/posts", "").await;
            assert_eq!(
                (status, body["error"]["code"].as_str()),
                (405, Some("method_not_allowed"))
            );
            assert_eq!(response.headers()["allow"], "GET");
        }
    }

    #[tokio::test]
    async fn store_failures_map_to_503_and_500() {
        let mut app = app();
        app.index.fail = Some(StoreError::Unavailable("connection refused".into()));
        for path in ["/", "/authors", "/posts"] {
            let (status, body, _) = call(&app, "GET", path, "").await;
            assert_eq!(
                (status, body["error"]["code"].as_str()),
                (503, Some("dynamodb_unavailable"))
            );
            assert!(
                !body.to_string().contains("connection refused"),
                "details stay in the log"
            );
        }
        app.index.fail = Some(StoreError::Failed("AccessDenied".into()));
        let (status, body, _) = call(&app, "GET", "/posts", "").await;
        assert_eq!(
            (status, body["error"]["code"].as_str()),
            (500, Some("internal_error"))
        );
    }
}
