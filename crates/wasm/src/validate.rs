//! Dispatch to the vendor config validators of the core.

use mediahook_core::url_policy::UrlPolicy;
use mediahook_core::validation::Report;
use mediahook_core::{baidu, tencent, volcengine, Vendor};
use serde_json::Value;

/// Validates `config` for `vendor`. `current` (the stored config a Baidu patch merges
/// into) is ignored for the other vendors, whose config APIs replace rather than merge.
pub fn validate(
    vendor: Vendor,
    config: &Value,
    current: Option<&Value>,
    policy: &UrlPolicy,
    request_id: &str,
) -> Report {
    match vendor {
        Vendor::TencentVod => tencent::config::validate(config, policy, request_id),
        Vendor::BaiduVod => baidu::config::validate(config, current, policy, request_id),
        Vendor::VolcengineLive => volcengine::config::validate(config, policy, request_id),
    }
}
