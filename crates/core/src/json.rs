//! JSON helpers shared by the vendor modules: bounded parsing, integer fields, and the
//! canonical serialization used for stable event ids.

use alloc::string::String;
use alloc::vec::Vec;
use serde_json::{Map, Value};

use crate::error::VerifyError;

/// Deepest nesting of arrays/objects accepted in a callback body.
pub const MAX_DEPTH: usize = 128;

/// A parsed JSON object.
pub type Object = Map<String, Value>;

/// Parses `body` as a JSON object nested at most [`MAX_DEPTH`] deep.
///
/// Anything else (invalid UTF-8 or JSON, a non-object, too deep) is
/// [`VerifyError::MalformedPayload`].
pub fn parse_object(body: &[u8]) -> Result<Object, VerifyError> {
    if nesting_depth(body) > MAX_DEPTH {
        return Err(VerifyError::MalformedPayload);
    }
    // serde_json's own limit stops at 127 levels; ours (checked above) is exact, so its
    // limit is lifted. The pre-scan bounds the recursion, so the stack stays small.
    let mut de = serde_json::Deserializer::from_slice(body);
    de.disable_recursion_limit();
    match <Value as serde::Deserialize>::deserialize(&mut de) {
        Ok(Value::Object(map)) if de.end().is_ok() => Ok(map),
        _ => Err(VerifyError::MalformedPayload),
    }
}

/// Upper bound of the `[`/`{` nesting depth of a JSON text, ignoring brackets in strings.
fn nesting_depth(body: &[u8]) -> usize {
    // Fast path: with at most MAX_DEPTH opening brackets in total the depth cannot exceed
    // it (this count vectorizes; the exact scan below does not).
    let openers = body.iter().filter(|&&b| b == b'[' || b == b'{').count();
    if openers <= MAX_DEPTH {
        return openers;
    }
    let (mut depth, mut max, mut in_str, mut esc) = (0usize, 0usize, false, false);
    for &b in body {
        if in_str {
            match (esc, b) {
                (true, _) => esc = false,
                (false, b'\\') => esc = true,
                (false, b'"') => in_str = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_str = true,
            b'[' | b'{' => {
                depth += 1;
                max = max.max(depth);
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    max
}

/// A non-negative integer that fits in `i64`, given as a JSON integer or a string of
/// decimal digits. `Err(Malformed)` for anything else.
pub fn non_negative_i64(value: &Value) -> Result<i64, VerifyError> {
    match value {
        Value::Number(n) => n
            .as_u64()
            .and_then(|v| i64::try_from(v).ok())
            .ok_or(VerifyError::Malformed),
        Value::String(s) => parse_decimal(s).ok_or(VerifyError::Malformed),
        _ => Err(VerifyError::Malformed),
    }
}

/// Parses a string of ASCII decimal digits (no sign, no spaces) into an `i64`.
pub fn parse_decimal(s: &str) -> Option<i64> {
    if s.is_empty() || s.len() > 19 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse::<i64>().ok()
}

/// Serializes a value in canonical form: object keys sorted, no insignificant whitespace.
///
/// `serde_json`'s default map is ordered by key, so the ordinary compact serializer already
/// produces the canonical order.
pub fn canonical_bytes(value: &Value) -> Vec<u8> {
    serde_json::to_vec(value).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::format;
    use alloc::string::ToString;

    #[test]
    fn depth_limit_is_exact() {
        let ok = format!("{{\"a\":{}1{}}}", "[".repeat(127), "]".repeat(127));
        assert!(parse_object(ok.as_bytes()).is_ok());
        let deep = format!("{{\"a\":{}1{}}}", "[".repeat(128), "]".repeat(128));
        assert_eq!(
            parse_object(deep.as_bytes()),
            Err(VerifyError::MalformedPayload)
        );
        // Brackets inside strings do not count.
        let s = format!("{{\"a\":\"{}\\\"\"}}", "[".repeat(500));
        assert!(parse_object(s.as_bytes()).is_ok());
    }

    #[test]
    fn integers() {
        assert_eq!(non_negative_i64(&Value::from(5u64)), Ok(5));
        assert_eq!(non_negative_i64(&Value::from("0012")), Ok(12));
        for bad in [
            Value::from(-1),
            Value::from(1.5),
            Value::from("1e3"),
            Value::from(""),
            Value::from("+1"),
            Value::from(u64::MAX),
            Value::from("9223372036854775808"),
            Value::Null,
        ] {
            assert_eq!(non_negative_i64(&bad), Err(VerifyError::Malformed), "{bad}");
        }
        assert_eq!(
            non_negative_i64(&Value::from(i64::MAX.to_string())),
            Ok(i64::MAX)
        );
    }
}
