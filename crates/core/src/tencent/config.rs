//! `ModifyEventConfig` (VOD API version 2018-07-17): the event-notification settings, and
//! their validation with the errors Tencent Cloud answers with.
//!
//! Every parameter is optional. Bad input is `InvalidParameter` (HTTP 400); a parameter the
//! API does not define is `UnknownParameter` (HTTP 400), as TencentCloud API 3.0 answers.
//! The error body is `{"Response":{"Error":{"Code":..,"Message":..},"RequestId":..}}`.
//!
//! **Decisions**:
//! * `null` counts as "not given" (like an absent parameter).
//! * An empty `SignKey` is accepted (0 characters is within "at most 32").
//! * Unknown parameters are reported before the other problems: the API gateway refuses
//!   them before the action looks at the values.

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::url_policy::{check_url, UrlPolicy};
use crate::validation::{FieldError, Report};

/// The error code of every invalid value.
pub const INVALID_PARAMETER: &str = "InvalidParameter";
/// The error code of a parameter the API does not define.
pub const UNKNOWN_PARAMETER: &str = "UnknownParameter";
/// Longest accepted `SignKey`.
pub const SIGN_KEY_MAX_LEN: usize = 32;

/// The parameters of `ModifyEventConfig` (all optional; `None` = leave unchanged).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ModifyEventConfig {
    /// `PUSH` (HTTP callbacks) or `PULL` (reliable notification via `PullEvents`).
    #[serde(rename = "Mode", default, skip_serializing_if = "Option::is_none")]
    pub mode: Option<String>,
    /// The callback URL (format 3.0); an empty string clears it.
    #[serde(
        rename = "NotificationUrl",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub notification_url: Option<String>,
    /// `ON` | `OFF`: media upload completed events.
    #[serde(
        rename = "UploadMediaCompleteEventSwitch",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub upload_media_complete_event_switch: Option<String>,
    /// `ON` | `OFF`: media deletion completed events.
    #[serde(
        rename = "DeleteMediaCompleteEventSwitch",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub delete_media_complete_event_switch: Option<String>,
    /// `ON` | `OFF`: clip persistence completed events.
    #[serde(
        rename = "PersistenceCompleteEventSwitch",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub persistence_complete_event_switch: Option<String>,
    /// The callback signing key: ASCII letters and digits, at most 32.
    #[serde(rename = "SignKey", default, skip_serializing_if = "Option::is_none")]
    pub sign_key: Option<String>,
    /// The VOD application id.
    #[serde(rename = "SubAppId", default, skip_serializing_if = "Option::is_none")]
    pub sub_app_id: Option<u64>,
}

/// The parameter names `ModifyEventConfig` accepts, in documentation order.
pub const FIELDS: [&str; 7] = [
    "Mode",
    "NotificationUrl",
    "UploadMediaCompleteEventSwitch",
    "DeleteMediaCompleteEventSwitch",
    "PersistenceCompleteEventSwitch",
    "SignKey",
    "SubAppId",
];

const SWITCHES: [&str; 3] = [
    "UploadMediaCompleteEventSwitch",
    "DeleteMediaCompleteEventSwitch",
    "PersistenceCompleteEventSwitch",
];

fn invalid(field: &str, message: String) -> FieldError {
    FieldError::new(field, INVALID_PARAMETER, message, 400)
}

/// The value of a parameter as a string, `Ok(None)` when absent or `null`.
fn string_field<'a>(
    obj: &'a serde_json::Map<String, Value>,
    field: &str,
    errors: &mut Vec<FieldError>,
) -> Option<&'a str> {
    match obj.get(field) {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s.as_str()),
        Some(_) => {
            errors.push(invalid(field, format!("{field} must be a string")));
            None
        }
    }
}

/// Validates a `ModifyEventConfig` request body exactly as Tencent Cloud would.
///
/// Returns every problem (unknown parameters first, then the parameters in documentation
/// order) and, for the first one, the Tencent error body with `request_id`.
pub fn validate(config: &Value, policy: &UrlPolicy, request_id: &str) -> Report {
    let mut errors = Vec::new();
    let Some(obj) = config.as_object() else {
        errors.push(invalid(
            "",
            String::from("The request body must be a JSON object"),
        ));
        return finish(errors, request_id);
    };

    for key in obj.keys().filter(|k| !FIELDS.contains(&k.as_str())) {
        errors.push(FieldError::new(
            key.as_str(),
            UNKNOWN_PARAMETER,
            format!("The parameter `{key}` is not recognized"),
            400,
        ));
    }

    if let Some(mode) = string_field(obj, "Mode", &mut errors) {
        if mode != "PUSH" && mode != "PULL" {
            errors.push(invalid(
                "Mode",
                String::from("Mode must be one of PUSH, PULL"),
            ));
        }
    }

    if let Some(url) = string_field(obj, "NotificationUrl", &mut errors) {
        if !url.is_empty() {
            if let Err(why) = check_url(url, policy) {
                errors.push(invalid(
                    "NotificationUrl",
                    format!("NotificationUrl is not allowed: {why}"),
                ));
            }
        }
    }

    for field in SWITCHES {
        if let Some(v) = string_field(obj, field, &mut errors) {
            if v != "ON" && v != "OFF" {
                errors.push(invalid(field, format!("{field} must be ON or OFF")));
            }
        }
    }

    if let Some(key) = string_field(obj, "SignKey", &mut errors) {
        if !key.bytes().all(|b| b.is_ascii_alphanumeric()) {
            errors.push(invalid(
                "SignKey",
                String::from("SignKey must consist of ASCII letters and digits only"),
            ));
        } else if key.len() > SIGN_KEY_MAX_LEN {
            errors.push(invalid(
                "SignKey",
                format!("SignKey must be at most {SIGN_KEY_MAX_LEN} characters long"),
            ));
        }
    }

    match obj.get("SubAppId") {
        None | Some(Value::Null) => {}
        Some(v) if v.as_u64().is_some() => {}
        Some(_) => errors.push(invalid(
            "SubAppId",
            String::from("SubAppId must be an unsigned integer"),
        )),
    }

    finish(errors, request_id)
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

    fn codes(r: &Report) -> Vec<(String, String)> {
        r.errors
            .iter()
            .map(|e| (e.field.clone(), e.code.clone()))
            .collect()
    }

    #[test]
    fn documented_example_is_valid() {
        // https://vod.intl.tencentcloudapi.com/?Action=ModifyEventConfig&Mode=PUSH
        //   &NotificationUrl=http://mydemo.com/receiveevent&UploadMediaCompleteEventSwitch=ON
        let body = json!({
            "Mode": "PUSH",
            "NotificationUrl": "http://mydemo.com/receiveevent",
            "UploadMediaCompleteEventSwitch": "ON"
        });
        let r = validate(&body, &P, "req-1");
        assert!(r.is_ok(), "{r:?}");
        assert_eq!(r.response, None);
        assert_eq!(r.status(), None);
    }

    #[test]
    fn full_valid_config_and_serde_round_trip() {
        let body = json!({
            "Mode": "PULL",
            "NotificationUrl": "",
            "UploadMediaCompleteEventSwitch": "OFF",
            "DeleteMediaCompleteEventSwitch": "ON",
            "PersistenceCompleteEventSwitch": "ON",
            "SignKey": "Hk3pQ9zLmW2xR7tYHk3pQ9zLmW2xR7tY",
            "SubAppId": 1500000001u64
        });
        assert!(validate(&body, &P, "r").is_ok());
        let typed: ModifyEventConfig = serde_json::from_value(body.clone()).unwrap();
        assert_eq!(typed.mode.as_deref(), Some("PULL"));
        assert_eq!(typed.sub_app_id, Some(1_500_000_001));
        assert_eq!(serde_json::to_value(&typed).unwrap(), body);
        assert!(validate(&json!({}), &P, "r").is_ok());
        assert_eq!(
            serde_json::to_value(ModifyEventConfig::default()).unwrap(),
            json!({})
        );
        assert!(validate(
            &json!({"SignKey": "", "SubAppId": 0, "Mode": null}),
            &P,
            "r"
        )
        .is_ok());
        assert!(validate(&json!({"SubAppId": u64::MAX}), &P, "r").is_ok());
    }

    #[test]
    fn every_error_row() {
        let cases = [
            (json!({"Mode": "push"}), "Mode", "Mode must be one of PUSH, PULL"),
            (json!({"Mode": ""}), "Mode", "Mode must be one of PUSH, PULL"),
            (json!({"Mode": 1}), "Mode", "Mode must be a string"),
            (
                json!({"NotificationUrl": "http://127.0.0.1/cb"}),
                "NotificationUrl",
                "NotificationUrl is not allowed: the host is a loopback address",
            ),
            (
                json!({"NotificationUrl": "ftp://example.com/"}),
                "NotificationUrl",
                "NotificationUrl is not allowed: the URL is not an absolute http:// or https:// URL",
            ),
            (json!({"NotificationUrl": ["x"]}), "NotificationUrl", "NotificationUrl must be a string"),
            (
                json!({"UploadMediaCompleteEventSwitch": "on"}),
                "UploadMediaCompleteEventSwitch",
                "UploadMediaCompleteEventSwitch must be ON or OFF",
            ),
            (
                json!({"DeleteMediaCompleteEventSwitch": true}),
                "DeleteMediaCompleteEventSwitch",
                "DeleteMediaCompleteEventSwitch must be a string",
            ),
            (
                json!({"PersistenceCompleteEventSwitch": "YES"}),
                "PersistenceCompleteEventSwitch",
                "PersistenceCompleteEventSwitch must be ON or OFF",
            ),
            (json!({"SignKey": "abc-123"}), "SignKey", "SignKey must consist of ASCII letters and digits only"),
            (json!({"SignKey": "ключ"}), "SignKey", "SignKey must consist of ASCII letters and digits only"),
            (json!({"SignKey": "a".repeat(33)}), "SignKey", "SignKey must be at most 32 characters long"),
            (json!({"SignKey": 12345}), "SignKey", "SignKey must be a string"),
            (json!({"SubAppId": -1}), "SubAppId", "SubAppId must be an unsigned integer"),
            (json!({"SubAppId": 1.5}), "SubAppId", "SubAppId must be an unsigned integer"),
            (json!({"SubAppId": "1500000001"}), "SubAppId", "SubAppId must be an unsigned integer"),
        ];
        for (body, field, message) in cases {
            let r = validate(&body, &P, "req-9");
            assert_eq!(r.errors.len(), 1, "{body}");
            let e = &r.errors[0];
            assert_eq!(
                (
                    e.field.as_str(),
                    e.code.as_str(),
                    e.message.as_str(),
                    e.status
                ),
                (field, "InvalidParameter", message, 400),
                "{body}"
            );
            assert_eq!(
                r.response,
                Some(
                    json!({"Response": {"Error": {"Code": "InvalidParameter", "Message": message}, "RequestId": "req-9"}})
                )
            );
        }
    }

    #[test]
    fn sub_app_id_bigger_than_u64_is_refused() {
        let body: Value = serde_json::from_str(r#"{"SubAppId": 18446744073709551616}"#).unwrap();
        assert_eq!(
            codes(&validate(&body, &P, "r")),
            vec![("SubAppId".to_string(), "InvalidParameter".to_string())]
        );
    }

    #[test]
    fn unknown_parameters_come_first() {
        let body = json!({"Mode": "X", "Foo": 1, "notificationUrl": "http://example.com/"});
        let r = validate(&body, &P, "rid");
        assert_eq!(
            codes(&r),
            vec![
                ("Foo".to_string(), "UnknownParameter".to_string()),
                (
                    "notificationUrl".to_string(),
                    "UnknownParameter".to_string()
                ),
                ("Mode".to_string(), "InvalidParameter".to_string()),
            ]
        );
        assert_eq!(r.errors[0].message, "The parameter `Foo` is not recognized");
        assert_eq!(
            r.response,
            Some(
                json!({"Response": {"Error": {"Code": "UnknownParameter", "Message": "The parameter `Foo` is not recognized"}, "RequestId": "rid"}})
            )
        );
    }

    #[test]
    fn reports_all_problems_in_order() {
        let body = json!({
            "SubAppId": "x",
            "SignKey": "bad key",
            "PersistenceCompleteEventSwitch": "x",
            "DeleteMediaCompleteEventSwitch": "x",
            "UploadMediaCompleteEventSwitch": "x",
            "NotificationUrl": "http://169.254.169.254/",
            "Mode": "x"
        });
        let r = validate(&body, &P, "r");
        let fields: Vec<&str> = r.errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, FIELDS.to_vec());
        assert_eq!(r.status(), Some(400));
    }

    #[test]
    fn policy_is_applied() {
        let body = json!({"NotificationUrl": "http://localhost:8787/hook"});
        assert!(!validate(&body, &P, "r").is_ok());
        assert!(validate(
            &body,
            &UrlPolicy {
                allow_loopback: true
            },
            "r"
        )
        .is_ok());
    }

    #[test]
    fn odd_inputs_do_not_panic() {
        let odd = [
            json!(null),
            json!(1),
            json!("Mode"),
            json!([{"Mode": "PUSH"}]),
            json!(true),
            json!({"Mode": {"nested": [1, {"x": null}]}, "SubAppId": [], "SignKey": {}, "": ""}),
        ];
        for v in odd {
            let r = validate(&v, &P, "r");
            assert!(!r.is_ok(), "{v}");
            assert!(r.response.is_some());
        }
        let r = validate(&json!([]), &P, "r");
        assert_eq!(
            r.errors[0].message,
            "The request body must be a JSON object"
        );
        assert_eq!(r.errors[0].field, "");
    }
}
