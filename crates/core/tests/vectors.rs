//! Every case of `testdata/vectors/*.json` through the core API, one row per case.
//!
//! The folder is read at test time (`MEDIAHOOK_VECTORS` overrides its path); a missing
//! folder fails the test rather than skipping it.

use std::path::PathBuf;

use mediahook_core::standard_webhooks::{Headers, Webhook};
use mediahook_core::verify::{verify_callback, Request, SourceKey, TimestampMeaning};
use mediahook_core::volcengine::SignOrder;
use mediahook_core::{Vendor, VerifyError};
use serde_json::Value;

fn vectors_dir() -> PathBuf {
    match std::env::var_os("MEDIAHOOK_VECTORS") {
        Some(p) => PathBuf::from(p),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../testdata/vectors"),
    }
}

fn load(file: &str) -> Vec<Value> {
    let path = vectors_dir().join(file);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "cannot read {} ({e}); set MEDIAHOOK_VECTORS",
            path.display()
        )
    });
    let cases: Vec<Value> = serde_json::from_str(&text).expect("vector file is a JSON array");
    assert!(!cases.is_empty(), "{file} has no cases");
    cases
}

fn s<'a>(case: &'a Value, field: &str) -> &'a str {
    case[field]
        .as_str()
        .unwrap_or_else(|| panic!("case field {field} is not a string"))
}

fn outcome(r: Result<(), VerifyError>) -> String {
    match r {
        Ok(()) => "ok".into(),
        Err(e) => e.kind().into(),
    }
}

/// Runs every case of a vector file through `check`, then fails listing every case whose
/// outcome differs from its `expect`.
macro_rules! vector_test {
    ($name:ident, $file:literal, |$case:ident| $check:expr) => {
        #[test]
        fn $name() {
            let mut failures = Vec::new();
            let cases = load($file);
            for $case in &cases {
                let got = outcome($check);
                let want = s($case, "expect");
                if got != want {
                    failures.push(format!("{}: expected {want}, got {got}", s($case, "name")));
                }
            }
            assert!(
                failures.is_empty(),
                "{} of {} cases failed in {}:\n{}",
                failures.len(),
                cases.len(),
                $file,
                failures.join("\n")
            );
            eprintln!("{}: {} cases passed", $file, cases.len());
        }
    };
}

fn verify_vendor(
    vendor: Vendor,
    key: SourceKey,
    body: &str,
    headers: &[(&str, &str)],
    now_ms: i64,
) -> Result<(), VerifyError> {
    verify_callback(
        vendor,
        &key,
        &Request::new(body.as_bytes()).with_headers(headers),
        now_ms,
    )
    .map(|_| ())
}

vector_test!(tencent_vod_vectors, "tencent_vod.json", |c| {
    let now = c["now"].as_i64().expect("now");
    verify_vendor(
        Vendor::TencentVod,
        SourceKey::new(s(c, "key")),
        s(c, "body"),
        &[],
        now * 1000,
    )
});

vector_test!(volcengine_live_vectors, "volcengine_live.json", |c| {
    let now = c["now"].as_i64().expect("now");
    verify_vendor(
        Vendor::VolcengineLive,
        SourceKey::new(s(c, "key")),
        s(c, "body"),
        &[],
        now * 1000,
    )
});

vector_test!(byteplus_live_vectors, "byteplus_live.json", |c| {
    let now = c["now"].as_i64().expect("now");
    verify_vendor(
        Vendor::BytePlusLive,
        SourceKey::new(s(c, "key")),
        s(c, "body"),
        &[],
        now * 1000,
    )
});

// The BytePlus vectors through a Volcengine source with both per-source overrides
// (`sign_order = time_first`, `timestamp = sent`, window 300 s): the same outcomes.
vector_test!(
    byteplus_vectors_via_volcengine_overrides,
    "byteplus_live.json",
    |c| {
        let now = c["now"].as_i64().expect("now");
        let key = SourceKey::new(s(c, "key"))
            .with_sign_order(SignOrder::TimeFirst)
            .with_timestamp(TimestampMeaning::Sent)
            .with_window_seconds(300);
        verify_vendor(Vendor::VolcengineLive, key, s(c, "body"), &[], now * 1000)
    }
);

vector_test!(baidu_vod_vectors, "baidu_vod.json", |c| {
    let headers: Vec<(&str, &str)> = c["headers"]
        .as_object()
        .expect("headers")
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str().expect("header value")))
        .collect();
    let key = SourceKey::new(s(c, "key")).with_callback_url(s(c, "callback_url"));
    verify_vendor(
        Vendor::BaiduVod,
        key,
        s(c, "body"),
        &headers,
        c["now_ms"].as_i64().expect("now_ms"),
    )
});

vector_test!(tencent_live_vectors, "tencent_live.json", |c| {
    let now = c["now"].as_i64().expect("now");
    verify_vendor(
        Vendor::TencentLive,
        SourceKey::new(s(c, "key")),
        s(c, "body"),
        &[],
        now * 1000,
    )
});

vector_test!(aliyun_vod_vectors, "aliyun_vod.json", |c| {
    let headers: Vec<(&str, &str)> = c["headers"]
        .as_object()
        .expect("headers")
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str().expect("header value")))
        .collect();
    let key = SourceKey::new(s(c, "key")).with_callback_url(s(c, "callback_url"));
    verify_vendor(
        Vendor::AliyunVod,
        key,
        s(c, "body"),
        &headers,
        c["now"].as_i64().expect("now") * 1000,
    )
});

vector_test!(standard_webhooks_vectors, "standard_webhooks.json", |c| {
    let wh = Webhook::new(&[s(c, "secret")]).expect("secret");
    let ts = c["timestamp"].as_i64().expect("timestamp").to_string();
    let headers = Headers {
        id: Some(s(c, "id")),
        timestamp: Some(&ts),
        signature: Some(s(c, "signature")),
    };
    wh.verify(
        &headers,
        s(c, "body").as_bytes(),
        c["now"].as_i64().expect("now"),
    )
});

/// Header names are matched case-insensitively (SPEC §1.2 decision).
#[test]
fn baidu_vector_with_uppercase_header_names() {
    let c = load("baidu_vod.json")
        .into_iter()
        .find(|c| c["name"] == "valid")
        .expect("valid case");
    let upper: Vec<(String, String)> = c["headers"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| (k.to_ascii_uppercase(), v.as_str().unwrap().to_string()))
        .collect();
    let headers: Vec<(&str, &str)> = upper
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let key = SourceKey::new(s(&c, "key")).with_callback_url(s(&c, "callback_url"));
    assert_eq!(
        verify_vendor(
            Vendor::BaiduVod,
            key,
            s(&c, "body"),
            &headers,
            c["now_ms"].as_i64().unwrap()
        ),
        Ok(())
    );
}

/// Signing what a vector verified reproduces the vector's own signature.
#[test]
fn sign_helpers_reproduce_vectors() {
    for c in load("standard_webhooks.json")
        .iter()
        .filter(|c| c["name"].as_str().unwrap().starts_with("public_vector"))
    {
        let wh = Webhook::new(&[s(c, "secret")]).unwrap();
        assert_eq!(
            wh.sign(
                s(c, "id"),
                c["timestamp"].as_i64().unwrap(),
                s(c, "body").as_bytes()
            ),
            s(c, "signature")
        );
    }
    let c = load("baidu_vod.json")
        .into_iter()
        .find(|c| c["name"] == "valid")
        .unwrap();
    let ts: i64 = c["headers"]["vod-callback-auth-timestamp"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    let token = mediahook_core::baidu::token(
        s(&c, "key"),
        s(&c, "callback_url"),
        s(&c, "body").as_bytes(),
        ts,
        c["headers"]["vod-callback-auth-user"].as_str().unwrap(),
    );
    assert_eq!(
        token,
        c["headers"]["vod-callback-auth-token"].as_str().unwrap()
    );
}
