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
    // Repeated parameters are joined with commas, as in the event's own
    // queryStringParameters.
    let params = request.query_string_parameters();
    let mut query: BTreeMap<String, String> = BTreeMap::new();
    for (key, value) in params.iter() {
        query
            .entry(key.to_owned())
            .and_modify(|joined| {
                joined.push(',');
                joined.push_str(value);
            })
            .or_insert_with(|| value.to_owned());
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Value, json};

    const FIXTURE: &str = include_str!("../../fixtures/function_url_request.json");

    fn event(method: &str, body: Option<&str>, base64: bool) -> Request {
        let mut event: Value = serde_json::from_str(FIXTURE).unwrap();
        event["requestContext"]["http"]["method"] = json!(method);
        event["body"] = json!(body);
        event["isBase64Encoded"] = json!(base64);
        lambda_http::request::from_str(&event.to_string()).unwrap()
    }

    #[test]
    fn echoes_method_path_query_headers_and_body() {
        let out = serde_json::to_value(echo(&event("PUT", Some("hello"), false))).unwrap();
        assert_eq!(out["method"], "PUT");
        assert_eq!(out["path"], "/my/path");
        assert_eq!(
            out["query"],
            json!({"parameter1": "value1,value2", "parameter2": "value"})
        );
        assert_eq!(out["headers"]["user-agent"], "curl/7.68.0");
        assert_eq!(out["body"], "hello");
    }

    #[test]
    fn decodes_a_base64_body_and_reports_no_body_as_null() {
        let out =
            serde_json::to_value(echo(&event("POST", Some("aGVsbG8gd29ybGQ="), true))).unwrap();
        assert_eq!(out["body"], "hello world");
        let out = serde_json::to_value(echo(&event("GET", None, false))).unwrap();
        assert_eq!(out["body"], Value::Null);
    }
}
