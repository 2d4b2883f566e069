//! The verification error taxonomy (SPEC §2), shared by the Rust API, the npm package
//! (`error.kind`) and the worker's JSON error `code`.

use core::fmt;

/// Why a callback (or a Standard Webhooks message) was refused.
///
/// The same names are used everywhere: [`VerifyError::kind`] returns the wire name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum VerifyError {
    /// No signature material: the signature or its timestamp is absent (or empty).
    Missing,
    /// Signature or timestamp present but unparsable (not hex, wrong length, not a
    /// non-negative integer that fits in `i64`).
    Malformed,
    /// Well-formed and authentic, but outside the accepted time window.
    Expired,
    /// Well-formed, but not made with the configured key (or over other content).
    Mismatch,
    /// The body is not a JSON object, or is nested deeper than [`crate::json::MAX_DEPTH`].
    MalformedPayload,
}

impl VerifyError {
    /// Every variant, in taxonomy order.
    pub const ALL: [VerifyError; 5] = [
        VerifyError::Missing,
        VerifyError::Malformed,
        VerifyError::Expired,
        VerifyError::Mismatch,
        VerifyError::MalformedPayload,
    ];

    /// The wire name: `missing`, `malformed`, `expired`, `mismatch`, `malformed_payload`.
    pub const fn kind(self) -> &'static str {
        match self {
            VerifyError::Missing => "missing",
            VerifyError::Malformed => "malformed",
            VerifyError::Expired => "expired",
            VerifyError::Mismatch => "mismatch",
            VerifyError::MalformedPayload => "malformed_payload",
        }
    }

    /// A one-sentence explanation for people (never contains key material).
    pub const fn message(self) -> &'static str {
        match self {
            VerifyError::Missing => "the callback carries no signature or no signature timestamp",
            VerifyError::Malformed => "the signature or its timestamp cannot be parsed",
            VerifyError::Expired => "the signature is outside the accepted time window",
            VerifyError::Mismatch => "the signature does not match the configured key",
            VerifyError::MalformedPayload => {
                "the body is not a JSON object (or is nested too deeply)"
            }
        }
    }

    /// Parses a wire name back into the error (`"mismatch"` → [`VerifyError::Mismatch`]).
    pub fn from_kind(kind: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|e| e.kind() == kind)
    }
}

impl fmt::Display for VerifyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.kind(), self.message())
    }
}

#[cfg(feature = "std")]
impl std::error::Error for VerifyError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_round_trip() {
        for e in VerifyError::ALL {
            assert_eq!(VerifyError::from_kind(e.kind()), Some(e));
        }
        assert_eq!(VerifyError::from_kind("nope"), None);
    }
}
