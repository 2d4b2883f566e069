//! `UpdateCallback` (Volcengine Live API version 2023-01-01): add or replace the callback
//! configuration of one message type, and its validation with the errors Volcengine answers
//! with (all HTTP 400):
//!
//! | when | Code | Message |
//! |---|---|---|
//! | a field has the wrong JSON type | `InvalidParam.BindError` | `Request parameter error, please check input data` |
//! | required field missing/empty | `InvalidParam.Empty` | `<Field> is required` |
//! | bad characters / bad URL | `InvalidParam.Format` | `<Field> format error` |
//! | enum or range | `InvalidParam.OutOfRange` | `<Field> should be one of {[a b c]}` / `<Field> should be between <min> and <max>` |
//! | `Domain` and `App` together | `InvalidParam.DomainAndApp` | `domain and app exist can not exist at the same time` |
//! | both `Vhost` and `Domain` | `InvalidParam` | `Vhost and Domain can not exist at the same time` |
//!
//! Error body: `{"ResponseMetadata":{"RequestId","Action","Version","Service","Region",
//! "Error":{"Code","Message"}}}`.
//!
//! **Decisions**:
//! * Unknown fields are ignored (Volcengine binds JSON into a struct and drops them).
//! * `null` counts as "not given"; an empty string counts as missing (`Vhost: ""` is no
//!   Vhost, `App: ""` is all apps).
//! * `Vhost`/`Domain` must be a DNS host name: at least two labels of letters, digits and
//!   `-` (not at a label's ends), 1–63 each, at most 253 in all, the last not all digits.
//! * `CallbackType` is compared case-insensitively (`HTTP` is accepted: the vendor's own
//!   page calls it "HTTP"). `URL` length counts characters; a `URL` that is not an http(s)
//!   URL or that the [`UrlPolicy`] refuses is `URL format error`.
//! * At most one problem per field and rule; the problems come in field order, items of
//!   `CallbackDetailList` as `CallbackDetailList[i].URL`.

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

use crate::url_policy::{check_url, UrlPolicy};
use crate::validation::{FieldError, Report};

/// Error code: a field has the wrong JSON type.
pub const BIND_ERROR: &str = "InvalidParam.BindError";
/// Error code: a required field is missing or empty.
pub const EMPTY: &str = "InvalidParam.Empty";
/// Error code: bad characters or a bad URL.
pub const FORMAT: &str = "InvalidParam.Format";
/// Error code: a value outside its enum or range.
pub const OUT_OF_RANGE: &str = "InvalidParam.OutOfRange";
/// Error code: `Domain` and `App` given together.
pub const DOMAIN_AND_APP: &str = "InvalidParam.DomainAndApp";
/// Error code: both `Vhost` and `Domain` given.
pub const INVALID_PARAM: &str = "InvalidParam";

/// The accepted `MessageType` values.
pub const MESSAGE_TYPES: [&str; 5] = ["push", "push_end", "snapshot", "record", "audit_snapshot"];
/// Longest accepted callback `URL`, in characters.
pub const URL_MAX_LEN: usize = 100;
/// Longest accepted `App`, in characters.
pub const APP_MAX_LEN: usize = 30;

const BIND_MESSAGE: &str = "Request parameter error, please check input data";

/// The body of `UpdateCallback`. `MessageType` and `CallbackDetailList` are required and
/// exactly one of `Vhost`/`Domain` must be given; [`validate`] checks all of that.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UpdateCallback {
    /// `push`, `push_end`, `snapshot`, `record` or `audit_snapshot`.
    #[serde(
        rename = "MessageType",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub message_type: Option<String>,
    /// The domain space (vhost); give this or `Domain`.
    #[serde(rename = "Vhost", default, skip_serializing_if = "Option::is_none")]
    pub vhost: Option<String>,
    /// The push domain; give this or `Vhost`.
    #[serde(rename = "Domain", default, skip_serializing_if = "Option::is_none")]
    pub domain: Option<String>,
    /// The application name (1–30 of `[A-Za-z0-9_.-]`); not together with `Domain`.
    #[serde(rename = "App", default, skip_serializing_if = "Option::is_none")]
    pub app: Option<String>,
    /// Also call back for transcoded streams: `0` (default) or `1`.
    #[serde(
        rename = "TranscodeCallback",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub transcode_callback: Option<i64>,
    /// Where to send the callbacks.
    #[serde(
        rename = "CallbackDetailList",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub callback_detail_list: Option<Vec<CallbackDetail>>,
    /// Sign callbacks with `AuthKeyPrimary`.
    #[serde(
        rename = "AuthEnable",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub auth_enable: Option<bool>,
    /// The signing key; required when `AuthEnable` is true.
    #[serde(
        rename = "AuthKeyPrimary",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub auth_key_primary: Option<String>,
}

/// One callback target of [`UpdateCallback::callback_detail_list`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CallbackDetail {
    /// Always `http` (covers HTTP and HTTPS URLs).
    #[serde(
        rename = "CallbackType",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub callback_type: Option<String>,
    /// The callback URL, 1–100 characters.
    #[serde(rename = "URL", default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

/// A field looked up in a JSON object.
enum Field<'a> {
    /// Absent or `null`.
    Absent,
    Str(&'a str),
    /// Present with another JSON type than expected.
    WrongType,
}

impl<'a> Field<'a> {
    fn string(obj: &'a Map<String, Value>, name: &str) -> Self {
        match obj.get(name) {
            None | Some(Value::Null) => Field::Absent,
            Some(Value::String(s)) => Field::Str(s),
            Some(_) => Field::WrongType,
        }
    }

    /// The value when it is a non-empty string.
    fn given(&self) -> Option<&'a str> {
        match self {
            Field::Str(s) if !s.is_empty() => Some(s),
            _ => None,
        }
    }
}

struct Errors(Vec<FieldError>);

impl Errors {
    fn push(&mut self, field: &str, code: &str, message: impl Into<String>) {
        self.0.push(FieldError::new(field, code, message, 400));
    }

    fn bind(&mut self, field: &str) {
        self.push(field, BIND_ERROR, BIND_MESSAGE);
    }

    fn empty(&mut self, field: &str, name: &str) {
        self.push(field, EMPTY, format!("{name} is required"));
    }
}

/// A DNS host name: ≥ 2 labels of `[A-Za-z0-9-]`, 1–63 each and not starting or ending with
/// `-`, ≤ 253 in all, the last label not all digits.
fn is_host_name(s: &str) -> bool {
    let labels: Vec<&str> = s.split('.').collect();
    let label_ok = |l: &&str| {
        !l.is_empty()
            && l.len() <= 63
            && !l.starts_with('-')
            && !l.ends_with('-')
            && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
    };
    s.len() <= 253
        && labels.len() >= 2
        && labels.iter().all(label_ok)
        && labels
            .last()
            .is_some_and(|l| !l.bytes().all(|b| b.is_ascii_digit()))
}

fn is_app_name(s: &str) -> bool {
    (1..=APP_MAX_LEN).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-'))
}

/// Validates an `UpdateCallback` request body exactly as Volcengine would.
///
/// Returns every problem, in field order, and for the first one the Volcengine error body
/// with `request_id`.
pub fn validate(config: &Value, policy: &UrlPolicy, request_id: &str) -> Report {
    let mut e = Errors(Vec::new());
    if let Some(obj) = config.as_object() {
        check_object(obj, policy, &mut e);
    } else {
        e.bind("");
    }
    let errors = e.0;
    let response = errors.first().map(|err| {
        json!({
            "ResponseMetadata": {
                "RequestId": request_id,
                "Action": "UpdateCallback",
                "Version": "2023-01-01",
                "Service": "live",
                "Region": "cn-north-1",
                "Error": { "Code": err.code, "Message": err.message },
            }
        })
    });
    Report { errors, response }
}

fn check_object(obj: &Map<String, Value>, policy: &UrlPolicy, e: &mut Errors) {
    // MessageType
    match Field::string(obj, "MessageType") {
        Field::WrongType => e.bind("MessageType"),
        f => match f.given() {
            None => e.empty("MessageType", "MessageType"),
            Some(t) if !MESSAGE_TYPES.contains(&t) => e.push(
                "MessageType",
                OUT_OF_RANGE,
                "MessageType should be one of {[push push_end snapshot record audit_snapshot]}",
            ),
            Some(_) => {}
        },
    }

    // Vhost / Domain: exactly one.
    let vhost = Field::string(obj, "Vhost");
    let domain = Field::string(obj, "Domain");
    for (name, f) in [("Vhost", &vhost), ("Domain", &domain)] {
        match f {
            Field::WrongType => e.bind(name),
            f => {
                if name == "Vhost"
                    && vhost.given().is_none()
                    && domain.given().is_none()
                    && !matches!(domain, Field::WrongType)
                {
                    e.empty("Vhost", "Vhost");
                }
                if f.given().is_some_and(|h| !is_host_name(h)) {
                    e.push(name, FORMAT, format!("{name} format error"));
                }
            }
        }
    }
    if vhost.given().is_some() && domain.given().is_some() {
        e.push(
            "Domain",
            INVALID_PARAM,
            "Vhost and Domain can not exist at the same time",
        );
    }

    // App
    match Field::string(obj, "App") {
        Field::WrongType => e.bind("App"),
        app => {
            if app.given().is_some_and(|a| !is_app_name(a)) {
                e.push("App", FORMAT, "App format error");
            }
            if app.given().is_some() && domain.given().is_some() {
                e.push(
                    "App",
                    DOMAIN_AND_APP,
                    "domain and app exist can not exist at the same time",
                );
            }
        }
    }

    // TranscodeCallback
    match obj.get("TranscodeCallback") {
        None | Some(Value::Null) => {}
        Some(Value::Number(n)) if n.is_i64() || n.is_u64() => {
            if !matches!(n.as_i64(), Some(0 | 1)) {
                e.push(
                    "TranscodeCallback",
                    OUT_OF_RANGE,
                    "TranscodeCallback should be one of {[0 1]}",
                );
            }
        }
        Some(_) => e.bind("TranscodeCallback"),
    }

    // CallbackDetailList
    match obj.get("CallbackDetailList") {
        None | Some(Value::Null) => e.empty("CallbackDetailList", "CallbackDetailList"),
        Some(Value::Array(items)) if items.is_empty() => {
            e.empty("CallbackDetailList", "CallbackDetailList");
        }
        Some(Value::Array(items)) => {
            let empty = Map::new();
            for (i, item) in items.iter().enumerate() {
                let path = format!("CallbackDetailList[{i}]");
                let item = match item {
                    Value::Object(o) => o,
                    Value::Null => &empty,
                    _ => {
                        e.bind(&path);
                        continue;
                    }
                };
                check_detail(item, &path, policy, e);
            }
        }
        Some(_) => e.bind("CallbackDetailList"),
    }

    // AuthEnable / AuthKeyPrimary
    let auth_enable = match obj.get("AuthEnable") {
        None | Some(Value::Null) => Some(false),
        Some(Value::Bool(b)) => Some(*b),
        Some(_) => {
            e.bind("AuthEnable");
            None
        }
    };
    match Field::string(obj, "AuthKeyPrimary") {
        Field::WrongType => e.bind("AuthKeyPrimary"),
        key => {
            if auth_enable == Some(true) && key.given().is_none() {
                e.empty("AuthKeyPrimary", "AuthKeyPrimary");
            }
        }
    }
}

fn check_detail(item: &Map<String, Value>, path: &str, policy: &UrlPolicy, e: &mut Errors) {
    let field = format!("{path}.CallbackType");
    match Field::string(item, "CallbackType") {
        Field::WrongType => e.bind(&field),
        f => match f.given() {
            None => e.empty(&field, "CallbackType"),
            Some(t) if !t.eq_ignore_ascii_case("http") => {
                e.push(
                    &field,
                    OUT_OF_RANGE,
                    "CallbackType should be one of {[http]}",
                );
            }
            Some(_) => {}
        },
    }
    let field = format!("{path}.URL");
    match Field::string(item, "URL") {
        Field::WrongType => e.bind(&field),
        f => match f.given() {
            None => e.empty(&field, "URL"),
            Some(url) if url.chars().count() > URL_MAX_LEN => {
                e.push(
                    &field,
                    OUT_OF_RANGE,
                    format!("URL should be between 1 and {URL_MAX_LEN}"),
                );
            }
            Some(url) if check_url(url, policy).is_err() => {
                e.push(&field, FORMAT, "URL format error")
            }
            Some(_) => {}
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::ToString;
    use alloc::vec;

    const P: UrlPolicy = UrlPolicy {
        allow_loopback: false,
    };

    fn base() -> Value {
        json!({
            "Vhost": "push.live.example.com",
            "MessageType": "push",
            "CallbackDetailList": [{"CallbackType": "http", "URL": "http://example.com/callback"}]
        })
    }

    fn with(mut v: Value, key: &str, value: Value) -> Value {
        v.as_object_mut().unwrap().insert(key.to_string(), value);
        v
    }

    fn without(mut v: Value, key: &str) -> Value {
        v.as_object_mut().unwrap().remove(key);
        v
    }

    fn summary(r: &Report) -> Vec<(String, String, String)> {
        r.errors
            .iter()
            .map(|e| (e.field.clone(), e.code.clone(), e.message.clone()))
            .collect()
    }

    fn one(body: &Value, field: &str, code: &str, message: &str) {
        let r = validate(body, &P, "rid");
        assert_eq!(
            summary(&r),
            vec![(field.to_string(), code.to_string(), message.to_string())],
            "{body}"
        );
        assert_eq!(r.status(), Some(400));
        assert_eq!(
            r.response,
            Some(json!({"ResponseMetadata": {
                "RequestId": "rid", "Action": "UpdateCallback", "Version": "2023-01-01",
                "Service": "live", "Region": "cn-north-1",
                "Error": {"Code": code, "Message": message}
            }}))
        );
    }

    #[test]
    fn documented_example_is_valid() {
        let body = json!({
            "Vhost": "push.live.example.com",
            "App": "example_app",
            "MessageType": "push",
            "TranscodeCallback": 0,
            "CallbackDetailList": [
                {"CallbackType": "http", "URL": "http://example.com/callback"}
            ]
        });
        let r = validate(&body, &P, "201806041104200100100232280022D30");
        assert!(r.is_ok(), "{r:?}");
        assert_eq!(r.response, None);
        let typed: UpdateCallback = serde_json::from_value(body.clone()).unwrap();
        assert_eq!(typed.app.as_deref(), Some("example_app"));
        assert_eq!(typed.callback_detail_list.as_ref().map(Vec::len), Some(1));
        assert_eq!(serde_json::to_value(&typed).unwrap(), body);
    }

    #[test]
    fn other_valid_shapes() {
        for t in MESSAGE_TYPES {
            assert!(
                validate(&with(base(), "MessageType", json!(t)), &P, "r").is_ok(),
                "{t}"
            );
        }
        let domain = with(
            without(base(), "Vhost"),
            "Domain",
            json!("push.example.com"),
        );
        assert!(validate(&domain, &P, "r").is_ok());
        let full = json!({
            "MessageType": "record",
            "Vhost": "vhost-1.example.com",
            "App": "a.b-c_d",
            "TranscodeCallback": 1,
            "CallbackDetailList": [
                {"CallbackType": "HTTP", "URL": "https://hooks.example.com/volc"},
                {"CallbackType": "Http", "URL": "http://8.8.8.8:8080/x", "Extra": 1}
            ],
            "AuthEnable": true,
            "AuthKeyPrimary": "1622194197-0-0-5552e4e20387c6dc18afce",
            "Unknown": {"ignored": true}
        });
        assert!(validate(&full, &P, "r").is_ok());
        let typed: UpdateCallback = serde_json::from_value(full).unwrap();
        assert_eq!(typed.auth_enable, Some(true));
        let detail = CallbackDetail {
            callback_type: Some("http".into()),
            url: Some("https://a.example.com/".into()),
        };
        assert_eq!(
            serde_json::to_value(&detail).unwrap(),
            json!({"CallbackType": "http", "URL": "https://a.example.com/"})
        );
        // Empty strings and null count as not given; AuthEnable false needs no key.
        let v = with(
            with(with(base(), "App", json!("")), "Domain", json!("")),
            "AuthEnable",
            json!(false),
        );
        assert!(validate(&with(v, "TranscodeCallback", Value::Null), &P, "r").is_ok());
        // Exactly 100 characters is fine.
        let url = "https://example.com/".to_string() + &"a".repeat(80);
        let v = with(
            base(),
            "CallbackDetailList",
            json!([{"CallbackType": "http", "URL": url}]),
        );
        assert!(validate(&v, &P, "r").is_ok());
        let v = with(base(), "App", json!("a".repeat(30)));
        assert!(validate(&v, &P, "r").is_ok());
    }

    #[test]
    fn bind_errors() {
        let cases = [
            ("MessageType", json!(1), "MessageType"),
            ("Vhost", json!(["a"]), "Vhost"),
            ("Domain", json!(true), "Domain"),
            ("App", json!({}), "App"),
            ("TranscodeCallback", json!("0"), "TranscodeCallback"),
            ("TranscodeCallback", json!(1.0), "TranscodeCallback"),
            ("TranscodeCallback", json!(0.5), "TranscodeCallback"),
            ("TranscodeCallback", json!(false), "TranscodeCallback"),
            (
                "CallbackDetailList",
                json!({"CallbackType": "http"}),
                "CallbackDetailList",
            ),
            (
                "CallbackDetailList",
                json!("http://example.com/"),
                "CallbackDetailList",
            ),
            (
                "CallbackDetailList",
                json!(["http://example.com/"]),
                "CallbackDetailList[0]",
            ),
            (
                "CallbackDetailList",
                json!([{"CallbackType": 1, "URL": "http://example.com/"}]),
                "CallbackDetailList[0].CallbackType",
            ),
            (
                "CallbackDetailList",
                json!([{"CallbackType": "http", "URL": ["x"]}]),
                "CallbackDetailList[0].URL",
            ),
            ("AuthEnable", json!("true"), "AuthEnable"),
            ("AuthEnable", json!(1), "AuthEnable"),
            ("AuthKeyPrimary", json!(123), "AuthKeyPrimary"),
        ];
        for (key, value, field) in cases {
            one(
                &with(base(), key, value),
                field,
                BIND_ERROR,
                "Request parameter error, please check input data",
            );
        }
        // A vhost of the wrong type does not also count as missing.
        let v = with(without(base(), "Vhost"), "Domain", json!(5));
        one(&v, "Domain", BIND_ERROR, BIND_MESSAGE);
    }

    #[test]
    fn empty_errors() {
        one(
            &without(base(), "MessageType"),
            "MessageType",
            EMPTY,
            "MessageType is required",
        );
        one(
            &with(base(), "MessageType", json!("")),
            "MessageType",
            EMPTY,
            "MessageType is required",
        );
        one(
            &with(base(), "MessageType", Value::Null),
            "MessageType",
            EMPTY,
            "MessageType is required",
        );
        one(
            &without(base(), "CallbackDetailList"),
            "CallbackDetailList",
            EMPTY,
            "CallbackDetailList is required",
        );
        one(
            &with(base(), "CallbackDetailList", json!([])),
            "CallbackDetailList",
            EMPTY,
            "CallbackDetailList is required",
        );
        one(
            &without(base(), "Vhost"),
            "Vhost",
            EMPTY,
            "Vhost is required",
        );
        one(
            &with(base(), "Vhost", json!("")),
            "Vhost",
            EMPTY,
            "Vhost is required",
        );
        let v = with(with(base(), "Vhost", json!("")), "Domain", json!(""));
        one(&v, "Vhost", EMPTY, "Vhost is required");
        let list = json!([{"URL": "http://example.com/cb"}]);
        one(
            &with(base(), "CallbackDetailList", list),
            "CallbackDetailList[0].CallbackType",
            EMPTY,
            "CallbackType is required",
        );
        let list = json!([{"CallbackType": "http", "URL": ""}]);
        one(
            &with(base(), "CallbackDetailList", list),
            "CallbackDetailList[0].URL",
            EMPTY,
            "URL is required",
        );
        let v = with(base(), "AuthEnable", json!(true));
        one(&v, "AuthKeyPrimary", EMPTY, "AuthKeyPrimary is required");
        one(
            &with(v, "AuthKeyPrimary", json!("")),
            "AuthKeyPrimary",
            EMPTY,
            "AuthKeyPrimary is required",
        );
        // A null item is an empty item.
        let r = validate(&with(base(), "CallbackDetailList", json!([null])), &P, "r");
        assert_eq!(
            summary(&r)
                .into_iter()
                .map(|(f, c, _)| (f, c))
                .collect::<Vec<_>>(),
            vec![
                (
                    "CallbackDetailList[0].CallbackType".to_string(),
                    EMPTY.to_string()
                ),
                ("CallbackDetailList[0].URL".to_string(), EMPTY.to_string()),
            ]
        );
    }

    #[test]
    fn out_of_range_errors() {
        let m = "MessageType should be one of {[push push_end snapshot record audit_snapshot]}";
        for t in ["PUSH", "push_start", "record_event", "x"] {
            one(
                &with(base(), "MessageType", json!(t)),
                "MessageType",
                OUT_OF_RANGE,
                m,
            );
        }
        for n in [json!(2), json!(-1), json!(u64::MAX), json!(i64::MIN)] {
            one(
                &with(base(), "TranscodeCallback", n),
                "TranscodeCallback",
                OUT_OF_RANGE,
                "TranscodeCallback should be one of {[0 1]}",
            );
        }
        for t in ["https", "rpc", "http "] {
            let list = json!([{"CallbackType": t, "URL": "http://example.com/cb"}]);
            one(
                &with(base(), "CallbackDetailList", list),
                "CallbackDetailList[0].CallbackType",
                OUT_OF_RANGE,
                "CallbackType should be one of {[http]}",
            );
        }
        let long = "https://example.com/".to_string() + &"a".repeat(81);
        let list = json!([{"CallbackType": "http", "URL": long}]);
        one(
            &with(base(), "CallbackDetailList", list),
            "CallbackDetailList[0].URL",
            OUT_OF_RANGE,
            "URL should be between 1 and 100",
        );
    }

    #[test]
    fn format_errors() {
        for app in ["a b", "app/1", "应用", "a".repeat(31).as_str(), "app!"] {
            one(
                &with(base(), "App", json!(app)),
                "App",
                FORMAT,
                "App format error",
            );
        }
        for host in [
            "push live.example.com",
            "-a.example.com",
            "a-.example.com",
            "localhost",
            "a..b",
            ".a.com",
            "a.com.",
            "1.2.3.4",
            "a_b.example.com",
            "ex*.com",
        ] {
            one(
                &with(base(), "Vhost", json!(host)),
                "Vhost",
                FORMAT,
                "Vhost format error",
            );
            let v = with(without(base(), "Vhost"), "Domain", json!(host));
            one(&v, "Domain", FORMAT, "Domain format error");
        }
        let label64 = "a".repeat(64) + ".com";
        one(
            &with(base(), "Vhost", json!(label64)),
            "Vhost",
            FORMAT,
            "Vhost format error",
        );
        for url in [
            "example.com/callback",
            "ftp://example.com/cb",
            "http://127.0.0.1/cb",
            "http://0x7f000001/",
            "http://localhost:8080/",
            "http://169.254.169.254/latest/meta-data",
            "http://[::1]/",
            "http://10.0.0.1/",
            "http://user@example.com/",
            "http://evil.com\\@127.0.0.1/",
        ] {
            let list = json!([{"CallbackType": "http", "URL": url}]);
            one(
                &with(base(), "CallbackDetailList", list),
                "CallbackDetailList[0].URL",
                FORMAT,
                "URL format error",
            );
        }
        // The loopback setting is honoured.
        let list = json!([{"CallbackType": "http", "URL": "http://127.0.0.1:8787/volc"}]);
        let dev = UrlPolicy {
            allow_loopback: true,
        };
        assert!(validate(&with(base(), "CallbackDetailList", list), &dev, "r").is_ok());
    }

    #[test]
    fn combination_errors() {
        let v = with(
            with(
                without(base(), "Vhost"),
                "Domain",
                json!("push.example.com"),
            ),
            "App",
            json!("live"),
        );
        one(
            &v,
            "App",
            DOMAIN_AND_APP,
            "domain and app exist can not exist at the same time",
        );
        let v = with(base(), "Domain", json!("push.example.com"));
        one(
            &v,
            "Domain",
            INVALID_PARAM,
            "Vhost and Domain can not exist at the same time",
        );
    }

    #[test]
    fn all_problems_in_field_order() {
        let body = json!({
            "AuthKeyPrimary": "",
            "AuthEnable": true,
            "CallbackDetailList": [
                {"CallbackType": "http", "URL": "https://ok.example.com/"},
                {"CallbackType": "ftp", "URL": "http://10.0.0.1/"},
                7
            ],
            "TranscodeCallback": 3,
            "App": "bad app",
            "Domain": "d.example.com",
            "Vhost": "v.example.com",
            "MessageType": "nope"
        });
        let r = validate(&body, &P, "r");
        let got: Vec<(String, String)> = r
            .errors
            .iter()
            .map(|e| (e.field.clone(), e.code.clone()))
            .collect();
        let want = [
            ("MessageType", OUT_OF_RANGE),
            ("Domain", INVALID_PARAM),
            ("App", FORMAT),
            ("App", DOMAIN_AND_APP),
            ("TranscodeCallback", OUT_OF_RANGE),
            ("CallbackDetailList[1].CallbackType", OUT_OF_RANGE),
            ("CallbackDetailList[1].URL", FORMAT),
            ("CallbackDetailList[2]", BIND_ERROR),
            ("AuthKeyPrimary", EMPTY),
        ];
        let want: Vec<(String, String)> = want
            .iter()
            .map(|(f, c)| (f.to_string(), c.to_string()))
            .collect();
        assert_eq!(got, want);
        assert!(r.errors.iter().all(|e| e.status == 400));
        let first = &r.response.as_ref().unwrap()["ResponseMetadata"]["Error"];
        assert_eq!(first["Code"], OUT_OF_RANGE);

        let r = validate(&json!({}), &P, "r");
        let fields: Vec<&str> = r.errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, vec!["MessageType", "Vhost", "CallbackDetailList"]);
    }

    #[test]
    fn odd_inputs_do_not_panic() {
        for v in [
            json!(null),
            json!(1),
            json!("x"),
            json!([]),
            json!([base()]),
            json!(false),
        ] {
            one(&v, "", BIND_ERROR, BIND_MESSAGE);
        }
        let junk = json!({
            "MessageType": {"a": [1, {"b": null}]},
            "Vhost": [[[]]],
            "CallbackDetailList": [[], {}, null, "x", {"URL": {"u": 1}, "CallbackType": []}],
            "AuthEnable": null,
            "TranscodeCallback": 1e300
        });
        let r = validate(&junk, &P, "r");
        assert!(!r.is_ok());
        assert!(r.response.is_some());
    }
}
