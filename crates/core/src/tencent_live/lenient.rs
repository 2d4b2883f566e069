//! Lenient field readers for typed events: vendors document a field as an integer and
//! send a string (or the other way round) between doc versions, so a typed field takes
//! either form and becomes `None` for anything else — a typed event never fails on a
//! field's JSON type. Used with `#[serde(default, deserialize_with = "...")]`.

use alloc::string::String;
use serde::{Deserialize, Deserializer};
use serde_json::Value;

/// An integer from a JSON integer or a string of decimal digits (optionally `-`).
pub(crate) fn i64_opt<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    Ok(match Value::deserialize(d)? {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => parse_signed(&s),
        _ => None,
    })
}

/// A number from a JSON number or a decimal string (`"60.2"`).
pub(crate) fn f64_opt<'de, D: Deserializer<'de>>(d: D) -> Result<Option<f64>, D::Error> {
    Ok(match Value::deserialize(d)? {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.parse::<f64>().ok().filter(|f| f.is_finite()),
        _ => None,
    })
}

/// A string from a JSON string, or a JSON number written in decimal.
pub(crate) fn string_opt<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(match Value::deserialize(d)? {
        Value::String(s) => Some(s),
        Value::Number(n) => Some(alloc::format!("{n}")),
        _ => None,
    })
}

/// A list from a JSON array (items kept as sent), else `None`.
pub(crate) fn array_opt<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<Option<alloc::vec::Vec<Value>>, D::Error> {
    Ok(match Value::deserialize(d)? {
        Value::Array(a) => Some(a),
        _ => None,
    })
}

fn parse_signed(s: &str) -> Option<i64> {
    match s.strip_prefix('-') {
        Some(rest) => crate::json::parse_decimal(rest).map(|v| -v),
        None => crate::json::parse_decimal(s),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;
    use serde_json::json;

    #[derive(Deserialize, Debug, Default)]
    #[serde(default)]
    struct T {
        #[serde(deserialize_with = "i64_opt")]
        i: Option<i64>,
        #[serde(deserialize_with = "f64_opt")]
        f: Option<f64>,
        #[serde(deserialize_with = "string_opt")]
        s: Option<String>,
    }

    #[test]
    fn either_form_or_none() {
        let t: T = serde_json::from_value(json!({"i":"-12","f":"60.2","s":7})).unwrap();
        assert_eq!(
            (t.i, t.f, t.s.as_deref()),
            (Some(-12), Some(60.2), Some("7"))
        );
        let t: T = serde_json::from_value(json!({"i":1.5,"f":[1],"s":{}})).unwrap();
        assert_eq!((t.i, t.f, t.s), (None, None, None));
        let t: T = serde_json::from_value(json!({"i":"NaN","f":"inf"})).unwrap();
        assert_eq!((t.i, t.f), (None, None));
        let t: T = serde_json::from_value(json!({})).unwrap();
        assert_eq!(t.i, None);
    }
}
