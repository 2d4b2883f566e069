//! Shared shapes for callback-config validation results.
//!
//! Each vendor module (`tencent::config`, `baidu::config`, `volcengine::config`) validates
//! its own config and returns a [`Report`]: *all* problems, each with the field path, the
//! vendor's error code and message and the HTTP status the vendor would answer with, plus
//! the vendor-shaped error body for the first problem.

use alloc::string::String;
use alloc::vec::Vec;
use serde::Serialize;
use serde_json::Value;

/// One problem found in a config, exactly as the vendor API would report it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    /// Path of the offending field, e.g. `CallbackDetailList[0].URL` (empty for the whole body).
    pub field: String,
    /// The vendor's error code, e.g. `InvalidParam.Empty`.
    pub code: String,
    /// The vendor's error message, e.g. `MessageType is required`.
    pub message: String,
    /// The HTTP status the vendor answers with.
    pub status: u16,
}

impl FieldError {
    /// A problem with `field`, answered by the vendor with `code`, `message` and HTTP `status`.
    pub fn new(
        field: impl Into<String>,
        code: impl Into<String>,
        message: impl Into<String>,
        status: u16,
    ) -> Self {
        FieldError {
            field: field.into(),
            code: code.into(),
            message: message.into(),
            status,
        }
    }
}

/// The outcome of validating one config.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct Report {
    /// Every problem found, in field order; empty when the config is valid.
    pub errors: Vec<FieldError>,
    /// The vendor-shaped error response body for the first problem (`None` when valid).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub response: Option<Value>,
}

impl Report {
    /// `true` when no problem was found.
    pub fn is_ok(&self) -> bool {
        self.errors.is_empty()
    }

    /// The HTTP status of the first problem (the one the vendor would answer with).
    pub fn status(&self) -> Option<u16> {
        self.errors.first().map(|e| e.status)
    }
}
