//! The handler against a real local DynamoDB (moto server), paging through many
//! small DynamoDB pages.
//!
//! Needs `moto_server` on PATH (the Makefile puts the project's venv there) or
//! its path in `MOTO_SERVER`.

use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::config::{Credentials, Region};
use aws_sdk_dynamodb::types::{
    AttributeDefinition, AttributeValue, BillingMode, GlobalSecondaryIndex, KeySchemaElement,
    KeyType, Projection, ProjectionType, PutRequest, ScalarAttributeType, WriteRequest,
};
use blog_api::domain::Item;
use blog_api::http::{App, handle};
use blog_api::store::{DynamoIndex, OPERATION_TIMEOUT, sdk_defaults};
use blog_api::testing::function_url_request;
use lambda_http::Body;
use serde_json::Value;

const TABLE: &str = "blog-test";
const INDEX: &str = "GSI1";
const PAGE_SIZE: i32 = 7;
const POSTS: usize = 250;
const AUTHORS: usize = 30;

/// A moto server on a free loopback port, stopped when dropped.
struct Moto {
    child: Child,
    port: u16,
}

impl Moto {
    fn start() -> Moto {
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let program = std::env::var("MOTO_SERVER").unwrap_or_else(|_| "moto_server".into());
        let child = Command::new(&program)
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| {
                panic!("cannot start {program} ({e}): run `make setup` or set MOTO_SERVER")
            });
        let moto = Moto { child, port };
        let deadline = Instant::now() + Duration::from_secs(30);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                Instant::now() < deadline,
                "moto_server did not listen on {port}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        moto
    }

    fn stop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        self.stop();
    }
}

async fn client(port: u16) -> Client {
    let config = sdk_defaults()
        .endpoint_url(format!("http://127.0.0.1:{port}"))
        .region(Region::new("us-east-1"))
        .credentials_provider(Credentials::for_tests())
        .load()
        .await;
    Client::new(&config)
}

fn s(v: &str) -> AttributeValue {
    AttributeValue::S(v.to_owned())
}

fn key(name: &str, key_type: KeyType) -> KeySchemaElement {
    KeySchemaElement::builder()
        .attribute_name(name)
        .key_type(key_type)
        .build()
        .unwrap()
}

fn attribute(name: &str) -> AttributeDefinition {
    AttributeDefinition::builder()
        .attribute_name(name)
        .attribute_type(ScalarAttributeType::S)
        .build()
        .unwrap()
}

/// The table as DESIGN "Data model" defines it (the Python schema module is the
/// source for deployments and the local stack; this mirrors it for `cargo test`).
async fn create_table(client: &Client) {
    client
        .create_table()
        .table_name(TABLE)
        .billing_mode(BillingMode::PayPerRequest)
        .key_schema(key("PK", KeyType::Hash))
        .key_schema(key("SK", KeyType::Range))
        .attribute_definitions(attribute("PK"))
        .attribute_definitions(attribute("SK"))
        .attribute_definitions(attribute("SRT"))
        .global_secondary_indexes(
            GlobalSecondaryIndex::builder()
                .index_name(INDEX)
                .key_schema(key("SK", KeyType::Hash))
                .key_schema(key("SRT", KeyType::Range))
                .projection(
                    Projection::builder()
                        .projection_type(ProjectionType::All)
                        .build(),
                )
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
}

fn post_item(i: usize) -> Item {
    let mut item = Item::from([
        ("PK".into(), s(&format!("post-{i:04}"))),
        ("SK".into(), s("POST")),
        (
            "SRT".into(),
            s(&format!(
                "2021-{:02}-{:02}T{:02}:00:00Z",
                1 + i % 12,
                1 + i % 28,
                i % 24
            )),
        ),
        ("title".into(), s(&format!("Post {i}"))),
    ]);
    if i.is_multiple_of(3) {
        item.insert("author".into(), s(&format!("author-{:02}", i % AUTHORS)));
    }
    item
}

fn author_item(i: usize) -> Item {
    // Names sort differently from ids, so ordering by name is visible.
    let name = format!("{} {i:02}", ["Zoe", "Ada", "Mia", "Bob", "Lin"][i % 5]);
    Item::from([
        ("PK".into(), s(&format!("author-{i:02}"))),
        ("SK".into(), s("USER")),
        ("SRT".into(), s(&name)),
    ])
}

/// Items the API must skip without failing.
fn malformed_items() -> Vec<Item> {
    vec![
        Item::from([
            ("PK".into(), s("bad-time")),
            ("SK".into(), s("POST")),
            ("SRT".into(), s("last tuesday")),
        ]),
        Item::from([
            ("PK".into(), s("bad-title")),
            ("SK".into(), s("POST")),
            ("SRT".into(), s("2021-06-15T12:00:00Z")),
            ("title".into(), AttributeValue::N("42".into())),
        ]),
        Item::from([
            ("PK".into(), s("bad-author")),
            ("SK".into(), s("POST")),
            ("SRT".into(), s("2021-03-03T03:00:00Z")),
            ("author".into(), AttributeValue::Bool(true)),
        ]),
        // No SRT: not in GSI1 at all.
        Item::from([("PK".into(), s("no-srt")), ("SK".into(), s("USER"))]),
    ]
}

async fn seed(client: &Client) {
    let items: Vec<Item> = (0..POSTS)
        .map(post_item)
        .chain((0..AUTHORS).map(author_item))
        .chain(malformed_items())
        .collect();
    for chunk in items.chunks(25) {
        let writes = chunk
            .iter()
            .map(|item| {
                WriteRequest::builder()
                    .put_request(
                        PutRequest::builder()
                            .set_item(Some(item.clone()))
                            .build()
                            .unwrap(),
                    )
                    .build()
            })
            .collect();
        client
            .batch_write_item()
            .request_items(TABLE, writes)
            .send()
            .await
            .unwrap();
    }
}

async fn seeded_app() -> (Moto, App<DynamoIndex>) {
    let moto = Moto::start();
    let client = client(moto.port).await;
    create_table(&client).await;
    seed(&client).await;
    let app = App {
        index: DynamoIndex::new(client, TABLE.into(), INDEX.into()),
        page_size: PAGE_SIZE,
    };
    (moto, app)
}

async fn get(app: &App<DynamoIndex>, path: &str, query: &str) -> (u16, Value) {
    let response = handle(app, function_url_request("GET", path, query))
        .await
        .unwrap();
    let Body::Text(text) = response.body() else {
        panic!("expected a text body");
    };
    (
        response.status().as_u16(),
        serde_json::from_str(text).unwrap(),
    )
}

/// Follows `next` from the first page to the end; returns the `key` of every entry.
async fn walk(
    app: &App<DynamoIndex>,
    path: &str,
    query: &str,
    list: &str,
    key: &str,
) -> Vec<String> {
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    for _ in 0..1000 {
        let q = match &cursor {
            Some(c) => format!("{query}&cursor={c}"),
            None => query.to_owned(),
        };
        let (status, body) = get(app, path, &q).await;
        assert_eq!(status, 200, "{path}?{q}: {body}");
        seen.extend(
            body[list]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| e[key].as_str().unwrap().to_owned()),
        );
        match body["next"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => return seen,
        }
    }
    panic!("walk did not end");
}

/// `(SRT, PK)` of each item, in GSI1's ascending order.
fn index_order(items: impl Iterator<Item = Item>) -> Vec<(String, String)> {
    let mut keys: Vec<(String, String)> = items
        .map(|i| {
            (
                i["SRT"].as_s().unwrap().clone(),
                i["PK"].as_s().unwrap().clone(),
            )
        })
        .collect();
    keys.sort();
    keys
}

fn expected_posts(ascending: bool) -> Vec<String> {
    let mut keys = index_order((0..POSTS).map(post_item));
    if !ascending {
        keys.reverse();
    }
    keys.into_iter().map(|(_, pk)| pk).collect()
}

/// The creation time of each seeded post id (`post-NNNN`).
fn created(ids: &[String]) -> Vec<String> {
    ids.iter()
        .map(|pk| {
            post_item(pk[5..].parse().unwrap())["SRT"]
                .as_s()
                .unwrap()
                .clone()
        })
        .collect()
}

/// Several posts share a creation time, so only the set and the time order are
/// fixed; GSI1 orders equal times by table key, which moto and DynamoDB agree on
/// only up to this.
fn assert_same_posts(seen: &[String], expected: &[String]) {
    assert_eq!(seen.len(), expected.len(), "every valid post exactly once");
    let mut a = seen.to_vec();
    let mut b = expected.to_vec();
    a.sort();
    b.sort();
    assert_eq!(a, b);
    assert_eq!(created(seen), created(expected), "in creation-time order");
}

#[tokio::test(flavor = "multi_thread")]
async fn walking_posts_yields_every_valid_post_once_in_order() {
    let (_moto, app) = seeded_app().await;
    for limit in [10, 13] {
        for (order, ascending) in [("asc", true), ("desc", false)] {
            let query = format!("limit={limit}&order={order}");
            let seen = walk(&app, "/posts", &query, "posts", "id").await;
            assert_same_posts(&seen, &expected_posts(ascending));
            // Walking twice gives the same sequence: the cursor position is exact.
            let again = walk(&app, "/posts", &query, "posts", "id").await;
            assert_eq!(seen, again);
        }
    }
    let (_, first) = get(&app, "/posts", "").await;
    assert_eq!(
        first["posts"].as_array().unwrap().len(),
        50,
        "default limit"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn authors_are_walked_by_name() {
    let (_moto, app) = seeded_app().await;
    let names: Vec<String> = index_order((0..AUTHORS).map(author_item))
        .into_iter()
        .map(|(name, _)| name)
        .collect();
    for limit in [1, 4, 30, 1000] {
        let seen = walk(
            &app,
            "/authors",
            &format!("limit={limit}"),
            "authors",
            "name",
        )
        .await;
        assert_eq!(seen, names, "limit {limit}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn front_page_is_the_same_in_both_modes() {
    let (_moto, app) = seeded_app().await;
    let (status, parallel) = get(&app, "/", "limit=20").await;
    assert_eq!(status, 200);
    let (_, serial) = get(&app, "/", "limit=20&mode=serial").await;
    assert_eq!(
        (parallel["mode"].as_str(), serial["mode"].as_str()),
        (Some("parallel"), Some("serial"))
    );
    assert_eq!(parallel["authors"], serial["authors"]);
    assert_eq!(parallel["posts"], serial["posts"]);
    assert_eq!(parallel["authors"].as_array().unwrap().len(), 20);
    let newest: Vec<&str> = parallel["posts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_str().unwrap())
        .collect();
    let expected = expected_posts(false);
    assert_eq!(newest.len(), 20);
    let (_, desc_page) = get(&app, "/posts", "limit=20").await;
    assert_eq!(parallel["posts"], desc_page["posts"]);
    assert!(newest.iter().all(|id| expected.contains(&id.to_string())));
}

#[tokio::test(flavor = "multi_thread")]
async fn unreachable_dynamodb_is_a_503_within_the_timeout() {
    let (mut moto, app) = seeded_app().await;
    let (status, _) = get(&app, "/authors", "limit=5").await;
    assert_eq!(status, 200);
    moto.stop();
    for path in ["/authors", "/posts", "/"] {
        let started = Instant::now();
        let (status, body) = get(&app, path, "").await;
        let took = started.elapsed();
        assert_eq!(status, 503, "{path}: {body}");
        assert_eq!(body["error"]["code"], "dynamodb_unavailable");
        assert!(
            took <= OPERATION_TIMEOUT + Duration::from_secs(1),
            "{path} took {took:?}"
        );
    }
}
