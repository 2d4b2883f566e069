//! Property tests for the Tencent Cloud Live and Alibaba Cloud VOD parsers: no panic on any
//! input, and signing then verifying always round-trips.

use mediahook_core::aliyun::{self, event::AliyunEvent};
use mediahook_core::tencent_live::{self, event::TencentLiveEvent};
use mediahook_core::time::is_rfc3339;
use mediahook_core::url_policy::UrlPolicy;
use mediahook_core::VerifyError;
use proptest::prelude::*;
use serde_json::{Map, Value};

fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec![
            "sign",
            "t",
            "event_type",
            "app",
            "appname",
            "stream_id",
            "channel_id",
            "streamId",
            "event_time",
            "create_time",
            "end_time",
            "push_duration",
            "type",
            "score",
            "EventType",
            "EventTime",
            "VideoId",
            "ImageId",
            "AttachedMediaId",
            "MediaId",
            "StreamInfos",
            "Size",
            "Duration",
            "Bitrate",
            "FileURL",
            "TemplateId",
            "TemplateName",
            "Description",
            "CallbackKey",
            "StreamBeginNotifyUrl",
            "RecordExceptionLevels",
            "CallbackType",
            "CallbackURL",
            "EventTypeList",
            "AuthSwitch",
            "AuthKey",
            "AppId",
        ])
        .prop_map(String::from),
        "[a-zA-Z_]{0,8}",
    ]
}

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>().prop_filter("finite", |f| f.is_finite()).prop_map(Value::from),
        ".{0,12}".prop_map(Value::String),
        "[0-9]{1,20}".prop_map(Value::String),
        "20[0-9]{2}-[01][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-5][0-9](:[0-9]{0,4})?[Zz.]?[0-9]{0,3}Z?"
            .prop_map(Value::String),
        prop::sample::select(vec!["1", "0", "100", "200", "317", "332", "FileUploadComplete",
            "TranscodeComplete", "ImageUploadComplete", "HTTP", "MNS", "on", "ALL",
            "https://a.example.com/cb", "http://127.0.0.1/"])
        .prop_map(|s| Value::String(s.into())),
        prop::sample::select(vec![0i64, 1, 100, 200, 317, 332, 347]).prop_map(Value::from),
    ];
    leaf.prop_recursive(4, 40, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
            prop::collection::vec((key(), inner), 0..8)
                .prop_map(|kv| Value::Object(kv.into_iter().collect::<Map<String, Value>>())),
        ]
    })
}

fn object() -> impl Strategy<Value = Map<String, Value>> {
    prop::collection::vec((key(), json_value()), 0..10).prop_map(|kv| kv.into_iter().collect())
}

fn headers() -> impl Strategy<Value = Vec<(String, String)>> {
    let name = prop_oneof![
        Just(aliyun::HEADER_TIMESTAMP.to_string()),
        Just(aliyun::HEADER_SIGNATURE.to_string()),
        Just("x-vod-signature".to_string()),
        "[A-Za-z-]{0,16}",
    ];
    let value = prop_oneof!["[0-9a-fA-F]{0,40}", "-?[0-9]{0,22}", ".{0,20}"];
    prop::collection::vec((name, value), 0..4)
}

fn lookup<'a>(h: &'a [(String, String)]) -> impl Fn(&str) -> Option<&'a str> + 'a {
    move |n| {
        h.iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(n))
            .map(|(_, v)| v.as_str())
    }
}

fn check_report(r: &mediahook_core::validation::Report) -> Result<(), TestCaseError> {
    prop_assert_eq!(r.is_ok(), r.response.is_none());
    for e in &r.errors {
        prop_assert_eq!(e.status, 400);
        prop_assert!(!e.code.is_empty() && !e.message.is_empty());
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, .. ProptestConfig::default() })]

    #[test]
    fn tencent_live_never_panics(body in prop::collection::vec(any::<u8>(), 0..200), obj in object(),
                                 k in ".{0,40}", now in any::<i64>()) {
        let _ = tencent_live::verify(&body, &k, now);
        let text = Value::Object(obj.clone()).to_string();
        let _ = tencent_live::verify(text.as_bytes(), &k, now);
        let ev = TencentLiveEvent::from_object(&obj);
        if ev.code().is_none() {
            let other = matches!(ev, TencentLiveEvent::Other { .. });
            prop_assert!(other);
        }
        let _ = tencent_live::event_type(&obj);
        let _ = tencent_live::event::subject(&obj);
        if let Some(t) = tencent_live::event::event_time(&obj) {
            prop_assert!(is_rfc3339(&t), "{}", t);
        }
    }

    #[test]
    fn aliyun_never_panics(body in prop::collection::vec(any::<u8>(), 0..200), obj in object(), hs in headers(),
                           k in ".{0,40}", url in ".{0,40}", now in any::<i64>(), tol in any::<i64>()) {
        let p = aliyun::VerifyParams { key: &k, callback_url: &url, now, tolerance_seconds: tol };
        let _ = aliyun::verify(&body, lookup(&hs), &p);
        let text = Value::Object(obj.clone()).to_string();
        let _ = aliyun::verify(text.as_bytes(), lookup(&hs), &p);
        let _ = AliyunEvent::from_object(&obj);
        let _ = aliyun::event::subject(&obj);
        if let Some(t) = aliyun::event::event_time(&obj) {
            prop_assert!(is_rfc3339(&t), "{}", t);
        }
    }

    #[test]
    fn configs_never_panic(v in json_value(), obj in object(), loopback in any::<bool>()) {
        let p = UrlPolicy { allow_loopback: loopback };
        for body in [v, Value::Object(obj)] {
            check_report(&tencent_live::config::validate(&body, &p, "r"))?;
            for a in [tencent_live::config::Action::CreateLiveCallbackTemplate, tencent_live::config::Action::ModifyLiveCallbackTemplate] {
                check_report(&tencent_live::config::validate_action(a, &body, &p, "r"))?;
            }
            check_report(&aliyun::config::validate(&body, &p, "r"))?;
        }
    }

    #[test]
    fn tencent_live_sign_verify_round_trip(obj in object(), k in "[ -~]{0,40}", t in 0i64..i64::MAX, before in 0i64..1_000_000) {
        let body = Value::Object(obj).to_string();
        let signed = tencent_live::sign_body(body.as_bytes(), &k, t).unwrap();
        let now = t.saturating_sub(before);
        prop_assert!(tencent_live::verify(&signed, &k, now).is_ok());
        if t < i64::MAX {
            prop_assert_eq!(tencent_live::verify(&signed, &k, t + 1), Err(VerifyError::Expired));
        }
        let other = format!("{k}x");
        prop_assert_eq!(tencent_live::verify(&signed, &other, now), Err(VerifyError::Mismatch));
    }

    #[test]
    fn aliyun_sign_verify_round_trip(obj in object(), k in ".{0,40}", url in ".{0,80}", ts in 0i64..4_000_000_000,
                                     skew in -300i64..=300, tol in 300i64..100_000) {
        let body = Value::Object(obj).to_string();
        let h: Vec<(String, String)> = aliyun::sign_headers(&k, &url, ts).into_iter().map(|(n, v)| (n.to_string(), v)).collect();
        let p = aliyun::VerifyParams { key: &k, callback_url: &url, now: ts + skew, tolerance_seconds: tol };
        prop_assert!(aliyun::verify(body.as_bytes(), lookup(&h), &p).is_ok());
        let late = aliyun::VerifyParams { now: ts + tol + 1, ..p };
        prop_assert_eq!(aliyun::verify(body.as_bytes(), lookup(&h), &late), Err(VerifyError::Expired));
        let other_url = format!("{url}/");
        let wrong = aliyun::VerifyParams { callback_url: &other_url, ..p };
        prop_assert_eq!(aliyun::verify(body.as_bytes(), lookup(&h), &wrong), Err(VerifyError::Mismatch));
    }

    #[test]
    fn aliyun_event_time_millis_keep_their_digits(y in 1970u32..2100, mo in 1u32..13, d in 1u32..29, h in 0u32..24,
                                                  mi in 0u32..60, s in 0u32..60, ms in 0u32..1000, colon in any::<bool>()) {
        let base = format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}");
        let sep = if colon { ':' } else { '.' };
        let mut obj = Map::new();
        obj.insert("EventTime".into(), Value::String(format!("{base}{sep}{ms:03}Z")));
        prop_assert_eq!(aliyun::event::event_time(&obj), Some(format!("{base}.{ms:03}Z")));
        obj.insert("EventTime".into(), Value::String(format!("{base}Z")));
        prop_assert_eq!(aliyun::event::event_time(&obj), Some(format!("{base}Z")));
    }
}
