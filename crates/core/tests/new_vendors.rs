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

mod public_api {
    //! The same vectors through the registry: `verify_callback` → `normalize`, and
    //! `sign_callback` producing callbacks that verify.
    use super::*;
    use mediahook_core::verify::{
        parse_callback, sign_callback, verify_callback, Request, SourceKey,
    };
    use mediahook_core::Vendor;

    #[test]
    fn wire_names_and_registration() {
        assert_eq!("tencent_live".parse::<Vendor>(), Ok(Vendor::TencentLive));
        assert_eq!("aliyun_vod".parse::<Vendor>(), Ok(Vendor::AliyunVod));
        assert_eq!(
            serde_json::to_string(&Vendor::AliyunVod).unwrap(),
            "\"aliyun_vod\""
        );
        assert!(Vendor::AliyunVod.info().requires_callback_url);
        assert!(!Vendor::TencentLive.info().requires_callback_url);
        assert!(!Vendor::TencentLive.info().signature.covers_body);
        assert!(!Vendor::AliyunVod.info().signature.covers_body);
    }

    #[test]
    fn tencent_live_vectors_normalize() {
        for c in load("tencent_live.json")
            .iter()
            .filter(|c| c["expect"] == "ok")
        {
            let now_ms = c["now"].as_i64().unwrap() * 1000;
            let cb = verify_callback(
                Vendor::TencentLive,
                &SourceKey::new(s(c, "key")),
                &Request::new(s(c, "body").as_bytes()),
                now_ms,
            )
            .unwrap();
            let e = cb.normalize("live", now_ms);
            assert_eq!(e.vendor, Vendor::TencentLive);
            assert_eq!(
                e.subject.as_deref(),
                Some("push.example.com/live/room42"),
                "{}",
                s(c, "name")
            );
            assert!(e.data.get("sign").is_none() && e.data.get("t").is_none());
            assert!(e.id.starts_with("evt_") && e.id.len() == 36);
            match e.vendor_type.as_str() {
                "1" => {
                    assert_eq!(e.event_type, "live.stream.started");
                    assert_eq!(e.timestamp, "2025-06-15T15:06:40Z");
                }
                "100" => {
                    assert_eq!(e.event_type, "live.record.completed");
                    assert_eq!(e.timestamp, "2025-06-15T15:11:40Z");
                }
                other => panic!("untested type {other}"),
            }
            // A retry re-signed later (new t) is the same event: same id.
            let resigned = sign_callback(
                Vendor::TencentLive,
                &SourceKey::new("k2"),
                s(c, "body").as_bytes(),
                now_ms + 60_000,
                "",
                600,
            )
            .unwrap();
            let again = verify_callback(
                Vendor::TencentLive,
                &SourceKey::new("k2"),
                &Request::new(&resigned.body),
                now_ms + 60_000,
            )
            .unwrap();
            assert_eq!(again.normalize("live", 0).id, e.id);
        }
    }

    #[test]
    fn aliyun_vectors_normalize() {
        for c in load("aliyun_vod.json")
            .iter()
            .filter(|c| c["expect"] == "ok")
        {
            let h = headers(c);
            let key = SourceKey::new(s(c, "key")).with_callback_url(s(c, "callback_url"));
            let now_ms = c["now"].as_i64().unwrap() * 1000;
            let cb = verify_callback(
                Vendor::AliyunVod,
                &key,
                &Request::new(s(c, "body").as_bytes()).with_headers(&h),
                now_ms,
            )
            .unwrap();
            let body: Value = serde_json::from_str(s(c, "body")).unwrap();
            let e = cb.normalize("aliyun-prod", 0);
            assert_eq!(
                e.subject.as_deref(),
                Some("a1b2c3d4e5f60718293a4b5c6d7e8f90")
            );
            assert_eq!(e.timestamp, body["EventTime"].as_str().unwrap());
            assert_eq!(e.data, body);
            let want = match e.vendor_type.as_str() {
                "FileUploadComplete" => "media.upload.completed",
                "TranscodeComplete" => "media.transcode.completed",
                other => panic!("untested type {other}"),
            };
            assert_eq!(e.event_type, want);
            // No vendor id: the content id, equal to the unverified parse's.
            assert_eq!(
                parse_callback(Vendor::AliyunVod, s(c, "body").as_bytes())
                    .unwrap()
                    .normalize("x", 1)
                    .id,
                e.id
            );
        }
        // The second EventTime format and a type without a shared name.
        let body = br#"{"EventTime":"2025-06-15T15:06:40:123Z","EventType":"ImageUploadComplete","ImageId":"img-1","Status":"success"}"#;
        let e = parse_callback(Vendor::AliyunVod, body)
            .unwrap()
            .normalize("a", 0);
        assert_eq!(
            (
                e.timestamp.as_str(),
                e.event_type.as_str(),
                e.subject.as_deref()
            ),
            (
                "2025-06-15T15:06:40.123Z",
                "aliyun_vod.ImageUploadComplete",
                Some("img-1")
            )
        );
    }

    #[test]
    fn sign_callback_makes_genuine_aliyun_callbacks() {
        let url = "https://hooks.example.com/v1/hooks/aliyun-prod";
        let key = SourceKey::new("AliAuthKey2024X").with_callback_url(url);
        let body = br#"{"EventType":"FileUploadComplete","VideoId":"v"}"#;
        let signed =
            sign_callback(Vendor::AliyunVod, &key, body, 1_750_000_000_000, "", 0).unwrap();
        assert_eq!(signed.body, body.to_vec());
        let h: Vec<(&str, &str)> = signed
            .headers
            .iter()
            .map(|(k, v)| (*k, v.as_str()))
            .collect();
        assert_eq!(
            h,
            vec![
                ("X-VOD-TIMESTAMP", "1750000000"),
                ("X-VOD-SIGNATURE", "2a2cfd0352017ad15d91f7eb171e7ed2")
            ]
        );
        let req = Request::new(body).with_headers(&h);
        assert!(verify_callback(Vendor::AliyunVod, &key, &req, 1_750_000_300_999).is_ok());
        assert_eq!(
            verify_callback(Vendor::AliyunVod, &key, &req, 1_750_000_301_000).unwrap_err(),
            VerifyError::Expired
        );
        // A per-source window.
        assert!(verify_callback(
            Vendor::AliyunVod,
            &key.clone().with_tolerance_seconds(600),
            &req,
            1_750_000_600_000
        )
        .is_ok());
        // Without the configured URL the signature cannot match.
        assert_eq!(
            verify_callback(
                Vendor::AliyunVod,
                &SourceKey::new("AliAuthKey2024X"),
                &req,
                1_750_000_000_000
            )
            .unwrap_err(),
            VerifyError::Mismatch
        );
        assert_eq!(
            sign_callback(Vendor::AliyunVod, &key, b"[]", 0, "", 0).unwrap_err(),
            VerifyError::MalformedPayload
        );
    }

    #[test]
    fn every_sample_signs_verifies_and_normalizes() {
        for v in [Vendor::TencentLive, Vendor::AliyunVod] {
            let info = v.info();
            for t in info.event_types {
                assert!(
                    info.samples.iter().any(|s| s.vendor_type == t.vendor_type),
                    "{v}: no sample for {}",
                    t.vendor_type
                );
            }
            let key = SourceKey::new("SampleKey1")
                .with_callback_url("https://hooks.example.com/v1/hooks/s");
            for sample in info.samples {
                let signed =
                    sign_callback(v, &key, sample.body.as_bytes(), 1_700_000_000_000, "", 600)
                        .unwrap();
                let h: Vec<(&str, &str)> = signed
                    .headers
                    .iter()
                    .map(|(k, v)| (*k, v.as_str()))
                    .collect();
                let e = verify_callback(
                    v,
                    &key,
                    &Request::new(&signed.body).with_headers(&h),
                    1_700_000_000_000,
                )
                .unwrap_or_else(|err| panic!("{v} {}: {err}", sample.vendor_type))
                .normalize("s", 0);
                assert_eq!(e.vendor_type, sample.vendor_type);
                let body: Value = serde_json::from_str(sample.body).unwrap();
                assert_eq!(
                    e.data, body,
                    "{v} {}: signature fields left in data",
                    sample.vendor_type
                );
                // Moderation results (317) carry no time field: the receive time is used.
                let has_time = !(v == Vendor::TencentLive && sample.vendor_type == "317");
                assert_eq!(
                    !e.timestamp.starts_with("1970"),
                    has_time,
                    "{v} {}: event time {}",
                    sample.vendor_type,
                    e.timestamp
                );
            }
        }
    }

    #[test]
    fn config_validation_through_the_registry() {
        use mediahook_core::url_policy::UrlPolicy;
        let p = UrlPolicy::default();
        let ok = serde_json::json!({"TemplateName": "t", "StreamBeginNotifyUrl": "https://hooks.example.com/v1/hooks/live", "CallbackKey": "k"});
        assert!(Vendor::TencentLive
            .scheme()
            .validate_config(&ok, None, &p, "r")
            .is_ok());
        let bad =
            Vendor::TencentLive
                .scheme()
                .validate_config(&serde_json::json!({}), None, &p, "r");
        assert_eq!(bad.errors[0].code, "MissingParameter");
        let ok = serde_json::json!({"CallbackType": "HTTP", "CallbackURL": "https://hooks.example.com/v1/hooks/a", "AuthSwitch": "on", "AuthKey": "AliAuthKey2024X"});
        assert!(Vendor::AliyunVod
            .scheme()
            .validate_config(&ok, None, &p, "r")
            .is_ok());
        let bad = Vendor::AliyunVod.scheme().validate_config(
            &serde_json::json!({"AuthKey": "weak"}),
            None,
            &p,
            "r",
        );
        assert_eq!(
            bad.errors
                .iter()
                .map(|e| e.code.as_str())
                .collect::<Vec<_>>(),
            vec!["MissingParameter", "InvalidParameter"]
        );
    }
}
