//! Random values from a CSPRNG (`getrandom`; on Workers its `wasm_js` backend, i.e.
//! `crypto.getRandomValues`): callback nonces, lease tokens, pull handles, request ids,
//! jitter. Never `Math.random`.

/// `n` random bytes as lowercase hex (2·n characters). If the CSPRNG fails (it does not on
/// Workers) the bytes are taken from the clock and a counter, which keeps values unique
/// within an isolate but not secret.
pub fn random_hex(n: usize) -> String {
    let mut buf = vec![0u8; n];
    if getrandom::fill(&mut buf).is_err() {
        fallback(&mut buf);
    }
    buf.iter().map(|b| format!("{b:02x}")).collect()
}

/// A uniform random number in [0, 1) (53 bits).
pub fn random_unit() -> f64 {
    let mut b = [0u8; 8];
    if getrandom::fill(&mut b).is_err() {
        fallback(&mut b);
    }
    (u64::from_le_bytes(b) >> 11) as f64 / (1u64 << 53) as f64
}

/// Unique per accepted callback: time (hex ms) + 64 random bits.
pub fn nonce(now_ms: i64) -> String {
    format!("{now_ms:x}.{}", random_hex(8))
}

/// A UUID-shaped request id (Tencent API responses' `RequestId`).
pub fn request_id() -> String {
    let h = random_hex(16);
    format!(
        "{}-{}-{}-{}-{}",
        &h[0..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    )
}

fn fallback(buf: &mut [u8]) {
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let seed = COUNTER.fetch_add(1, Ordering::Relaxed) ^ (crate::now_ms() as u64).rotate_left(17);
    for (i, b) in buf.iter_mut().enumerate() {
        *b = (seed.rotate_left((i as u32 * 8) % 64) & 0xff) as u8;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn random_values_have_their_shapes_and_differ() {
        assert_eq!(random_hex(8).len(), 16);
        assert_ne!(random_hex(16), random_hex(16));
        let id = request_id();
        assert_eq!(id.len(), 36);
        assert_eq!(id.matches('-').count(), 4);
        let u = random_unit();
        assert!((0.0..1.0).contains(&u));
        assert!(nonce(255).starts_with("ff."));
    }
}
