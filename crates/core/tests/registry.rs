//! The vendor registration, checked for every registered vendor (a new vendor is covered
//! without code here), and property tests of the parsers added with it: the Live twins'
//! per-source overrides, Tencent VOD v2.0 bodies and Baidu's nested subjects.

use mediahook_core::event;
use mediahook_core::vendor::{SignatureLocation, TimestampMeaning};
use mediahook_core::verify::{
    accept_unsigned, parse_callback, sign_callback, verify_callback, Request, SourceKey,
};
use mediahook_core::volcengine::SignOrder;
use mediahook_core::{Vendor, VerifyError};
use proptest::prelude::*;
use serde_json::{json, Value};

const NOW_MS: i64 = 1_750_003_200_000;

/// The names SPEC §3 (and §7) define; a registered shared name must be one of them.
const SHARED: &[&str] = &[
    "media.upload.completed",
    "media.pull.completed",
    "media.transcode.completed",
    "media.deleted",
    "video.generate.completed",
    "live.stream.started",
    "live.stream.ended",
    "live.record.completed",
    "live.snapshot.created",
    "live.snapshot.audited",
];

#[test]
fn every_vendor_is_fully_described() {
    for v in Vendor::ALL {
        let info = v.info();
        assert_eq!(info.id, v);
        assert!(!info.name.is_empty(), "{v}: name");
        assert!(!info.signature.fields.is_empty(), "{v}: signature fields");
        assert!(!info.signature.signed.is_empty(), "{v}: what is signed");
        assert!(info.signature.default_window_seconds > 0, "{v}: window");
        assert!(info.reply.success_status.contains(&200), "{v}: reply");
        assert!(!info.samples.is_empty(), "{v}: samples");
        assert!(!info.config_fields.is_empty(), "{v}: config fields");
        assert!(!info.config_api.is_empty(), "{v}: config api");
        for t in info.event_types {
            assert!(
                SHARED.contains(&t.shared),
                "{v}: {} is no SPEC name",
                t.shared
            );
        }
        if info.requires_callback_url {
            assert!(
                info.options.iter().any(|o| o.name == "callback_url"),
                "{v}: requires a callback URL but has no callback_url option"
            );
        }
    }
}

/// Every sample is a JSON object of its event type, normalizes to the registered type, and
/// signed by the vendor's helper verifies with the default options.
#[test]
fn every_sample_normalizes_and_round_trips_through_the_sign_helper() {
    for v in Vendor::ALL {
        let info = v.info();
        for s in info.samples {
            let cb = parse_callback(v, s.body.as_bytes())
                .unwrap_or_else(|e| panic!("{v} {}: {e}", s.vendor_type));
            assert_eq!(cb.vendor_type(), s.vendor_type, "{v}: sample type");
            let n = cb.normalize("s", NOW_MS);
            let want = event::normalized_type(v, s.vendor_type);
            assert_eq!(n.event_type, want, "{v} {}", s.vendor_type);
            assert!(!s.source.is_empty());

            let key = SourceKey::new("sampleKey01").with_callback_url("https://h.example.com/x");
            let ttl = info.signature.default_window_seconds;
            let signed = sign_callback(v, &key, s.body.as_bytes(), NOW_MS, "acct", ttl).unwrap();
            let hs: Vec<(&str, &str)> = signed
                .headers
                .iter()
                .map(|(k, v)| (*k, v.as_str()))
                .collect();
            match info.signature.location {
                SignatureLocation::Headers => assert!(!hs.is_empty(), "{v}: no headers"),
                SignatureLocation::Body => assert!(hs.is_empty(), "{v}: headers"),
            }
            let req = Request::new(&signed.body).with_headers(&hs);
            let back = verify_callback(v, &key, &req, NOW_MS + 1000)
                .unwrap_or_else(|e| panic!("{v} {}: {e}", s.vendor_type));
            // What verified normalizes like the unsigned sample (signature fields removed).
            assert_eq!(back.normalize("s", NOW_MS).id, n.id, "{v}: id changed");
            let bad = SourceKey::new("otherKey02").with_callback_url("https://h.example.com/x");
            assert_eq!(
                verify_callback(v, &bad, &req, NOW_MS + 1000).err(),
                Some(VerifyError::Mismatch),
                "{v}: wrong key accepted"
            );
        }
    }
}

/// A body without any signature material is `missing` for every vendor, and accepted by
/// the unsigned path (a source without a key).
#[test]
fn unsigned_bodies_are_missing_unless_accepted_unsigned() {
    for v in Vendor::ALL {
        let body = v.info().samples[0].body.as_bytes();
        let key = SourceKey::new("k").with_callback_url("https://h.example.com/x");
        assert_eq!(
            verify_callback(v, &key, &Request::new(body), NOW_MS).err(),
            Some(VerifyError::Missing),
            "{v}"
        );
        assert!(accept_unsigned(v, &Request::new(body)).is_ok(), "{v}");
        assert_eq!(
            accept_unsigned(v, &Request::new(b"[1]")).err(),
            Some(VerifyError::MalformedPayload)
        );
    }
}

/// A callback signed with an empty key is refused by every vendor (anyone can make it).
#[test]
fn an_empty_key_never_verifies() {
    for v in Vendor::ALL {
        let key = SourceKey::new("").with_callback_url("https://h.example.com/x");
        let body = v.info().samples[0].body.as_bytes();
        let signed = sign_callback(v, &key, body, NOW_MS, "acct", 600).unwrap();
        let hs: Vec<(&str, &str)> = signed
            .headers
            .iter()
            .map(|(k, v)| (*k, v.as_str()))
            .collect();
        let req = Request::new(&signed.body).with_headers(&hs);
        assert_eq!(
            verify_callback(v, &key, &req, NOW_MS).err(),
            Some(VerifyError::Mismatch),
            "{v}"
        );
    }
}

#[test]
fn byteplus_defaults_are_time_first_and_send_time() {
    let info = Vendor::BytePlusLive.info();
    assert_eq!(info.signature.timestamp, TimestampMeaning::Sent);
    assert_eq!(info.signature.default_window_seconds, 300);
    let body = br#"{"event_type":"push_start","vhost":"v","app":"a","stream":"s"}"#;
    let key = SourceKey::new("k");
    let signed = sign_callback(Vendor::BytePlusLive, &key, body, NOW_MS, "", 600).unwrap();
    let obj: Value = serde_json::from_slice(&signed.body).unwrap();
    // t is the send time, sign = MD5(t + key).
    assert_eq!(obj["t"], json!(NOW_MS / 1000));
    assert_eq!(
        obj["sign"],
        json!(mediahook_core::byteplus::sign("k", NOW_MS / 1000))
    );
    let req = Request::new(&signed.body);
    for (dt, ok) in [
        (0, true),
        (300, true),
        (-300, true),
        (301, false),
        (-301, false),
    ] {
        let r = verify_callback(Vendor::BytePlusLive, &key, &req, NOW_MS + dt * 1000);
        assert_eq!(r.is_ok(), ok, "dt {dt}");
        if !ok {
            assert_eq!(r.err(), Some(VerifyError::Expired));
        }
    }
}

fn live_vendor() -> impl Strategy<Value = Vendor> {
    prop::sample::select(vec![Vendor::VolcengineLive, Vendor::BytePlusLive])
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, .. ProptestConfig::default() })]

    /// A Live callback signed with any order and meaning of `t` verifies under the same
    /// overrides exactly when inside the time rule, is `mismatch` under the other order,
    /// on either twin, in either body shape.
    #[test]
    fn live_overrides_are_consistent(vendor in live_vendor(), time_first in any::<bool>(),
                                     sent in any::<bool>(), window in 0i64..10_000,
                                     ttl in 0i64..10_000, now_s in 1_000_000i64..4_000_000_000,
                                     skew in -20_000i64..20_000, wrapped in any::<bool>(),
                                     key in "[!-~]{1,32}") {
        let order = if time_first { SignOrder::TimeFirst } else { SignOrder::KeyFirst };
        let meaning = if sent { TimestampMeaning::Sent } else { TimestampMeaning::Expiry };
        let sk = SourceKey::new(&key).with_sign_order(order).with_timestamp(meaning)
            .with_window_seconds(window);
        let inner = json!({"event_type":"push_end","vhost":"v","app":"a","stream":"s"});
        let body = if wrapped { json!({"code":0,"message":"ok","data":inner}) } else { inner };
        let signed = sign_callback(vendor, &sk, body.to_string().as_bytes(), now_s * 1000, "", ttl).unwrap();
        let t = now_s + if sent { 0 } else { ttl };
        let at = now_s + skew;
        let in_time = if sent { (at - t).abs() <= window } else { at <= t };
        let r = verify_callback(vendor, &sk, &Request::new(&signed.body), at * 1000);
        if in_time {
            prop_assert!(r.is_ok());
            let n = r.unwrap().normalize("p", 0);
            prop_assert_eq!(n.subject.as_deref(), Some("v/a/s"));
            prop_assert_eq!(n.event_type, "live.stream.ended");
        } else {
            prop_assert_eq!(r.err(), Some(VerifyError::Expired));
        }
        let other = if time_first { SignOrder::KeyFirst } else { SignOrder::TimeFirst };
        let sk2 = sk.clone().with_sign_order(other);
        prop_assert_eq!(verify_callback(vendor, &sk2, &Request::new(&signed.body), at * 1000).err(),
                        Some(VerifyError::Mismatch));
    }

    /// Any v2.0 body: the type is `eventType` as sent, the subject `data.fileId` when it is
    /// a non-empty string, a v2 name of a shared meaning maps to the shared type, and the
    /// v3 check (`Sign`/`T`) says `missing`.
    #[test]
    fn tencent_v2_bodies(ty in prop::sample::select(vec!["NewFileUpload", "DeleteFile", "TranscodeComplete",
                                                         "PullComplete", "ProcedureStateChanged", "Whatever"]),
                         file_id in prop::option::of("[0-9]{0,20}"), extra in ".{0,16}") {
        let mut data = json!({"extra": extra});
        if let Some(f) = &file_id { data["fileId"] = json!(f); }
        let body = json!({"version":"4.0","eventType":ty,"data":data}).to_string();
        let cb = accept_unsigned(Vendor::TencentVod, &Request::new(body.as_bytes())).unwrap();
        prop_assert_eq!(cb.vendor_type(), ty);
        let n = cb.normalize("p", NOW_MS);
        let want_subject = file_id.filter(|f| !f.is_empty());
        prop_assert_eq!(n.subject, want_subject);
        let shared = match ty {
            "NewFileUpload" => "media.upload.completed",
            "DeleteFile" => "media.deleted",
            "TranscodeComplete" => "media.transcode.completed",
            "PullComplete" => "media.pull.completed",
            _ => "",
        };
        if shared.is_empty() {
            prop_assert_eq!(n.event_type, format!("tencent_vod.{ty}"));
        } else {
            prop_assert_eq!(n.event_type, shared);
        }
        let key = SourceKey::new("k");
        prop_assert_eq!(verify_callback(Vendor::TencentVod, &key, &Request::new(body.as_bytes()), NOW_MS).err(),
                        Some(VerifyError::Missing));
    }

    /// Baidu: the subject is a media id from the payload or its task info, never the task id.
    #[test]
    fn baidu_subject_is_never_the_task_id(task in "tsk-[a-z0-9]{1,12}",
                                          media in prop::option::of("mda-[a-z0-9]{1,12}"),
                                          place in 0u8..4,
                                          ty in prop::sample::select(vec![
                                              ("MEDIA_FETCH_COMPLETE", "mediaFetchCompleteEvent", "fetchTaskInfo"),
                                              ("MEDIA_TRANSCODE_COMPLETE", "mediaTranscodeCompleteEvent", "transcodeTaskInfo"),
                                              ("MEDIA_THUMBNAIL_COMPLETE", "mediaThumbnailCompleteEvent", "thumbnailTaskInfo"),
                                              ("COMPOSE_TASK_STATUS_CHANGE", "composeTaskStatusChangeEvent", "composeTaskInfo")])) {
        let (event_type, payload_key, info_key) = ty;
        let mut payload = json!({"taskId": task, "status": "SUCCESS", info_key: {"url": "https://x.example/a.mp4"}});
        if let Some(m) = &media {
            match place {
                0 => payload["mediaId"] = json!(m),
                1 => payload[info_key]["mediaId"] = json!(m),
                2 => payload[info_key]["mediaBasicInfo"] = json!({"mediaId": m}),
                _ => payload[info_key]["output"] = json!({"mediaId": m}),
            }
        }
        let body = json!({"eventId":"e-1","eventType":event_type, payload_key: payload}).to_string();
        let n = parse_callback(Vendor::BaiduVod, body.as_bytes()).unwrap().normalize("p", 0);
        prop_assert_eq!(n.subject, media);
    }

    /// No entry point panics with any overrides on any JSON-ish body, for every vendor.
    #[test]
    fn overrides_never_panic(vendor in prop::sample::select(Vendor::ALL.to_vec()),
                             body in prop::collection::vec(any::<u8>(), 0..200),
                             window in any::<i64>(), now in any::<i64>(), tf in any::<bool>(), sent in any::<bool>()) {
        let sk = SourceKey::new("k")
            .with_sign_order(if tf { SignOrder::TimeFirst } else { SignOrder::KeyFirst })
            .with_timestamp(if sent { TimestampMeaning::Sent } else { TimestampMeaning::Expiry })
            .with_window_seconds(window);
        let _ = verify_callback(vendor, &sk, &Request::new(&body), now);
        if let Ok(cb) = accept_unsigned(vendor, &Request::new(&body)) {
            let _ = cb.normalize("p", now).to_json();
        }
    }
}
