//! Who may call a source's callback URL (SPEC §8), beyond the vendor signature: the
//! `path_secret` in the URL and the `allow_ips` ranges. Pure Rust (no Workers API), unit
//! tested natively.

use std::fmt;
use std::net::IpAddr;

use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// Shortest accepted `path_secret`, characters.
pub const PATH_SECRET_MIN: usize = 16;
/// Longest accepted `path_secret`, characters.
pub const PATH_SECRET_MAX: usize = 128;

/// A source's `path_secret`, kept as its SHA-256 digest (compared in constant time, so
/// neither its content nor its length leaks through timing).
#[derive(Clone, PartialEq, Eq)]
pub struct PathSecret([u8; 32]);

impl fmt::Debug for PathSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PathSecret(<redacted>)")
    }
}

impl PathSecret {
    /// Parses a configured secret: 16–128 characters of `A-Z a-z 0-9 - _ . ~` (URL-safe in a
    /// path segment without escaping). `Err` says what is wrong (never echoes the value).
    pub fn parse(s: &str) -> Result<PathSecret, &'static str> {
        if !(PATH_SECRET_MIN..=PATH_SECRET_MAX).contains(&s.len()) {
            return Err("must be 16 to 128 characters long");
        }
        if !s
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.~".contains(&b))
        {
            return Err("may only contain A-Z a-z 0-9 - _ . ~ (it is a URL path segment)");
        }
        Ok(PathSecret(Sha256::digest(s.as_bytes()).into()))
    }

    /// Constant-time check of the segment presented in the URL.
    pub fn matches(&self, presented: &str) -> bool {
        let got: [u8; 32] = Sha256::digest(presented.as_bytes()).into();
        bool::from(got.ct_eq(&self.0))
    }
}

/// Whether the URL's secret segment opens a source: a source with a `path_secret` needs the
/// right one; a source without one takes only its plain URL.
pub fn path_allows(secret: Option<&PathSecret>, presented: Option<&str>) -> bool {
    match (secret, presented) {
        (Some(s), Some(p)) => s.matches(p),
        (None, None) => true,
        _ => false,
    }
}

/// One `allow_ips` range: `203.0.113.0/24`, `2001:db8::/32`, or a single address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cidr {
    addr: IpAddr,
    prefix: u8,
}

impl Cidr {
    /// Parses `address/prefix` or a bare address (/32 or /128). The address must be the
    /// network address (no host bits set), so a typo like `10.0.0.1/8` is caught.
    pub fn parse(s: &str) -> Result<Cidr, String> {
        let (a, p) = match s.split_once('/') {
            Some((a, p)) => (a, Some(p)),
            None => (s, None),
        };
        let addr: IpAddr = a
            .parse()
            .map_err(|_| format!("{s:?} is not an IPv4 or IPv6 address or CIDR range"))?;
        let max = if addr.is_ipv4() { 32 } else { 128 };
        let prefix = match p {
            None => max,
            Some(p) => match p.parse::<u8>() {
                Ok(n) if n <= max && p.bytes().all(|b| b.is_ascii_digit()) => n,
                _ => return Err(format!("{s:?}: the prefix length must be 0 to {max}")),
            },
        };
        let cidr = Cidr { addr, prefix };
        if cidr.network() != bits(addr) {
            return Err(format!(
                "{s:?} has host bits set: write the network address (e.g. 10.0.0.0/8)"
            ));
        }
        Ok(cidr)
    }

    fn mask(&self) -> u128 {
        let width = if self.addr.is_ipv4() { 32 } else { 128 };
        let keep = u32::from(self.prefix);
        if keep == 0 {
            0
        } else {
            (u128::MAX << (128 - keep)) >> (128 - width)
        }
    }

    fn network(&self) -> u128 {
        bits(self.addr) & self.mask()
    }

    /// Whether `ip` is in the range (an IPv4-mapped IPv6 address counts as its IPv4 one).
    pub fn contains(&self, ip: IpAddr) -> bool {
        let ip = match ip {
            IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
            v4 => v4,
        };
        ip.is_ipv4() == self.addr.is_ipv4() && bits(ip) & self.mask() == self.network()
    }
}

impl fmt::Display for Cidr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.addr, self.prefix)
    }
}

fn bits(ip: IpAddr) -> u128 {
    match ip {
        IpAddr::V4(v4) => u128::from(u32::from(v4)),
        IpAddr::V6(v6) => u128::from(v6),
    }
}

/// Whether a caller (the `CF-Connecting-IP` value) is allowed by `ranges`; an empty list
/// allows everyone, an absent or unparsable address no one.
pub fn ip_allowed(ranges: &[Cidr], connecting_ip: Option<&str>) -> bool {
    if ranges.is_empty() {
        return true;
    }
    match connecting_ip.and_then(|s| s.trim().parse::<IpAddr>().ok()) {
        Some(ip) => ranges.iter().any(|r| r.contains(ip)),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cidr_ranges() {
        let v4 = Cidr::parse("203.0.113.0/24").unwrap();
        assert!(v4.contains("203.0.113.77".parse().unwrap()));
        assert!(!v4.contains("203.0.114.1".parse().unwrap()));
        assert!(v4.contains("::ffff:203.0.113.9".parse().unwrap()));
        assert!(!v4.contains("2001:db8::1".parse().unwrap()));
        let v6 = Cidr::parse("2001:db8::/32").unwrap();
        assert!(v6.contains("2001:db8:ffff::1".parse().unwrap()));
        assert!(!v6.contains("2001:db9::1".parse().unwrap()));
        assert!(!v6.contains("32.1.13.184".parse().unwrap()));
        let one = Cidr::parse("127.0.0.1").unwrap();
        assert_eq!(one.to_string(), "127.0.0.1/32");
        assert!(one.contains("127.0.0.1".parse().unwrap()));
        assert!(!one.contains("127.0.0.2".parse().unwrap()));
        let all = Cidr::parse("0.0.0.0/0").unwrap();
        assert!(all.contains("8.8.8.8".parse().unwrap()));
        assert!(Cidr::parse("::/0")
            .unwrap()
            .contains("::1".parse().unwrap()));
        assert!(Cidr::parse("::1/128")
            .unwrap()
            .contains("::1".parse().unwrap()));
        for bad in [
            "",
            "10.0.0.0/33",
            "10.0.0.1/8",
            "10.0.0.0/-1",
            "10.0.0.0/+8",
            "10.0.0/8",
            "2001:db8::/129",
            "example.com",
            "10.0.0.0/8/8",
        ] {
            assert!(Cidr::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn ip_checks() {
        let r = [
            Cidr::parse("10.0.0.0/8").unwrap(),
            Cidr::parse("2001:db8::/32").unwrap(),
        ];
        assert!(ip_allowed(&r, Some("10.1.2.3")));
        assert!(ip_allowed(&r, Some(" 2001:db8::5 ")));
        assert!(!ip_allowed(&r, Some("11.0.0.1")));
        assert!(!ip_allowed(&r, None));
        assert!(!ip_allowed(&r, Some("not an ip")));
        assert!(ip_allowed(&[], None));
    }

    #[test]
    fn path_secrets() {
        let s = PathSecret::parse("s3cret-path_segment.~0").unwrap();
        assert!(path_allows(Some(&s), Some("s3cret-path_segment.~0")));
        assert!(!path_allows(Some(&s), Some("s3cret-path_segment.~1")));
        assert!(!path_allows(Some(&s), Some("")));
        assert!(!path_allows(Some(&s), None));
        assert!(path_allows(None, None));
        assert!(!path_allows(None, Some("anything")));
        assert!(PathSecret::parse("short").is_err());
        assert!(PathSecret::parse("has/slash-0123456789").is_err());
        assert!(PathSecret::parse("has%20escape-0123456789").is_err());
        assert!(PathSecret::parse(&"x".repeat(129)).is_err());
        assert!(!format!("{s:?}").contains("s3cret"));
    }
}
