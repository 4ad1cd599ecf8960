//! Echo: answers any method and path with what it received, as JSON.

use std::collections::BTreeMap;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use lambda_http::{Body, Error, Request, RequestExt, Response, service_fn};
use serde::Serialize;

#[derive(Serialize)]
struct Echo {
    method: String,
    path: String,
    query: BTreeMap<String, String>,
    headers: BTreeMap<String, String>,
    body: Option<String>,
}

fn echo(request: &Request) -> Echo {
    let query = request
        .query_string_parameters()
        .iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
    let headers = request
        .headers()
        .iter()
        .map(|(k, v)| {
            (
                k.to_string(),
                String::from_utf8_lossy(v.as_bytes()).into_owned(),
            )
        })
        .collect();
    // lambda_http has already decoded a body the event marked as base64 into Binary.
    let body = match request.body() {
        Body::Empty => None,
        Body::Text(text) => Some(text.clone()),
        Body::Binary(bytes) => Some(match std::str::from_utf8(bytes) {
            Ok(text) => text.to_owned(),
            Err(_) => STANDARD.encode(bytes),
        }),
        _ => None,
    };
    Echo {
        method: request.method().to_string(),
        path: request.uri().path().to_owned(),
        query,
        headers,
        body,
    }
}

async fn handle(request: Request) -> Result<Response<Body>, Error> {
    let body = serde_json::to_string(&echo(&request))?;
    Ok(Response::builder()
        .status(200)
        .header("content-type", "application/json")
        .body(Body::Text(body))?)
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Error> {
    lambda_http::tracing::init_default_subscriber();
    lambda_http::run(service_fn(handle)).await
}
