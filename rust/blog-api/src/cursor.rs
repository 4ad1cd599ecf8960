//! The opaque, URL-safe paging cursor.
//!
//! It carries the GSI1 position of the last item a response returned, plus the
//! listing and order it belongs to, as JSON followed by a CRC-32 of that JSON,
//! all in unpadded base64url. The checksum turns any edit into a 400 instead of
//! a DynamoDB `ValidationException`; a cursor forged with a valid checksum can
//! only start a walk at some position of the same public index, which is harmless.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};

use crate::domain::{InputError, Item, Listing, Order};
use aws_sdk_dynamodb::types::AttributeValue;

/// Longest cursor we decode: far above any real key, far below abuse.
const MAX_ENCODED_LEN: usize = 4096;
const VERSION: u8 = 1;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cursor {
    #[serde(rename = "v")]
    version: u8,
    #[serde(rename = "l")]
    pub listing: Listing,
    #[serde(rename = "o")]
    pub order: Order,
    #[serde(rename = "k")]
    pub pk: String,
    #[serde(rename = "s")]
    pub srt: String,
}

impl Cursor {
    pub fn new(listing: Listing, order: Order, pk: &str, srt: &str) -> Cursor {
        Cursor {
            version: VERSION,
            listing,
            order,
            pk: pk.to_owned(),
            srt: srt.to_owned(),
        }
    }

    pub fn encode(&self) -> String {
        // Serializing plain strings and enums cannot fail.
        let mut bytes = serde_json::to_vec(self).unwrap_or_default();
        let crc = crc32fast::hash(&bytes);
        bytes.extend_from_slice(&crc.to_be_bytes());
        URL_SAFE_NO_PAD.encode(bytes)
    }

    /// Decodes a cursor for `listing` walked in `order`; anything else is a 400.
    pub fn decode(raw: &str, listing: Listing, order: Order) -> Result<Cursor, InputError> {
        if raw.len() > MAX_ENCODED_LEN {
            return Err(InputError::Cursor("too long"));
        }
        let bytes = URL_SAFE_NO_PAD
            .decode(raw)
            .map_err(|_| InputError::Cursor("not base64url"))?;
        let split = bytes
            .len()
            .checked_sub(4)
            .ok_or(InputError::Cursor("too short"))?;
        let (body, crc) = bytes.split_at(split);
        if crc32fast::hash(body).to_be_bytes() != crc {
            return Err(InputError::Cursor("checksum mismatch"));
        }
        let cursor: Cursor =
            serde_json::from_slice(body).map_err(|_| InputError::Cursor("unreadable"))?;
        if cursor.version != VERSION {
            return Err(InputError::Cursor("unknown version"));
        }
        if cursor.listing != listing {
            return Err(InputError::Cursor("it belongs to another listing"));
        }
        if cursor.order != order {
            return Err(InputError::Cursor("it was issued for the other order"));
        }
        if cursor.pk.is_empty() || cursor.srt.is_empty() {
            return Err(InputError::Cursor("empty key"));
        }
        Ok(cursor)
    }

    /// The `ExclusiveStartKey` for GSI1: the table keys and the index keys.
    pub fn start_key(&self) -> Item {
        Item::from([
            ("PK".to_owned(), AttributeValue::S(self.pk.clone())),
            (
                "SK".to_owned(),
                AttributeValue::S(self.listing.sort_key().to_owned()),
            ),
            ("SRT".to_owned(), AttributeValue::S(self.srt.clone())),
        ])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn listing() -> impl Strategy<Value = Listing> {
        prop_oneof![Just(Listing::Authors), Just(Listing::Posts)]
    }

    fn order() -> impl Strategy<Value = Order> {
        prop_oneof![Just(Order::Asc), Just(Order::Desc)]
    }

    proptest! {
        #[test]
        fn round_trips_and_is_url_safe(l in listing(), o in order(), pk in "\\PC{1,60}", srt in "\\PC{1,60}") {
            let cursor = Cursor::new(l, o, &pk, &srt);
            let encoded = cursor.encode();
            prop_assert!(encoded.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
            prop_assert_eq!(Cursor::decode(&encoded, l, o), Ok(cursor));
        }

        #[test]
        fn any_single_edit_is_rejected(pk in "[a-z0-9]{1,20}", srt in "\\PC{1,30}", at in any::<prop::sample::Index>(), replacement in "[A-Za-z0-9_-]") {
            let encoded = Cursor::new(Listing::Posts, Order::Desc, &pk, &srt).encode();
            let i = at.index(encoded.len());
            let mut tampered = encoded.clone();
            tampered.replace_range(i..=i, &replacement);
            prop_assume!(tampered != encoded);
            // Unpadded base64 can carry slack bits in its last character: an
            // edit there that decodes to the same bytes is no edit at all.
            prop_assume!(URL_SAFE_NO_PAD.decode(&tampered).ok() != URL_SAFE_NO_PAD.decode(&encoded).ok());
            prop_assert!(Cursor::decode(&tampered, Listing::Posts, Order::Desc).is_err());
        }

        #[test]
        fn arbitrary_input_never_panics(raw in "\\PC{0,200}") {
            let _ = Cursor::decode(&raw, Listing::Authors, Order::Asc);
        }
    }

    #[test]
    fn cursor_of_another_listing_or_order_is_rejected() {
        let encoded = Cursor::new(Listing::Authors, Order::Asc, "a1", "Ada").encode();
        assert!(Cursor::decode(&encoded, Listing::Posts, Order::Asc).is_err());
        assert!(Cursor::decode(&encoded, Listing::Authors, Order::Desc).is_err());
        assert!(Cursor::decode(&encoded, Listing::Authors, Order::Asc).is_ok());
    }

    #[test]
    fn garbage_is_rejected_with_a_reason() {
        for raw in ["", "!!!", "abc", &"A".repeat(5000)] {
            assert!(matches!(
                Cursor::decode(raw, Listing::Posts, Order::Desc),
                Err(InputError::Cursor(_))
            ));
        }
    }

    #[test]
    fn start_key_holds_table_and_index_keys() {
        let key =
            Cursor::new(Listing::Posts, Order::Desc, "p1", "2021-01-01T00:00:00Z").start_key();
        assert_eq!(key["PK"].as_s().unwrap(), "p1");
        assert_eq!(key["SK"].as_s().unwrap(), "POST");
        assert_eq!(key["SRT"].as_s().unwrap(), "2021-01-01T00:00:00Z");
        assert_eq!(key.len(), 3);
    }
}
