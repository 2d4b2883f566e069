//! Primitives shared by the vendor signature schemes: MD5-hex signatures in constant time.

use md5::{Digest, Md5};
use subtle::ConstantTimeEq;

use crate::error::VerifyError;
use crate::hex;
use alloc::string::String;

/// MD5 over the concatenation of `parts`.
pub(crate) fn md5(parts: &[&[u8]]) -> [u8; 16] {
    let mut h = Md5::new();
    for p in parts {
        h.update(p);
    }
    h.finalize().into()
}

/// Lowercase hex MD5 over the concatenation of `parts`.
pub(crate) fn md5_hex(parts: &[&[u8]]) -> String {
    hex::encode(&md5(parts))
}

/// Parses a 32-digit hex MD5 signature (either case): `Malformed` otherwise.
pub(crate) fn parse_md5_hex(sig: &str) -> Result<[u8; 16], VerifyError> {
    hex::decode_exact::<16>(sig).ok_or(VerifyError::Malformed)
}

/// Constant-time equality of two digests of the same length; `Mismatch` when they differ.
pub(crate) fn ct_check(expected: &[u8], given: &[u8]) -> Result<(), VerifyError> {
    if expected.len() != given.len() {
        return Err(VerifyError::Mismatch);
    }
    if bool::from(expected.ct_eq(given)) {
        Ok(())
    } else {
        Err(VerifyError::Mismatch)
    }
}

/// Formats an `i64` in decimal into a stack buffer (no allocation), returning the digits.
pub(crate) fn decimal(n: i64, buf: &mut [u8; 20]) -> &[u8] {
    let mut v = n.unsigned_abs();
    let mut i = buf.len();
    loop {
        i -= 1;
        if let Some(slot) = buf.get_mut(i) {
            *slot = b'0' + (v % 10) as u8;
        }
        v /= 10;
        if v == 0 || i == 1 {
            break;
        }
    }
    if n < 0 {
        i -= 1;
        if let Some(slot) = buf.get_mut(i) {
            *slot = b'-';
        }
    }
    buf.get(i..).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimal_formats_like_display() {
        let mut buf = [0u8; 20];
        for n in [0i64, 7, 10, 1_732_270_000, i64::MAX, -5, i64::MIN + 1] {
            assert_eq!(decimal(n, &mut buf), alloc::format!("{n}").as_bytes());
        }
    }

    #[test]
    fn md5_known_answer() {
        assert_eq!(md5_hex(&[b"abc"]), "900150983cd24fb0d6963f7d28e17f72");
        assert_eq!(md5_hex(&[b"a", b"bc"]), "900150983cd24fb0d6963f7d28e17f72");
    }
}
