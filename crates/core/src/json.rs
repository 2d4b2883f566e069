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
    // Fast path: serde_json's own recursion limit (127 levels) bounds the stack for free.
    // Only a body it refuses is scanned for its exact depth, and one nested exactly
    // MAX_DEPTH deep is then parsed again without that limit (the scan bounds it).
    match parse_value(body, false) {
        Some(Value::Object(map)) => Ok(map),
        Some(_) => Err(VerifyError::MalformedPayload),
        None if nesting_depth(body) == MAX_DEPTH => match parse_value(body, true) {
            Some(Value::Object(map)) => Ok(map),
            _ => Err(VerifyError::MalformedPayload),
        },
        None => Err(VerifyError::MalformedPayload),
    }
}

fn parse_value(body: &[u8], unlimited: bool) -> Option<Value> {
    let mut de = serde_json::Deserializer::from_slice(body);
    if unlimited {
        de.disable_recursion_limit();
    }
    let v = <Value as serde::Deserialize>::deserialize(&mut de).ok()?;
    de.end().ok()?;
    Some(v)
}

/// The `[`/`{` nesting depth of a JSON text, ignoring brackets in strings.
fn nesting_depth(body: &[u8]) -> usize {
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
