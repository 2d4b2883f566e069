//! Arbitrary bodies through every registered vendor with arbitrary per-source overrides
//! (sign order, meaning of `t`, window) and through the unsigned path; normalizing whatever
//! is accepted (covers the BytePlus, Tencent v2.0 and nested-subject parsers).
#![no_main]
use libfuzzer_sys::fuzz_target;
use mediahook_core::verify::{accept_unsigned, verify_callback, Request, SourceKey, TimestampMeaning};
use mediahook_core::volcengine::SignOrder;
use mediahook_core::Vendor;

fuzz_target!(|data: &[u8]| {
    // Layout: [selector][window: 8 bytes][now: 8 bytes][body]
    let Some((&sel, rest)) = data.split_first() else { return };
    let mut num = |rest: &mut &[u8]| {
        let (n, r) = rest.split_at(rest.len().min(8));
        *rest = r;
        let mut b = [0u8; 8];
        b[..n.len()].copy_from_slice(n);
        i64::from_le_bytes(b)
    };
    let mut rest = rest;
    let window = num(&mut rest);
    let now = num(&mut rest);
    let vendor = Vendor::ALL[usize::from(sel >> 3) % Vendor::ALL.len()];
    let mut key = SourceKey::new("fuzz-key").with_callback_url("https://edge.example.com/h");
    if sel & 1 == 1 {
        key = key.with_sign_order(SignOrder::TimeFirst);
    }
    if sel & 2 == 2 {
        key = key.with_timestamp(TimestampMeaning::Sent);
    }
    if sel & 4 == 4 {
        key = key.with_window_seconds(window);
    }
    let req = Request::new(rest);
    if let Ok(cb) = verify_callback(vendor, &key, &req, now) {
        let _ = cb.normalize("fuzz", now).to_json();
    }
    if let Ok(cb) = accept_unsigned(vendor, &req) {
        let _ = cb.vendor_type();
        let _ = cb.normalize("fuzz", now).to_json();
    }
});
