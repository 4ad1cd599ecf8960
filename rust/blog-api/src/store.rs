//! Reading GSI1: one page at a time behind [`IndexReader`], and the walk over
//! pages that fills a response ([`list`]).

use std::future::Future;
use std::time::Duration;

use aws_config::BehaviorVersion;
use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_dynamodb::types::AttributeValue;

use crate::cursor::Cursor;
use crate::domain::{Entry, Item, Limit, Listing, Order};

/// One `Query` on GSI1.
#[derive(Debug, Clone, PartialEq)]
pub struct PageRequest {
    pub listing: Listing,
    pub order: Order,
    pub page_size: i32,
    pub start: Option<Item>,
}

/// What one `Query` returned.
#[derive(Debug, Default)]
pub struct Page {
    pub items: Vec<Item>,
    pub last_evaluated_key: Option<Item>,
}

#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
pub enum StoreError {
    /// Unreachable, timed out or throttled after the SDK's retries: a 503.
    #[error("DynamoDB unavailable: {0}")]
    Unavailable(String),
    /// Anything else (access denied, missing table): a 500.
    #[error("DynamoDB request failed: {0}")]
    Failed(String),
}

pub trait IndexReader {
    fn query_page(
        &self,
        request: PageRequest,
    ) -> impl Future<Output = Result<Page, StoreError>> + Send;
}

/// One response's worth of a listing, and the cursor for the next, if any.
#[derive(Debug, PartialEq)]
pub struct Listed<T> {
    pub entries: Vec<T>,
    pub next: Option<Cursor>,
}

/// Collects `limit` entries after `after`, following `LastEvaluatedKey`.
///
/// Malformed items are logged and skipped. When the walk stops inside a page,
/// `next` points after the last entry returned, so the client neither skips nor
/// repeats an item. A final page may come with a `LastEvaluatedKey` and an empty
/// page after it (DynamoDB) or without one (moto): both end the walk correctly.
pub async fn list<T: Entry, R: IndexReader>(
    reader: &R,
    page_size: i32,
    order: Order,
    limit: Limit,
    after: Option<&Cursor>,
) -> Result<Listed<T>, StoreError> {
    let mut entries: Vec<T> = Vec::with_capacity(limit.get().min(128));
    let mut start = after.map(Cursor::start_key);
    loop {
        let page = reader
            .query_page(PageRequest {
                listing: T::LISTING,
                order,
                page_size,
                start,
            })
            .await?;
        let mut items = page.items.into_iter();
        while let Some(item) = items.next() {
            match T::from_item(item) {
                Ok(entry) => entries.push(entry),
                Err(err) => {
                    tracing::warn!(pk = ?err.pk, reason = %err.reason, "skipping malformed item");
                    continue;
                }
            }
            if entries.len() == limit.get() {
                let more = items.len() > 0 || page.last_evaluated_key.is_some();
                let next = more.then(|| entries.last()).flatten().map(|last| {
                    let (pk, srt) = last.position();
                    Cursor::new(T::LISTING, order, pk, srt)
                });
                return Ok(Listed { entries, next });
            }
        }
        match page.last_evaluated_key {
            Some(key) => start = Some(key),
            None => {
                return Ok(Listed {
                    entries,
                    next: None,
                });
            }
        }
    }
}

/// GSI1 of the blog table, read with the AWS SDK.
#[derive(Debug, Clone)]
pub struct DynamoIndex {
    client: Client,
    table_name: String,
    index_name: String,
}

impl DynamoIndex {
    pub fn new(client: Client, table_name: String, index_name: String) -> DynamoIndex {
        DynamoIndex {
            client,
            table_name,
            index_name,
        }
    }
}

impl IndexReader for DynamoIndex {
    async fn query_page(&self, request: PageRequest) -> Result<Page, StoreError> {
        let output = self
            .client
            .query()
            .table_name(&self.table_name)
            .index_name(&self.index_name)
            .key_condition_expression("#sk = :sk")
            .expression_attribute_names("#sk", "SK")
            .expression_attribute_values(
                ":sk",
                AttributeValue::S(request.listing.sort_key().to_owned()),
            )
            .scan_index_forward(request.order == Order::Asc)
            .limit(request.page_size)
            .set_exclusive_start_key(request.start)
            .send()
            .await
            .map_err(classify)?;
        Ok(Page {
            items: output.items.unwrap_or_default(),
            last_evaluated_key: output.last_evaluated_key,
        })
    }
}

/// Error codes DynamoDB uses when it is throttling or briefly failing.
const UNAVAILABLE_CODES: [&str; 5] = [
    "ProvisionedThroughputExceededException",
    "ThrottlingException",
    "RequestLimitExceeded",
    "InternalServerError",
    "ServiceUnavailable",
];

fn classify<E, R>(err: SdkError<E, R>) -> StoreError
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
    R: std::fmt::Debug,
{
    let detail = aws_sdk_dynamodb::error::DisplayErrorContext(&err).to_string();
    match &err {
        SdkError::TimeoutError(_) | SdkError::DispatchFailure(_) | SdkError::ResponseError(_) => {
            StoreError::Unavailable(detail)
        }
        SdkError::ServiceError(service)
            if service
                .err()
                .code()
                .is_some_and(|c| UNAVAILABLE_CODES.contains(&c)) =>
        {
            StoreError::Unavailable(detail)
        }
        _ => StoreError::Failed(detail),
    }
}

/// SDK timeouts: with the standard three attempts and their back-off, a dead or
/// throttling DynamoDB becomes a 503 after at most `OPERATION_TIMEOUT`, well
/// inside the function's timeout (10 s by default, never below 6 s in config).
pub const OPERATION_TIMEOUT: Duration = Duration::from_secs(5);

pub async fn dynamodb_client() -> Client {
    Client::new(&sdk_defaults().load().await)
}

/// The SDK's configuration loader with our timeouts and retries; tests add an
/// endpoint and credentials to it.
pub fn sdk_defaults() -> aws_config::ConfigLoader {
    let timeouts = TimeoutConfig::builder()
        .connect_timeout(Duration::from_millis(1000))
        .operation_attempt_timeout(Duration::from_millis(1500))
        .operation_timeout(OPERATION_TIMEOUT)
        .build();
    aws_config::defaults(BehaviorVersion::latest())
        .timeout_config(timeouts)
        .retry_config(RetryConfig::standard().with_max_attempts(3))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Author, Post};
    use crate::testing::MemoryIndex;

    fn s(v: &str) -> AttributeValue {
        AttributeValue::S(v.to_owned())
    }

    fn post(id: usize) -> Item {
        Item::from([
            ("PK".into(), s(&format!("post-{id:04}"))),
            ("SK".into(), s("POST")),
            (
                "SRT".into(),
                s(&format!("2021-01-01T00:{:02}:{:02}Z", id / 60, id % 60)),
            ),
        ])
    }

    fn posts_with_malformed(n: usize) -> Vec<Item> {
        let mut items: Vec<Item> = (0..n).map(post).collect();
        // Malformed ones sit between good ones in index order.
        for id in [3, 17, 18, 40] {
            let mut bad = post(id);
            bad.insert("PK".into(), s(&format!("bad-{id}")));
            bad.insert("title".into(), AttributeValue::N("1".into()));
            items.push(bad);
        }
        items
    }

    async fn walk(index: &MemoryIndex, order: Order, limit: u16, page_size: i32) -> Vec<String> {
        let limit = Limit::parse(Some(&limit.to_string())).unwrap();
        let mut seen = Vec::new();
        let mut cursor = None;
        loop {
            let listed: Listed<Post> = list(index, page_size, order, limit, cursor.as_ref())
                .await
                .unwrap();
            assert!(listed.entries.len() <= limit.get());
            seen.extend(listed.entries.into_iter().map(|p| p.id));
            match listed.next {
                Some(next) => cursor = Some(next),
                None => return seen,
            }
        }
    }

    #[tokio::test]
    async fn walking_next_yields_every_valid_item_once_in_order() {
        for like_moto in [false, true] {
            for (limit, page_size) in [
                (10, 7),
                (13, 7),
                (7, 7),
                (14, 7),
                (1000, 3),
                (1, 1),
                (5, 100),
            ] {
                let mut index = MemoryIndex::new(posts_with_malformed(61));
                index.like_moto = like_moto;
                let expected: Vec<String> = (0..61).map(|i| format!("post-{i:04}")).collect();
                assert_eq!(
                    walk(&index, Order::Asc, limit, page_size).await,
                    expected,
                    "asc {limit}/{page_size} moto={like_moto}"
                );
                let reversed: Vec<String> = expected.iter().rev().cloned().collect();
                assert_eq!(
                    walk(&index, Order::Desc, limit, page_size).await,
                    reversed,
                    "desc {limit}/{page_size} moto={like_moto}"
                );
            }
        }
    }

    #[tokio::test]
    async fn stops_inside_a_page_with_a_cursor_after_the_last_returned_item() {
        let index = MemoryIndex::new((0..20).map(post).collect());
        let limit = Limit::parse(Some("3")).unwrap();
        let listed: Listed<Post> = list(&index, 7, Order::Asc, limit, None).await.unwrap();
        assert_eq!(listed.entries.len(), 3);
        let next = listed.next.unwrap();
        assert_eq!(next.pk, "post-0002");
        let requests = index.requests.lock().unwrap();
        assert_eq!(requests.len(), 1);
        assert_eq!(requests[0].page_size, 7);
    }

    #[tokio::test]
    async fn exhausted_index_gives_no_cursor_and_empty_index_gives_empty_list() {
        let index = MemoryIndex::new((0..5).map(post).collect());
        let limit = Limit::parse(Some("5")).unwrap();
        let listed: Listed<Post> = list(&index, 100, Order::Asc, limit, None).await.unwrap();
        assert_eq!((listed.entries.len(), listed.next), (5, None));
        let listed: Listed<Author> = list(&index, 100, Order::Asc, limit, None).await.unwrap();
        assert_eq!(
            listed,
            Listed {
                entries: vec![],
                next: None
            }
        );
    }

    #[tokio::test]
    async fn store_errors_pass_through() {
        let mut index = MemoryIndex::new(vec![]);
        index.fail = Some(StoreError::Unavailable("down".into()));
        let limit = Limit::DEFAULT;
        let err = list::<Post, _>(&index, 10, Order::Desc, limit, None)
            .await
            .unwrap_err();
        assert_eq!(err, StoreError::Unavailable("down".into()));
    }
}
