//! Callback / forward URL policy (SPEC §1.4): which URLs may receive callbacks.
//!
//! [`check_url`] accepts only absolute `http`/`https` URLs (at most [`MAX_URL_LEN`] bytes)
//! whose host is a public name or a public IP address. The host is found the way the
//! [WHATWG URL standard](https://url.spec.whatwg.org/) finds it for special schemes (what
//! `fetch`, browsers and Cloudflare Workers use), so every alternative spelling of an address
//! is recognized:
//!
//! * leading/trailing C0 controls and spaces are trimmed, tabs and newlines removed anywhere;
//! * `\` counts as `/`; the host is percent-decoded and lowercased;
//! * IPv4 hosts may have 1–4 parts, each decimal, `0x` hex or leading-`0` octal
//!   (`2130706433`, `0x7f000001`, `0177.0.0.1`, `127.1`, `0x7f.1`), and a trailing dot;
//! * bracketed IPv6, with an embedded IPv4 address (`[::ffff:127.0.0.1]`).
//!
//! On top of the standard, the policy refuses URLs that other parsers (the vendors' own)
//! would read differently: an `@` anywhere in the authority under either reading
//! (`http://evil.com\@127.0.0.1/` is [`UrlRejection::Userinfo`]), a `\` inside the
//! authority, and anything but exactly `//` after the scheme (`http:\\host`, `http:/host`).
//!
//! **Decisions**:
//! * Non-ASCII host names are refused ([`UrlRejection::InvalidHost`]): IDNs must be given in
//!   their ASCII (`xn--`) form. This also shuts out full-width digits and dots (`１２７.０.０.１`),
//!   which the standard's IDNA mapping would turn into an IPv4 address.
//! * Port `0` and ports above 65535 are refused; an empty port (`https://host:/`) means the
//!   default port, as in the standard.
//! * Single-label names (`http://intranet/`) and names under TLDs that never exist on the
//!   public internet (`.internal`, `.local`, `.localdomain`, `.home.arpa`, `.lan`, ...) are
//!   [`UrlRejection::InternalName`]: they can only resolve through a local resolver.
//! * IPv6 addresses outside `2000::/3` (the only global-unicast block) are
//!   [`UrlRejection::Reserved`], except the IPv4-mapped (`::ffff:0:0/96`) and NAT64
//!   (`64:ff9b::/96`) forms of a public IPv4 address. 6to4 (`2002::/16`) is judged by its
//!   embedded IPv4 address; Teredo and the rest of `2001::/23` are reserved.
//! * [`UrlPolicy::allow_loopback`] lets through `127.0.0.0/8`, `::1`, their IPv4-mapped form
//!   `::ffff:127.0.0.0/104`, `localhost`, `*.localhost` and the usual `/etc/hosts` aliases
//!   of localhost — nothing else (not the NAT64, 6to4 or IPv4-compatible forms of 127/8).
//!
//! This is a check of the URL text only (no I/O): a public name that *resolves* to a private
//! address (DNS rebinding, `127.0.0.1.nip.io`) can only be stopped where the connection is
//! made.

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt::{self, Write as _};

/// The longest accepted URL, in bytes.
pub const MAX_URL_LEN: usize = 2048;

/// Settings of the URL policy.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct UrlPolicy {
    /// Let loopback hosts (127.0.0.0/8, ::1, localhost) through — local development only.
    pub allow_loopback: bool,
}

/// Why a URL was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum UrlRejection {
    /// Longer than [`MAX_URL_LEN`] bytes.
    TooLong,
    /// Not an absolute URL with the `http` or `https` scheme.
    NotHttp,
    /// No host (`http://`, `https://:443/`), or not exactly `//` after the scheme.
    NoHost,
    /// Credentials (`user:pass@`) or any other `@` in the authority.
    Userinfo,
    /// The port is not a number from 1 to 65535.
    BadPort,
    /// The host cannot be parsed (bad IPv4/IPv6 literal, forbidden or non-ASCII characters,
    /// empty or over-long labels).
    InvalidHost,
    /// A loopback address (127.0.0.0/8, ::1, or an IPv6 form of them).
    Loopback,
    /// `localhost`, `*.localhost` or another name of the local machine.
    LocalhostName,
    /// A private address (10/8, 172.16/12, 192.168/16, fc00::/7, fec0::/10).
    PrivateAddress,
    /// A link-local address (169.254/16 — including 169.254.169.254 — or fe80::/10).
    LinkLocal,
    /// Carrier-grade NAT shared address space (100.64/10).
    SharedAddress,
    /// The unspecified address (0.0.0.0/8, ::).
    Unspecified,
    /// A multicast address (224/4, ff00::/8).
    Multicast,
    /// The limited broadcast address 255.255.255.255.
    Broadcast,
    /// A documentation range (192.0.2/24, 198.51.100/24, 203.0.113/24, 2001:db8::/32, 3fff::/20).
    Documentation,
    /// Another special-purpose range: 240/4, benchmarking 198.18/15, IETF 192.0.0/24,
    /// 192.88.99/24, IPv6 outside global unicast, `2001::/23`, local-use NAT64 `64:ff9b:1::/48`,
    /// and the deprecated IPv4-compatible forms.
    Reserved,
    /// A well-known cloud metadata host name (`metadata.google.internal`, `instance-data`, ...).
    MetadataHost,
    /// A single-label name or a name under a TLD that only exists on private networks
    /// (`.internal`, `.local`, `.lan`, `.home.arpa`, ...).
    InternalName,
}

impl UrlRejection {
    /// A short machine-readable name (`snake_case`), e.g. `loopback`.
    pub const fn kind(self) -> &'static str {
        match self {
            UrlRejection::TooLong => "too_long",
            UrlRejection::NotHttp => "not_http",
            UrlRejection::NoHost => "no_host",
            UrlRejection::Userinfo => "userinfo",
            UrlRejection::BadPort => "bad_port",
            UrlRejection::InvalidHost => "invalid_host",
            UrlRejection::Loopback => "loopback",
            UrlRejection::LocalhostName => "localhost_name",
            UrlRejection::PrivateAddress => "private_address",
            UrlRejection::LinkLocal => "link_local",
            UrlRejection::SharedAddress => "shared_address",
            UrlRejection::Unspecified => "unspecified",
            UrlRejection::Multicast => "multicast",
            UrlRejection::Broadcast => "broadcast",
            UrlRejection::Documentation => "documentation",
            UrlRejection::Reserved => "reserved",
            UrlRejection::MetadataHost => "metadata_host",
            UrlRejection::InternalName => "internal_name",
        }
    }

    /// A one-sentence explanation for people.
    pub const fn message(self) -> &'static str {
        match self {
            UrlRejection::TooLong => "the URL is longer than 2048 characters",
            UrlRejection::NotHttp => "the URL is not an absolute http:// or https:// URL",
            UrlRejection::NoHost => "the URL has no host (expected http://host/...)",
            UrlRejection::Userinfo => "the URL must not contain credentials or '@' before the host",
            UrlRejection::BadPort => "the port must be a number from 1 to 65535",
            UrlRejection::InvalidHost => "the host is not a valid host name or IP address",
            UrlRejection::Loopback => "the host is a loopback address",
            UrlRejection::LocalhostName => "the host is localhost",
            UrlRejection::PrivateAddress => "the host is a private network address",
            UrlRejection::LinkLocal => "the host is a link-local address",
            UrlRejection::SharedAddress => {
                "the host is in the carrier-grade NAT range 100.64.0.0/10"
            }
            UrlRejection::Unspecified => "the host is an unspecified address",
            UrlRejection::Multicast => "the host is a multicast address",
            UrlRejection::Broadcast => "the host is the broadcast address",
            UrlRejection::Documentation => "the host is in a documentation address range",
            UrlRejection::Reserved => "the host is in a reserved address range",
            UrlRejection::MetadataHost => "the host is a cloud metadata service",
            UrlRejection::InternalName => "the host name only exists on private networks",
        }
    }
}

impl fmt::Display for UrlRejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message())
    }
}

#[cfg(feature = "std")]
impl std::error::Error for UrlRejection {}

/// Checks `url` against the policy: `Ok(())` when callbacks may be sent to it.
///
/// ```
/// use mediahook_core::url_policy::{check_url, UrlPolicy, UrlRejection};
/// let p = UrlPolicy::default();
/// assert_eq!(check_url("https://hooks.example.com/in", &p), Ok(()));
/// assert_eq!(check_url("http://0x7f.1/", &p), Err(UrlRejection::Loopback));
/// assert_eq!(check_url("http://169.254.169.254/", &p), Err(UrlRejection::LinkLocal));
/// let dev = UrlPolicy { allow_loopback: true };
/// assert_eq!(check_url("http://localhost:8787/", &dev), Ok(()));
/// ```
pub fn check_url(url: &str, policy: &UrlPolicy) -> Result<(), UrlRejection> {
    let parsed = parse(url)?;
    match classify(&parsed.host) {
        Class::Public => {}
        Class::Loopback(r) => {
            if !policy.allow_loopback {
                return Err(r);
            }
        }
        Class::Refused(r) => return Err(r),
    }
    if !parsed.canonical_slashes {
        return Err(UrlRejection::NoHost);
    }
    if parsed.backslash_in_authority {
        return Err(UrlRejection::InvalidHost);
    }
    Ok(())
}

/// The host of an `http`/`https` URL as the URL standard serializes it: a lowercase name
/// (trailing dot kept), a dotted-decimal IPv4 address, or a bracketed, compressed IPv6
/// address. `None` when the URL does not parse (any reason [`check_url`] gives before
/// looking at the address). The policy is *not* applied.
///
/// ```
/// use mediahook_core::url_policy::host_of;
/// assert_eq!(host_of("http://0x7f.1/").as_deref(), Some("127.0.0.1"));
/// assert_eq!(host_of("HTTPS://[0:0::FFFF:7f00:1]:8/").as_deref(), Some("[::ffff:7f00:1]"));
/// assert_eq!(host_of("ftp://example.com/"), None);
/// ```
pub fn host_of(url: &str) -> Option<String> {
    parse(url).ok().map(|p| match p.host {
        Host::Domain(d) => d,
        Host::V4(ip) => fmt_ipv4(ip),
        Host::V6(a) => format!("[{}]", fmt_ipv6(&a)),
    })
}

// ---------------------------------------------------------------------------------------------
// Parsing

enum Host {
    /// Lowercase ASCII name, as written (trailing dot kept).
    Domain(String),
    V4(u32),
    V6([u16; 8]),
}

struct Parsed {
    host: Host,
    /// Exactly `//` followed the scheme.
    canonical_slashes: bool,
    /// A `\` appears before the first `/`, `?` or `#` after `//` (RFC 3986 reading).
    backslash_in_authority: bool,
}

fn parse(url: &str) -> Result<Parsed, UrlRejection> {
    if url.len() > MAX_URL_LEN {
        return Err(UrlRejection::TooLong);
    }
    let trimmed = url.trim_matches(|c: char| c <= ' ');
    let cleaned: String = trimmed
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect();

    let (scheme, rest) = split_scheme(&cleaned).ok_or(UrlRejection::NotHttp)?;
    if !scheme.eq_ignore_ascii_case("http") && !scheme.eq_ignore_ascii_case("https") {
        return Err(UrlRejection::NotHttp);
    }

    let slashes = rest
        .bytes()
        .take_while(|b| matches!(b, b'/' | b'\\'))
        .count();
    let canonical_slashes = slashes == 2 && rest.starts_with("//");
    let after = rest.get(slashes..).unwrap_or("");

    // WHATWG: the authority ends at `/`, `\`, `?` or `#` (special schemes).
    let end = after.find(['/', '\\', '?', '#']).unwrap_or(after.len());
    let authority = after.get(..end).unwrap_or("");
    // RFC 3986 (most other parsers): it ends at `/`, `?` or `#` only.
    let rfc_authority = if canonical_slashes {
        let rfc_end = after.find(['/', '?', '#']).unwrap_or(after.len());
        after.get(..rfc_end).unwrap_or("")
    } else {
        ""
    };
    if authority.contains('@') || rfc_authority.contains('@') {
        return Err(UrlRejection::Userinfo);
    }

    let (host_text, port) = split_host_port(authority);
    if host_text.is_empty() {
        return Err(UrlRejection::NoHost);
    }
    let host = parse_host(host_text)?;
    if let Some(port) = port {
        check_port(port)?;
    }
    Ok(Parsed {
        host,
        canonical_slashes,
        backslash_in_authority: rfc_authority.contains('\\'),
    })
}

/// Splits `scheme:rest`; `None` when the text does not start with a valid scheme.
fn split_scheme(s: &str) -> Option<(&str, &str)> {
    let colon = s.find(':')?;
    let scheme = s.get(..colon)?;
    let mut chars = scheme.chars();
    if !chars.next()?.is_ascii_alphabetic() {
        return None;
    }
    if !chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.')) {
        return None;
    }
    Some((scheme, s.get(colon + 1..)?))
}

/// Splits the authority at the first `:` outside brackets (WHATWG host state).
fn split_host_port(authority: &str) -> (&str, Option<&str>) {
    let mut in_brackets = false;
    for (i, c) in authority.char_indices() {
        match c {
            '[' => in_brackets = true,
            ']' => in_brackets = false,
            ':' if !in_brackets => {
                return (
                    authority.get(..i).unwrap_or(""),
                    Some(authority.get(i + 1..).unwrap_or("")),
                );
            }
            _ => {}
        }
    }
    (authority, None)
}

fn check_port(port: &str) -> Result<(), UrlRejection> {
    if port.is_empty() {
        return Ok(()); // the scheme's default port
    }
    if !port.bytes().all(|b| b.is_ascii_digit()) {
        return Err(UrlRejection::BadPort);
    }
    let value = port
        .bytes()
        .try_fold(0u32, |acc, b| {
            acc.checked_mul(10)?.checked_add(u32::from(b - b'0'))
        })
        .ok_or(UrlRejection::BadPort)?;
    if value == 0 || value > 65535 {
        return Err(UrlRejection::BadPort);
    }
    Ok(())
}

/// The WHATWG host parser for special schemes, made stricter for domain names.
fn parse_host(input: &str) -> Result<Host, UrlRejection> {
    if let Some(inner) = input.strip_prefix('[') {
        let inner = inner.strip_suffix(']').ok_or(UrlRejection::InvalidHost)?;
        return parse_ipv6(inner)
            .map(Host::V6)
            .ok_or(UrlRejection::InvalidHost);
    }
    let decoded = percent_decode(input.as_bytes());
    let text = String::from_utf8(decoded).map_err(|_| UrlRejection::InvalidHost)?;
    if !text.is_ascii() {
        return Err(UrlRejection::InvalidHost);
    }
    let lower = text.to_ascii_lowercase();
    if lower.bytes().any(is_forbidden_domain_byte) {
        return Err(UrlRejection::InvalidHost);
    }
    if ends_in_number(&lower) {
        return parse_ipv4(&lower)
            .map(Host::V4)
            .ok_or(UrlRejection::InvalidHost);
    }
    if !is_valid_name(&lower) {
        return Err(UrlRejection::InvalidHost);
    }
    Ok(Host::Domain(lower))
}

fn percent_decode(input: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(input.len());
    let mut i = 0;
    while let Some(&b) = input.get(i) {
        if b == b'%' {
            let hi = input.get(i + 1).and_then(|&c| crate::hex::nibble(c));
            let lo = input.get(i + 2).and_then(|&c| crate::hex::nibble(c));
            if let (Some(hi), Some(lo)) = (hi, lo) {
                out.push((hi << 4) | lo);
                i += 3;
                continue;
            }
        }
        out.push(b);
        i += 1;
    }
    out
}

/// WHATWG "forbidden domain code point" (ASCII part).
fn is_forbidden_domain_byte(b: u8) -> bool {
    b <= 0x20
        || b == 0x7f
        || matches!(
            b,
            b'#' | b'%'
                | b'/'
                | b':'
                | b'<'
                | b'>'
                | b'?'
                | b'@'
                | b'['
                | b'\\'
                | b']'
                | b'^'
                | b'|'
        )
}

/// Our stricter rule for names: labels of `[a-z0-9_-]`, 1–63 long, at most 253 in all;
/// one trailing dot allowed.
fn is_valid_name(name: &str) -> bool {
    let name = name.strip_suffix('.').unwrap_or(name);
    !name.is_empty()
        && name.len() <= 253
        && name.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && label
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
        })
}

/// WHATWG "ends in a number": the last label (ignoring one trailing empty label) is all
/// decimal digits, or `0x` followed by hex digits.
fn ends_in_number(host: &str) -> bool {
    let mut parts: Vec<&str> = host.split('.').collect();
    if parts.last() == Some(&"") {
        if parts.len() == 1 {
            return false;
        }
        parts.pop();
    }
    let last = parts.last().copied().unwrap_or("");
    if !last.is_empty() && last.bytes().all(|b| b.is_ascii_digit()) {
        return true;
    }
    match last.strip_prefix("0x").or_else(|| last.strip_prefix("0X")) {
        Some(hex) => hex.bytes().all(|b| b.is_ascii_hexdigit()),
        None => false,
    }
}

/// The WHATWG IPv4 parser: 1–4 parts, each decimal, `0x` hex or leading-`0` octal.
fn parse_ipv4(host: &str) -> Option<u32> {
    let mut parts: Vec<&str> = host.split('.').collect();
    if parts.len() > 1 && parts.last() == Some(&"") {
        parts.pop();
    }
    if parts.is_empty() || parts.len() > 4 {
        return None;
    }
    let mut numbers = Vec::with_capacity(parts.len());
    for part in &parts {
        numbers.push(parse_ipv4_number(part)?);
    }
    let (last, init) = numbers.split_last()?;
    if init.iter().any(|&n| n > 255) {
        return None;
    }
    // The last number fills the remaining 5 - n bytes.
    let remaining_bits = 8 * (5 - u32::try_from(numbers.len()).ok()?);
    if remaining_bits < 64 && *last >= (1u64 << remaining_bits) {
        return None;
    }
    let mut ipv4 = *last;
    for (i, &n) in init.iter().enumerate() {
        let shift = 8 * (3 - u32::try_from(i).ok()?);
        ipv4 = ipv4.checked_add(n << shift)?;
    }
    u32::try_from(ipv4).ok()
}

fn parse_ipv4_number(part: &str) -> Option<u64> {
    if part.is_empty() {
        return None;
    }
    let (digits, radix) =
        if let Some(hex) = part.strip_prefix("0x").or_else(|| part.strip_prefix("0X")) {
            (hex, 16)
        } else if part.len() >= 2 && part.starts_with('0') {
            (part.get(1..)?, 8)
        } else {
            (part, 10)
        };
    digits.chars().try_fold(0u64, |acc, c| {
        let d = u64::from(c.to_digit(radix)?);
        acc.checked_mul(u64::from(radix))?.checked_add(d)
    })
}

/// The WHATWG IPv6 parser (no zone identifiers).
fn parse_ipv6(input: &str) -> Option<[u16; 8]> {
    let b = input.as_bytes();
    let mut address = [0u16; 8];
    let mut piece_index = 0usize;
    let mut compress: Option<usize> = None;
    let mut p = 0usize;

    if b.first() == Some(&b':') {
        if b.get(1) != Some(&b':') {
            return None;
        }
        p += 2;
        piece_index += 1;
        compress = Some(piece_index);
    }
    while let Some(&c) = b.get(p) {
        if piece_index == 8 {
            return None;
        }
        if c == b':' {
            if compress.is_some() {
                return None;
            }
            p += 1;
            piece_index += 1;
            compress = Some(piece_index);
            continue;
        }
        let mut value = 0u16;
        let mut length = 0usize;
        while length < 4 {
            match b.get(p).and_then(|&c| crate::hex::nibble(c)) {
                Some(d) => {
                    value = value.checked_mul(16)?.checked_add(u16::from(d))?;
                    p += 1;
                    length += 1;
                }
                None => break,
            }
        }
        match b.get(p) {
            Some(b'.') => {
                if length == 0 || piece_index > 6 {
                    return None;
                }
                p -= length;
                let mut numbers_seen = 0u8;
                while b.get(p).is_some() {
                    if numbers_seen > 0 {
                        if b.get(p) == Some(&b'.') && numbers_seen < 4 {
                            p += 1;
                        } else {
                            return None;
                        }
                    }
                    let mut piece: Option<u16> = None;
                    while let Some(&d) = b.get(p).filter(|d| d.is_ascii_digit()) {
                        let n = u16::from(d - b'0');
                        piece = match piece {
                            None => Some(n),
                            Some(0) => return None, // leading zero
                            Some(v) => Some(v * 10 + n),
                        };
                        if piece > Some(255) {
                            return None;
                        }
                        p += 1;
                    }
                    let piece = piece?; // not a digit
                    let slot = address.get_mut(piece_index)?;
                    *slot = slot.checked_mul(0x100)?.checked_add(piece)?;
                    numbers_seen += 1;
                    if numbers_seen == 2 || numbers_seen == 4 {
                        piece_index += 1;
                    }
                }
                if numbers_seen != 4 {
                    return None;
                }
                break;
            }
            Some(b':') => {
                p += 1;
                b.get(p)?; // a trailing single colon
            }
            Some(_) => return None,
            None => {}
        }
        *address.get_mut(piece_index)? = value;
        piece_index += 1;
    }
    match compress {
        Some(compress) => {
            let mut swaps = piece_index.checked_sub(compress)?;
            let mut i = 7usize;
            while i != 0 && swaps > 0 {
                let j = (compress + swaps).checked_sub(1)?;
                let a = *address.get(i)?;
                let z = *address.get(j)?;
                *address.get_mut(i)? = z;
                *address.get_mut(j)? = a;
                i -= 1;
                swaps -= 1;
            }
        }
        None if piece_index != 8 => return None,
        None => {}
    }
    Some(address)
}

fn fmt_ipv4(ip: u32) -> String {
    let [a, b, c, d] = ip.to_be_bytes();
    format!("{a}.{b}.{c}.{d}")
}

/// WHATWG IPv6 serializer: lowercase hex, the first longest run (≥ 2) of zeros as `::`.
fn fmt_ipv6(a: &[u16; 8]) -> String {
    let (mut best_start, mut best_len) = (8usize, 1usize);
    let mut i = 0;
    while i < 8 {
        let run = a.iter().skip(i).take_while(|&&x| x == 0).count();
        if run > best_len {
            best_start = i;
            best_len = run;
        }
        i += run.max(1);
    }
    let mut out = String::new();
    let mut i = 0;
    while i < 8 {
        if i == best_start {
            out.push_str(if i == 0 { "::" } else { ":" });
            i += best_len;
            continue;
        }
        let _ = write!(out, "{:x}", a.get(i).copied().unwrap_or(0));
        if i != 7 {
            out.push(':');
        }
        i += 1;
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Classification

enum Class {
    Public,
    /// Refused unless `allow_loopback`.
    Loopback(UrlRejection),
    Refused(UrlRejection),
}

fn classify(host: &Host) -> Class {
    match host {
        Host::Domain(name) => classify_name(name),
        Host::V4(ip) => classify_v4(*ip),
        Host::V6(a) => classify_v6(a),
    }
}

/// Names of the local machine (besides `*.localhost`), from common `/etc/hosts` files.
const LOCALHOST_NAMES: [&str; 5] = [
    "localhost",
    "localhost.localdomain",
    "ip6-localhost",
    "ip6-loopback",
    "ip6-localnet",
];

/// Well-known cloud instance-metadata host names.
const METADATA_NAMES: [&str; 9] = [
    "metadata",
    "metadata.google.internal",
    "metadata.goog",
    "instance-data",
    "instance-data.ec2.internal",
    "metadata.ec2.internal",
    "metadata.tencentyun.com",
    "metadata.platformequinix.com",
    "metadata.packet.net",
];

/// TLDs (and suffixes) that only exist on private networks.
const INTERNAL_SUFFIXES: [&str; 10] = [
    "internal",
    "local",
    "localdomain",
    "home.arpa",
    "lan",
    "intranet",
    "corp",
    "home",
    "private",
    "svc",
];

fn classify_name(name: &str) -> Class {
    let name = name.strip_suffix('.').unwrap_or(name);
    if LOCALHOST_NAMES.contains(&name) || name.ends_with(".localhost") {
        return Class::Loopback(UrlRejection::LocalhostName);
    }
    if METADATA_NAMES.contains(&name) {
        return Class::Refused(UrlRejection::MetadataHost);
    }
    let internal = !name.contains('.')
        || INTERNAL_SUFFIXES
            .iter()
            .any(|s| name.strip_suffix(s).is_some_and(|rest| rest.ends_with('.')));
    if internal {
        return Class::Refused(UrlRejection::InternalName);
    }
    Class::Public
}

fn classify_v4(ip: u32) -> Class {
    use UrlRejection as R;
    let [a, b, c, _] = ip.to_be_bytes();
    let refused = match (a, b, c) {
        (0, _, _) => R::Unspecified,
        (10, _, _) => R::PrivateAddress,
        (100, 64..=127, _) => R::SharedAddress,
        (127, _, _) => return Class::Loopback(R::Loopback),
        (169, 254, _) => R::LinkLocal,
        (172, 16..=31, _) => R::PrivateAddress,
        (192, 0, 0) | (192, 88, 99) => R::Reserved,
        (192, 0, 2) | (198, 51, 100) | (203, 0, 113) => R::Documentation,
        (192, 168, _) => R::PrivateAddress,
        (198, 18..=19, _) => R::Reserved,
        (224..=239, _, _) => R::Multicast,
        _ if ip == u32::MAX => R::Broadcast,
        (240..=255, _, _) => R::Reserved,
        _ => return Class::Public,
    };
    Class::Refused(refused)
}

/// An IPv4 address embedded in a translation/tunnel IPv6 form: never an allowable loopback;
/// `public_ok` says whether a public embedded address makes the IPv6 address usable.
fn classify_embedded(ip: u32, public_ok: bool) -> Class {
    match classify_v4(ip) {
        Class::Public if public_ok => Class::Public,
        Class::Public => Class::Refused(UrlRejection::Reserved),
        Class::Loopback(r) | Class::Refused(r) => Class::Refused(r),
    }
}

fn classify_v6(a: &[u16; 8]) -> Class {
    use UrlRejection as R;
    let [s0, s1, s2, s3, s4, s5, s6, s7] = *a;
    let low32 = (u32::from(s6) << 16) | u32::from(s7);
    let high_zero = s0 == 0 && s1 == 0 && s2 == 0 && s3 == 0;
    if high_zero && s4 == 0 && s5 == 0 && s6 == 0 {
        return match s7 {
            0 => Class::Refused(R::Unspecified),
            1 => Class::Loopback(R::Loopback),
            // ::/96 IPv4-compatible (deprecated)
            _ => classify_embedded(low32, false),
        };
    }
    if high_zero && s4 == 0 && s5 == 0xffff {
        // ::ffff:0:0/96 IPv4-mapped: the IPv4 address itself.
        return classify_v4(low32);
    }
    if high_zero && s4 == 0 && s5 == 0 {
        // ::/96 IPv4-compatible (deprecated)
        return classify_embedded(low32, false);
    }
    if high_zero && s4 == 0xffff && s5 == 0 {
        // ::ffff:0:0:0/96 IPv4-translated (SIIT)
        return classify_embedded(low32, false);
    }
    if s0 == 0x64 && s1 == 0xff9b && s2 == 0 && s3 == 0 && s4 == 0 && s5 == 0 {
        // 64:ff9b::/96 NAT64 well-known prefix
        return classify_embedded(low32, true);
    }
    if s0 == 0x64 && s1 == 0xff9b && s2 == 1 {
        return Class::Refused(R::Reserved); // 64:ff9b:1::/48 local-use NAT64
    }
    if s0 & 0xff00 == 0xff00 {
        return Class::Refused(R::Multicast);
    }
    if s0 & 0xffc0 == 0xfe80 {
        return Class::Refused(R::LinkLocal);
    }
    if s0 & 0xffc0 == 0xfec0 || s0 & 0xfe00 == 0xfc00 {
        return Class::Refused(R::PrivateAddress);
    }
    if (s0 == 0x2001 && s1 == 0x0db8) || (s0 == 0x3fff && s1 & 0xf000 == 0) {
        return Class::Refused(R::Documentation);
    }
    if s0 == 0x2001 && s1 < 0x0200 {
        return Class::Refused(R::Reserved); // 2001::/23 IETF protocol assignments, Teredo
    }
    if s0 == 0x2002 {
        // 2002::/16 6to4: the IPv4 address in bits 16..48
        return classify_embedded((u32::from(s1) << 16) | u32::from(s2), true);
    }
    if s0 & 0xe000 != 0x2000 {
        return Class::Refused(R::Reserved); // outside 2000::/3 global unicast
    }
    Class::Public
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::ToString;
    use alloc::vec;
    use UrlRejection as R;

    const STRICT: UrlPolicy = UrlPolicy {
        allow_loopback: false,
    };
    const DEV: UrlPolicy = UrlPolicy {
        allow_loopback: true,
    };

    fn refused(table: &[(&str, UrlRejection)], policy: &UrlPolicy) {
        for (url, want) in table {
            assert_eq!(check_url(url, policy), Err(*want), "{url:?}");
        }
    }

    #[test]
    fn loopback_spellings() {
        let table = [
            "http://127.0.0.1/",
            "http://127.0.0.1:8080/x",
            "HTTP://127.0.0.1",
            "https://127.255.255.254/",
            "http://127.1/",
            "http://127.0.1/",
            "http://2130706433/",
            "http://0x7f000001/",
            "http://0X7F000001/",
            "http://0x7f.1/",
            "http://0x7F.0.0.1/",
            "http://0x7f.0x0.0x0.0x1/",
            "http://0177.0.0.1/",
            "http://0177.1/",
            "http://017700000001/",
            "http://0177.0.0.01/",
            "http://127.000.000.001/",
            "http://127.0.0.1./",
            "http://127.1./",
            "http://%31%32%37.0.0.1/",
            "http://127%2e0%2e0%2e1/",
            "http://127.0.0.\t1/",
            "http://127.0.\n0.1/",
            " \x01http://127.0.0.1/ \x00",
            "http://[::1]/",
            "http://[::1]:80/",
            "http://[0:0:0:0:0:0:0:1]/",
            "http://[0000::0001]/",
            "http://[::ffff:127.0.0.1]/",
            "http://[::ffff:7f00:1]/",
            "http://[::FFFF:7F00:0001]/",
            "http://[0:0:0:0:0:ffff:127.0.0.1]/",
            "http://[::127.0.0.1]/",
            "http://[::7f00:1]/",
            "http://[::ffff:0:127.0.0.1]/",
            "http://[64:ff9b::127.0.0.1]/",
            "http://[64:ff9b::7f00:1]/",
            "http://[2002:7f00:1::]/",
            "http:\\\\127.0.0.1/",
            "http:/127.0.0.1/",
            "http:127.0.0.1/",
            "http:///127.0.0.1/",
            "http://127.0.0.1\\foo",
            "http://127.0.0.1#@example.com",
            "http://127.0.0.1?@example.com",
        ];
        for url in table {
            assert_eq!(check_url(url, &STRICT), Err(R::Loopback), "{url:?}");
        }
    }

    #[test]
    fn localhost_names() {
        let table = [
            "http://localhost/",
            "http://LOCALHOST:8787/",
            "http://localhost./",
            "http://foo.localhost/",
            "http://a.b.LocalHost./x",
            "http://%6c%6f%63%61%6c%68%6f%73%74/",
            "http://loc%61lhost/",
            "http://localhost.localdomain/",
            "http://ip6-localhost/",
            "http://local\thost/",
        ];
        for url in table {
            assert_eq!(check_url(url, &STRICT), Err(R::LocalhostName), "{url:?}");
        }
    }

    #[test]
    fn other_special_addresses() {
        refused(
            &[
                // private
                ("http://10.0.0.1/", R::PrivateAddress),
                ("http://10.1/", R::PrivateAddress),
                ("http://012.0.0.1/", R::PrivateAddress),
                ("http://0xa.0.0.1/", R::PrivateAddress),
                ("http://167772161/", R::PrivateAddress),
                ("http://172.16.0.1/", R::PrivateAddress),
                ("http://172.31.255.255/", R::PrivateAddress),
                ("http://192.168.1.1/", R::PrivateAddress),
                ("http://192.168.257/", R::PrivateAddress),
                ("http://3232235777/", R::PrivateAddress),
                ("http://0xc0a80101/", R::PrivateAddress),
                ("http://[fc00::1]/", R::PrivateAddress),
                ("http://[fd12:3456:789a::1]/", R::PrivateAddress),
                ("http://[fec0::1]/", R::PrivateAddress),
                ("http://[::ffff:10.0.0.1]/", R::PrivateAddress),
                ("http://[::ffff:c0a8:101]/", R::PrivateAddress),
                ("http://[::10.0.0.1]/", R::PrivateAddress),
                ("http://[64:ff9b::10.0.0.1]/", R::PrivateAddress),
                ("http://[64:ff9b::c0a8:101]/", R::PrivateAddress),
                ("http://[2002:c0a8:101::1]/", R::PrivateAddress),
                // link-local / metadata IP
                ("http://169.254.169.254/latest/meta-data/", R::LinkLocal),
                ("http://169.254.43518/", R::LinkLocal),
                ("http://2852039166/", R::LinkLocal),
                ("http://0xa9fea9fe/", R::LinkLocal),
                ("http://0251.0376.0251.0376/", R::LinkLocal),
                ("http://0xa9.0xfe.0xa9.0xfe/", R::LinkLocal),
                ("http://169.254.169.254./", R::LinkLocal),
                ("http://[fe80::1]/", R::LinkLocal),
                ("http://[febf:ffff::1]/", R::LinkLocal),
                ("http://[::ffff:169.254.169.254]/", R::LinkLocal),
                ("http://[::ffff:a9fe:a9fe]/", R::LinkLocal),
                ("http://[64:ff9b::a9fe:a9fe]/", R::LinkLocal),
                ("http://[fd00:ec2::254]/", R::PrivateAddress),
                // CGNAT
                ("http://100.64.0.1/", R::SharedAddress),
                ("http://100.127.255.255/", R::SharedAddress),
                ("http://100.100.100.200/", R::SharedAddress),
                ("http://[::ffff:100.64.0.1]/", R::SharedAddress),
                // unspecified
                ("http://0.0.0.0/", R::Unspecified),
                ("http://0/", R::Unspecified),
                ("http://0x0/", R::Unspecified),
                ("http://0x/", R::Unspecified),
                ("http://00/", R::Unspecified),
                ("http://0.0.0.0.:80/", R::Unspecified),
                ("http://0.1.2.3/", R::Unspecified),
                ("http://[::]/", R::Unspecified),
                ("http://[0::0]/", R::Unspecified),
                ("http://[::ffff:0.0.0.0]/", R::Unspecified),
                // multicast
                ("http://224.0.0.1/", R::Multicast),
                ("http://239.255.255.250/", R::Multicast),
                ("http://[ff02::1]/", R::Multicast),
                ("http://[ff05::1:3]/", R::Multicast),
                ("http://[::ffff:224.0.0.251]/", R::Multicast),
                // broadcast
                ("http://255.255.255.255/", R::Broadcast),
                ("http://4294967295/", R::Broadcast),
                ("http://0xffffffff/", R::Broadcast),
                ("http://[::ffff:255.255.255.255]/", R::Broadcast),
                // documentation
                ("http://192.0.2.1/", R::Documentation),
                ("http://198.51.100.7/", R::Documentation),
                ("http://203.0.113.9/", R::Documentation),
                ("http://[2001:db8::1]/", R::Documentation),
                ("http://[3fff::1]/", R::Documentation),
                ("http://[::ffff:203.0.113.1]/", R::Documentation),
                // reserved
                ("http://240.0.0.1/", R::Reserved),
                ("http://255.255.255.254/", R::Reserved),
                ("http://192.0.0.8/", R::Reserved),
                ("http://192.88.99.1/", R::Reserved),
                ("http://198.18.0.1/", R::Reserved),
                ("http://198.19.255.255/", R::Reserved),
                ("http://[::ffff:198.18.0.1]/", R::Reserved),
                ("http://[::8.8.8.8]/", R::Reserved),
                ("http://[::ffff:0:8.8.8.8]/", R::Reserved),
                ("http://[100::1]/", R::Reserved),
                ("http://[2001::1]/", R::Reserved),
                (
                    "http://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/",
                    R::Reserved,
                ),
                ("http://[64:ff9b:1::1]/", R::Reserved),
                ("http://[4000::1]/", R::Reserved),
                ("http://[::2]/", R::Unspecified),
            ],
            &STRICT,
        );
    }

    #[test]
    fn names() {
        refused(
            &[
                (
                    "http://metadata.google.internal/computeMetadata/v1/",
                    R::MetadataHost,
                ),
                ("http://METADATA.GOOGLE.INTERNAL./", R::MetadataHost),
                ("http://metadata/", R::MetadataHost),
                ("http://metadata.goog/", R::MetadataHost),
                ("http://instance-data/", R::MetadataHost),
                ("http://instance-data.ec2.internal/", R::MetadataHost),
                (
                    "http://metadata.tencentyun.com/latest/meta-data/",
                    R::MetadataHost,
                ),
                ("http://%6detadata.google.internal/", R::MetadataHost),
                ("http://intranet/", R::InternalName),
                ("http://router./", R::InternalName),
                ("http://foo.internal/", R::InternalName),
                ("http://printer.local/", R::InternalName),
                ("http://nas.lan:5000/", R::InternalName),
                ("http://host.home.arpa/", R::InternalName),
                ("http://kubernetes.default.svc/", R::InternalName),
                ("http://api.default.svc.cluster.local/", R::InternalName),
            ],
            &STRICT,
        );
        // Only whole labels count.
        assert_eq!(check_url("https://mylocal.com/", &STRICT), Ok(()));
        assert_eq!(check_url("https://notlocalhost.com/", &STRICT), Ok(()));
        assert_eq!(check_url("https://localhost.example.com/", &STRICT), Ok(()));
        assert_eq!(check_url("https://metadata.example.com/", &STRICT), Ok(()));
        assert_eq!(check_url("https://internal.example.com/", &STRICT), Ok(()));
    }

    #[test]
    fn structural_rejections() {
        let long = "https://example.com/".to_string() + &"a".repeat(MAX_URL_LEN);
        refused(
            &[
                (long.as_str(), R::TooLong),
                ("", R::NotHttp),
                ("   ", R::NotHttp),
                ("example.com", R::NotHttp),
                ("example.com:80/x", R::NotHttp),
                ("//example.com/", R::NotHttp),
                ("/callback", R::NotHttp),
                ("ftp://example.com/", R::NotHttp),
                ("file:///etc/passwd", R::NotHttp),
                ("gopher://example.com:70/", R::NotHttp),
                ("javascript:alert(1)", R::NotHttp),
                ("data:text/plain,hi", R::NotHttp),
                ("ws://example.com/", R::NotHttp),
                ("httpx://example.com/", R::NotHttp),
                ("http", R::NotHttp),
                ("1http://example.com/", R::NotHttp),
                ("ht tp://example.com/", R::NotHttp),
                ("http://", R::NoHost),
                ("https://", R::NoHost),
                ("http:", R::NoHost),
                ("http:///", R::NoHost),
                ("https://:443/", R::NoHost),
                ("http://?x", R::NoHost),
                ("http://#x", R::NoHost),
                ("http:/example.com/", R::NoHost),
                ("http:example.com/", R::NoHost),
                ("http:\\\\example.com/", R::NoHost),
                ("http:/\\example.com/", R::NoHost),
                ("http:///example.com/", R::NoHost),
                ("http://user@example.com/", R::Userinfo),
                ("http://user:pass@8.8.8.8/", R::Userinfo),
                ("http://@example.com/", R::Userinfo),
                ("http://:@example.com/", R::Userinfo),
                ("http://evil.com\\@127.0.0.1/", R::Userinfo),
                ("http://evil.com\\x@169.254.169.254/", R::Userinfo),
                ("http://127.0.0.1@evil.com/", R::Userinfo),
                ("http://a@b@example.com/", R::Userinfo),
                ("http://u@\texample.com/", R::Userinfo),
                ("http://example.com:99999/", R::BadPort),
                ("http://example.com:65536/", R::BadPort),
                ("http://example.com:0/", R::BadPort),
                ("http://example.com:00/", R::BadPort),
                ("http://example.com:-1/", R::BadPort),
                ("http://example.com:8o/", R::BadPort),
                ("http://example.com:80:80/", R::BadPort),
                ("http://example.com: 80/", R::BadPort),
                ("http://example.com:99999999999999999999999/", R::BadPort),
                ("http://[2606:4700::1]:x/", R::BadPort),
                ("http://1.2.3.4.5/", R::InvalidHost),
                ("http://256.0.0.1/", R::InvalidHost),
                ("http://1.2.3.256/", R::InvalidHost),
                ("http://1.2.65536/", R::InvalidHost),
                ("http://1.16777216/", R::InvalidHost),
                ("http://4294967296/", R::InvalidHost),
                ("http://0x100000000/", R::InvalidHost),
                ("http://99999999999999999999999999/", R::InvalidHost),
                ("http://1.2.3.0x100/", R::InvalidHost),
                ("http://08.0.0.1/", R::InvalidHost),
                ("http://0x7g.0.0.1/", R::InvalidHost),
                ("http://1..2.3/", R::InvalidHost),
                ("http://1.2.3.4../", R::InvalidHost),
                ("http://.1.2.3.4/", R::InvalidHost),
                ("http://a.1/", R::InvalidHost),
                ("http://example.0x1/", R::InvalidHost),
                ("http://[::1/", R::InvalidHost),
                ("http://[::1]x/", R::InvalidHost),
                ("http://[::1]]/", R::InvalidHost),
                ("http://::1/", R::NoHost),
                ("http://[]/", R::InvalidHost),
                ("http://[:]/", R::InvalidHost),
                ("http://[:::]/", R::InvalidHost),
                ("http://[1:2:3:4:5:6:7:8:9]/", R::InvalidHost),
                ("http://[1:2:3:4:5:6:7]/", R::InvalidHost),
                ("http://[1::2::3]/", R::InvalidHost),
                ("http://[12345::]/", R::InvalidHost),
                ("http://[::1:]/", R::InvalidHost),
                ("http://[:1::]/", R::InvalidHost),
                ("http://[::ffff:127.0.0.01]/", R::InvalidHost),
                ("http://[::ffff:127.0.0]/", R::InvalidHost),
                ("http://[::ffff:127.0.0.1.2]/", R::InvalidHost),
                ("http://[::ffff:256.0.0.1]/", R::InvalidHost),
                ("http://[::ffff:0x7f.0.0.1]/", R::InvalidHost),
                ("http://[1:2:3:4:5:6:7:1.2.3.4]/", R::InvalidHost),
                ("http://[fe80::1%25eth0]/", R::InvalidHost),
                ("http://[fe80::1%eth0]/", R::InvalidHost),
                ("http://[%3a%3a1]/", R::InvalidHost),
                ("http://exa mple.com/", R::InvalidHost),
                ("http://example..com/", R::InvalidHost),
                ("http://.example.com/", R::InvalidHost),
                ("http://example.com../", R::InvalidHost),
                ("http://./", R::InvalidHost),
                ("http://ex%ample.com/", R::InvalidHost),
                ("http://%zz/", R::InvalidHost),
                ("http://%2531%2532%2537.0.0.1/", R::InvalidHost),
                ("http://evil.com%40127.0.0.1/", R::InvalidHost),
                ("http://evil.com%2F@x/", R::Userinfo),
                ("http://ex<ample.com/", R::InvalidHost),
                ("http://exa%00mple.com/", R::InvalidHost),
                ("http://exa\u{0}mple.com/", R::InvalidHost),
                ("http://ex!ample.com/", R::InvalidHost),
                ("http://%ff/", R::InvalidHost),
                ("http://例子.测试/", R::InvalidHost),
                ("http://１２７.０.０.１/", R::InvalidHost),
                ("http://127。0。0。1/", R::InvalidHost),
                ("http://example.com\\path", R::InvalidHost),
            ],
            &STRICT,
        );
        let label64 = alloc::format!("http://{}.com/", "a".repeat(64));
        assert_eq!(check_url(&label64, &STRICT), Err(R::InvalidHost));
        let name254 = alloc::format!("http://{}.com/", ["abcdefghi"; 26].join("."));
        assert_eq!(check_url(&name254, &STRICT), Err(R::InvalidHost));
    }

    #[test]
    fn public_urls_pass() {
        let exact = "https://example.com/".to_string() + &"a".repeat(MAX_URL_LEN - 20);
        assert_eq!(exact.len(), MAX_URL_LEN);
        let table = [
            exact.as_str(),
            "https://hooks.example.com/path?q=1",
            "http://8.8.8.8:8080/x",
            "https://[2606:4700::1]/",
            "https://[2606:4700:4700::1111]:8443/in",
            "http://aaaa.com/callback",
            "http://mydemo.com/receiveevent",
            "http://example.com/callback",
            "HTTPS://EXAMPLE.COM",
            "hTtP://Example.Com:80",
            "https://example.com:443",
            "https://example.com:/",
            "https://example.com:00443/",
            "https://example.com:65535/",
            "https://example.com./",
            "https://example.com?x=@127.0.0.1",
            "https://example.com/#@127.0.0.1",
            "https://example.com/a\\b@127.0.0.1",
            "https://example.com/p?u=http://127.0.0.1",
            "https://xn--fsqu00a.xn--0zwm56d/",
            "https://a_b.example.com/",
            "https://1-2-3-4.example.com/",
            "https://123.example.com/",
            "https://0x7f.example.com/",
            "https://example.com/ path with spaces",
            "https://%65xample.com/",
            "  https://example.com/  ",
            "https://exa\tmple.com/",
            "http://1.1.1.1/",
            "http://9.255.255.255/",
            "http://11.0.0.1/",
            "http://100.63.255.255/",
            "http://100.128.0.0/",
            "http://126.255.255.255/",
            "http://128.0.0.1/",
            "http://169.253.255.255/",
            "http://169.255.0.1/",
            "http://172.15.255.255/",
            "http://172.32.0.0/",
            "http://192.0.1.1/",
            "http://192.0.3.1/",
            "http://192.167.255.255/",
            "http://192.169.0.1/",
            "http://198.17.255.255/",
            "http://198.20.0.0/",
            "http://223.255.255.255/",
            "http://134744072/",
            "http://0x8.0x8.0x8.0x8/",
            "http://010.010.010.010/",
            "http://[::ffff:8.8.8.8]/",
            "http://[::ffff:808:808]/",
            "http://[64:ff9b::8.8.8.8]/",
            "http://[2002:808:808::1]/",
            "http://[2001:4860:4860::8888]/",
            "http://[2001:200::1]/",
            "http://[3fff:1000::1]/",
        ];
        for url in table {
            assert_eq!(check_url(url, &STRICT), Ok(()), "{url:?}");
            assert_eq!(check_url(url, &DEV), Ok(()), "{url:?}");
        }
    }

    #[test]
    fn allow_loopback_lets_only_loopback_through() {
        for url in [
            "http://127.0.0.1/",
            "http://127.0.0.1:8787/hook",
            "http://127.1/",
            "http://2130706433/",
            "http://0x7f000001/",
            "http://0177.0.0.1/",
            "http://127.0.0.1./",
            "http://[::1]:8787/",
            "http://[::ffff:127.0.0.1]/",
            "http://localhost/",
            "http://localhost:8787/",
            "http://foo.localhost./",
            "http://localhost.localdomain/",
        ] {
            assert_eq!(check_url(url, &DEV), Ok(()), "{url:?}");
        }
        refused(
            &[
                ("http://10.0.0.1/", R::PrivateAddress),
                ("http://169.254.169.254/", R::LinkLocal),
                ("http://0.0.0.0/", R::Unspecified),
                ("http://[::]/", R::Unspecified),
                ("http://metadata/", R::MetadataHost),
                ("http://intranet/", R::InternalName),
                ("http://[::127.0.0.1]/", R::Loopback),
                ("http://[64:ff9b::127.0.0.1]/", R::Loopback),
                ("http://[2002:7f00:1::]/", R::Loopback),
                ("http://user@localhost/", R::Userinfo),
                ("http://localhost:0/", R::BadPort),
                ("http:/localhost/", R::NoHost),
                ("http://localhost\\x", R::InvalidHost),
                ("ftp://localhost/", R::NotHttp),
            ],
            &DEV,
        );
    }

    #[test]
    fn host_of_serializes_like_whatwg() {
        let table = [
            ("http://0x7f.1/", Some("127.0.0.1")),
            ("http://2130706433/", Some("127.0.0.1")),
            ("http://0177.0.0.1./", Some("127.0.0.1")),
            ("http://EXAMPLE.com./x", Some("example.com.")),
            ("http://%65xample.com/", Some("example.com")),
            ("http://[::]/", Some("[::]")),
            ("http://[::1]/", Some("[::1]")),
            ("http://[1::]/", Some("[1::]")),
            ("http://[::ffff:127.0.0.1]/", Some("[::ffff:7f00:1]")),
            ("http://[1:0:0:2:0:0:0:3]/", Some("[1:0:0:2::3]")),
            ("http://[1:0:0:2:0:0:3:4]/", Some("[1::2:0:0:3:4]")),
            ("http://[1:0:2:3:4:5:6:7]/", Some("[1:0:2:3:4:5:6:7]")),
            (
                "http://[2001:DB8:0:0:1:0:0:1]/",
                Some("[2001:db8::1:0:0:1]"),
            ),
            ("http://localhost:80/", Some("localhost")),
            ("http://user@example.com/", None),
            ("mailto:a@b.c", None),
            ("http://1.2.3.4.5/", None),
        ];
        for (url, want) in table {
            assert_eq!(host_of(url).as_deref(), want, "{url:?}");
        }
    }

    #[test]
    fn rejection_names_and_messages() {
        let all = [
            R::TooLong,
            R::NotHttp,
            R::NoHost,
            R::Userinfo,
            R::BadPort,
            R::InvalidHost,
            R::Loopback,
            R::LocalhostName,
            R::PrivateAddress,
            R::LinkLocal,
            R::SharedAddress,
            R::Unspecified,
            R::Multicast,
            R::Broadcast,
            R::Documentation,
            R::Reserved,
            R::MetadataHost,
            R::InternalName,
        ];
        let mut kinds: Vec<&str> = all.iter().map(|r| r.kind()).collect();
        kinds.sort_unstable();
        kinds.dedup();
        assert_eq!(kinds.len(), all.len());
        for r in all {
            assert!(r
                .kind()
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b == b'_'));
            assert_eq!(r.to_string(), r.message());
        }
    }

    #[test]
    fn odd_inputs_do_not_panic() {
        let odd = vec![
            "\u{0}",
            "http://[",
            "http://]",
            "http://[[::1]]/",
            "http://[::1]:",
            "http://%",
            "http://%%%%",
            "http://%e2%82",
            "http://\u{feff}example.com/",
            "http://[ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255]/",
            "http://[::255.255.255.255.]/",
            "http://[1.2.3.4]/",
            "http://[::1.2.3.]/",
            "http://[::.1.2.3]/",
            "http://0x.0x.0x.0x/",
            "http://0.0.0.0x/",
            "https:::::",
            "h:",
            ":",
            "http://\u{10ffff}/",
        ];
        for url in odd {
            let _ = check_url(url, &STRICT);
            let _ = host_of(url);
        }
    }

    proptest::proptest! {
        #[test]
        fn never_panics(s in "\\PC{0,80}") {
            let _ = check_url(&s, &STRICT);
            let _ = check_url(&alloc::format!("http://{s}"), &DEV);
            let _ = host_of(&alloc::format!("https://[{s}]/"));
        }

        #[test]
        fn ip_like_hosts_never_panic(s in "[0-9a-fA-FxX:.\\[\\]%]{0,48}") {
            let _ = check_url(&alloc::format!("http://{s}/"), &STRICT);
            let _ = check_url(&alloc::format!("http://[{s}]/"), &STRICT);
        }

        #[test]
        fn dotted_ipv4_matches_classification(a: u8, b: u8, c: u8, d: u8) {
            let ip = u32::from_be_bytes([a, b, c, d]);
            let dotted = check_url(&alloc::format!("http://{a}.{b}.{c}.{d}/"), &STRICT);
            let decimal = check_url(&alloc::format!("http://{ip}/"), &STRICT);
            let hex = check_url(&alloc::format!("http://0x{ip:x}/"), &STRICT);
            let mapped = check_url(&alloc::format!("http://[::ffff:{a}.{b}.{c}.{d}]/"), &STRICT);
            proptest::prop_assert_eq!(dotted, decimal);
            proptest::prop_assert_eq!(dotted, hex);
            proptest::prop_assert_eq!(dotted, mapped);
        }
    }
}
