//! Arbitrary JSON through every vendor's config validation.
#![no_main]
use libfuzzer_sys::fuzz_target;
use mediahook_core::url_policy::UrlPolicy;
use mediahook_core::{baidu, tencent, volcengine};

fuzz_target!(|data: &[u8]| {
    let Ok(v) = serde_json::from_slice::<serde_json::Value>(data) else { return };
    let p = UrlPolicy::default();
    let _ = tencent::config::validate(&v, &p, "fuzz");
    let _ = baidu::config::validate(&v, None, &p, "fuzz");
    let _ = baidu::config::validate(&v, Some(&v), &p, "fuzz");
    let _ = volcengine::config::validate(&v, &p, "fuzz");
});
