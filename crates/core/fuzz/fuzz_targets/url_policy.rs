//! Arbitrary strings through the callback-URL policy.
#![no_main]
use libfuzzer_sys::fuzz_target;
use mediahook_core::url_policy::{check_url, UrlPolicy};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    for allow_loopback in [false, true] {
        let _ = check_url(&text, &UrlPolicy { allow_loopback });
    }
});
