//! `SetMessageCallback` (ApsaraVideo VOD API 2017-03-21): where and how Alibaba sends event
//! notifications, and its validation (parameters from Alibaba's `SetMessageCallback` page,
//! help.aliyun.com/zh/vod/api-setmessagecallback, and the callback page, doc 67214).
//!
//! Alibaba publishes **no API-specific error codes** for this action (the page points to the
//! error center). **Decision** (SPEC §7.2): problems are answered with ApsaraVideo VOD's
//! common error codes and envelope — `MissingParameter` / `InvalidParameter`, HTTP 400
//! (VOD "Error codes" page, alibabacloud.com/help/en/vod/api-reference-error-codes), body
//! `{"RequestId","HostId","Code","Message"}` (Alibaba's common response format) — with the
//! common message followed by the documented constraint:
//!
//! | rule (source) | code |
//! |---|---|
//! | `CallbackURL` absent or empty while `CallbackType` is `HTTP` (or absent) | `MissingParameter` |
//! | `CallbackType` not `HTTP` or `MNS` | `InvalidParameter` |
//! | `CallbackURL` over 256 bytes, not an http(s) URL, or refused by the [`UrlPolicy`] | `InvalidParameter` |
//! | `EventTypeList` not empty, `ALL`, or a comma-separated list of event type names | `InvalidParameter` |
//! | `AuthSwitch` not `on` or `off` | `InvalidParameter` |
//! | `AuthKey` over 32 characters or without an uppercase letter, a lowercase letter and a digit | `InvalidParameter` |
//! | any parameter that is not a string (all are strings in the API) | `InvalidParameter` |
//!
//! **Decisions**:
//! * The two versions of the page disagree on which parameter is required (older:
//!   `CallbackURL` required, `CallbackType` optional; current: `CallbackType` required,
//!   `CallbackURL` required for HTTP). An absent `CallbackType` is taken as `HTTP`, so a
//!   body valid under either page is accepted and `CallbackURL` is required unless the type
//!   is `MNS`.
//! * `EventTypeList` items are checked for form only (letters and digits, spaces around
//!   commas allowed), not against a list: several event names are unverified and Alibaba
//!   adds new ones (`AIComplete` enables every AI event).
//! * Unknown parameters are ignored, as Alibaba's RPC gateway ignores them; `null` counts as
//!   not given; an empty `AuthKey` counts as not given.
//! * `AuthSwitch=on` without an `AuthKey` is not refused: the page does not say it is an
//!   error (a key set earlier stays in force).

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

use crate::url_policy::{check_url, UrlPolicy};
use crate::validation::{FieldError, Report};

/// Error code: a required parameter is not supplied.
pub const MISSING_PARAMETER: &str = "MissingParameter";
/// Error code: a parameter value is not valid.
pub const INVALID_PARAMETER: &str = "InvalidParameter";
/// The `HostId` of the error body (the VOD endpoint; regional endpoints are
/// `vod.<region>.aliyuncs.com`).
pub const HOST_ID: &str = "vod.aliyuncs.com";
/// Longest `CallbackURL`, in bytes.
pub const CALLBACK_URL_MAX_BYTES: usize = 256;
/// Longest `AuthKey`, in characters.
pub const AUTH_KEY_MAX_LEN: usize = 32;

/// The parameters of `SetMessageCallback`, in documentation order.
pub const FIELDS: [&str; 8] = [
    "CallbackType",
    "CallbackURL",
    "EventTypeList",
    "AuthSwitch",
    "AuthKey",
    "MnsEndpoint",
    "MnsQueueName",
    "AppId",
];

/// The parameters of `SetMessageCallback` (all strings; `None` = not given).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SetMessageCallback {
    /// `HTTP` or `MNS`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub callback_type: Option<String>,
    /// The one HTTP callback URL, at most 256 bytes (for mediahook:
    /// `https://<worker>/v1/hooks/<source>`).
    #[serde(
        rename = "CallbackURL",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub callback_url: Option<String>,
    /// Empty (none), `ALL`, or a comma-separated list of event types.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event_type_list: Option<String>,
    /// `on` or `off`: sign callbacks with `AuthKey`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auth_switch: Option<String>,
    /// At most 32 characters with uppercase, lowercase and digits.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auth_key: Option<String>,
    /// The MNS endpoint (type `MNS`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mns_endpoint: Option<String>,
    /// The MNS queue (type `MNS`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mns_queue_name: Option<String>,
    /// The VOD application (default `app-1000000`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app_id: Option<String>,
}

struct Errors(Vec<FieldError>);

impl Errors {
    fn invalid(&mut self, field: &str, constraint: &str) {
        self.0.push(FieldError::new(
            field,
            INVALID_PARAMETER,
            format!("The specified parameter \"{field}\" is not valid. {constraint}"),
            400,
        ));
    }
    fn missing(&mut self, field: &str, constraint: &str) {
        self.0.push(FieldError::new(
            field,
            MISSING_PARAMETER,
            format!("The input parameter \"{field}\" that is mandatory for processing this request is not supplied. {constraint}"),
            400,
        ));
    }
}

fn string_field<'a>(obj: &'a Map<String, Value>, field: &str, e: &mut Errors) -> Option<&'a str> {
    match obj.get(field) {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s),
        Some(_) => {
            e.invalid(field, &format!("{field} must be a string."));
            None
        }
    }
}

fn is_event_list(s: &str) -> bool {
    s.is_empty()
        || s.split(',').all(|item| {
            let item = item.trim_matches(' ');
            !item.is_empty() && item.bytes().all(|b| b.is_ascii_alphanumeric())
        })
}

/// Validates a `SetMessageCallback` request body with the rules of the module table.
/// Returns every problem, in documentation order, and for the first one the Alibaba error
/// body with `request_id`.
pub fn validate(config: &Value, policy: &UrlPolicy, request_id: &str) -> Report {
    let mut e = Errors(Vec::new());
    let Some(obj) = config.as_object() else {
        e.0.push(FieldError::new(
            "",
            INVALID_PARAMETER,
            "The specified parameter is not valid. The request body must be a JSON object.",
            400,
        ));
        return finish(e.0, request_id);
    };
    let ty = string_field(obj, "CallbackType", &mut e);
    if let Some(t) = ty {
        if t != "HTTP" && t != "MNS" {
            e.invalid("CallbackType", "CallbackType must be HTTP or MNS.");
        }
    }
    let wrong_type = |f: &str| matches!(obj.get(f), Some(v) if !v.is_null() && !v.is_string());
    let http = !wrong_type("CallbackType") && ty.unwrap_or("HTTP") == "HTTP";
    let url_wrong_type = wrong_type("CallbackURL");
    match string_field(obj, "CallbackURL", &mut e) {
        None | Some("") if http && !url_wrong_type => {
            e.missing(
                "CallbackURL",
                "CallbackURL is required when CallbackType is HTTP.",
            );
        }
        Some(url) if !url.is_empty() => {
            if url.len() > CALLBACK_URL_MAX_BYTES {
                e.invalid(
                    "CallbackURL",
                    &format!("CallbackURL must be at most {CALLBACK_URL_MAX_BYTES} bytes."),
                );
            } else if let Err(why) = check_url(url, policy) {
                e.invalid(
                    "CallbackURL",
                    &format!("CallbackURL is not allowed: {why}."),
                );
            }
        }
        _ => {}
    }
    if let Some(list) = string_field(obj, "EventTypeList", &mut e) {
        if !is_event_list(list) {
            e.invalid(
                "EventTypeList",
                "EventTypeList must be empty, ALL, or a comma-separated list of event types.",
            );
        }
    }
    if let Some(s) = string_field(obj, "AuthSwitch", &mut e) {
        if s != "on" && s != "off" {
            e.invalid("AuthSwitch", "AuthSwitch must be on or off.");
        }
    }
    if let Some(k) = string_field(obj, "AuthKey", &mut e) {
        let classes = [
            k.bytes().any(|b| b.is_ascii_uppercase()),
            k.bytes().any(|b| b.is_ascii_lowercase()),
            k.bytes().any(|b| b.is_ascii_digit()),
        ];
        if !k.is_empty() && (k.chars().count() > AUTH_KEY_MAX_LEN || classes.contains(&false)) {
            e.invalid(
                "AuthKey",
                &format!("AuthKey must be at most {AUTH_KEY_MAX_LEN} characters and contain uppercase letters, lowercase letters and digits."),
            );
        }
    }
    for field in ["MnsEndpoint", "MnsQueueName", "AppId"] {
        string_field(obj, field, &mut e);
    }
    finish(e.0, request_id)
}

fn finish(errors: Vec<FieldError>, request_id: &str) -> Report {
    let response = errors.first().map(|e| {
        json!({
            "RequestId": request_id,
            "HostId": HOST_ID,
            "Code": e.code,
            "Message": e.message,
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

    #[test]
    fn valid_configs_and_round_trip() {
        let body = json!({
            "CallbackType": "HTTP",
            "CallbackURL": "https://hooks.example.com/v1/hooks/aliyun-prod",
            "EventTypeList": "FileUploadComplete,TranscodeComplete, AIComplete",
            "AuthSwitch": "on",
            "AuthKey": "AliAuthKey2024X",
            "AppId": "app-1000000"
        });
        assert!(validate(&body, &P, "r").is_ok());
        let typed: SetMessageCallback = serde_json::from_value(body.clone()).unwrap();
        assert_eq!(
            typed.callback_url.as_deref(),
            Some("https://hooks.example.com/v1/hooks/aliyun-prod")
        );
        assert_eq!(serde_json::to_value(&typed).unwrap(), body);
        for ok in [
            json!({"CallbackURL": "https://a.example.com/cb"}),
            json!({"CallbackType": "MNS", "MnsEndpoint": "https://1.mns.cn-shanghai.aliyuncs.com/", "MnsQueueName": "q"}),
            json!({"CallbackURL": "https://a.example.com/cb", "EventTypeList": ""}),
            json!({"CallbackURL": "https://a.example.com/cb", "EventTypeList": "ALL", "AuthSwitch": "off", "AuthKey": ""}),
            json!({"CallbackURL": format!("https://a.example.com/{}", "x".repeat(256 - 22)), "Unknown": 1}),
            json!({"CallbackURL": "https://a.example.com/cb", "AuthKey": "aA1".repeat(10) + "bB"}),
        ] {
            let r = validate(&ok, &P, "r");
            assert!(r.is_ok(), "{ok}: {r:?}");
        }
    }

    #[test]
    fn every_rule() {
        let url = "https://a.example.com/cb";
        let cases: Vec<(Value, &str, &str, &str)> = vec![
            (json!({}), "CallbackURL", MISSING_PARAMETER, "The input parameter \"CallbackURL\" that is mandatory for processing this request is not supplied. CallbackURL is required when CallbackType is HTTP."),
            (json!({"CallbackType": "HTTP", "CallbackURL": ""}), "CallbackURL", MISSING_PARAMETER, "The input parameter \"CallbackURL\" that is mandatory for processing this request is not supplied. CallbackURL is required when CallbackType is HTTP."),
            (json!({"CallbackType": "http", "CallbackURL": url}), "CallbackType", INVALID_PARAMETER, "The specified parameter \"CallbackType\" is not valid. CallbackType must be HTTP or MNS."),
            (json!({"CallbackURL": format!("https://a.example.com/{}", "x".repeat(256 - 21))}), "CallbackURL", INVALID_PARAMETER, "The specified parameter \"CallbackURL\" is not valid. CallbackURL must be at most 256 bytes."),
            (json!({"CallbackURL": "http://192.168.1.1/cb"}), "CallbackURL", INVALID_PARAMETER, "The specified parameter \"CallbackURL\" is not valid. CallbackURL is not allowed: the host is a private network address."),
            (json!({"CallbackURL": url, "EventTypeList": "FileUploadComplete,,TranscodeComplete"}), "EventTypeList", INVALID_PARAMETER, "The specified parameter \"EventTypeList\" is not valid. EventTypeList must be empty, ALL, or a comma-separated list of event types."),
            (json!({"CallbackURL": url, "AuthSwitch": "ON"}), "AuthSwitch", INVALID_PARAMETER, "The specified parameter \"AuthSwitch\" is not valid. AuthSwitch must be on or off."),
            (json!({"CallbackURL": url, "AuthKey": "alllowercase1"}), "AuthKey", INVALID_PARAMETER, "The specified parameter \"AuthKey\" is not valid. AuthKey must be at most 32 characters and contain uppercase letters, lowercase letters and digits."),
            (json!({"CallbackURL": url, "AuthKey": "aA1".repeat(11)}), "AuthKey", INVALID_PARAMETER, "The specified parameter \"AuthKey\" is not valid. AuthKey must be at most 32 characters and contain uppercase letters, lowercase letters and digits."),
            (json!({"CallbackURL": url, "AppId": 1000000}), "AppId", INVALID_PARAMETER, "The specified parameter \"AppId\" is not valid. AppId must be a string."),
            (json!({"CallbackURL": url, "AuthSwitch": true}), "AuthSwitch", INVALID_PARAMETER, "The specified parameter \"AuthSwitch\" is not valid. AuthSwitch must be a string."),
            (json!({"CallbackURL": 5}), "CallbackURL", INVALID_PARAMETER, "The specified parameter \"CallbackURL\" is not valid. CallbackURL must be a string."),
            (json!({"CallbackType": 1}), "CallbackType", INVALID_PARAMETER, "The specified parameter \"CallbackType\" is not valid. CallbackType must be a string."),
        ];
        for (body, field, code, msg) in cases {
            let r = validate(&body, &P, "rid-1");
            assert_eq!(r.errors.len(), 1, "{body}: {r:?}");
            let e = &r.errors[0];
            assert_eq!(
                (
                    e.field.as_str(),
                    e.code.as_str(),
                    e.message.as_str(),
                    e.status
                ),
                (field, code, msg, 400),
                "{body}"
            );
            assert_eq!(
                r.response,
                Some(
                    json!({"RequestId": "rid-1", "HostId": HOST_ID, "Code": code, "Message": msg})
                )
            );
        }
    }

    #[test]
    fn all_problems_in_order_and_odd_bodies() {
        let body = json!({"AuthKey": "x", "AuthSwitch": "yes", "EventTypeList": "a b", "CallbackURL": "ftp://x.example.com/", "CallbackType": "SMS"});
        let fields: Vec<String> = validate(&body, &P, "r")
            .errors
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(
            fields,
            vec![
                "CallbackType",
                "CallbackURL",
                "EventTypeList",
                "AuthSwitch",
                "AuthKey"
            ]
        );
        for v in [json!(null), json!([]), json!("x"), json!(1)] {
            assert_eq!(
                rows(&validate(&v, &P, "r")),
                vec![("".to_string(), INVALID_PARAMETER.to_string())]
            );
        }
        let local = json!({"CallbackURL": "http://127.0.0.1:8787/v1/hooks/a"});
        assert!(!validate(&local, &P, "r").is_ok());
        assert!(validate(
            &local,
            &UrlPolicy {
                allow_loopback: true
            },
            "r"
        )
        .is_ok());
    }
}
