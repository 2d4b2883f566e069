//! Arbitrary JSON through every registered vendor's config validation.
#![no_main]
use libfuzzer_sys::fuzz_target;
use mediahook_core::url_policy::UrlPolicy;
use mediahook_core::Vendor;

fuzz_target!(|data: &[u8]| {
    let Ok(v) = serde_json::from_slice::<serde_json::Value>(data) else { return };
    let p = UrlPolicy::default();
    for vendor in Vendor::ALL {
        let scheme = vendor.scheme();
        let _ = scheme.validate_config(&v, None, &p, "fuzz");
        let _ = scheme.validate_config(&v, Some(&v), &p, "fuzz");
    }
});
