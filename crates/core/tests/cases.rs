//! Every real-world callback case of `testdata/cases/*.json` through the core, one test that
//! reads the folder (`MEDIAHOOK_CASES` overrides its path), so a new case needs no code.
//!
//! Case format: `testdata/cases/README.md`. Per kind:
//! * `verify` — `verify_callback(vendor, key + callback_url, body + headers, now_ms)` gives
//!   `expect` (`ok` or an error kind). A case with `"key": null` goes through
//!   `accept_unsigned` (a source without a key).
//! * `normalize` — `parse_callback(vendor, body).normalize(..)` gives `expect.vendor_type`
//!   and `expect.subject` (`null` = none), and `expect.type` / `expect.id` /
//!   `expect.timestamp` when the case gives them; when the
//!   case has a key, the body must also verify at `now_ms` and normalize the same way.
//! * `config` — a delivery rule of the vendor: `expect.success_status` and
//!   `expect.vendor_timeout_ms` must match the vendor's registered reply contract, and no
//!   status of `expect.treated_as_failure` may be among its successes.
//!
//! Optional per-source overrides a case may carry (worker config names): `sign_order`
//! (`key_first` | `time_first`), `timestamp` (`expiry` | `sent`), `window_seconds`.

use std::path::PathBuf;

use mediahook_core::verify::{
    accept_unsigned, parse_callback, verify_callback, Request, SourceKey, TimestampMeaning,
};
use mediahook_core::volcengine::SignOrder;
use mediahook_core::{Vendor, VerifyError};
use serde_json::Value;

fn cases_dir() -> PathBuf {
    match std::env::var_os("MEDIAHOOK_CASES") {
        Some(p) => PathBuf::from(p),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../testdata/cases"),
    }
}

fn load() -> Vec<(String, Value)> {
    let dir = cases_dir();
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot read {} ({e}); set MEDIAHOOK_CASES", dir.display()))
        .map(|e| e.expect("dir entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no cases in {}", dir.display());
    files
        .into_iter()
        .map(|p| {
            let text = std::fs::read_to_string(&p).expect("case file");
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            let case: Value =
                serde_json::from_str(&text).unwrap_or_else(|e| panic!("{name}: not JSON ({e})"));
            (name, case)
        })
        .collect()
}

fn source_key(c: &Value) -> Result<Option<SourceKey>, String> {
    let Some(k) = c["key"].as_str() else {
        return Ok(None);
    };
    let mut key = SourceKey::new(k);
    if let Some(u) = c["callback_url"].as_str() {
        key = key.with_callback_url(u);
    }
    match c["sign_order"].as_str() {
        None => {}
        Some("key_first") => key = key.with_sign_order(SignOrder::KeyFirst),
        Some("time_first") => key = key.with_sign_order(SignOrder::TimeFirst),
        Some(o) => return Err(format!("bad sign_order {o}")),
    }
    if let Some(t) = c["timestamp"].as_str() {
        let m = TimestampMeaning::parse(t).ok_or(format!("bad timestamp {t}"))?;
        key = key.with_timestamp(m);
    }
    if let Some(w) = c["window_seconds"].as_i64() {
        key = key.with_window_seconds(w);
    }
    Ok(Some(key))
}

fn headers(c: &Value) -> Vec<(String, String)> {
    c["headers"]
        .as_object()
        .map(|h| {
            h.iter()
                .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_string()))
                .collect()
        })
        .unwrap_or_default()
}

fn kind(r: &Result<impl Sized, VerifyError>) -> String {
    match r {
        Ok(_) => "ok".into(),
        Err(e) => e.kind().into(),
    }
}

/// Runs one case; `Err` says what differed.
fn run(c: &Value) -> Result<(), String> {
    let vendor: Vendor = c["vendor"]
        .as_str()
        .ok_or("no vendor")?
        .parse()
        .map_err(|e| format!("{e}"))?;
    let body = c["body"].as_str().unwrap_or_default().as_bytes();
    let owned = headers(c);
    let hs: Vec<(&str, &str)> = owned
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let req = Request::new(body).with_headers(&hs);
    let now_ms = c["now_ms"].as_i64().ok_or("no now_ms")?;
    let key = source_key(c)?;
    let expect = &c["expect"];
    match c["kind"].as_str() {
        Some("verify") => {
            let got = match &key {
                Some(k) => kind(&verify_callback(vendor, k, &req, now_ms)),
                None => kind(&accept_unsigned(vendor, &req)),
            };
            let want = expect.as_str().ok_or("verify expect is not a string")?;
            (got == want)
                .then_some(())
                .ok_or(format!("verify: expected {want}, got {got}"))
        }
        Some("normalize") => {
            let parsed = parse_callback(vendor, body).map_err(|e| format!("parse: {e}"))?;
            let n = parsed.normalize("case", now_ms);
            if let Some(k) = &key {
                let v = verify_callback(vendor, k, &req, now_ms)
                    .map_err(|e| format!("the case has a key but does not verify: {e}"))?;
                let nv = v.normalize("case", now_ms);
                if nv != n {
                    return Err("verified and parsed bodies normalize differently".into());
                }
            }
            let want_type = expect["vendor_type"].as_str().ok_or("no vendor_type")?;
            if n.vendor_type != want_type {
                return Err(format!(
                    "vendor_type: expected {want_type}, got {}",
                    n.vendor_type
                ));
            }
            let want_subject = expect["subject"].as_str();
            if n.subject.as_deref() != want_subject {
                return Err(format!(
                    "subject: expected {want_subject:?}, got {:?}",
                    n.subject
                ));
            }
            if let Some(t) = expect["type"].as_str() {
                if n.event_type != t {
                    return Err(format!("type: expected {t}, got {}", n.event_type));
                }
            }
            if let Some(id) = expect["id"].as_str() {
                if n.id != id {
                    return Err(format!("id: expected {id}, got {}", n.id));
                }
            }
            if let Some(ts) = expect["timestamp"].as_str() {
                if n.timestamp != ts {
                    return Err(format!("timestamp: expected {ts}, got {}", n.timestamp));
                }
            }
            Ok(())
        }
        Some("config") => {
            let reply = vendor.info().reply;
            let want: Vec<u16> = expect["success_status"]
                .as_array()
                .ok_or("no success_status")?
                .iter()
                .filter_map(|v| v.as_u64().and_then(|n| u16::try_from(n).ok()))
                .collect();
            if want != reply.success_status {
                return Err(format!(
                    "success_status: expected {want:?}, registered {:?}",
                    reply.success_status
                ));
            }
            for bad in expect["treated_as_failure"]
                .as_array()
                .into_iter()
                .flatten()
            {
                let bad = bad.as_u64().unwrap_or_default();
                if reply.success_status.iter().any(|s| u64::from(*s) == bad) {
                    return Err(format!("{bad} is registered as a success"));
                }
            }
            if let Some(ms) = expect["vendor_timeout_ms"].as_u64() {
                if reply.timeout_ms.map(u64::from) != Some(ms) {
                    return Err(format!(
                        "timeout: expected {ms} ms, registered {:?}",
                        reply.timeout_ms
                    ));
                }
            }
            Ok(())
        }
        other => Err(format!("unknown kind {other:?}")),
    }
}

#[test]
fn every_case_of_testdata_cases() {
    let cases = load();
    let failures: Vec<String> = cases
        .iter()
        .filter_map(|(name, c)| run(c).err().map(|e| format!("{name}: {e}")))
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
    eprintln!("{} cases passed", cases.len());
}

/// Each case must say why (its `why` field names the vendor document it comes from).
#[test]
fn every_case_says_why() {
    for (name, c) in load() {
        let why = c["why"].as_str().unwrap_or_default();
        assert!(why.len() > 20, "{name}: no `why`");
    }
}
