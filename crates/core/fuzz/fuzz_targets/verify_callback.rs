//! Arbitrary bytes as body and headers through every vendor's verification.
#![no_main]
use libfuzzer_sys::fuzz_target;
use mediahook_core::verify::{verify_callback, Request, SourceKey};
use mediahook_core::Vendor;

fuzz_target!(|data: &[u8]| {
    // Layout: [vendor selector][now: 8 bytes][header bytes ... 0xff][body]
    let Some((&sel, rest)) = data.split_first() else { return };
    let vendor = Vendor::ALL[usize::from(sel) % Vendor::ALL.len()];
    let (now, rest) = rest.split_at(rest.len().min(8));
    let mut now_bytes = [0u8; 8];
    now_bytes[..now.len()].copy_from_slice(now);
    let now = i64::from_le_bytes(now_bytes);
    let split = rest.iter().position(|&b| b == 0xff).unwrap_or(0);
    let (head, body) = rest.split_at(split);
    let head = String::from_utf8_lossy(head);
    let headers: Vec<(&str, &str)> = head
        .lines()
        .filter_map(|l| l.split_once(':'))
        .collect();
    let key = SourceKey::new("fuzz-key").with_callback_url("https://edge.example.com/v1/hooks/f");
    let _ = verify_callback(vendor, &key, &Request::new(body).with_headers(&headers), now);
});
