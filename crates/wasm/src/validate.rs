//! Dispatch to the vendor config validators of the core, through the registry.

use mediahook_core::url_policy::UrlPolicy;
use mediahook_core::validation::Report;
use mediahook_core::Vendor;
use serde_json::Value;

/// Validates `config` for `vendor` with its registered scheme. `current` (the stored config a
/// Baidu patch merges into) is ignored by vendors whose config APIs replace rather than merge.
pub fn validate(
    vendor: Vendor,
    config: &Value,
    current: Option<&Value>,
    policy: &UrlPolicy,
    request_id: &str,
) -> Report {
    vendor
        .scheme()
        .validate_config(config, current, policy, request_id)
}
