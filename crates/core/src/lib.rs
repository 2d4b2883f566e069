//! # mediahook-core
//!
//! The no-I/O heart of mediahook: everything needed to receive media-cloud event
//! callbacks from **Tencent Cloud VOD**, **Baidu AI Cloud VOD**, **Volcengine Live** and
//! **BytePlus MediaLive**.
//!
//! * [`tencent`], [`baidu`], [`volcengine`], [`byteplus`] — one module per vendor:
//!   callback-config models and validation with the vendor's exact error codes, typed
//!   events, signature schemes, and its registration (`SCHEME`).
//! * [`vendor`] — the registration table and the [`vendor::VendorScheme`] trait every
//!   vendor implements (its doc says what adding a vendor takes).
//! * [`verify`] — one entry point for every vendor: check a raw callback and parse it.
//! * [`event`] — the one normalized envelope every vendor's event becomes.
//! * [`standard_webhooks`] — Standard Webhooks v1 signing and verification (what is
//!   forwarded to origins).
//! * [`url_policy`] — which callback / forward URLs are allowed (SSRF policy).
//! * [`error`] — the verification error taxonomy shared by every face of mediahook.
//!
//! The crate is `#![no_std]` + `alloc`; time is always a parameter; no input panics.
//!
//! ```
//! use mediahook_core::{tencent, verify::{verify_callback, Request, SourceKey}, Vendor};
//!
//! let body = br#"{"EventType":"NewFileUpload","FileUploadEvent":{"FileId":"528"}}"#;
//! // Sign like Tencent does (Sign = md5(key + T), T = expiry), then verify at `now`.
//! let signed = tencent::sign_body(body, "SignKey1", 1_700_000_600).unwrap();
//! let key = SourceKey::new("SignKey1");
//! let ok = verify_callback(Vendor::TencentVod, &key, &Request::new(&signed), 1_700_000_000_000);
//! assert_eq!(ok.unwrap().vendor_type(), "NewFileUpload");
//! ```
#![no_std]
#![forbid(unsafe_code)]
#![warn(missing_docs)]

extern crate alloc;
#[cfg(feature = "std")]
extern crate std;

pub mod aliyun;
pub mod baidu;
pub mod byteplus;
pub mod error;
pub mod event;
mod hex;
pub mod json;
mod signing;
pub mod standard_webhooks;
pub mod tencent;
pub mod tencent_live;
pub mod time;
pub mod url_policy;
pub mod validation;
pub mod vendor;
pub mod verify;
pub mod volcengine;

pub use error::VerifyError;
pub use event::NormalizedEvent;
pub use vendor::Vendor;

/// The README's Rust examples, compiled and run as doc tests.
#[cfg(doctest)]
#[doc = include_str!("../../../README.md")]
pub struct ReadmeDoctests;
