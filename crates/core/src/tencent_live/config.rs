//! `CreateLiveCallbackTemplate` / `ModifyLiveCallbackTemplate` (live.tencentcloudapi.com,
//! version 2018-08-01): a callback template holds one URL per event class and one shared
//! callback key; it is then bound to a push domain with `CreateLiveCallbackRule`. Validation
//! answers with Tencent Cloud API 3.0's common error codes and envelope
//! `{"Response":{"Error":{"Code":..,"Message":..},"RequestId":..}}` (Tencent docs 267/32637
//! and 267/30815 for the parameters; the API page lists only the common codes
//! `InvalidParameter`, `InvalidParameterValue`, `MissingParameter` and `InternalError`).
//!
//! | rule (source) | code | HTTP |
//! |---|---|---|
//! | a parameter the action does not define | `UnknownParameter` | 400 |
//! | `TemplateName` absent on create, `TemplateId` absent on modify | `MissingParameter` | 400 |
//! | create: no callback URL at all ("at least one URL is required") | `MissingParameter` | 400 |
//! | a parameter of the wrong JSON type | `InvalidParameter` | 400 |
//! | `TemplateName` empty or over 255 bytes, `Description` over 1024 bytes, either with characters other than Chinese, letters, digits, `_`, `-` | `InvalidParameterValue` | 400 |
//! | a callback URL that is not an http(s) URL or that the [`UrlPolicy`] refuses | `InvalidParameterValue` | 400 |
//! | `CallbackKey` over 32 characters or not letters, digits, `_`, `-` | `InvalidParameterValue` | 400 |
//! | `TemplateId` not a positive integer | `InvalidParameterValue` | 400 |
//!
//! **Decisions** (Tencent publishes no per-rule code for this API):
//! * Which common code a rule gets follows API 3.0's meanings: absent → `MissingParameter`,
//!   wrong type → `InvalidParameter`, bad value → `InvalidParameterValue`. The messages are
//!   ours and name the documented constraint. The HTTP status is 400, as for
//!   [`crate::tencent::config`] (API 3.0 itself carries the error in the body).
//! * `CallbackKey`: the two versions of the console doc disagree (letters and digits only,
//!   or also `_` and `-`); the later one is taken. An empty key (no signing) is accepted.
//! * "Chinese" is the CJK Unified Ideographs blocks (U+4E00–U+9FFF, U+3400–U+4DBF).
//! * `ModifyLiveCallbackTemplate` takes `TemplateId` and the same parameters, all optional
//!   (it changes only what is given), so "at least one URL" applies to create only. An empty
//!   URL is accepted (it clears that URL) and does not count as a URL on create.
//! * `RecordExceptionNotifyUrl` and `RecordExceptionLevels` (a list of strings) are known
//!   parameters: they are in Tencent's SDK model although not on the API page.
//!   `StreamMixNotifyUrl` is deprecated but still accepted.
//! * `null` counts as "not given". Unknown parameters are reported first (the API gateway
//!   refuses them before the action looks at values), then the parameters in documentation
//!   order, then the create-only "at least one URL" rule.

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

use crate::url_policy::{check_url, UrlPolicy};
use crate::validation::{FieldError, Report};

/// Error code: a parameter of the wrong type.
pub const INVALID_PARAMETER: &str = "InvalidParameter";
/// Error code: a parameter value outside its documented rule.
pub const INVALID_PARAMETER_VALUE: &str = "InvalidParameterValue";
/// Error code: a required parameter is absent.
pub const MISSING_PARAMETER: &str = "MissingParameter";
/// Error code: a parameter the action does not define.
pub const UNKNOWN_PARAMETER: &str = "UnknownParameter";
/// Longest `TemplateName`, in UTF-8 bytes.
pub const TEMPLATE_NAME_MAX_BYTES: usize = 255;
/// Longest `Description`, in UTF-8 bytes.
pub const DESCRIPTION_MAX_BYTES: usize = 1024;
/// Longest `CallbackKey`, in characters.
pub const CALLBACK_KEY_MAX_LEN: usize = 32;

/// The callback URL parameters, in documentation order.
pub const URL_FIELDS: [&str; 10] = [
    "StreamBeginNotifyUrl",
    "StreamEndNotifyUrl",
    "RecordNotifyUrl",
    "RecordStatusNotifyUrl",
    "SnapshotNotifyUrl",
    "PornCensorshipNotifyUrl",
    "StreamMixNotifyUrl",
    "PushExceptionNotifyUrl",
    "AudioAuditNotifyUrl",
    "RecordExceptionNotifyUrl",
];

/// The parameters of `CreateLiveCallbackTemplate`, in documentation order
/// (`ModifyLiveCallbackTemplate` adds `TemplateId` before them).
pub const FIELDS: [&str; 14] = [
    "TemplateName",
    "Description",
    "StreamBeginNotifyUrl",
    "StreamEndNotifyUrl",
    "RecordNotifyUrl",
    "RecordStatusNotifyUrl",
    "SnapshotNotifyUrl",
    "PornCensorshipNotifyUrl",
    "CallbackKey",
    "StreamMixNotifyUrl",
    "PushExceptionNotifyUrl",
    "AudioAuditNotifyUrl",
    "RecordExceptionNotifyUrl",
    "RecordExceptionLevels",
];

/// Which of the two template actions a config is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Action {
    /// `CreateLiveCallbackTemplate`: `TemplateName` and at least one URL required.
    CreateLiveCallbackTemplate,
    /// `ModifyLiveCallbackTemplate`: `TemplateId` required, everything else optional.
    ModifyLiveCallbackTemplate,
}

impl Action {
    /// The action for a body: modify when it has a `TemplateId`, else create.
    pub fn of(config: &Value) -> Action {
        match config.get("TemplateId") {
            Some(v) if !v.is_null() => Action::ModifyLiveCallbackTemplate,
            _ => Action::CreateLiveCallbackTemplate,
        }
    }
}

/// The parameters of both template actions (`None` = not given).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
#[allow(missing_docs)]
pub struct LiveCallbackTemplate {
    /// Modify only: the template to change.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub template_id: Option<i64>,
    /// Create: required; 1–255 bytes of Chinese, letters, digits, `_`, `-`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub template_name: Option<String>,
    /// At most 1024 bytes, same characters as the name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stream_begin_notify_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stream_end_notify_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub record_notify_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub record_status_notify_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub snapshot_notify_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub porn_censorship_notify_url: Option<String>,
    /// The key every callback of the template is signed with (`sign = MD5(key + t)`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub callback_key: Option<String>,
    /// Deprecated by Tencent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stream_mix_notify_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub push_exception_notify_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audio_audit_notify_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub record_exception_notify_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub record_exception_levels: Option<Vec<String>>,
}

struct Errors(Vec<FieldError>);

impl Errors {
    fn push(&mut self, field: &str, code: &str, message: String) {
        self.0.push(FieldError::new(field, code, message, 400));
    }
    fn wrong_type(&mut self, field: &str, what: &str) {
        self.push(field, INVALID_PARAMETER, format!("{field} must be {what}"));
    }
    fn value(&mut self, field: &str, message: String) {
        self.push(field, INVALID_PARAMETER_VALUE, message);
    }
    fn missing(&mut self, field: &str) {
        self.push(
            field,
            MISSING_PARAMETER,
            format!("The request is missing a required parameter `{field}`"),
        );
    }
}

/// A parameter as a string: `None` when absent or `null` (a wrong type is reported).
fn string_field<'a>(obj: &'a Map<String, Value>, field: &str, e: &mut Errors) -> Option<&'a str> {
    match obj.get(field) {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s),
        Some(_) => {
            e.wrong_type(field, "a string");
            None
        }
    }
}

fn is_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric()
        || c == '_'
        || c == '-'
        || ('\u{4E00}'..='\u{9FFF}').contains(&c)
        || ('\u{3400}'..='\u{4DBF}').contains(&c)
}

fn check_text(field: &str, s: &str, max: usize, e: &mut Errors) {
    if s.len() > max || !s.chars().all(is_name_char) {
        e.value(
            field,
            format!("{field} must be at most {max} bytes of Chinese characters, letters, digits, `_` and `-`"),
        );
    }
}

/// Validates a template body for `action` exactly as Tencent Cloud would, with the rules
/// of the module table. Returns every problem and, for the first one, the Tencent error
/// body with `request_id`.
pub fn validate_action(
    action: Action,
    config: &Value,
    policy: &UrlPolicy,
    request_id: &str,
) -> Report {
    let mut e = Errors(Vec::new());
    let Some(obj) = config.as_object() else {
        e.push(
            "",
            INVALID_PARAMETER,
            String::from("The request body must be a JSON object"),
        );
        return finish(e.0, request_id);
    };
    let modify = action == Action::ModifyLiveCallbackTemplate;
    for key in obj.keys() {
        let known = FIELDS.contains(&key.as_str()) || (modify && key == "TemplateId");
        if !known {
            e.push(
                key,
                UNKNOWN_PARAMETER,
                format!("The parameter `{key}` is not recognized"),
            );
        }
    }

    if modify {
        match obj.get("TemplateId") {
            None | Some(Value::Null) => e.missing("TemplateId"),
            Some(Value::Number(n)) if n.is_i64() || n.is_u64() => {
                if n.as_i64().is_none_or(|v| v <= 0) {
                    e.value(
                        "TemplateId",
                        String::from("TemplateId must be a positive integer"),
                    );
                }
            }
            Some(_) => e.wrong_type("TemplateId", "an integer"),
        }
    }

    let mut any_url = false;
    for field in FIELDS {
        match field {
            "TemplateName" => match string_field(obj, field, &mut e) {
                None if !modify && obj.get(field).is_none_or(Value::is_null) => e.missing(field),
                Some("") => e.value(field, String::from("TemplateName must not be empty")),
                Some(s) => check_text(field, s, TEMPLATE_NAME_MAX_BYTES, &mut e),
                None => {}
            },
            "Description" => {
                if let Some(s) = string_field(obj, field, &mut e) {
                    check_text(field, s, DESCRIPTION_MAX_BYTES, &mut e);
                }
            }
            "CallbackKey" => {
                if let Some(k) = string_field(obj, field, &mut e) {
                    let ok = k.len() <= CALLBACK_KEY_MAX_LEN
                        && k.bytes()
                            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
                    if !ok {
                        e.value(
                            field,
                            format!("CallbackKey must be at most {CALLBACK_KEY_MAX_LEN} letters, digits, `_` and `-`"),
                        );
                    }
                }
            }
            "RecordExceptionLevels" => match obj.get(field) {
                None | Some(Value::Null) => {}
                Some(Value::Array(items)) if items.iter().all(Value::is_string) => {}
                Some(_) => e.wrong_type(field, "a list of strings"),
            },
            url_field => {
                if let Some(url) = string_field(obj, url_field, &mut e) {
                    if !url.is_empty() {
                        any_url = true;
                        if let Err(why) = check_url(url, policy) {
                            e.value(url_field, format!("{url_field} is not allowed: {why}"));
                        }
                    }
                }
            }
        }
    }
    if !modify
        && !any_url
        && !URL_FIELDS
            .iter()
            .any(|f| obj.get(*f).is_some_and(|v| !v.is_null() && !v.is_string()))
    {
        e.push(
            "",
            MISSING_PARAMETER,
            String::from("At least one callback URL is required (StreamBeginNotifyUrl, StreamEndNotifyUrl, RecordNotifyUrl, …)"),
        );
    }
    finish(e.0, request_id)
}

/// Validates a template body, choosing the action with [`Action::of`]: a body with a
/// `TemplateId` is a `ModifyLiveCallbackTemplate`, any other a `CreateLiveCallbackTemplate`.
pub fn validate(config: &Value, policy: &UrlPolicy, request_id: &str) -> Report {
    validate_action(Action::of(config), config, policy, request_id)
}

fn finish(errors: Vec<FieldError>, request_id: &str) -> Report {
    let response = errors.first().map(|e| {
        json!({
            "Response": {
                "Error": { "Code": e.code, "Message": e.message },
                "RequestId": request_id,
            }
        })
    });
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

    fn rows(r: &Report) -> Vec<(String, String)> {
        r.errors
            .iter()
            .map(|e| (e.field.clone(), e.code.clone()))
            .collect()
    }

    fn row(f: &str, c: &str) -> (String, String) {
        (f.to_string(), c.to_string())
    }

    #[test]
    fn documented_create_example_is_valid() {
        let body = json!({
            "TemplateName": "mediahook_模板-1",
            "Description": "callbacks",
            "StreamBeginNotifyUrl": "https://hooks.example.com/v1/hooks/live",
            "StreamEndNotifyUrl": "https://hooks.example.com/v1/hooks/live",
            "CallbackKey": "LiveCbKey2024abc"
        });
        let r = validate(&body, &P, "req-1");
        assert!(r.is_ok(), "{r:?}");
        let typed: LiveCallbackTemplate = serde_json::from_value(body.clone()).unwrap();
        assert_eq!(typed.callback_key.as_deref(), Some("LiveCbKey2024abc"));
        assert_eq!(serde_json::to_value(&typed).unwrap(), body);
    }

    #[test]
    fn create_requires_name_and_a_url() {
        let r = validate(&json!({}), &P, "rid");
        assert_eq!(
            rows(&r),
            vec![
                row("TemplateName", MISSING_PARAMETER),
                row("", MISSING_PARAMETER)
            ]
        );
        assert_eq!(
            r.response,
            Some(
                json!({"Response": {"Error": {"Code": "MissingParameter", "Message": "The request is missing a required parameter `TemplateName`"}, "RequestId": "rid"}})
            )
        );
        let r = validate(
            &json!({"TemplateName": "t", "RecordNotifyUrl": ""}),
            &P,
            "r",
        );
        assert_eq!(rows(&r), vec![row("", MISSING_PARAMETER)]);
        assert!(validate(
            &json!({"TemplateName": "t", "AudioAuditNotifyUrl": "https://a.example.com/x"}),
            &P,
            "r"
        )
        .is_ok());
    }

    #[test]
    fn modify_requires_template_id_only() {
        assert!(validate(&json!({"TemplateId": 1000}), &P, "r").is_ok());
        assert!(validate(&json!({"TemplateId": 1, "CallbackKey": ""}), &P, "r").is_ok());
        assert_eq!(
            rows(&validate_action(
                Action::ModifyLiveCallbackTemplate,
                &json!({"TemplateName": "x"}),
                &P,
                "r"
            )),
            vec![row("TemplateId", MISSING_PARAMETER)]
        );
        assert_eq!(
            rows(&validate(&json!({"TemplateId": 0}), &P, "r")),
            vec![row("TemplateId", INVALID_PARAMETER_VALUE)]
        );
        assert_eq!(
            rows(&validate(&json!({"TemplateId": -3}), &P, "r")),
            vec![row("TemplateId", INVALID_PARAMETER_VALUE)]
        );
        assert_eq!(
            rows(&validate(&json!({"TemplateId": "7"}), &P, "r")),
            vec![row("TemplateId", INVALID_PARAMETER)]
        );
        assert_eq!(
            rows(&validate(&json!({"TemplateId": 1.5}), &P, "r")),
            vec![row("TemplateId", INVALID_PARAMETER)]
        );
        // Create does not know TemplateId.
        assert_eq!(
            rows(&validate_action(
                Action::CreateLiveCallbackTemplate,
                &json!({"TemplateId": 1, "TemplateName": "t", "RecordNotifyUrl": "https://a.example.com/"}),
                &P,
                "r"
            )),
            vec![row("TemplateId", UNKNOWN_PARAMETER)]
        );
    }

    #[test]
    fn value_rules() {
        let base = |k: &str, v: Value| {
            let mut m =
                json!({"TemplateName": "t", "StreamBeginNotifyUrl": "https://a.example.com/cb"});
            m[k] = v;
            validate(&m, &P, "r")
        };
        let cases: Vec<(&str, Value, &str, &str)> = vec![
            ("TemplateName", json!(""), INVALID_PARAMETER_VALUE, "TemplateName must not be empty"),
            ("TemplateName", json!("a b"), INVALID_PARAMETER_VALUE, "TemplateName must be at most 255 bytes of Chinese characters, letters, digits, `_` and `-`"),
            ("TemplateName", json!("模".repeat(86)), INVALID_PARAMETER_VALUE, "TemplateName must be at most 255 bytes of Chinese characters, letters, digits, `_` and `-`"),
            ("TemplateName", json!(5), INVALID_PARAMETER, "TemplateName must be a string"),
            ("Description", json!("x".repeat(1025)), INVALID_PARAMETER_VALUE, "Description must be at most 1024 bytes of Chinese characters, letters, digits, `_` and `-`"),
            ("CallbackKey", json!("k".repeat(33)), INVALID_PARAMETER_VALUE, "CallbackKey must be at most 32 letters, digits, `_` and `-`"),
            ("CallbackKey", json!("key with space"), INVALID_PARAMETER_VALUE, "CallbackKey must be at most 32 letters, digits, `_` and `-`"),
            ("CallbackKey", json!(true), INVALID_PARAMETER, "CallbackKey must be a string"),
            ("StreamBeginNotifyUrl", json!("http://127.0.0.1/cb"), INVALID_PARAMETER_VALUE, "StreamBeginNotifyUrl is not allowed: the host is a loopback address"),
            ("SnapshotNotifyUrl", json!("ftp://a.example.com/"), INVALID_PARAMETER_VALUE, "SnapshotNotifyUrl is not allowed: the URL is not an absolute http:// or https:// URL"),
            ("RecordNotifyUrl", json!(["x"]), INVALID_PARAMETER, "RecordNotifyUrl must be a string"),
            ("RecordExceptionLevels", json!([1]), INVALID_PARAMETER, "RecordExceptionLevels must be a list of strings"),
            ("Foo", json!(1), UNKNOWN_PARAMETER, "The parameter `Foo` is not recognized"),
        ];
        for (field, v, code, msg) in cases {
            let r = base(field, v.clone());
            assert_eq!(r.errors.len(), 1, "{field} {v}: {r:?}");
            let e = &r.errors[0];
            assert_eq!(
                (
                    e.field.as_str(),
                    e.code.as_str(),
                    e.message.as_str(),
                    e.status
                ),
                (field, code, msg, 400)
            );
            assert_eq!(
                r.response.as_ref().unwrap()["Response"]["Error"]["Code"],
                code
            );
        }
        // Limits are inclusive; the later doc's `_` and `-` are accepted in a key.
        assert!(base("TemplateName", json!("模".repeat(85))).is_ok());
        assert!(base("CallbackKey", json!("k_-".repeat(10) + "ab")).is_ok());
        assert!(base("Description", json!("")).is_ok());
        assert!(base("RecordExceptionLevels", json!(["x"])).is_ok());
        assert!(base("StreamMixNotifyUrl", json!(null)).is_ok());
    }

    #[test]
    fn problems_in_order_and_odd_bodies() {
        let body = json!({"Zed": 1, "CallbackKey": "!", "TemplateName": "a b", "StreamEndNotifyUrl": "http://10.0.0.1/"});
        let fields: Vec<String> = validate(&body, &P, "r")
            .errors
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(
            fields,
            vec!["Zed", "TemplateName", "StreamEndNotifyUrl", "CallbackKey"]
        );
        for v in [json!(null), json!([]), json!("x"), json!(1)] {
            let r = validate(&v, &P, "r");
            assert_eq!(rows(&r), vec![row("", INVALID_PARAMETER)]);
        }
        assert!(validate(&json!({"TemplateName": "t", "StreamBeginNotifyUrl": "http://localhost:8787/v1/hooks/x"}), &UrlPolicy { allow_loopback: true }, "r").is_ok());
    }
}
