//! Arbitrary bytes through the Tencent Cloud Live parsers: verification, typed events, the
//! normalization helpers, and (when the bytes are JSON) the template validation.
#![no_main]
use libfuzzer_sys::fuzz_target;
use mediahook_core::tencent_live::{self, config, event};
use mediahook_core::url_policy::UrlPolicy;

fuzz_target!(|data: &[u8]| {
    // Layout: [now: 8 bytes][body]
    let (now, body) = data.split_at(data.len().min(8));
    let mut now_bytes = [0u8; 8];
    now_bytes[..now.len()].copy_from_slice(now);
    let now = i64::from_le_bytes(now_bytes);
    let _ = tencent_live::verify(body, "fuzz-key", now);
    if let Ok(obj) = mediahook_core::json::parse_object(body) {
        let _ = event::TencentLiveEvent::from_object(&obj);
        let _ = tencent_live::event_type(&obj);
        let _ = event::subject(&obj);
        let _ = event::event_time(&obj);
        let _ = tencent_live::sign_body(body, "fuzz-key", now);
    }
    if let Ok(v) = serde_json::from_slice::<serde_json::Value>(body) {
        let _ = config::validate(&v, &UrlPolicy::default(), "fuzz");
        let _ = config::validate_action(
            config::Action::ModifyLiveCallbackTemplate,
            &v,
            &UrlPolicy::default(),
            "fuzz",
        );
    }
});
