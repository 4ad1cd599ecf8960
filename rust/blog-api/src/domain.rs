//! Domain types and the pure parsing of query parameters and DynamoDB items.

use std::collections::HashMap;

use aws_sdk_dynamodb::primitives::{DateTime, DateTimeFormat};
use aws_sdk_dynamodb::types::AttributeValue;
use serde::{Deserialize, Serialize};

/// A DynamoDB item as the SDK returns it.
pub type Item = HashMap<String, AttributeValue>;

/// The two listings GSI1 answers; the value is the item's `SK`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Listing {
    Authors,
    Posts,
}

impl Listing {
    pub fn sort_key(self) -> &'static str {
        match self {
            Listing::Authors => "USER",
            Listing::Posts => "POST",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Order {
    Asc,
    Desc,
}

impl Order {
    pub fn parse(raw: Option<&str>, default: Order) -> Result<Order, InputError> {
        match raw {
            None => Ok(default),
            Some("asc") => Ok(Order::Asc),
            Some("desc") => Ok(Order::Desc),
            Some(other) => Err(InputError::Order(other.to_owned())),
        }
    }
}

/// How `GET /` runs its two queries: the 2021 demo's comparison.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    Parallel,
    Serial,
}

impl Mode {
    pub fn parse(raw: Option<&str>) -> Result<Mode, InputError> {
        match raw {
            None | Some("parallel") => Ok(Mode::Parallel),
            Some("serial") => Ok(Mode::Serial),
            Some(other) => Err(InputError::Mode(other.to_owned())),
        }
    }
}

/// How many items one response holds: 1..=1000, default 50.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limit(u16);

impl Limit {
    pub const MAX: u16 = 1000;
    pub const DEFAULT: Limit = Limit(50);

    pub fn parse(raw: Option<&str>) -> Result<Limit, InputError> {
        let Some(raw) = raw else {
            return Ok(Limit::DEFAULT);
        };
        match raw.parse::<u16>() {
            Ok(n) if (1..=Self::MAX).contains(&n) => Ok(Limit(n)),
            _ => Err(InputError::Limit(raw.to_owned())),
        }
    }

    pub fn get(self) -> usize {
        usize::from(self.0)
    }
}

/// A query parameter the client got wrong; each becomes a 400.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum InputError {
    #[error("limit must be an integer from 1 to 1000, got {0:?}")]
    Limit(String),
    #[error("order must be \"asc\" or \"desc\", got {0:?}")]
    Order(String),
    #[error("mode must be \"parallel\" or \"serial\", got {0:?}")]
    Mode(String),
    #[error("cursor is not valid: {0}")]
    Cursor(&'static str),
}

impl InputError {
    pub fn code(&self) -> &'static str {
        match self {
            InputError::Limit(_) => "invalid_limit",
            InputError::Order(_) => "invalid_order",
            InputError::Mode(_) => "invalid_mode",
            InputError::Cursor(_) => "invalid_cursor",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Author {
    pub id: String,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Post {
    pub id: String,
    pub created: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub author: Option<String>,
}

/// An item that cannot be shown; the caller skips and logs it.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("malformed item PK={pk:?}: {reason}")]
pub struct ItemError {
    /// The item's `PK` when it has a string one, for the log line.
    pub pk: Option<String>,
    pub reason: String,
}

impl ItemError {
    fn new(item: &Item, reason: impl Into<String>) -> ItemError {
        let pk = item.get("PK").and_then(|v| v.as_s().ok()).cloned();
        ItemError {
            pk,
            reason: reason.into(),
        }
    }
}

/// An entry of a listing: parsed from its GSI1 item, positioned by its keys.
pub trait Entry: Sized {
    const LISTING: Listing;
    fn from_item(item: Item) -> Result<Self, ItemError>;
    /// `(PK, SRT)`: with the listing's `SK`, the item's position in GSI1.
    fn position(&self) -> (&str, &str);
}

#[derive(Deserialize)]
struct AuthorItem {
    #[serde(rename = "PK")]
    pk: String,
    #[serde(rename = "SRT")]
    srt: String,
}

#[derive(Deserialize)]
struct PostItem {
    #[serde(rename = "PK")]
    pk: String,
    #[serde(rename = "SRT")]
    srt: String,
    title: Option<String>,
    author: Option<String>,
}

fn parse_item<T: for<'de> Deserialize<'de>>(item: Item) -> Result<T, ItemError> {
    let pk_only = ItemError::new(&item, "");
    serde_dynamo::from_item(item).map_err(|e| ItemError {
        reason: e.to_string(),
        ..pk_only
    })
}

impl Entry for Author {
    const LISTING: Listing = Listing::Authors;

    fn from_item(item: Item) -> Result<Author, ItemError> {
        let raw: AuthorItem = parse_item(item)?;
        Ok(Author {
            id: raw.pk,
            name: raw.srt,
        })
    }

    fn position(&self) -> (&str, &str) {
        (&self.id, &self.name)
    }
}

impl Entry for Post {
    const LISTING: Listing = Listing::Posts;

    fn from_item(item: Item) -> Result<Post, ItemError> {
        if let Some(srt) = item.get("SRT").and_then(|v| v.as_s().ok())
            && DateTime::from_str(srt, DateTimeFormat::DateTime).is_err()
        {
            return Err(ItemError::new(
                &item,
                format!("SRT {srt:?} is not an RFC 3339 time"),
            ));
        }
        let raw: PostItem = parse_item(item)?;
        Ok(Post {
            id: raw.pk,
            created: raw.srt,
            title: raw.title,
            author: raw.author,
        })
    }

    fn position(&self) -> (&str, &str) {
        (&self.id, &self.created)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &str) -> AttributeValue {
        AttributeValue::S(v.to_owned())
    }

    fn item(fields: &[(&str, AttributeValue)]) -> Item {
        fields
            .iter()
            .map(|(k, v)| ((*k).to_owned(), v.clone()))
            .collect()
    }

    #[test]
    fn limit_accepts_one_to_a_thousand_and_defaults_to_fifty() {
        assert_eq!(Limit::parse(None).unwrap().get(), 50);
        assert_eq!(Limit::parse(Some("1")).unwrap().get(), 1);
        assert_eq!(Limit::parse(Some("1000")).unwrap().get(), 1000);
        for bad in ["0", "1001", "-1", "abc", "", "1.5", " 5", "99999999999"] {
            assert_eq!(
                Limit::parse(Some(bad)),
                Err(InputError::Limit(bad.into())),
                "{bad}"
            );
        }
    }

    #[test]
    fn order_and_mode_parse_known_values_only() {
        assert_eq!(Order::parse(None, Order::Desc), Ok(Order::Desc));
        assert_eq!(Order::parse(Some("asc"), Order::Desc), Ok(Order::Asc));
        assert_eq!(
            Order::parse(Some("ASC"), Order::Desc),
            Err(InputError::Order("ASC".into()))
        );
        assert_eq!(Mode::parse(None), Ok(Mode::Parallel));
        assert_eq!(Mode::parse(Some("serial")), Ok(Mode::Serial));
        assert_eq!(
            Mode::parse(Some("fast")),
            Err(InputError::Mode("fast".into()))
        );
    }

    #[test]
    fn author_item_becomes_author() {
        let it = item(&[("PK", s("a1")), ("SK", s("USER")), ("SRT", s("Ada"))]);
        assert_eq!(
            Author::from_item(it).unwrap(),
            Author {
                id: "a1".into(),
                name: "Ada".into()
            }
        );
    }

    #[test]
    fn post_item_keeps_optional_fields() {
        let it = item(&[
            ("PK", s("p1")),
            ("SK", s("POST")),
            ("SRT", s("2021-10-01T12:00:00Z")),
            ("title", s("Hello")),
        ]);
        let post = Post::from_item(it).unwrap();
        assert_eq!(post.title.as_deref(), Some("Hello"));
        assert_eq!(post.author, None);
        assert_eq!(
            serde_json::to_value(&post).unwrap(),
            serde_json::json!({"id": "p1", "created": "2021-10-01T12:00:00Z", "title": "Hello"})
        );
    }

    #[test]
    fn malformed_items_are_errors_that_name_their_pk() {
        let cases = [
            item(&[("PK", s("a2")), ("SK", s("USER"))]),
            item(&[
                ("PK", s("a3")),
                ("SK", s("USER")),
                ("SRT", AttributeValue::N("7".into())),
            ]),
        ];
        for it in cases {
            let pk = it["PK"].as_s().unwrap().clone();
            let err = Author::from_item(it).unwrap_err();
            assert_eq!(err.pk, Some(pk));
        }
        let bad_time = item(&[("PK", s("p2")), ("SRT", s("yesterday"))]);
        assert!(
            Post::from_item(bad_time)
                .unwrap_err()
                .reason
                .contains("RFC 3339")
        );
        let bad_title = item(&[
            ("PK", s("p3")),
            ("SRT", s("2021-10-01T12:00:00Z")),
            ("title", AttributeValue::N("1".into())),
        ]);
        assert_eq!(
            Post::from_item(bad_title).unwrap_err().pk.as_deref(),
            Some("p3")
        );
        let no_pk = item(&[("SRT", s("x"))]);
        assert_eq!(Author::from_item(no_pk).unwrap_err().pk, None);
    }
}
