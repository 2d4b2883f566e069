//! Callback / forward URL policy (SPEC §1.4). PLACEHOLDER: being implemented.

use core::fmt;

/// Settings of the URL policy.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct UrlPolicy {
    /// Let loopback hosts (127.0.0.0/8, ::1, localhost) through — local development only.
    pub allow_loopback: bool,
}

/// Why a URL was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum UrlRejection {
    /// Not a parsable absolute URL.
    Invalid,
}

impl UrlRejection {
    /// A short machine-readable name.
    pub const fn kind(self) -> &'static str {
        "invalid"
    }
}

impl fmt::Display for UrlRejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.kind())
    }
}

/// Checks `url` against the policy.
pub fn check_url(url: &str, policy: &UrlPolicy) -> Result<(), UrlRejection> {
    let _ = policy;
    if url.starts_with("http://") || url.starts_with("https://") {
        Ok(())
    } else {
        Err(UrlRejection::Invalid)
    }
}
