//! Tencent Cloud Live and Alibaba Cloud VOD through their modules: every case of
//! `testdata/vectors/{tencent_live,aliyun_vod}.json`, the sign helpers reproducing the
//! vectors' signatures, and the normalization rules of SPEC §7 on the vectors' bodies.

use std::path::PathBuf;

use mediahook_core::aliyun::{self, event::AliyunEvent};
use mediahook_core::tencent_live::{self, event::TencentLiveEvent};
use mediahook_core::VerifyError;
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

fn outcome<T>(r: Result<T, VerifyError>) -> String {
    match r {
        Ok(_) => "ok".into(),
        Err(e) => e.kind().into(),
    }
}

fn headers(case: &Value) -> Vec<(&str, &str)> {
    case["headers"]
        .as_object()
        .map(|h| {
            h.iter()
                .map(|(k, v)| (k.as_str(), v.as_str().expect("header value")))
                .collect()
        })
        .unwrap_or_default()
}

fn lookup<'a>(h: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<&'a str> + 'a {
    move |n| {
        h.iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(n))
            .map(|(_, v)| *v)
    }
}

fn check_all(file: &str, run: impl Fn(&Value) -> String) {
    let cases = load(file);
    let failures: Vec<String> = cases
        .iter()
        .filter_map(|c| {
            let (got, want) = (run(c), s(c, "expect"));
            (got != want).then(|| format!("{}: expected {want}, got {got}", s(c, "name")))
        })
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} cases failed in {file}:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

#[test]
fn tencent_live_vectors_through_the_module() {
    check_all("tencent_live.json", |c| {
        outcome(tencent_live::verify(
            s(c, "body").as_bytes(),
            s(c, "key"),
            c["now"].as_i64().expect("now"),
        ))
    });
}

#[test]
fn aliyun_vod_vectors_through_the_module() {
    check_all("aliyun_vod.json", |c| {
        let h = headers(c);
        let p = aliyun::VerifyParams {
            key: s(c, "key"),
            callback_url: s(c, "callback_url"),
            now: c["now"].as_i64().expect("now"),
            tolerance_seconds: aliyun::DEFAULT_TOLERANCE_SECONDS,
        };
        outcome(aliyun::verify(s(c, "body").as_bytes(), lookup(&h), &p))
    });
}

/// The sign helpers reproduce every signature of an `ok` case (lowercase).
#[test]
fn sign_helpers_reproduce_the_vectors() {
    let mut n = 0;
    for c in load("tencent_live.json")
        .iter()
        .filter(|c| c["expect"] == "ok")
    {
        let body: Value = serde_json::from_str(s(c, "body")).unwrap();
        let t = match &body["t"] {
            Value::String(t) => t.parse().unwrap(),
            t => t.as_i64().unwrap(),
        };
        assert_eq!(
            tencent_live::sign(s(c, "key"), t),
            body["sign"].as_str().unwrap().to_ascii_lowercase()
        );
        n += 1;
    }
    for c in load("aliyun_vod.json")
        .iter()
        .filter(|c| c["expect"] == "ok")
    {
        let h = headers(c);
        let ts: i64 = lookup(&h)(aliyun::HEADER_TIMESTAMP)
            .unwrap()
            .parse()
            .unwrap();
        let sig = lookup(&h)(aliyun::HEADER_SIGNATURE)
            .unwrap()
            .to_ascii_lowercase();
        assert_eq!(aliyun::sign(s(c, "key"), s(c, "callback_url"), ts), sig);
        let signed = aliyun::sign_headers(s(c, "key"), s(c, "callback_url"), ts);
        assert_eq!(
            (signed[0].1.as_str(), signed[1].1.as_str()),
            (ts.to_string().as_str(), sig.as_str())
        );
        n += 1;
    }
    assert!(n >= 8, "only {n} ok cases");
}

/// A body signed by the helper verifies; changing the key, the time or the URL does not.
#[test]
fn sign_helpers_make_genuine_callbacks() {
    for c in load("tencent_live.json")
        .iter()
        .filter(|c| c["expect"] == "ok")
    {
        let signed =
            tencent_live::sign_body(s(c, "body").as_bytes(), "another-key", 2_000_000_600).unwrap();
        assert!(tencent_live::verify(&signed, "another-key", 2_000_000_000).is_ok());
        assert_eq!(
            tencent_live::verify(&signed, "another-key", 2_000_000_601),
            Err(VerifyError::Expired)
        );
        assert_eq!(
            tencent_live::verify(&signed, s(c, "key"), 2_000_000_000),
            Err(VerifyError::Mismatch)
        );
    }
}

#[test]
fn tencent_live_vector_bodies_are_typed() {
    let cases = load("tencent_live.json");
    let body = |name: &str| {
        let c = cases.iter().find(|c| c["name"] == name).unwrap();
        tencent_live::verify(
            s(c, "body").as_bytes(),
            s(c, "key"),
            c["now"].as_i64().unwrap(),
        )
        .unwrap()
    };
    let push = body("valid_push_start");
    match TencentLiveEvent::from_object(&push) {
        TencentLiveEvent::StreamBegin(e) => {
            assert_eq!(e.stream_id.as_deref(), Some("room42"));
            assert_eq!(e.event_time, Some(1_750_000_000));
            assert_eq!(e.sequence.as_deref(), Some("6674468118806626493"));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        tencent_live::event::subject(&push).as_deref(),
        Some("push.example.com/live/room42")
    );
    assert_eq!(
        tencent_live::event::event_time(&push).as_deref(),
        Some("2025-06-15T15:06:40Z")
    );
    let rec = body("valid_record_t_as_string");
    match TencentLiveEvent::from_object(&rec) {
        TencentLiveEvent::Record(r) => {
            assert_eq!(r.file_id.as_deref(), Some("5285890799999999999"));
            assert_eq!(r.duration, Some(300));
        }
        other => panic!("{other:?}"),
    }
    // No event_time: end_time.
    assert_eq!(
        tencent_live::event::event_time(&rec).as_deref(),
        Some("2025-06-15T15:11:40Z")
    );
    assert_eq!(tencent_live::event_type(&rec).as_deref(), Some("100"));
}

#[test]
fn aliyun_vector_bodies_are_typed() {
    for c in load("aliyun_vod.json")
        .iter()
        .filter(|c| c["expect"] == "ok")
    {
        let obj = mediahook_core::json::parse_object(s(c, "body").as_bytes()).unwrap();
        let ev = AliyunEvent::from_object(&obj);
        match aliyun::event_type(&obj).unwrap() {
            "FileUploadComplete" => assert!(
                matches!(ev, AliyunEvent::FileUploadComplete(ref f) if f.size == Some(1_048_576))
            ),
            "TranscodeComplete" => assert!(
                matches!(ev, AliyunEvent::TranscodeComplete(ref t) if t.streams().len() == 1)
            ),
            other => panic!("untested type {other}"),
        }
        assert_eq!(
            aliyun::event::subject(&obj).as_deref(),
            Some("a1b2c3d4e5f60718293a4b5c6d7e8f90")
        );
        assert!(aliyun::event::event_time(&obj)
            .unwrap()
            .starts_with("2025-06-15T15:0"));
    }
}
