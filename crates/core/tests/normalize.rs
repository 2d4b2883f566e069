//! Typed events and the normalized envelope (SPEC §3), including the event examples of the
//! vendor documents in `testdata/seeds/` (copies of the project's shared folder).

use std::path::PathBuf;

use mediahook_core::baidu::event::{BaiduEvent, BaiduEventKind};
use mediahook_core::tencent::event::TencentEvent;
use mediahook_core::verify::{parse_callback, sign_callback, verify_callback, Request, SourceKey};
use mediahook_core::volcengine::event::VolcengineEvent;
use mediahook_core::{Vendor, VerifyError};
use serde_json::{json, Value};

const NOW_MS: i64 = 1_732_269_700_000;

fn seeds_dir() -> PathBuf {
    match std::env::var_os("MEDIAHOOK_SEEDS") {
        Some(p) => PathBuf::from(p),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../testdata/seeds"),
    }
}

/// Every balanced top-level `{...}` block of a text document (strings respected).
fn json_blocks(text: &str) -> Vec<&str> {
    let (mut out, mut depth, mut start, mut in_str, mut esc) =
        (Vec::new(), 0usize, 0usize, false, false);
    for (i, c) in text.char_indices() {
        if in_str {
            match (esc, c) {
                (true, _) => esc = false,
                (false, '\\') => esc = true,
                (false, '"') => in_str = false,
                _ => {}
            }
            continue;
        }
        match c {
            '"' if depth > 0 => in_str = true,
            '{' => {
                if depth == 0 {
                    start = i;
                }
                depth += 1;
            }
            '}' if depth > 0 => {
                depth -= 1;
                if depth == 0 {
                    out.push(&text[start..=i]);
                }
            }
            _ => {}
        }
    }
    out
}

fn normalize(vendor: Vendor, body: &Value) -> mediahook_core::NormalizedEvent {
    parse_callback(vendor, body.to_string().as_bytes())
        .expect("parses")
        .normalize("src", NOW_MS)
}

#[test]
fn tencent_seed_examples_parse_and_normalize() {
    let mut seen = Vec::new();
    for (file, file_id) in [
        ("002_538ac0d36541763e.txt", "5285890784273533167"),
        ("003_c02f21d65c867741.txt", "14508071098244959037"),
    ] {
        let text = std::fs::read_to_string(seeds_dir().join(file)).expect("seed document readable");
        let blocks = json_blocks(&text);
        assert_eq!(
            blocks.len(),
            2,
            "{file}: a push body and a PullEvents response"
        );
        for block in blocks {
            let v: Value = serde_json::from_str(block).unwrap_or_else(|e| panic!("{file}: {e}"));
            // The push body is the event; the reliable (pull) form wraps it in Response.EventSet.
            let events: Vec<Value> = match v.pointer("/Response/EventSet") {
                Some(Value::Array(set)) => set.clone(),
                _ => vec![v],
            };
            for ev in events {
                let n = normalize(Vendor::TencentVod, &ev);
                assert_eq!(n.subject.as_deref(), Some(file_id), "{file}");
                assert_eq!(
                    n.timestamp, "2019-01-09T16:36:24Z",
                    "{file}: MediaBasicInfo.UpdateTime"
                );
                assert!(n.id.starts_with("evt_") && n.id.len() == 36);
                let typed = TencentEvent::from_object(n.data.as_object().unwrap());
                match (&typed, n.vendor_type.as_str()) {
                    (TencentEvent::NewFileUpload(e), "NewFileUpload") => {
                        assert_eq!(n.event_type, "media.upload.completed");
                        assert_eq!(
                            e.media_basic_info.as_ref().unwrap().name.as_deref(),
                            Some("Animal World")
                        );
                    }
                    (TencentEvent::PullComplete(e), "PullComplete") => {
                        assert_eq!(n.event_type, "media.pull.completed");
                        assert_eq!(e.status.as_deref(), Some("FINISH"));
                        assert_eq!(e.err_code, Some(0));
                    }
                    other => panic!("{file}: unexpected {other:?}"),
                }
                seen.push(n.vendor_type);
            }
        }
    }
    assert_eq!(seen.len(), 4);
}

#[test]
fn tencent_spec_example_envelope() {
    let body = json!({"EventType":"NewFileUpload","FileUploadEvent":{"FileId":"5285890784273533167",
        "MediaBasicInfo":{"CreateTime":"2019-01-09T16:36:22Z","UpdateTime":"2019-01-09T16:36:24Z"}},
        "Sign":"x","T":1});
    let n = normalize(Vendor::TencentVod, &body);
    let wire: Value = serde_json::from_str(&n.to_json()).unwrap();
    assert_eq!(wire["type"], "media.upload.completed");
    assert_eq!(wire["vendor"], "tencent_vod");
    assert_eq!(wire["vendor_type"], "NewFileUpload");
    assert_eq!(wire["source"], "src");
    assert_eq!(wire["subject"], "5285890784273533167");
    assert_eq!(wire["timestamp"], "2019-01-09T16:36:24Z");
    assert!(wire["data"].get("Sign").is_none() && wire["data"].get("T").is_none());
    let back: mediahook_core::NormalizedEvent = serde_json::from_value(wire).unwrap();
    assert_eq!(back, n);
}

#[test]
fn ids_are_stable_across_retries_and_differ_by_content() {
    let key = SourceKey::new("k");
    let body = br#"{"EventType":"FileDeleted","FileDeleteEvent":{"FileIdSet":["42"]}}"#;
    let first = sign_callback(Vendor::TencentVod, &key, body, NOW_MS, "", 600).unwrap();
    let retry = sign_callback(Vendor::TencentVod, &key, body, NOW_MS + 90_000, "", 600).unwrap();
    assert_ne!(first.body, retry.body, "a retry carries a new T and Sign");
    let id = |b: &[u8], now| {
        verify_callback(Vendor::TencentVod, &key, &Request::new(b), now)
            .unwrap()
            .normalize("s", now)
    };
    let (a, b) = (id(&first.body, NOW_MS), id(&retry.body, NOW_MS + 90_000));
    assert_eq!(a.id, b.id);
    assert_eq!(a.event_type, "media.deleted");
    assert_eq!(a.subject.as_deref(), Some("42"));
    // Key order does not matter; content does.
    let reordered = br#"{"FileDeleteEvent":{"FileIdSet":["42"]},"EventType":"FileDeleted"}"#;
    assert_eq!(
        normalize(
            Vendor::TencentVod,
            &serde_json::from_slice(reordered).unwrap()
        )
        .id,
        a.id
    );
    let other = br#"{"EventType":"FileDeleted","FileDeleteEvent":{"FileIdSet":["43"]}}"#;
    assert_ne!(
        normalize(Vendor::TencentVod, &serde_json::from_slice(other).unwrap()).id,
        a.id
    );
    // The same body from another vendor hashes differently.
    assert_ne!(
        normalize(
            Vendor::VolcengineLive,
            &serde_json::from_slice(body).unwrap()
        )
        .id,
        a.id
    );
}

#[test]
fn tencent_unknown_and_legacy_types_are_kept_raw() {
    let n = normalize(
        Vendor::TencentVod,
        &json!({"EventType":"BrandNewThing","BrandNewThingEvent":{"FileId":"9"}}),
    );
    assert_eq!(n.event_type, "tencent_vod.BrandNewThing");
    assert_eq!(n.subject.as_deref(), Some("9"));
    let typed = TencentEvent::from_object(n.data.as_object().unwrap());
    assert!(
        matches!(typed, TencentEvent::Other { ref event_type, payload: Some(_) } if event_type == "BrandNewThing")
    );
    let n = normalize(
        Vendor::TencentVod,
        &json!({"EventType":"TranscodeComplete","TranscodeCompleteEvent":{"FileId":"7"}}),
    );
    assert_eq!(n.event_type, "media.transcode.completed");
    let n = normalize(
        Vendor::TencentVod,
        &json!({"EventType":"ProcedureStateChanged","ProcedureStateChangeEvent":{"TaskId":"t","FileId":"5","Status":"FINISH"}}),
    );
    assert_eq!(n.event_type, "tencent_vod.ProcedureStateChanged");
    assert!(
        matches!(TencentEvent::from_object(n.data.as_object().unwrap()), TencentEvent::ProcedureStateChanged(ref e) if e.task_id.as_deref() == Some("t"))
    );
    // A known type with an unexpected payload shape is kept raw, not an error.
    let n = normalize(
        Vendor::TencentVod,
        &json!({"EventType":"NewFileUpload","FileUploadEvent":{"FileId":5}}),
    );
    assert!(matches!(
        TencentEvent::from_object(n.data.as_object().unwrap()),
        TencentEvent::Other { .. }
    ));
    assert_eq!(n.subject, None);
    // No EventType at all.
    let n = normalize(Vendor::TencentVod, &json!({}));
    assert_eq!(
        (n.vendor_type.as_str(), n.event_type.as_str()),
        ("unknown", "tencent_vod.unknown")
    );
    assert_eq!(
        n.timestamp, "2024-11-22T10:01:40Z",
        "received time when the vendor gives none"
    );
}

#[test]
fn baidu_every_type() {
    let cases = [
        (
            "MEDIA_UPLOAD_COMPLETE",
            "mediaUploadCompleteEvent",
            "media.upload.completed",
        ),
        (
            "MEDIA_FETCH_COMPLETE",
            "mediaFetchCompleteEvent",
            "media.pull.completed",
        ),
        (
            "MEDIA_TRANSCODE_COMPLETE",
            "mediaTranscodeCompleteEvent",
            "media.transcode.completed",
        ),
        (
            "MEDIA_THUMBNAIL_COMPLETE",
            "mediaThumbnailCompleteEvent",
            "baidu_vod.MEDIA_THUMBNAIL_COMPLETE",
        ),
        (
            "MEDIA_ANALYSIS_COMPLETE",
            "mediaAnalysisCompleteEvent",
            "baidu_vod.MEDIA_ANALYSIS_COMPLETE",
        ),
        (
            "MEDIA_REGULATION_COMPLETE",
            "mediaRegulationCompleteEvent",
            "baidu_vod.MEDIA_REGULATION_COMPLETE",
        ),
        (
            "COMPOSE_TASK_STATUS_CHANGE",
            "composeTaskStatusChangeEvent",
            "baidu_vod.COMPOSE_TASK_STATUS_CHANGE",
        ),
        (
            "VIDEO_GENERATE_COMPLETE",
            "videoGenerateCompleteEvent",
            "video.generate.completed",
        ),
    ];
    for (ty, field, normalized) in cases {
        let body = json!({"eventId": format!("id-{ty}"), "eventType": ty, "eventTime": "2024-11-11T09:27:42Z",
            field: {"mediaId": "mda-1", "taskId": "task-1", "extra": [1, 2]}});
        let n = normalize(Vendor::BaiduVod, &body);
        assert_eq!(n.event_type, normalized, "{ty}");
        assert_eq!(n.id, format!("id-{ty}"));
        assert_eq!(n.subject.as_deref(), Some("mda-1"));
        assert_eq!(n.timestamp, "2024-11-11T09:27:42Z");
        let typed = BaiduEvent::from_object(n.data.as_object().unwrap());
        assert!(
            !matches!(typed.kind, BaiduEventKind::Other { .. }),
            "{ty} is typed"
        );
        assert_eq!(typed.event_id.as_deref(), Some(format!("id-{ty}").as_str()));
    }
    // The vendor's own example puts MEDIA_FETCH_COMPLETE's payload under mediaTranscodeCompleteEvent.
    let body = json!({"eventId":"f","eventType":"MEDIA_FETCH_COMPLETE","mediaTranscodeCompleteEvent":{"mediaId":"mda-9","status":"PUBLISHED"}});
    let typed = BaiduEvent::from_object(body.as_object().unwrap());
    assert!(
        matches!(typed.kind, BaiduEventKind::MediaFetchComplete(ref e) if e.media_id.as_deref() == Some("mda-9"))
    );
    // An eventId that cannot travel as a header value or path segment is not used as the id.
    for odd in ["事件-1", "a b", "a/b", &"x".repeat(129)] {
        let n = normalize(
            Vendor::BaiduVod,
            &json!({"eventId": odd, "eventType": "MEDIA_UPLOAD_COMPLETE"}),
        );
        assert!(n.id.starts_with("evt_"), "{odd}: {}", n.id);
    }
    assert_eq!(
        normalize(Vendor::BaiduVod, &json!({"eventId": 42, "eventType": "X"})).id,
        "42"
    );
    // Unknown type, no eventId, non-RFC3339 time: kept raw, content id, received time.
    let n = normalize(
        Vendor::BaiduVod,
        &json!({"eventType":"NEW_THING","eventTime":"yesterday"}),
    );
    assert_eq!(n.event_type, "baidu_vod.NEW_THING");
    assert!(n.id.starts_with("evt_"));
    assert_eq!(n.timestamp, "2024-11-22T10:01:40Z");
}

#[test]
fn volcengine_every_type_in_both_shapes() {
    let cases = [
        ("push_start", "live.stream.started"),
        ("push_end", "live.stream.ended"),
        ("record_event", "live.record.completed"),
        ("snapshot_event", "live.snapshot.created"),
        ("audit_snapshot", "live.snapshot.audited"),
    ];
    for (ty, normalized) in cases {
        let flat = json!({"vhost":"push.live.example.com","domain":"push.live.example.com","app":"example_app",
            "stream":"s1","event_type":ty,"time":1732269400,"session_id":"sess-1","sign":"x","t":1});
        let wrapped = json!({"code":0,"message":"ok","data":{"vhost":"push.live.example.com","app":"example_app",
            "stream":"s1","event_type":ty,"sign":"x","t":1,"detail":{"time_ms":1732269400123u64,"session_id":"sess-1"}}});
        for body in [flat, wrapped] {
            let n = normalize(Vendor::VolcengineLive, &body);
            assert_eq!(n.event_type, normalized);
            assert_eq!(n.vendor_type, ty);
            assert_eq!(
                n.subject.as_deref(),
                Some("push.live.example.com/example_app/s1")
            );
            assert_eq!(n.timestamp, "2024-11-22T09:56:40Z");
            let text = n.data.to_string();
            assert!(
                !text.contains("\"sign\"") && !text.contains("\"t\""),
                "{text}"
            );
            match VolcengineEvent::from_object(n.data.as_object().unwrap()) {
                VolcengineEvent::Other { .. } => panic!("{ty} should be typed"),
                VolcengineEvent::PushStart(e)
                | VolcengineEvent::PushEnd(e)
                | VolcengineEvent::RecordEvent(e)
                | VolcengineEvent::SnapshotEvent(e)
                | VolcengineEvent::AuditSnapshot(e) => {
                    assert_eq!(e.session_id.as_deref(), Some("sess-1"));
                    assert_eq!(e.stream.as_deref(), Some("s1"));
                }
                _ => unreachable!(),
            }
        }
    }
    let n = normalize(
        Vendor::VolcengineLive,
        &json!({"event_type":"transcode_thing","domain":"d","stream":"x"}),
    );
    assert_eq!(n.event_type, "volcengine_live.transcode_thing");
    assert_eq!(n.subject.as_deref(), Some("d//x"));
}

#[test]
fn sign_callback_round_trips_for_every_vendor() {
    let bodies = [
        (
            Vendor::TencentVod,
            json!({"EventType":"NewFileUpload","FileUploadEvent":{"FileId":"1"}}),
        ),
        (
            Vendor::BaiduVod,
            json!({"eventId":"e","eventType":"MEDIA_UPLOAD_COMPLETE","mediaUploadCompleteEvent":{"mediaId":"m"}}),
        ),
        (
            Vendor::VolcengineLive,
            json!({"event_type":"push_start","vhost":"v","app":"a","stream":"s"}),
        ),
    ];
    for (vendor, body) in bodies {
        let key =
            SourceKey::new("the-key").with_callback_url("https://edge.example.com/v1/hooks/x");
        let signed = sign_callback(
            vendor,
            &key,
            body.to_string().as_bytes(),
            NOW_MS,
            "acct",
            600,
        )
        .unwrap();
        let headers: Vec<(&str, &str)> = signed
            .headers
            .iter()
            .map(|(k, v)| (*k, v.as_str()))
            .collect();
        let req = Request::new(&signed.body).with_headers(&headers);
        assert!(
            verify_callback(vendor, &key, &req, NOW_MS).is_ok(),
            "{vendor}"
        );
        let wrong =
            SourceKey::new("other").with_callback_url("https://edge.example.com/v1/hooks/x");
        assert_eq!(
            verify_callback(vendor, &wrong, &req, NOW_MS).err(),
            Some(VerifyError::Mismatch),
            "{vendor}"
        );
        assert_eq!(
            sign_callback(vendor, &key, b"[1]", NOW_MS, "acct", 600).err(),
            Some(VerifyError::MalformedPayload)
        );
    }
}
