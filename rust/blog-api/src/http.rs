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
