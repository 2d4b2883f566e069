//! Property tests: no entry point panics on any input, and a few invariants hold.

use mediahook_core::standard_webhooks::{Headers, Webhook};
use mediahook_core::url_policy::{check_url, UrlPolicy};
use mediahook_core::verify::{parse_callback, sign_callback, verify_callback, Request, SourceKey};
use mediahook_core::volcengine::SignOrder;
use mediahook_core::{baidu, tencent, volcengine, Vendor};
use proptest::prelude::*;
use serde_json::{Map, Value};

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(Value::from),
        ".{0,12}".prop_map(Value::String),
        prop_oneof![
            Just("Sign"),
            Just("T"),
            Just("sign"),
            Just("t"),
            Just("EventType"),
            Just("event_type"),
            Just("data")
        ]
        .prop_map(|s| Value::String(s.into())),
    ];
    leaf.prop_recursive(5, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec((key(), inner), 0..6)
                .prop_map(|kv| Value::Object(kv.into_iter().collect::<Map<String, Value>>())),
        ]
    })
}

/// Keys that hit the interesting paths (vendor field names) as well as random ones.
fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec![
            "Sign",
            "T",
            "sign",
            "t",
            "EventType",
            "FileUploadEvent",
            "FileId",
            "MediaBasicInfo",
            "UpdateTime",
            "eventId",
            "eventType",
            "eventTime",
            "mediaUploadCompleteEvent",
            "mediaId",
            "event_type",
            "data",
            "detail",
            "vhost",
            "app",
            "stream",
            "time",
            "time_ms",
            "code",
            "MessageType",
            "Vhost",
            "Domain",
            "App",
            "CallbackDetailList",
            "URL",
            "CallbackType",
            "AuthEnable",
            "AuthKeyPrimary",
            "TranscodeCallback",
            "callbackUrl",
            "enableSign",
            "signKey",
            "enableMediaUploadCompleteEvent",
            "Mode",
            "NotificationUrl",
            "SignKey",
            "SubAppId",
            "UploadMediaCompleteEventSwitch",
        ])
        .prop_map(String::from),
        "[a-zA-Z]{0,8}",
    ]
}

fn headers() -> impl Strategy<Value = Vec<(String, String)>> {
    let name = prop_oneof![
        Just(baidu::HEADER_USER.to_string()),
        Just(baidu::HEADER_TIMESTAMP.to_string()),
        Just(baidu::HEADER_TOKEN.to_string()),
        Just("VOD-CALLBACK-AUTH-TOKEN".to_string()),
        "[a-z-]{0,12}",
    ];
    let value = prop_oneof!["[0-9a-fA-F]{0,70}", "[0-9]{0,22}", ".{0,20}"];
    prop::collection::vec((name, value), 0..5)
}

fn any_vendor() -> impl Strategy<Value = Vendor> {
    prop::sample::select(Vendor::ALL.to_vec())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, .. ProptestConfig::default() })]

    #[test]
    fn verify_never_panics_on_bytes(vendor in any_vendor(), body in prop::collection::vec(any::<u8>(), 0..256),
                                    hs in headers(), now in any::<i64>(), tol in any::<i64>(), key in ".{0,40}") {
        let hv: Vec<(&str, &str)> = hs.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let sk = SourceKey::new(&key).with_tolerance_seconds(tol).with_callback_url("https://e.example/x");
        let _ = verify_callback(vendor, &sk, &Request::new(&body).with_headers(&hv), now);
        let _ = parse_callback(vendor, &body);
    }

    #[test]
    fn verify_and_normalize_never_panic_on_json(vendor in any_vendor(), v in json_value(), hs in headers(),
                                                now in any::<i64>(), order in prop::bool::ANY) {
        let body = v.to_string();
        let hv: Vec<(&str, &str)> = hs.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let order = if order { SignOrder::KeyFirst } else { SignOrder::TimeFirst };
        let sk = SourceKey::new("k").with_sign_order(order);
        let _ = verify_callback(vendor, &sk, &Request::new(body.as_bytes()).with_headers(&hv), now);
        if let Ok(cb) = parse_callback(vendor, body.as_bytes()) {
            let typed_ok = match vendor {
                Vendor::TencentVod => { let _ = tencent::event::TencentEvent::from_object(cb.object()); true }
                Vendor::BaiduVod => { let _ = baidu::event::BaiduEvent::from_object(cb.object()); true }
                Vendor::VolcengineLive | Vendor::BytePlusLive => { let _ = volcengine::event::VolcengineEvent::from_object(cb.object()); true }
                // Vendors without a typed-event enum are checked by normalize below.
                #[allow(unreachable_patterns)]
                _ => true,
            };
            prop_assert!(typed_ok);
            let n = cb.normalize("s", now);
            prop_assert!(!n.id.is_empty());
            prop_assert!(n.event_type.contains('.'));
            let _ = n.to_json();
        }
    }

    #[test]
    fn signed_callbacks_always_verify(vendor in any_vendor(), v in json_value(), key in "[ -~]{1,40}",
                                      now_s in 0i64..4_000_000_000, ttl in 0i64..100_000) {
        let body = v.to_string();
        let sk = SourceKey::new(&key).with_callback_url("https://edge.example.com/v1/hooks/s");
        let now_ms = now_s * 1000;
        match sign_callback(vendor, &sk, body.as_bytes(), now_ms, "user", ttl) {
            Ok(signed) => {
                let hv: Vec<(&str, &str)> = signed.headers.iter().map(|(k, v)| (*k, v.as_str())).collect();
                let req = Request::new(&signed.body).with_headers(&hv);
                // Volcengine's unsigned marker (sign "" with t 0) cannot occur: the sign is hex.
                prop_assert!(verify_callback(vendor, &sk, &req, now_ms).is_ok());
            }
            Err(e) => prop_assert_eq!(e, mediahook_core::VerifyError::MalformedPayload),
        }
    }

    #[test]
    fn standard_webhooks_never_panics(id in proptest::option::of(".{0,20}"), ts in proptest::option::of("-?[0-9]{0,21}|.{0,8}"),
                                      sig in proptest::option::of("(v[0-9],[A-Za-z0-9+/=]{0,50} ?){0,4}|.{0,30}"),
                                      body in prop::collection::vec(any::<u8>(), 0..64), now in any::<i64>()) {
        let wh = Webhook::new(&["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"]).unwrap();
        let h = Headers { id: id.as_deref(), timestamp: ts.as_deref(), signature: sig.as_deref() };
        let _ = wh.verify(&h, &body, now);
    }

    #[test]
    fn standard_webhooks_sign_verify(id in "[a-zA-Z0-9_]{1,30}", ts in 0i64..4_000_000_000,
                                     body in prop::collection::vec(any::<u8>(), 0..256),
                                     keys in prop::collection::vec(prop::collection::vec(any::<u8>(), 1..40), 1..4)) {
        let wh = Webhook::from_keys(keys.clone()).unwrap();
        let sig = wh.sign(&id, ts, &body);
        let ts_s = ts.to_string();
        let h = Headers { id: Some(&id), timestamp: Some(&ts_s), signature: Some(&sig) };
        prop_assert!(wh.verify(&h, &body, ts).is_ok());
        // Any one of the rotated keys alone verifies.
        let last = Webhook::from_keys(keys.last().cloned().into_iter().collect()).unwrap();
        prop_assert!(last.verify(&h, &body, ts).is_ok());
    }

    #[test]
    fn url_policy_never_panics(url in ".{0,80}", prefix in prop::sample::select(vec!["", "http://", "https://", "HTTP://", "http://[", "https://0x"]),
                               loopback in any::<bool>()) {
        let u = format!("{prefix}{url}");
        let _ = check_url(&u, &UrlPolicy { allow_loopback: loopback });
    }

    #[test]
    fn config_validation_never_panics(v in json_value(), cur in json_value(), loopback in any::<bool>()) {
        let p = UrlPolicy { allow_loopback: loopback };
        let t = tencent::config::validate(&v, &p, "req");
        let b = baidu::config::validate(&v, Some(&cur), &p, "req");
        let b2 = baidu::config::validate(&v, None, &p, "req");
        let vo = volcengine::config::validate(&v, &p, "req");
        for r in [t, b, b2, vo] {
            // A report is ok exactly when it has no errors, and has a response body otherwise.
            prop_assert_eq!(r.is_ok(), r.response.is_none());
            for e in &r.errors {
                prop_assert!((400..500).contains(&e.status));
                prop_assert!(!e.code.is_empty() && !e.message.is_empty());
            }
        }
    }
}
