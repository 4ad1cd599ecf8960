//! Test support shared by unit and integration tests: GSI1 in memory, and
//! function URL events built from lambda_http's own fixture.

use std::sync::Mutex;

use lambda_http::Request;
use serde_json::{Value, json};

use crate::domain::{Item, Order};
use crate::store::{IndexReader, Page, PageRequest, StoreError};

const FUNCTION_URL_EVENT: &str = include_str!("../../fixtures/function_url_request.json");

/// A function URL event (payload 2.0) with our method, path and raw query string.
pub fn function_url_request(method: &str, path: &str, query: &str) -> Request {
    let mut event: Value = serde_json::from_str(FUNCTION_URL_EVENT).expect("fixture is JSON");
    event["rawPath"] = json!(path);
    event["rawQueryString"] = json!(query);
    event["requestContext"]["http"]["method"] = json!(method);
    event["requestContext"]["http"]["path"] = json!(path);
    lambda_http::request::from_str(&event.to_string()).expect("fixture is a function URL event")
}

/// GSI1 in memory: sorted like DynamoDB, paged with an exclusive start key.
pub struct MemoryIndex {
    items: Vec<Item>,
    /// Real DynamoDB returns a `LastEvaluatedKey` when a page ends exactly at
    /// `Limit`, even with nothing left; moto does not.
    pub like_moto: bool,
    pub requests: Mutex<Vec<PageRequest>>,
    pub fail: Option<StoreError>,
}

fn key(item: &Item, name: &str) -> String {
    item.get(name)
        .and_then(|v| v.as_s().ok())
        .cloned()
        .unwrap_or_default()
}

impl MemoryIndex {
    pub fn new(items: Vec<Item>) -> MemoryIndex {
        MemoryIndex {
            items,
            like_moto: false,
            requests: Mutex::new(Vec::new()),
            fail: None,
        }
    }
}

impl IndexReader for MemoryIndex {
    async fn query_page(&self, request: PageRequest) -> Result<Page, StoreError> {
        self.requests.lock().unwrap().push(request.clone());
        if let Some(err) = &self.fail {
            return Err(err.clone());
        }
        let sk = request.listing.sort_key();
        let mut rows: Vec<&Item> = self
            .items
            .iter()
            .filter(|i| key(i, "SK") == sk && i.get("SRT").is_some())
            .collect();
        rows.sort_by_key(|i| (key(i, "SRT"), key(i, "PK")));
        if request.order == Order::Desc {
            rows.reverse();
        }
        if let Some(start) = &request.start {
            let at = (key(start, "SRT"), key(start, "PK"));
            let pos = rows
                .iter()
                .position(|i| (key(i, "SRT"), key(i, "PK")) == at)
                .map_or(0, |p| p + 1);
            rows.drain(..pos);
        }
        let size = usize::try_from(request.page_size).unwrap_or(1);
        let full = rows.len() >= size;
        let rest_empty = rows.len() == size;
        let items: Vec<Item> = rows.into_iter().take(size).cloned().collect();
        let last_evaluated_key = (full && !(self.like_moto && rest_empty))
            .then(|| items.last().cloned())
            .flatten();
        Ok(Page {
            items,
            last_evaluated_key,
        })
    }
}
