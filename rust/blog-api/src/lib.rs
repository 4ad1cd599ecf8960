//! The blog API behind a Lambda function URL.
//!
//! Layers, innermost first: [`domain`] (types and pure parsing, no I/O),
//! [`cursor`] (the opaque paging token), [`store`] (DynamoDB behind a small trait,
//! and the paging walk over it), [`http`] (routing, status codes, error JSON).
//! `main.rs` only builds the SDK client and starts the runtime.

pub mod cursor;
pub mod domain;
pub mod http;
pub mod settings;
pub mod store;
#[cfg(any(test, feature = "test-support"))]
pub mod testing;
