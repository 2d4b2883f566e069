//! Arbitrary bytes through the Alibaba Cloud VOD parsers: header verification, typed events,
//! both `EventTime` formats, and (when the bytes are JSON) the `SetMessageCallback`
//! validation.
#![no_main]
use libfuzzer_sys::fuzz_target;
use mediahook_core::aliyun::{self, config, event};
use mediahook_core::url_policy::UrlPolicy;

fuzz_target!(|data: &[u8]| {
    // Layout: [now: 8 bytes][header lines "name:value" ... 0xff][body]
    let (now, rest) = data.split_at(data.len().min(8));
    let mut now_bytes = [0u8; 8];
    now_bytes[..now.len()].copy_from_slice(now);
    let now = i64::from_le_bytes(now_bytes);
    let split = rest.iter().position(|&b| b == 0xff).unwrap_or(0);
    let (head, body) = rest.split_at(split);
    let body = body.get(1..).unwrap_or_default();
    let head = String::from_utf8_lossy(head);
    let headers: Vec<(&str, &str)> = head.lines().filter_map(|l| l.split_once(':')).collect();
    let p = aliyun::VerifyParams {
        key: "FuzzKey1",
        callback_url: "https://edge.example.com/v1/hooks/f",
        now,
        tolerance_seconds: 300,
    };
    let lookup = |n: &str| {
        headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(n))
            .map(|(_, v)| *v)
    };
    let _ = aliyun::verify(body, lookup, &p);
    if let Ok(obj) = mediahook_core::json::parse_object(body) {
        let _ = event::AliyunEvent::from_object(&obj);
        let _ = event::subject(&obj);
        let _ = event::event_time(&obj);
    }
    if let Ok(v) = serde_json::from_slice::<serde_json::Value>(body) {
        let _ = config::validate(&v, &UrlPolicy::default(), "fuzz");
    }
});
