//! Arbitrary Authorization headers, timestamps, hosts and bodies through the TC3-HMAC-SHA256
//! parser and verifier (SPEC §9): typed errors only, never a panic.
#![no_main]
use libfuzzer_sys::fuzz_target;
use mediahook_core::tc3::{self, Credential, Request};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let _ = tc3::parse_authorization(&text);
    let mut parts = text.splitn(4, '\n');
    let (auth, ts, host, body) = (
        parts.next().unwrap_or(""),
        parts.next().unwrap_or(""),
        parts.next().unwrap_or(""),
        parts.next().unwrap_or(""),
    );
    let _ = tc3::host_without_port(host);
    let headers = [
        ("authorization", auth),
        ("x-tc-timestamp", ts),
        ("host", host),
        ("content-type", "application/json"),
    ];
    let cred = Credential { secret_id: "AKIDfuzz", secret_key: "fuzz-key" };
    let req = Request::new("POST", "/v1/sources/s/tencent/", &headers, body.as_bytes());
    let _ = tc3::verify(&req, &cred, 1_764_547_200_000);
    let _ = tc3::sign(&req, &cred, host, i64::from(data.len() as u32));
});
