//! Small pure helpers (no Workers API): backoff, header parsing, path decoding.

use crate::config::DeliveryPolicy;

/// Retry delay after `attempts` failed attempts (1 = the first try failed), in seconds:
/// `base · 2^(attempts−1)` capped at `backoff_max_seconds`, with "equal jitter" (a random
/// point in the upper half), and never less than a `Retry-After` the destination asked for
/// (itself capped at the maximum). `rand01` is a uniform random number in [0, 1).
pub fn backoff_seconds(
    policy: &DeliveryPolicy,
    attempts: u32,
    retry_after: Option<u32>,
    rand01: f64,
) -> u32 {
    let max = u64::from(policy.backoff_max_seconds);
    let exp = attempts.saturating_sub(1).min(40);
    let full = u64::from(policy.backoff_base_seconds)
        .saturating_mul(1u64 << exp)
        .min(max);
    let r = if rand01.is_finite() {
        rand01.clamp(0.0, 1.0)
    } else {
        0.5
    };
    let jittered = (full as f64 / 2.0 + r * full as f64 / 2.0).ceil() as u64;
    let floor = u64::from(retry_after.unwrap_or(0)).min(max);
    u32::try_from(jittered.max(floor).min(max)).unwrap_or(u32::MAX)
}

/// `Retry-After` given as delta-seconds (HTTP dates are handled by the caller).
pub fn retry_after_seconds(value: &str) -> Option<u32> {
    let v = value.trim();
    if v.is_empty() || v.len() > 9 || !v.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    v.parse().ok()
}

/// Whether a `Content-Type` value is JSON: `application/json`, `text/json` or
/// `application/<anything>+json`, any parameters (charset) allowed.
pub fn is_json_content_type(value: &str) -> bool {
    let essence = value
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    essence == "application/json"
        || essence == "text/json"
        || (essence.starts_with("application/") && essence.ends_with("+json"))
}

/// Decodes `%XX` escapes of a URL path segment. `None` for bad escapes or non-UTF-8.
pub fn percent_decode(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while let Some(&c) = b.get(i) {
        if c == b'%' {
            let hex = b.get(i + 1..i + 3)?;
            let hex = std::str::from_utf8(hex).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(c);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// A URL without its query string and fragment (for logs: queries may carry tokens).
pub fn url_for_log(url: &str) -> &str {
    let end = url.find(['?', '#']).unwrap_or(url.len());
    url.get(..end).unwrap_or(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pol(base: u32, max: u32) -> DeliveryPolicy {
        DeliveryPolicy {
            timeout_ms: 1000,
            max_attempts: 5,
            backoff_base_seconds: base,
            backoff_max_seconds: max,
        }
    }

    #[test]
    fn backoff_grows_jitters_and_caps() {
        let p = pol(10, 300);
        assert_eq!(backoff_seconds(&p, 1, None, 0.0), 5);
        assert_eq!(backoff_seconds(&p, 1, None, 0.999), 10);
        assert_eq!(backoff_seconds(&p, 3, None, 1.0), 40);
        assert_eq!(backoff_seconds(&p, 30, None, 1.0), 300);
        assert_eq!(backoff_seconds(&p, u32::MAX, None, 1.0), 300);
        assert_eq!(backoff_seconds(&p, 1, Some(120), 0.0), 120);
        assert_eq!(backoff_seconds(&p, 1, Some(100_000), 0.0), 300);
        assert_eq!(backoff_seconds(&pol(0, 10), 4, None, 0.7), 0);
        assert_eq!(backoff_seconds(&p, 1, None, f64::NAN), 8);
    }

    #[test]
    fn headers_and_paths() {
        assert_eq!(retry_after_seconds(" 7 "), Some(7));
        assert_eq!(retry_after_seconds("-1"), None);
        assert_eq!(retry_after_seconds("Wed, 21 Oct 2015 07:28:00 GMT"), None);
        assert!(is_json_content_type("application/json; charset=utf-8"));
        assert!(is_json_content_type("Application/JSON"));
        assert!(is_json_content_type("application/cloudevents+json"));
        assert!(!is_json_content_type("text/plain"));
        assert!(!is_json_content_type(""));
        assert_eq!(percent_decode("a%20b%2Fc").as_deref(), Some("a b/c"));
        assert_eq!(percent_decode("%zz"), None);
        assert_eq!(percent_decode("%e"), None);
        assert_eq!(percent_decode("%ff"), None);
        assert_eq!(url_for_log("https://h/p?token=x#f"), "https://h/p");
    }
}
