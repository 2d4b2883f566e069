//! Time helpers: RFC 3339 formatting of Unix times without a clock or a date library.

use alloc::string::String;

/// Formats Unix seconds as `YYYY-MM-DDTHH:MM:SSZ` (UTC). Negative or absurd values are
/// clamped to the range 0000-01-01 … 9999-12-31.
pub fn rfc3339_from_unix(secs: i64) -> String {
    const MIN: i64 = -62_167_219_200; // 0000-01-01T00:00:00Z
    const MAX: i64 = 253_402_300_799; // 9999-12-31T23:59:59Z
    let secs = secs.clamp(MIN, MAX);
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    let mut out = String::with_capacity(20);
    let mut push = |v: i64, width: u32, sep: char| {
        for p in (0..width).rev() {
            let digit = (v / 10i64.pow(p)) % 10;
            out.push(char::from(b'0' + digit as u8));
        }
        if sep != '\0' {
            out.push(sep);
        }
    };
    push(y, 4, '-');
    push(m, 2, '-');
    push(d, 2, 'T');
    push(rem / 3600, 2, ':');
    push((rem % 3600) / 60, 2, ':');
    push(rem % 60, 2, 'Z');
    out
}

/// Howard Hinnant's days-to-civil algorithm (proleptic Gregorian calendar).
fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// `true` when `s` looks like an RFC 3339 date-time (`2019-01-09T16:36:24Z`,
/// optional fraction, `Z` or `±hh:mm`).
pub fn is_rfc3339(s: &str) -> bool {
    let b = s.as_bytes();
    let digits =
        |r: core::ops::Range<usize>| b.get(r).is_some_and(|x| x.iter().all(u8::is_ascii_digit));
    if b.len() < 20
        || !digits(0..4)
        || b.get(4) != Some(&b'-')
        || !digits(5..7)
        || b.get(7) != Some(&b'-')
        || !digits(8..10)
        || !matches!(b.get(10), Some(b'T' | b't'))
        || !digits(11..13)
        || b.get(13) != Some(&b':')
        || !digits(14..16)
        || b.get(16) != Some(&b':')
        || !digits(17..19)
    {
        return false;
    }
    let mut i = 19;
    if b.get(i) == Some(&b'.') {
        i += 1;
        let start = i;
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        if i == start {
            return false;
        }
    }
    match b.get(i) {
        Some(b'Z' | b'z') => i + 1 == b.len(),
        Some(b'+' | b'-') => {
            i + 6 == b.len()
                && digits(i + 1..i + 3)
                && b.get(i + 3) == Some(&b':')
                && digits(i + 4..i + 6)
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_answers() {
        assert_eq!(rfc3339_from_unix(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339_from_unix(1_547_051_784), "2019-01-09T16:36:24Z");
        assert_eq!(rfc3339_from_unix(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(rfc3339_from_unix(i64::MAX), "9999-12-31T23:59:59Z");
        assert_eq!(rfc3339_from_unix(i64::MIN), "0000-01-01T00:00:00Z");
    }

    #[test]
    fn rfc3339_shapes() {
        assert!(is_rfc3339("2019-01-09T16:36:24Z"));
        assert!(is_rfc3339("2019-01-09T16:36:24.123+08:00"));
        assert!(!is_rfc3339("2019-01-09 16:36:24"));
        assert!(!is_rfc3339("2019-01-09T16:36:24"));
        assert!(!is_rfc3339("2019-01-09T16:36:24.Z"));
    }
}
