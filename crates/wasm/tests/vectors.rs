//! Every case of `shared/vectors/*.json` through the wasm API, in Node and in a browser.
//!
//! `wasm-pack test --node crates/wasm` runs this in Node;
//! `WASM_BINDGEN_USE_BROWSER=1 wasm-pack test --headless --chrome crates/wasm` in Chromium.
//! A browser cannot read files, so build.rs copies the vectors into OUT_DIR and they are
//! embedded here at compile time.
#![cfg(target_arch = "wasm32")]

use mediahook_wasm::{
    encode_secret, error_kinds, normalize_bytes, normalize_str, sign_callback_raw, validate_config,
    vendor_info, verify_callback_bytes, verify_callback_str, RawWebhook,
};
use serde_json::Value;
use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;

macro_rules! vectors {
    ($file:literal) => {
        include_str!(concat!(
            env!(
                "MEDIAHOOK_VECTORS_DIR",
                "shared/vectors not found: put the shared folder beside the repository (../shared/vectors) or set MEDIAHOOK_VECTORS to its path"
            ),
            "/",
            $file
        ))
    };
}

const TENCENT: &str = vectors!("tencent_vod.json");
const BAIDU: &str = vectors!("baidu_vod.json");
const VOLCENGINE: &str = vectors!("volcengine_live.json");
const BYTEPLUS: &str = vectors!("byteplus_live.json");
const TENCENT_LIVE: &str = vectors!("tencent_live.json");
const ALIYUN: &str = vectors!("aliyun_vod.json");
const STANDARD_WEBHOOKS: &str = vectors!("standard_webhooks.json");

fn cases(text: &str) -> Vec<Value> {
    let v: Vec<Value> = serde_json::from_str(text).expect("a vector file is a JSON array");
    assert!(!v.is_empty());
    v
}

fn s<'a>(c: &'a Value, k: &str) -> &'a str {
    c[k].as_str()
        .unwrap_or_else(|| panic!("field {k} is not a string"))
}

/// "ok" or the kind thrown by the raw layer (a string); any other throw is a test failure.
fn outcome(r: Result<String, JsValue>) -> String {
    match r {
        Ok(_) => "ok".into(),
        Err(e) => e
            .as_string()
            .unwrap_or_else(|| panic!("unexpected non-kind error: {e:?}")),
    }
}

fn flat(headers: &Value) -> String {
    let mut parts = Vec::new();
    for (k, v) in headers.as_object().expect("headers object") {
        parts.push(k.clone());
        parts.push(v.as_str().expect("header value").to_string());
    }
    parts.join("\0")
}

/// Runs every case of `file` through `check` (once with a string body, once with bytes)
/// and fails listing every case whose outcome differs from `expect`.
fn run(file: &str, text: &str, check: impl Fn(&Value, bool) -> String) {
    let mut failures = Vec::new();
    let all = cases(text);
    for c in &all {
        for bytes in [false, true] {
            let got = check(c, bytes);
            let want = s(c, "expect");
            if got != want {
                failures.push(format!(
                    "{} ({}): expected {want}, got {got}",
                    s(c, "name"),
                    if bytes { "bytes" } else { "str" }
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures in {file}:\n{}",
        failures.len(),
        failures.join("\n")
    );
    console_log!(
        "{file}: {} cases passed (string and bytes bodies)",
        all.len()
    );
}

#[allow(clippy::too_many_arguments)]
fn verify(
    vendor: &str,
    body: &str,
    bytes: bool,
    headers: &str,
    key: &str,
    url: &str,
    now_ms: f64,
) -> Result<String, JsValue> {
    if bytes {
        verify_callback_bytes(
            vendor,
            body.as_bytes(),
            headers,
            key,
            url,
            now_ms,
            300.0,
            "",
            "src",
            None,
        )
    } else {
        verify_callback_str(
            vendor, body, headers, key, url, now_ms, 300.0, "", "src", None,
        )
    }
}

/// A vendor that signs fields of the body (`now` in Unix seconds, no headers, no URL).
fn body_signed_vectors(vendor: &str, text: &str) {
    run(&format!("{vendor}.json"), text, |c, bytes| {
        let now = c["now"].as_f64().unwrap() * 1000.0;
        outcome(verify(
            vendor,
            s(c, "body"),
            bytes,
            "",
            s(c, "key"),
            "",
            now,
        ))
    });
}

#[wasm_bindgen_test]
fn tencent_vod_vectors() {
    body_signed_vectors("tencent_vod", TENCENT);
}

#[wasm_bindgen_test]
fn volcengine_live_vectors() {
    body_signed_vectors("volcengine_live", VOLCENGINE);
}

#[wasm_bindgen_test]
fn baidu_vod_vectors() {
    run("baidu_vod.json", BAIDU, |c, bytes| {
        let now = c["now_ms"].as_f64().unwrap();
        outcome(verify(
            "baidu_vod",
            s(c, "body"),
            bytes,
            &flat(&c["headers"]),
            s(c, "key"),
            s(c, "callback_url"),
            now,
        ))
    });
}

#[wasm_bindgen_test]
fn tencent_live_vectors() {
    body_signed_vectors("tencent_live", TENCENT_LIVE);
}

#[wasm_bindgen_test]
fn aliyun_vod_vectors() {
    run("aliyun_vod.json", ALIYUN, |c, bytes| {
        let now = c["now"].as_f64().unwrap() * 1000.0;
        outcome(verify(
            "aliyun_vod",
            s(c, "body"),
            bytes,
            &flat(&c["headers"]),
            s(c, "key"),
            s(c, "callback_url"),
            now,
        ))
    });
}

#[wasm_bindgen_test]
fn standard_webhooks_vectors() {
    let kinds: Vec<String> = serde_json::from_str::<Vec<(String, String)>>(&error_kinds())
        .unwrap()
        .into_iter()
        .map(|(k, _)| k)
        .collect();
    run("standard_webhooks.json", STANDARD_WEBHOOKS, |c, bytes| {
        let wh = RawWebhook::new(s(c, "secret"), 300.0).expect("secret");
        let ts = c["timestamp"].as_i64().unwrap().to_string();
        let (id, sig) = (
            Some(s(c, "id").to_string()),
            Some(s(c, "signature").to_string()),
        );
        let now = c["now"].as_f64().unwrap();
        let status = if bytes {
            wh.verify_bytes(s(c, "body").as_bytes(), id, Some(ts), sig, now)
        } else {
            wh.verify_str(s(c, "body"), id, Some(ts), sig, now)
        };
        match status {
            0 => "ok".into(),
            n => kinds[n as usize - 1].clone(),
        }
    });
}

#[wasm_bindgen_test]
fn valid_vectors_normalize() {
    let t = cases(TENCENT)
        .into_iter()
        .find(|c| c["name"] == "valid")
        .unwrap();
    let ev: Value = serde_json::from_str(
        &verify_callback_str(
            "tencent_vod",
            s(&t, "body"),
            "",
            s(&t, "key"),
            "",
            t["now"].as_f64().unwrap() * 1000.0,
            300.0,
            "",
            "tencent-prod",
            None,
        )
        .unwrap(),
    )
    .unwrap();
    assert_eq!(ev["type"], "media.upload.completed");
    assert_eq!(ev["vendor"], "tencent_vod");
    assert_eq!(ev["vendor_type"], "NewFileUpload");
    assert_eq!(ev["source"], "tencent-prod");
    assert_eq!(ev["subject"], "5285890784273533167");
    assert!(ev["id"].as_str().unwrap().starts_with("evt_"));
    assert!(ev["data"].get("Sign").is_none() && ev["data"].get("T").is_none());
    // normalize (no verification) gives the same event: the id ignores the signature fields.
    let n: Value = serde_json::from_str(
        &normalize_str("tencent_vod", s(&t, "body"), "tencent-prod", 0.0).unwrap(),
    )
    .unwrap();
    assert_eq!(n["id"], ev["id"]);
    let nb: Value = serde_json::from_str(
        &normalize_bytes("tencent_vod", s(&t, "body").as_bytes(), "tencent-prod", 0.0).unwrap(),
    )
    .unwrap();
    assert_eq!(nb, n);

    let b = cases(BAIDU)
        .into_iter()
        .find(|c| c["name"] == "valid")
        .unwrap();
    let ev: Value = serde_json::from_str(
        &verify_callback_str(
            "baidu_vod",
            s(&b, "body"),
            &flat(&b["headers"]),
            s(&b, "key"),
            s(&b, "callback_url"),
            b["now_ms"].as_f64().unwrap(),
            300.0,
            "",
            "b",
            None,
        )
        .unwrap(),
    )
    .unwrap();
    assert_eq!(ev["id"], "evt-9f3c2a");
    assert_eq!(ev["type"], "media.upload.completed");
    assert_eq!(ev["subject"], "mda-abc123");

    let v = cases(VOLCENGINE)
        .into_iter()
        .find(|c| c["name"] == "valid")
        .unwrap();
    let ev: Value = serde_json::from_str(
        &verify_callback_str(
            "volcengine_live",
            s(&v, "body"),
            "",
            s(&v, "key"),
            "",
            v["now"].as_f64().unwrap() * 1000.0,
            300.0,
            "",
            "v",
            None,
        )
        .unwrap(),
    )
    .unwrap();
    assert_eq!(ev["type"], "live.stream.started");
}

#[wasm_bindgen_test]
fn baidu_header_names_are_case_insensitive() {
    let c = cases(BAIDU)
        .into_iter()
        .find(|c| c["name"] == "valid")
        .unwrap();
    let upper = flat(&c["headers"])
        .split('\0')
        .enumerate()
        .map(|(i, p)| {
            if i % 2 == 0 {
                p.to_ascii_uppercase()
            } else {
                p.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\0");
    let r = verify(
        "baidu_vod",
        s(&c, "body"),
        false,
        &upper,
        s(&c, "key"),
        s(&c, "callback_url"),
        c["now_ms"].as_f64().unwrap(),
    );
    assert_eq!(outcome(r), "ok");
}

#[wasm_bindgen_test]
fn signing_reproduces_vectors() {
    for c in cases(STANDARD_WEBHOOKS)
        .iter()
        .filter(|c| s(c, "name").starts_with("public_vector"))
    {
        let wh = RawWebhook::new(s(c, "secret"), 300.0).unwrap();
        let ts = c["timestamp"].as_f64().unwrap();
        assert_eq!(
            wh.sign_str(s(c, "id"), ts, s(c, "body")).unwrap(),
            s(c, "signature")
        );
        assert_eq!(
            wh.sign_bytes(s(c, "id"), ts, s(c, "body").as_bytes())
                .unwrap(),
            s(c, "signature")
        );
    }
    // Baidu: signCallback with the vector's inputs reproduces the vector's token.
    let c = cases(BAIDU)
        .into_iter()
        .find(|c| c["name"] == "valid")
        .unwrap();
    let ts: f64 = c["headers"]["vod-callback-auth-timestamp"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    let user = c["headers"]["vod-callback-auth-user"].as_str().unwrap();
    let signed: Value = serde_json::from_str(
        &sign_callback_raw(
            "baidu_vod",
            s(&c, "body"),
            s(&c, "key"),
            ts,
            s(&c, "callback_url"),
            user,
            600.0,
            "",
            None,
        )
        .unwrap(),
    )
    .unwrap();
    assert_eq!(
        signed["headers"]["vod-callback-auth-token"],
        c["headers"]["vod-callback-auth-token"]
    );
    assert_eq!(signed["body"], c["body"]);
}

#[wasm_bindgen_test]
fn sign_then_verify_every_vendor_and_order() {
    let body = r#"{"EventType":"NewFileUpload","eventType":"MEDIA_UPLOAD_COMPLETE","eventId":"e","event_type":"push_start","vhost":"v","app":"a","stream":"s"}"#;
    let now = 1_700_000_000_000.0;
    for vendor in [
        "tencent_vod",
        "baidu_vod",
        "volcengine_live",
        "byteplus_live",
    ] {
        for order in ["", "key_first", "time_first"] {
            let signed: Value = serde_json::from_str(
                &sign_callback_raw(
                    vendor,
                    body,
                    "k3y",
                    now,
                    "https://h.example.com/cb",
                    "acct",
                    600.0,
                    order,
                    None,
                )
                .unwrap(),
            )
            .unwrap();
            let mut headers = Vec::new();
            for (k, v) in signed["headers"].as_object().unwrap() {
                headers.push(k.clone());
                headers.push(v.as_str().unwrap().to_string());
            }
            let headers = headers.join("\0");
            let r = verify_callback_str(
                vendor,
                signed["body"].as_str().unwrap(),
                &headers,
                "k3y",
                "https://h.example.com/cb",
                now,
                300.0,
                order,
                "s",
                None,
            );
            assert_eq!(outcome(r), "ok", "{vendor} {order}");
            let r = verify_callback_str(
                vendor,
                signed["body"].as_str().unwrap(),
                &headers,
                "other",
                "https://h.example.com/cb",
                now,
                300.0,
                order,
                "s",
                None,
            );
            assert_eq!(outcome(r), "mismatch", "{vendor} {order}");
        }
    }
}

#[wasm_bindgen_test]
fn bad_arguments_throw_errors_not_kinds() {
    let e = verify_callback_str("aws", "{}", "", "k", "", 0.0, 300.0, "", "s", None).unwrap_err();
    assert!(e.as_string().is_none() && e.is_object());
    let e = verify_callback_str(
        "tencent_vod",
        "{}",
        "",
        "k",
        "",
        f64::NAN,
        300.0,
        "",
        "s",
        None,
    )
    .unwrap_err();
    assert!(e.as_string().is_none());
    assert!(RawWebhook::new("whsec_!!", 300.0).is_err());
    assert!(RawWebhook::new(&encode_secret(b"k"), 300.0).is_ok());
}

#[wasm_bindgen_test]
fn validate_config_reports_vendor_codes() {
    let r: Value = serde_json::from_str(
        &validate_config(
            "tencent_vod",
            r#"{"Mode":"PUSH","SignKey":"not valid!"}"#,
            None,
            "req-1",
            false,
        )
        .unwrap(),
    )
    .unwrap();
    assert_eq!(r["ok"], false);
    assert_eq!(r["errors"][0]["code"], "InvalidParameter");
    let r: Value = serde_json::from_str(
        &validate_config(
            "baidu_vod",
            r#"{"enableSign":true}"#,
            Some("{}".into()),
            "req-2",
            false,
        )
        .unwrap(),
    )
    .unwrap();
    assert_eq!(r["ok"], false);
    assert_eq!(r["errors"][0]["code"], "InvalidCallbackConfigParams");
    let r: Value = serde_json::from_str(
        &validate_config("volcengine_live", "{}", None, "req-3", false).unwrap(),
    )
    .unwrap();
    assert_eq!(r["ok"], false);
    assert!(r["errors"][0]["code"]
        .as_str()
        .unwrap()
        .starts_with("InvalidParam"));
    let r: Value = serde_json::from_str(
        &validate_config("tencent_vod", r#"{"Mode":"PUSH"}"#, None, "req-4", false).unwrap(),
    )
    .unwrap();
    assert_eq!(r["ok"], true);
    assert!(r.get("response").is_none());
}

#[wasm_bindgen_test]
fn byteplus_live_vectors() {
    body_signed_vectors("byteplus_live", BYTEPLUS);
}

/// The BytePlus vectors through a volcengine_live source with `signOrder: "time_first"`
/// and `timestamp: "sent"` (window 300 s): the same outcomes.
#[wasm_bindgen_test]
fn byteplus_vectors_via_volcengine_overrides() {
    run("byteplus_live.json", BYTEPLUS, |c, _| {
        let now = c["now"].as_f64().unwrap() * 1000.0;
        outcome(verify_callback_str(
            "volcengine_live",
            s(c, "body"),
            "",
            s(c, "key"),
            "",
            now,
            300.0,
            "time_first",
            "src",
            Some("sent".into()),
        ))
    });
    let e = verify_callback_str(
        "volcengine_live",
        "{}",
        "",
        "k",
        "",
        0.0,
        f64::NAN,
        "",
        "s",
        Some("later".into()),
    )
    .unwrap_err();
    assert!(
        e.as_string().is_none(),
        "a bad timestamp option is a TypeError"
    );
}

#[wasm_bindgen_test]
fn vendor_info_lists_every_registered_vendor() {
    let info: Value = serde_json::from_str(&vendor_info()).unwrap();
    let list = info.as_array().unwrap();
    let ids: Vec<&str> = list.iter().map(|v| v["id"].as_str().unwrap()).collect();
    for id in [
        "tencent_vod",
        "baidu_vod",
        "volcengine_live",
        "byteplus_live",
    ] {
        assert!(ids.contains(&id), "{id} missing from vendorInfo()");
    }
    for v in list {
        let id = v["id"].as_str().unwrap();
        let loc = v["signature"]["location"].as_str().unwrap();
        assert!(loc == "body" || loc == "headers", "{id}");
        assert_eq!(
            loc == "headers",
            !v["signature"]["headers"].as_array().unwrap().is_empty(),
            "{id}: headers listed exactly for header-signing vendors"
        );
        // Every sample normalizes to its vendor type and the listed shared type.
        for sample in v["samples"].as_array().unwrap() {
            let n: Value = serde_json::from_str(
                &normalize_str(id, sample["body"].as_str().unwrap(), "s", 0.0).unwrap(),
            )
            .unwrap();
            assert_eq!(n["vendor_type"], sample["vendorType"], "{id}");
            if let Some(t) = v["eventTypes"]
                .as_array()
                .unwrap()
                .iter()
                .find(|t| t["vendorType"] == sample["vendorType"])
            {
                assert_eq!(n["type"], t["type"], "{id}");
            }
        }
        assert!(!v["configFields"].as_array().unwrap().is_empty(), "{id}");
    }
    let baidu = list.iter().find(|v| v["id"] == "baidu_vod").unwrap();
    assert_eq!(baidu["requiresCallbackUrl"], true);
    let bp = list.iter().find(|v| v["id"] == "byteplus_live").unwrap();
    assert_eq!(bp["signature"]["timestamp"], "sent");
    assert_eq!(bp["signature"]["defaultWindowSeconds"], 300);
    assert!(bp["options"]
        .as_array()
        .unwrap()
        .iter()
        .any(|o| o["option"] == "signOrder"));
}
