//! Arbitrary header values and bodies through Standard Webhooks verification.
#![no_main]
use libfuzzer_sys::fuzz_target;
use mediahook_core::standard_webhooks::{Headers, Webhook};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let mut parts = text.splitn(4, '\n');
    let (id, ts, sig, body) = (parts.next(), parts.next(), parts.next(), parts.next().unwrap_or(""));
    let Ok(wh) = Webhook::new(&["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"]) else { return };
    let _ = wh.verify(&Headers { id, timestamp: ts, signature: sig }, body.as_bytes(), 1_614_265_330);
    let _ = mediahook_core::standard_webhooks::decode_secret(&text);
});
