//! `CallbackConfig` of `PUT /v2/callback` / `GET /v2/callback`: the callback URL, signing and
//! per-event switches; partial updates merged into the stored config; and validation with
//! the errors Baidu AI Cloud VOD answers with.
//!
//! Vendor errors (checked on the config *after* merging the patch into the stored one):
//!
//! | code | message | HTTP |
//! |---|---|---|
//! | `InvalidCallbackConfigParams` | `signKey is required when enable sign` | 400 |
//! | `InvalidCallbackConfigParams` | `callbackUrl is required when enable any event` | 400 |
//! | `InvalidCallbackConfigParams` | `callbackUrl is not allowed` | 403 |
//!
//! Error body: `{"requestId":..,"code":..,"message":..}`.
//!
//! **Decisions**:
//! * A field of the wrong JSON type (or a body that is not a JSON object) is `MalformedJSON`
//!   (HTTP 400, Baidu's common error code for a body it cannot read), with a message naming
//!   the field, e.g. `enableSign must be a boolean`. These come first, before the rules
//!   above; a rule that depends on a field of the wrong type is not evaluated.
//! * Unknown fields are ignored, as Baidu ignores them.
//! * `null` counts as "not given"; an empty `signKey` or `callbackUrl` counts as missing (an
//!   empty `callbackUrl` clears it, which is fine while no event is enabled).

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

use crate::url_policy::{check_url, UrlPolicy};
use crate::validation::{FieldError, Report};

/// The error code of the vendor's own config rules.
pub const INVALID_CALLBACK_CONFIG_PARAMS: &str = "InvalidCallbackConfigParams";
/// The error code of a body that is not a JSON object or has a field of the wrong type.
pub const MALFORMED_JSON: &str = "MalformedJSON";
/// Message: `enableSign` without a `signKey`.
pub const SIGN_KEY_REQUIRED: &str = "signKey is required when enable sign";
/// Message: an event enabled without a `callbackUrl`.
pub const CALLBACK_URL_REQUIRED: &str = "callbackUrl is required when enable any event";
/// Message (HTTP 403): the `callbackUrl` is refused by the URL policy.
pub const CALLBACK_URL_NOT_ALLOWED: &str = "callbackUrl is not allowed";

/// Baidu VOD callback settings. Every field is optional: in a `PUT` only the given fields
/// change (see [`merge`]).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CallbackConfig {
    /// Where callbacks are sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub callback_url: Option<String>,
    /// Sign callbacks (`vod-callback-auth-*` headers) with `signKey`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enable_sign: Option<bool>,
    /// The HMAC-SHA256 signing key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sign_key: Option<String>,
    /// `MEDIA_UPLOAD_COMPLETE` events.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enable_media_upload_complete_event: Option<bool>,
    /// `MEDIA_FETCH_COMPLETE` events.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enable_media_fetch_complete_event: Option<bool>,
    /// `MEDIA_TRANSCODE_COMPLETE` events.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enable_media_transcode_complete_event: Option<bool>,
    /// `MEDIA_THUMBNAIL_COMPLETE` events.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enable_media_thumbnail_complete_event: Option<bool>,
    /// `MEDIA_ANALYSIS_COMPLETE` events.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enable_media_analysis_complete_event: Option<bool>,
    /// `MEDIA_REGULATION_COMPLETE` events.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enable_media_regulation_complete_event: Option<bool>,
    /// `COMPOSE_TASK_STATUS_CHANGE` events.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enable_compose_task_status_change_event: Option<bool>,
    /// `VIDEO_GENERATE_COMPLETE` events.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enable_video_generate_complete_event: Option<bool>,
}

impl CallbackConfig {
    /// The event switches, in field order.
    fn event_switches(&self) -> [Option<bool>; 8] {
        [
            self.enable_media_upload_complete_event,
            self.enable_media_fetch_complete_event,
            self.enable_media_transcode_complete_event,
            self.enable_media_thumbnail_complete_event,
            self.enable_media_analysis_complete_event,
            self.enable_media_regulation_complete_event,
            self.enable_compose_task_status_change_event,
            self.enable_video_generate_complete_event,
        ]
    }

    /// `true` when at least one `enable*Event` switch is on.
    pub fn any_event_enabled(&self) -> bool {
        self.event_switches().contains(&Some(true))
    }
}

/// The stored config after a `PUT` of `patch`: every field given in `patch` replaces the
/// stored one; the others are kept.
pub fn merge(current: &CallbackConfig, patch: &CallbackConfig) -> CallbackConfig {
    fn pick<T: Clone>(patch: &Option<T>, current: &Option<T>) -> Option<T> {
        patch.clone().or_else(|| current.clone())
    }
    CallbackConfig {
        callback_url: pick(&patch.callback_url, &current.callback_url),
        enable_sign: pick(&patch.enable_sign, &current.enable_sign),
        sign_key: pick(&patch.sign_key, &current.sign_key),
        enable_media_upload_complete_event: pick(
            &patch.enable_media_upload_complete_event,
            &current.enable_media_upload_complete_event,
        ),
        enable_media_fetch_complete_event: pick(
            &patch.enable_media_fetch_complete_event,
            &current.enable_media_fetch_complete_event,
        ),
        enable_media_transcode_complete_event: pick(
            &patch.enable_media_transcode_complete_event,
            &current.enable_media_transcode_complete_event,
        ),
        enable_media_thumbnail_complete_event: pick(
            &patch.enable_media_thumbnail_complete_event,
            &current.enable_media_thumbnail_complete_event,
        ),
        enable_media_analysis_complete_event: pick(
            &patch.enable_media_analysis_complete_event,
            &current.enable_media_analysis_complete_event,
        ),
        enable_media_regulation_complete_event: pick(
            &patch.enable_media_regulation_complete_event,
            &current.enable_media_regulation_complete_event,
        ),
        enable_compose_task_status_change_event: pick(
            &patch.enable_compose_task_status_change_event,
            &current.enable_compose_task_status_change_event,
        ),
        enable_video_generate_complete_event: pick(
            &patch.enable_video_generate_complete_event,
            &current.enable_video_generate_complete_event,
        ),
    }
}

/// The JSON names of the fields, in documentation order.
pub const FIELDS: [&str; 11] = [
    "callbackUrl",
    "enableSign",
    "signKey",
    "enableMediaUploadCompleteEvent",
    "enableMediaFetchCompleteEvent",
    "enableMediaTranscodeCompleteEvent",
    "enableMediaThumbnailCompleteEvent",
    "enableMediaAnalysisCompleteEvent",
    "enableMediaRegulationCompleteEvent",
    "enableComposeTaskStatusChangeEvent",
    "enableVideoGenerateCompleteEvent",
];

const CALLBACK_URL: usize = 0;
const ENABLE_SIGN: usize = 1;
const SIGN_KEY: usize = 2;
const FIRST_EVENT: usize = 3;

/// A parsed config plus which fields had the wrong type (`bad[i]` for `FIELDS[i]`).
struct Parsed {
    config: CallbackConfig,
    bad: [bool; 11],
}

/// Reads the fields of one config document, recording `MalformedJSON` problems.
struct Reader<'a> {
    obj: &'a Map<String, Value>,
    /// `None` for the request body, `Some("current")` for the stored config.
    label: Option<&'a str>,
    errors: &'a mut Vec<FieldError>,
    bad: [bool; 11],
}

impl Reader<'_> {
    fn value(&self, i: usize) -> (&'static str, Option<&Value>) {
        let name = FIELDS.get(i).copied().unwrap_or("");
        (name, self.obj.get(name).filter(|v| !v.is_null()))
    }

    fn wrong_type(&mut self, i: usize, name: &str, expected: &str) {
        if let Some(bad) = self.bad.get_mut(i) {
            *bad = true;
        }
        let (field, message) = match self.label {
            Some(l) => (
                format!("{l}.{name}"),
                format!("{name} must be {expected} (in the {l} config)"),
            ),
            None => (String::from(name), format!("{name} must be {expected}")),
        };
        self.errors
            .push(FieldError::new(field, MALFORMED_JSON, message, 400));
    }

    fn string(&mut self, i: usize) -> Option<String> {
        match self.value(i) {
            (_, None) => None,
            (_, Some(Value::String(s))) => Some(s.clone()),
            (name, Some(_)) => {
                self.wrong_type(i, name, "a string");
                None
            }
        }
    }

    fn boolean(&mut self, i: usize) -> Option<bool> {
        match self.value(i) {
            (_, None) => None,
            (_, Some(Value::Bool(b))) => Some(*b),
            (name, Some(_)) => {
                self.wrong_type(i, name, "a boolean");
                None
            }
        }
    }
}

/// Parses one config document, appending `MalformedJSON` problems to `errors`.
fn parse(value: &Value, label: Option<&str>, errors: &mut Vec<FieldError>) -> Parsed {
    let Value::Object(obj) = value else {
        let (field, message) = match label {
            Some(l) => (
                String::from(l),
                format!("The {l} config must be a JSON object"),
            ),
            None => (
                String::new(),
                String::from("The request body must be a JSON object"),
            ),
        };
        errors.push(FieldError::new(field, MALFORMED_JSON, message, 400));
        return Parsed {
            config: CallbackConfig::default(),
            bad: [true; 11],
        };
    };
    let mut r = Reader {
        obj,
        label,
        errors,
        bad: [false; 11],
    };
    // Struct fields are evaluated in the order written: problems come in FIELDS order.
    let config = CallbackConfig {
        callback_url: r.string(CALLBACK_URL),
        enable_sign: r.boolean(ENABLE_SIGN),
        sign_key: r.string(SIGN_KEY),
        enable_media_upload_complete_event: r.boolean(FIRST_EVENT),
        enable_media_fetch_complete_event: r.boolean(FIRST_EVENT + 1),
        enable_media_transcode_complete_event: r.boolean(FIRST_EVENT + 2),
        enable_media_thumbnail_complete_event: r.boolean(FIRST_EVENT + 3),
        enable_media_analysis_complete_event: r.boolean(FIRST_EVENT + 4),
        enable_media_regulation_complete_event: r.boolean(FIRST_EVENT + 5),
        enable_compose_task_status_change_event: r.boolean(FIRST_EVENT + 6),
        enable_video_generate_complete_event: r.boolean(FIRST_EVENT + 7),
    };
    Parsed { config, bad: r.bad }
}

fn present(v: &Option<String>) -> bool {
    v.as_deref().is_some_and(|s| !s.is_empty())
}

/// Validates a `PUT /v2/callback` body (`patch`) against the stored config (`current`,
/// `None` when nothing is stored yet) exactly as Baidu would.
///
/// Both documents are parsed (wrong types → `MalformedJSON`), the patch is merged into the
/// stored config ([`merge`]), and the merged config is checked against the vendor rules.
/// Returns every problem and, for the first one, the Baidu error body with `request_id`.
pub fn validate(
    patch: &Value,
    current: Option<&Value>,
    policy: &UrlPolicy,
    request_id: &str,
) -> Report {
    let mut errors = Vec::new();
    let p = parse(patch, None, &mut errors);
    let c = match current {
        Some(v) => parse(v, Some("current"), &mut errors),
        None => Parsed {
            config: CallbackConfig::default(),
            bad: [false; 11],
        },
    };
    let merged = merge(&c.config, &p.config);
    // A merged field is unknown when the patch gave it with a wrong type, or did not give it
    // and the stored one has a wrong type.
    let unknown = |i: usize| {
        let given = FIELDS
            .get(i)
            .is_some_and(|f| patch.get(f).is_some_and(|v| !v.is_null()));
        let bad = |parsed: &Parsed| parsed.bad.get(i).copied().unwrap_or(true);
        bad(&p) || (!given && bad(&c))
    };

    if !unknown(ENABLE_SIGN)
        && !unknown(SIGN_KEY)
        && merged.enable_sign == Some(true)
        && !present(&merged.sign_key)
    {
        errors.push(FieldError::new(
            "signKey",
            INVALID_CALLBACK_CONFIG_PARAMS,
            SIGN_KEY_REQUIRED,
            400,
        ));
    }

    let event_on = merged
        .event_switches()
        .iter()
        .enumerate()
        .any(|(k, on)| *on == Some(true) && !unknown(FIRST_EVENT + k));
    if event_on && !unknown(CALLBACK_URL) && !present(&merged.callback_url) {
        errors.push(FieldError::new(
            "callbackUrl",
            INVALID_CALLBACK_CONFIG_PARAMS,
            CALLBACK_URL_REQUIRED,
            400,
        ));
    }

    if let Some(url) = merged.callback_url.as_deref().filter(|u| !u.is_empty()) {
        if check_url(url, policy).is_err() {
            errors.push(FieldError::new(
                "callbackUrl",
                INVALID_CALLBACK_CONFIG_PARAMS,
                CALLBACK_URL_NOT_ALLOWED,
                403,
            ));
        }
    }

    let response = errors
        .first()
        .map(|e| json!({ "requestId": request_id, "code": e.code, "message": e.message }));
    Report { errors, response }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::ToString;
    use alloc::vec;

    const P: UrlPolicy = UrlPolicy {
        allow_loopback: false,
    };

    fn summary(r: &Report) -> Vec<(&str, &str, &str, u16)> {
        r.errors
            .iter()
            .map(|e| {
                (
                    e.field.as_str(),
                    e.code.as_str(),
                    e.message.as_str(),
                    e.status,
                )
            })
            .collect()
    }

    #[test]
    fn documented_examples_are_valid() {
        // The three request bodies of the PUT /v2/callback page (without their trailing commas).
        let change_url = json!({"callbackUrl": "http://aaaa.com/callback"});
        let enable_sign = json!({"enableSign": true, "signKey": "123qwe"});
        let events = json!({
            "enableMediaUploadCompleteEvent": true,
            "enableMediaTranscodeCompleteEvent": true,
            "enableVideoGenerateCompleteEvent": true
        });
        assert!(validate(&change_url, None, &P, "r").is_ok());
        assert!(validate(&enable_sign, None, &P, "r").is_ok());
        // Enabling events needs a callbackUrl: the stored one from the first example.
        let stored = change_url.clone();
        let r = validate(&events, Some(&stored), &P, "r");
        assert!(r.is_ok(), "{r:?}");
        assert_eq!(r.response, None);
        // Applied in sequence, the three examples build a valid config.
        let mut cfg = CallbackConfig::default();
        for body in [&change_url, &enable_sign, &events] {
            let current = serde_json::to_value(&cfg).unwrap();
            assert!(validate(body, Some(&current), &P, "r").is_ok());
            cfg = merge(&cfg, &serde_json::from_value(body.clone()).unwrap());
        }
        assert_eq!(
            cfg.callback_url.as_deref(),
            Some("http://aaaa.com/callback")
        );
        assert_eq!(cfg.sign_key.as_deref(), Some("123qwe"));
        assert!(cfg.any_event_enabled());
        assert_eq!(cfg.enable_media_fetch_complete_event, None);
    }

    #[test]
    fn serde_names_are_camel_case() {
        let all = json!({
            "callbackUrl": "https://hooks.example.com/baidu",
            "enableSign": true,
            "signKey": "k",
            "enableMediaUploadCompleteEvent": true,
            "enableMediaFetchCompleteEvent": false,
            "enableMediaTranscodeCompleteEvent": true,
            "enableMediaThumbnailCompleteEvent": false,
            "enableMediaAnalysisCompleteEvent": true,
            "enableMediaRegulationCompleteEvent": false,
            "enableComposeTaskStatusChangeEvent": true,
            "enableVideoGenerateCompleteEvent": false
        });
        let cfg: CallbackConfig = serde_json::from_value(all.clone()).unwrap();
        assert_eq!(serde_json::to_value(&cfg).unwrap(), all);
        let keys: Vec<String> = all.as_object().unwrap().keys().cloned().collect();
        let mut fields: Vec<String> = FIELDS.iter().map(|f| f.to_string()).collect();
        fields.sort();
        assert_eq!(keys, fields);
        assert!(validate(&all, None, &P, "r").is_ok());
        // Unknown fields are ignored.
        let cfg: CallbackConfig = serde_json::from_value(json!({"foo": 1})).unwrap();
        assert_eq!(cfg, CallbackConfig::default());
        assert!(validate(&json!({"foo": [1], "EnableSign": "x"}), None, &P, "r").is_ok());
    }

    #[test]
    fn merge_overrides_only_given_fields() {
        let current = CallbackConfig {
            callback_url: Some("https://a.example.com/".into()),
            enable_sign: Some(true),
            sign_key: Some("old".into()),
            enable_media_upload_complete_event: Some(true),
            ..Default::default()
        };
        let patch = CallbackConfig {
            sign_key: Some("new".into()),
            enable_media_upload_complete_event: Some(false),
            enable_video_generate_complete_event: Some(true),
            ..Default::default()
        };
        let m = merge(&current, &patch);
        assert_eq!(m.callback_url.as_deref(), Some("https://a.example.com/"));
        assert_eq!(m.enable_sign, Some(true));
        assert_eq!(m.sign_key.as_deref(), Some("new"));
        assert_eq!(m.enable_media_upload_complete_event, Some(false));
        assert_eq!(m.enable_video_generate_complete_event, Some(true));
        assert_eq!(merge(&current, &CallbackConfig::default()), current);
        assert_eq!(merge(&CallbackConfig::default(), &current), current);
    }

    #[test]
    fn partial_updates_are_checked_after_merging() {
        // Stored enableSign + signKey; the patch only re-enables signing: fine.
        let current = json!({"enableSign": true, "signKey": "abc"});
        assert!(validate(&json!({"enableSign": true}), Some(&current), &P, "r").is_ok());
        // Nothing stored, the patch enables signing without a key.
        let r = validate(&json!({"enableSign": true}), None, &P, "req-1");
        assert_eq!(
            summary(&r),
            vec![(
                "signKey",
                "InvalidCallbackConfigParams",
                "signKey is required when enable sign",
                400
            )]
        );
        assert_eq!(
            r.response,
            Some(
                json!({"requestId": "req-1", "code": "InvalidCallbackConfigParams", "message": "signKey is required when enable sign"})
            )
        );
        let r = validate(&json!({"enableSign": true}), Some(&json!({})), &P, "r");
        assert_eq!(r.errors.len(), 1);
        // Clearing the stored key while signing stays enabled.
        let r = validate(&json!({"signKey": ""}), Some(&current), &P, "r");
        assert_eq!(summary(&r)[0].2, SIGN_KEY_REQUIRED);
        // Disabling signing makes the key unnecessary.
        assert!(validate(
            &json!({"enableSign": false, "signKey": ""}),
            Some(&current),
            &P,
            "r"
        )
        .is_ok());
        // Events need a URL, stored or given.
        let stored_url = json!({"callbackUrl": "https://hooks.example.com/b"});
        let ev = json!({"enableMediaFetchCompleteEvent": true});
        assert!(validate(&ev, Some(&stored_url), &P, "r").is_ok());
        let r = validate(&ev, None, &P, "r");
        assert_eq!(
            summary(&r),
            vec![(
                "callbackUrl",
                "InvalidCallbackConfigParams",
                "callbackUrl is required when enable any event",
                400
            )]
        );
        // Clearing the URL while a stored event is on.
        let stored = json!({"callbackUrl": "https://hooks.example.com/b", "enableComposeTaskStatusChangeEvent": true});
        let r = validate(&json!({"callbackUrl": ""}), Some(&stored), &P, "r");
        assert_eq!(summary(&r)[0].2, CALLBACK_URL_REQUIRED);
        // ...and turning it off too is fine; false switches need no URL.
        let off = json!({"callbackUrl": "", "enableComposeTaskStatusChangeEvent": false});
        assert!(validate(&off, Some(&stored), &P, "r").is_ok());
        assert!(validate(
            &json!({"enableMediaUploadCompleteEvent": false}),
            None,
            &P,
            "r"
        )
        .is_ok());
    }

    #[test]
    fn every_event_switch_needs_a_url() {
        for name in FIELDS.iter().skip(FIRST_EVENT) {
            let mut body = Map::new();
            body.insert((*name).into(), Value::Bool(true));
            let r = validate(&Value::Object(body), None, &P, "r");
            assert_eq!(
                summary(&r),
                vec![(
                    "callbackUrl",
                    INVALID_CALLBACK_CONFIG_PARAMS,
                    CALLBACK_URL_REQUIRED,
                    400
                )],
                "{name}"
            );
        }
    }

    #[test]
    fn refused_urls_are_403() {
        for url in [
            "http://127.0.0.1/cb",
            "http://2130706433/",
            "http://169.254.169.254/latest",
            "http://[::ffff:10.0.0.1]/",
            "http://localhost/",
            "http://metadata.google.internal/",
            "ftp://example.com/",
            "example.com/cb",
            "http://user:pw@example.com/",
        ] {
            let r = validate(&json!({"callbackUrl": url}), None, &P, "rid");
            assert_eq!(
                summary(&r),
                vec![(
                    "callbackUrl",
                    INVALID_CALLBACK_CONFIG_PARAMS,
                    CALLBACK_URL_NOT_ALLOWED,
                    403
                )],
                "{url}"
            );
            assert_eq!(r.status(), Some(403));
            assert_eq!(
                r.response,
                Some(
                    json!({"requestId": "rid", "code": "InvalidCallbackConfigParams", "message": "callbackUrl is not allowed"})
                )
            );
        }
        // A stored URL that is no longer allowed is refused too.
        let stored = json!({"callbackUrl": "http://10.0.0.1/"});
        assert_eq!(
            validate(&json!({}), Some(&stored), &P, "r").status(),
            Some(403)
        );
        // The loopback setting is honoured.
        let dev = UrlPolicy {
            allow_loopback: true,
        };
        assert!(validate(
            &json!({"callbackUrl": "http://localhost:8787/b"}),
            None,
            &dev,
            "r"
        )
        .is_ok());
    }

    #[test]
    fn all_problems_are_reported() {
        let body = json!({"enableSign": true, "enableVideoGenerateCompleteEvent": true});
        let r = validate(&body, None, &P, "r");
        assert_eq!(
            summary(&r),
            vec![
                (
                    "signKey",
                    INVALID_CALLBACK_CONFIG_PARAMS,
                    SIGN_KEY_REQUIRED,
                    400
                ),
                (
                    "callbackUrl",
                    INVALID_CALLBACK_CONFIG_PARAMS,
                    CALLBACK_URL_REQUIRED,
                    400
                ),
            ]
        );
        let body = json!({"enableSign": true, "callbackUrl": "http://192.168.0.1/"});
        let r = validate(&body, None, &P, "r");
        assert_eq!(r.errors.len(), 2);
        assert_eq!(r.status(), Some(400));
        assert_eq!(r.errors[1].status, 403);
    }

    #[test]
    fn wrong_types_are_malformed_json() {
        let body = json!({
            "callbackUrl": 5,
            "enableSign": "true",
            "signKey": ["k"],
            "enableMediaUploadCompleteEvent": 1,
            "enableVideoGenerateCompleteEvent": {}
        });
        let r = validate(&body, None, &P, "r");
        assert_eq!(
            summary(&r),
            vec![
                (
                    "callbackUrl",
                    "MalformedJSON",
                    "callbackUrl must be a string",
                    400
                ),
                (
                    "enableSign",
                    "MalformedJSON",
                    "enableSign must be a boolean",
                    400
                ),
                ("signKey", "MalformedJSON", "signKey must be a string", 400),
                (
                    "enableMediaUploadCompleteEvent",
                    "MalformedJSON",
                    "enableMediaUploadCompleteEvent must be a boolean",
                    400
                ),
                (
                    "enableVideoGenerateCompleteEvent",
                    "MalformedJSON",
                    "enableVideoGenerateCompleteEvent must be a boolean",
                    400
                ),
            ]
        );
        assert_eq!(
            r.response,
            Some(
                json!({"requestId": "r", "code": "MalformedJSON", "message": "callbackUrl must be a string"})
            )
        );
        // A badly typed field does not trigger the rules that depend on it...
        let r = validate(&json!({"enableSign": true, "signKey": 7}), None, &P, "r");
        assert_eq!(r.errors.len(), 1);
        assert_eq!(r.errors[0].code, MALFORMED_JSON);
        // ...but the other rules still run.
        let r = validate(
            &json!({"enableSign": "yes", "enableMediaUploadCompleteEvent": true}),
            None,
            &P,
            "r",
        );
        assert_eq!(
            summary(&r),
            vec![
                (
                    "enableSign",
                    MALFORMED_JSON,
                    "enableSign must be a boolean",
                    400
                ),
                (
                    "callbackUrl",
                    INVALID_CALLBACK_CONFIG_PARAMS,
                    CALLBACK_URL_REQUIRED,
                    400
                ),
            ]
        );
        // null is "not given".
        assert!(validate(&json!({"enableSign": null, "signKey": null}), None, &P, "r").is_ok());
    }

    #[test]
    fn bad_current_config() {
        let r = validate(
            &json!({"enableSign": true}),
            Some(&json!({"signKey": 1})),
            &P,
            "r",
        );
        assert_eq!(
            summary(&r),
            vec![(
                "current.signKey",
                MALFORMED_JSON,
                "signKey must be a string (in the current config)",
                400
            )]
        );
        // A patch that replaces the bad stored field makes it irrelevant to the rules.
        let r = validate(
            &json!({"enableSign": true, "signKey": ""}),
            Some(&json!({"signKey": 1})),
            &P,
            "r",
        );
        assert_eq!(r.errors.len(), 2);
        assert_eq!(r.errors[1].message, SIGN_KEY_REQUIRED);
        let r = validate(&json!({}), Some(&json!([1])), &P, "r");
        assert_eq!(
            summary(&r),
            vec![(
                "current",
                MALFORMED_JSON,
                "The current config must be a JSON object",
                400
            )]
        );
    }

    #[test]
    fn odd_inputs_do_not_panic() {
        let odd = [
            json!(null),
            json!(0),
            json!(-1.5),
            json!("callbackUrl"),
            json!([]),
            json!([{"enableSign": true}]),
            json!({"callbackUrl": {"a": [null, {"b": []}]}, "enableSign": [true]}),
        ];
        for v in &odd {
            let r = validate(v, None, &P, "r");
            assert!(!r.is_ok(), "{v}");
            assert_eq!(r.errors[0].code, MALFORMED_JSON);
            for cur in &odd {
                let r = validate(v, Some(cur), &P, "r");
                assert!(r.response.is_some());
            }
        }
        let r = validate(&json!(true), None, &P, "r");
        assert_eq!(
            summary(&r),
            vec![(
                "",
                MALFORMED_JSON,
                "The request body must be a JSON object",
                400
            )]
        );
    }
}
