//! TC3-HMAC-SHA256, the request signature of Tencent Cloud API 3.0 (SPEC §9): parse an
//! `Authorization` header, verify a request, sign one.
//!
//! Source: Tencent Cloud API 3.0 "Signature v3" (签名方法 v3) and the official SDKs, checked
//! against `tencentcloud-sdk-nodejs-vod` 4.1.287 (its requests are kept as data in
//! `testdata/vectors/tc3.json`):
//!
//! ```text
//! CanonicalRequest = Method \n Path \n CanonicalQuery \n
//!                    (name:value\n for each signed header) \n SignedHeaders \n hex(SHA256(body))
//! StringToSign     = "TC3-HMAC-SHA256" \n Timestamp \n {date}/{service}/tc3_request \n
//!                    hex(SHA256(CanonicalRequest))
//! Signature        = hex(HMAC(HMAC(HMAC(HMAC("TC3" + SecretKey, date), service),
//!                    "tc3_request"), StringToSign))
//! Authorization    = TC3-HMAC-SHA256 Credential={SecretId}/{date}/{service}/tc3_request,
//!                    SignedHeaders=content-type;host, Signature={hex}
//! ```
//!
//! Details the SDKs add: the path is the URL path as sent (the Node SDK appends `/` to its
//! endpoint), `host` is the host name **without the port**, `service` is the endpoint's first
//! dot-separated label (with a dot-less endpoint such as `localhost:8787/x`, the whole
//! endpoint), `date` is the UTC date of `X-TC-Timestamp`.
//!
//! Errors map to Tencent's common error codes ([`Tc3Error::code`]). Checks run in the order
//! parse → SecretId → signature → time window (±[`WINDOW_SECONDS`]); the SecretId and the
//! signature are compared in constant time.
//!
//! ```
//! use mediahook_core::tc3::{sign, verify, Credential, Request, Tc3Error};
//!
//! let cred = Credential { secret_id: "AKIDexample", secret_key: "example-key" };
//! let body = br#"{"EventHandles":["1.ab"]}"#;
//! let signed = [("content-type", "application/json"), ("host", "hooks.example.com")];
//! let auth = sign(&Request::new("POST", "/v1/sources/s/tencent/", &signed, body), &cred, "hooks", 1_764_547_200);
//!
//! // What the server sees: the Host header with its port, the timestamp header, Authorization.
//! let headers = [
//!     ("Content-Type", "application/json"),
//!     ("Host", "hooks.example.com:443"),
//!     ("X-TC-Timestamp", "1764547200"),
//!     ("Authorization", auth.as_str()),
//! ];
//! let req = Request::new("POST", "/v1/sources/s/tencent/", &headers, body);
//! assert!(verify(&req, &cred, 1_764_547_230_000).is_ok());
//! assert_eq!(verify(&req, &cred, 1_764_547_501_000), Err(Tc3Error::SignatureExpire));
//! ```

use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::hex;

type HmacSha256 = Hmac<Sha256>;

/// The algorithm name, first word of the `Authorization` header.
pub const ALGORITHM: &str = "TC3-HMAC-SHA256";
/// The credential scope's terminator.
pub const TERMINATOR: &str = "tc3_request";
/// A request is accepted when `X-TC-Timestamp` is within this many seconds of now (Tencent:
/// five minutes).
pub const WINDOW_SECONDS: i64 = 300;
/// Longest accepted `Authorization` value, bytes.
pub const MAX_AUTHORIZATION_LEN: usize = 4096;
/// At most this many signed headers.
pub const MAX_SIGNED_HEADERS: usize = 32;

/// Why a TC3 request was refused; each maps to one of Tencent's common error codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Tc3Error {
    /// No `Authorization`, or one that is not a TC3-HMAC-SHA256 header as documented (also a
    /// missing or unparsable `X-TC-Timestamp`, and `SignedHeaders` without `host` or naming
    /// a header the request does not carry). `AuthFailure.InvalidAuthorization`.
    InvalidAuthorization,
    /// The SecretId is not the configured one. `AuthFailure.SecretIdNotFound`.
    SecretIdNotFound,
    /// Well-formed, but not signed with the configured SecretKey over this request (also a
    /// credential date that is not the timestamp's UTC date). `AuthFailure.SignatureFailure`.
    SignatureFailure,
    /// Authentic, but `X-TC-Timestamp` is more than [`WINDOW_SECONDS`] from now.
    /// `AuthFailure.SignatureExpire`.
    SignatureExpire,
}

impl Tc3Error {
    /// Every variant.
    pub const ALL: [Tc3Error; 4] = [
        Tc3Error::InvalidAuthorization,
        Tc3Error::SecretIdNotFound,
        Tc3Error::SignatureFailure,
        Tc3Error::SignatureExpire,
    ];

    /// Tencent's error code (`Response.Error.Code`), e.g. `AuthFailure.SignatureFailure`.
    pub const fn code(self) -> &'static str {
        match self {
            Tc3Error::InvalidAuthorization => "AuthFailure.InvalidAuthorization",
            Tc3Error::SecretIdNotFound => "AuthFailure.SecretIdNotFound",
            Tc3Error::SignatureFailure => "AuthFailure.SignatureFailure",
            Tc3Error::SignatureExpire => "AuthFailure.SignatureExpire",
        }
    }

    /// A one-sentence explanation (never contains key material).
    pub const fn message(self) -> &'static str {
        match self {
            Tc3Error::InvalidAuthorization => {
                "the Authorization header (or X-TC-Timestamp) is missing or not a valid TC3-HMAC-SHA256 authorization"
            }
            Tc3Error::SecretIdNotFound => "the SecretId is not configured for this source",
            Tc3Error::SignatureFailure => "the signature does not match the request",
            Tc3Error::SignatureExpire => {
                "X-TC-Timestamp is more than 300 seconds away from the server time"
            }
        }
    }
}

impl fmt::Display for Tc3Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

#[cfg(feature = "std")]
impl std::error::Error for Tc3Error {}

/// A parsed `Authorization: TC3-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Authorization<'a> {
    /// The SecretId (before the first `/` of `Credential`).
    pub secret_id: &'a str,
    /// The scope date, `YYYY-MM-DD` (UTC).
    pub date: &'a str,
    /// The scope's service (may contain `/` and `:` when the SDK's endpoint had no dot).
    pub service: &'a str,
    /// `SignedHeaders` as written: lower-case names, `;`-separated, ascending.
    pub signed_headers: &'a str,
    /// The 32-byte signature.
    pub signature: [u8; 32],
}

impl<'a> Authorization<'a> {
    /// The signed header names.
    pub fn signed_header_names(&self) -> impl Iterator<Item = &'a str> {
        self.signed_headers.split(';')
    }
}

/// A request as the server received it (or as a client is about to send it).
#[derive(Debug, Clone, Copy)]
pub struct Request<'a> {
    /// The HTTP method, e.g. `POST`.
    pub method: &'a str,
    /// The URL path as sent (not decoded), e.g. `/v1/sources/s/tencent/`.
    pub path: &'a str,
    /// The query string as sent, without `?` (empty for the SDKs' POSTs).
    pub query: &'a str,
    /// Header name/value pairs, names matched case-insensitively; `Host` as received (a port
    /// is removed for signing).
    pub headers: &'a [(&'a str, &'a str)],
    /// The raw body.
    pub body: &'a [u8],
}

impl<'a> Request<'a> {
    /// A request without a query string.
    pub fn new(
        method: &'a str,
        path: &'a str,
        headers: &'a [(&'a str, &'a str)],
        body: &'a [u8],
    ) -> Self {
        Request {
            method,
            path,
            query: "",
            headers,
            body,
        }
    }

    /// Sets the query string (without `?`).
    pub fn with_query(mut self, query: &'a str) -> Self {
        self.query = query;
        self
    }

    /// Looks a header up case-insensitively (the first one wins).
    pub fn header(&self, name: &str) -> Option<&'a str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| *v)
    }
}

/// A SecretId and its SecretKey.
#[derive(Clone, Copy)]
pub struct Credential<'a> {
    /// The SecretId (`AKID…`).
    pub secret_id: &'a str,
    /// The SecretKey.
    pub secret_key: &'a str,
}

impl fmt::Debug for Credential<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credential")
            .field("secret_id", &self.secret_id)
            .field("secret_key", &"<redacted>")
            .finish()
    }
}

fn is_date(s: &str) -> bool {
    let b = s.as_bytes();
    let num = |r: core::ops::Range<usize>| -> Option<u32> {
        let d = b.get(r)?;
        if !d.iter().all(u8::is_ascii_digit) {
            return None;
        }
        Some(d.iter().fold(0u32, |n, c| n * 10 + u32::from(c - b'0')))
    };
    b.len() == 10
        && b.get(4) == Some(&b'-')
        && b.get(7) == Some(&b'-')
        && num(0..4).is_some()
        && num(5..7).is_some_and(|m| (1..=12).contains(&m))
        && num(8..10).is_some_and(|d| (1..=31).contains(&d))
}

fn is_header_name(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
}

/// Parses an `Authorization` value. Fields may come in any order, separated by `,` and
/// optional spaces; each exactly once. `Credential` is `{SecretId}/{YYYY-MM-DD}/{service}/
/// tc3_request`; `SignedHeaders` is ascending, lower-case, unique and includes `host`;
/// `Signature` is 64 hex digits. Anything else is [`Tc3Error::InvalidAuthorization`].
pub fn parse_authorization(value: &str) -> Result<Authorization<'_>, Tc3Error> {
    const BAD: Tc3Error = Tc3Error::InvalidAuthorization;
    if value.len() > MAX_AUTHORIZATION_LEN {
        return Err(BAD);
    }
    let rest = value.trim().strip_prefix(ALGORITHM).ok_or(BAD)?;
    if !rest.starts_with(' ') {
        return Err(BAD);
    }
    let (mut credential, mut signed, mut signature) = (None, None, None);
    for part in rest.split(',') {
        let (k, v) = part.trim().split_once('=').ok_or(BAD)?;
        let slot = match k {
            "Credential" => &mut credential,
            "SignedHeaders" => &mut signed,
            "Signature" => &mut signature,
            _ => return Err(BAD),
        };
        if slot.replace(v).is_some() {
            return Err(BAD);
        }
    }
    let (credential, signed_headers, signature) = (
        credential.ok_or(BAD)?,
        signed.ok_or(BAD)?,
        signature.ok_or(BAD)?,
    );

    let (secret_id, scope) = credential.split_once('/').ok_or(BAD)?;
    let scope = scope
        .strip_suffix(TERMINATOR)
        .and_then(|s| s.strip_suffix('/'))
        .ok_or(BAD)?;
    let (date, service) = scope.split_once('/').ok_or(BAD)?;
    let visible = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_graphic() && b != b',');
    if !visible(secret_id) || !is_date(date) || !visible(service) {
        return Err(BAD);
    }

    let mut count = 0usize;
    let mut previous: Option<&str> = None;
    let mut has_host = false;
    for name in signed_headers.split(';') {
        count += 1;
        if count > MAX_SIGNED_HEADERS
            || !is_header_name(name)
            || previous.is_some_and(|p| p >= name)
        {
            return Err(BAD);
        }
        has_host |= name == "host";
        previous = Some(name);
    }
    if !has_host {
        return Err(BAD);
    }
    let signature = hex::decode_exact::<32>(signature).ok_or(BAD)?;
    Ok(Authorization {
        secret_id,
        date,
        service,
        signed_headers,
        signature,
    })
}

/// A `Host` value without its port: `127.0.0.1:8787` → `127.0.0.1`, `[::1]:8787` → `[::1]`
/// (what the official SDKs sign, from their URL's host name).
pub fn host_without_port(host: &str) -> &str {
    let host = host.trim();
    if let Some(end) = host.find(']') {
        return host.get(..=end).unwrap_or(host);
    }
    match host.rsplit_once(':') {
        Some((name, port)) if !port.is_empty() && port.bytes().all(|b| b.is_ascii_digit()) => name,
        _ => host,
    }
}

/// The UTC date (`YYYY-MM-DD`) of Unix seconds, as used in the credential scope.
pub fn scope_date(timestamp: i64) -> String {
    let mut s = crate::time::rfc3339_from_unix(timestamp);
    s.truncate(10);
    s
}

fn hmac(key: &[u8], parts: &[&[u8]]) -> [u8; 32] {
    // HMAC accepts keys of any length: `new_from_slice` cannot fail for it.
    let mut mac = match HmacSha256::new_from_slice(key) {
        Ok(m) => m,
        Err(_) => return [0u8; 32],
    };
    for p in parts {
        mac.update(p);
    }
    mac.finalize().into_bytes().into()
}

fn sha256_hex(data: &[u8]) -> String {
    hex::encode(&Sha256::digest(data))
}

/// How a header's value enters the canonical request.
#[derive(Clone, Copy, PartialEq)]
enum Values {
    /// Trimmed, as sent (the official SDKs; `host` without its port).
    AsSent,
    /// Trimmed and lower-cased (Tencent's document; `host` without its port).
    Lower,
    /// Trimmed, `host` with its port (a client signing the `Host` header literally).
    HostWithPort,
}

/// The canonical request; `None` when a signed header is absent.
fn canonical_request(req: &Request<'_>, names: &str, values: Values) -> Option<String> {
    let mut out = String::with_capacity(256);
    out.push_str(req.method);
    out.push('\n');
    out.push_str(req.path);
    out.push('\n');
    out.push_str(req.query);
    out.push('\n');
    for name in names.split(';') {
        let raw = req.header(name)?.trim();
        let value = if name == "host" && values != Values::HostWithPort {
            host_without_port(raw)
        } else {
            raw
        };
        out.push_str(name);
        out.push(':');
        if values == Values::Lower {
            for c in value.chars() {
                out.push(c.to_ascii_lowercase());
            }
        } else {
            out.push_str(value);
        }
        out.push('\n');
    }
    out.push('\n');
    out.push_str(names);
    out.push('\n');
    out.push_str(&sha256_hex(req.body));
    Some(out)
}

fn signature(
    secret_key: &str,
    date: &str,
    service: &str,
    timestamp: i64,
    canonical: &str,
) -> [u8; 32] {
    let mut ts = [0u8; 20];
    let ts = crate::signing::decimal(timestamp, &mut ts);
    let hashed = sha256_hex(canonical.as_bytes());
    let k_date = hmac(
        &[b"TC3".as_slice(), secret_key.as_bytes()].concat(),
        &[date.as_bytes()],
    );
    let k_service = hmac(&k_date, &[service.as_bytes()]);
    let k_signing = hmac(&k_service, &[TERMINATOR.as_bytes()]);
    hmac(
        &k_signing,
        &[
            ALGORITHM.as_bytes(),
            b"\n",
            ts,
            b"\n",
            date.as_bytes(),
            b"/",
            service.as_bytes(),
            b"/",
            TERMINATOR.as_bytes(),
            b"\n",
            hashed.as_bytes(),
        ],
    )
}

/// Parses `X-TC-Timestamp`: a non-negative decimal integer that fits in `i64`.
fn parse_timestamp(s: &str) -> Option<i64> {
    let s = s.trim();
    if s.is_empty() || s.len() > 19 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// Verifies a TC3-HMAC-SHA256 request against one credential at `now_ms` (Unix
/// milliseconds). Reads `Authorization` and `X-TC-Timestamp` from `req.headers`. Returns the
/// parsed authorization on success.
///
/// Canonical forms accepted: header values trimmed as sent with `host` without its port (the
/// official SDKs), the same lower-cased (Tencent's document), and `host` with its port.
///
/// # Errors
/// [`Tc3Error::InvalidAuthorization`], [`Tc3Error::SecretIdNotFound`],
/// [`Tc3Error::SignatureFailure`], [`Tc3Error::SignatureExpire`], in that order of checks.
pub fn verify<'r>(
    req: &Request<'r>,
    credential: &Credential<'_>,
    now_ms: i64,
) -> Result<Authorization<'r>, Tc3Error> {
    let auth = parse_authorization(
        req.header("authorization")
            .ok_or(Tc3Error::InvalidAuthorization)?,
    )?;
    let timestamp = req
        .header("x-tc-timestamp")
        .and_then(parse_timestamp)
        .ok_or(Tc3Error::InvalidAuthorization)?;
    if auth.signed_header_names().any(|n| req.header(n).is_none()) {
        return Err(Tc3Error::InvalidAuthorization);
    }
    let given: [u8; 32] = Sha256::digest(auth.secret_id.as_bytes()).into();
    let want: [u8; 32] = Sha256::digest(credential.secret_id.as_bytes()).into();
    if !bool::from(given.ct_eq(&want)) {
        return Err(Tc3Error::SecretIdNotFound);
    }
    if auth.date != scope_date(timestamp) {
        return Err(Tc3Error::SignatureFailure);
    }
    let mut matched = false;
    let mut tried: Vec<String> = Vec::with_capacity(3);
    for values in [Values::AsSent, Values::Lower, Values::HostWithPort] {
        let Some(canonical) = canonical_request(req, auth.signed_headers, values) else {
            return Err(Tc3Error::InvalidAuthorization);
        };
        if tried.contains(&canonical) {
            continue;
        }
        let expected = signature(
            credential.secret_key,
            auth.date,
            auth.service,
            timestamp,
            &canonical,
        );
        matched |= bool::from(expected.ct_eq(&auth.signature));
        tried.push(canonical);
    }
    if !matched {
        return Err(Tc3Error::SignatureFailure);
    }
    let now_s = now_ms.div_euclid(1000);
    if now_s.abs_diff(timestamp) > WINDOW_SECONDS.unsigned_abs() {
        return Err(Tc3Error::SignatureExpire);
    }
    Ok(auth)
}

/// Signs a request as the official SDKs do and returns the `Authorization` value. Every
/// header of `req.headers` is signed (names lower-cased and sorted; values trimmed; `host`
/// without its port); send `X-TC-Timestamp: {timestamp}` (Unix seconds) with it. `service`
/// is the scope's service (the SDKs: the endpoint's first label, e.g. `vod`).
pub fn sign(
    req: &Request<'_>,
    credential: &Credential<'_>,
    service: &str,
    timestamp: i64,
) -> String {
    let mut names: Vec<String> = req
        .headers
        .iter()
        .map(|(k, _)| k.to_ascii_lowercase())
        .collect();
    names.sort();
    names.dedup();
    let names = names.join(";");
    let date = scope_date(timestamp);
    // Every name comes from `req.headers`, so the canonical request always exists.
    let canonical = canonical_request(req, &names, Values::AsSent).unwrap_or_default();
    let sig = signature(credential.secret_key, &date, service, timestamp, &canonical);
    let mut out = String::with_capacity(200);
    for part in [
        ALGORITHM,
        " Credential=",
        credential.secret_id,
        "/",
        &date,
        "/",
        service,
        "/",
        TERMINATOR,
        ", SignedHeaders=",
        &names,
        ", Signature=",
        &hex::encode(&sig),
    ] {
        out.push_str(part);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const AUTH: &str = "TC3-HMAC-SHA256 Credential=AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE/2019-02-25/cvm/tc3_request, SignedHeaders=content-type;host;x-tc-action, Signature=644be983de9a8a3f00db8eadaba61467c3b429e2215758ba897b738ca469fd26";

    /// The example request of Tencent's signature v3 document (DescribeInstances on
    /// cvm.tencentcloudapi.com at 1551113065, its example keys), which signs header values
    /// lower-cased; the signature was computed independently with Python's hashlib/hmac.
    #[test]
    fn tencent_document_example() {
        let body = br#"{"Limit": 1, "Filters": [{"Values": ["\u672a\u547d\u540d"], "Name": "instance-name"}]}"#;
        let headers = [
            ("Authorization", AUTH),
            ("Content-Type", "application/json; charset=utf-8"),
            ("Host", "cvm.tencentcloudapi.com"),
            ("X-TC-Action", "DescribeInstances"),
            ("X-TC-Timestamp", "1551113065"),
        ];
        let req = Request::new("POST", "/", &headers, body);
        let cred = Credential {
            secret_id: "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE",
            secret_key: "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE",
        };
        let ok = verify(&req, &cred, 1_551_113_065_000).unwrap();
        assert_eq!((ok.date, ok.service), ("2019-02-25", "cvm"));
    }

    #[test]
    fn parses_and_refuses() {
        let a = parse_authorization(AUTH).unwrap();
        assert_eq!(a.secret_id, "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE");
        assert_eq!(
            a.signed_header_names().collect::<Vec<_>>(),
            ["content-type", "host", "x-tc-action"]
        );
        // A dot-less endpoint: the Node SDK's service is the whole endpoint.
        let b = parse_authorization("TC3-HMAC-SHA256 Credential=AK/2025-12-02/localhost:8787/v1/s/tencent/tc3_request, SignedHeaders=host, Signature=0000000000000000000000000000000000000000000000000000000000000000").unwrap();
        assert_eq!(b.service, "localhost:8787/v1/s/tencent");
        for bad in [
            "",
            "TC3-HMAC-SHA256",
            "TC3-HMAC-SHA256Credential=a",
            "tc3-hmac-sha256 Credential=AK/2019-02-25/cvm/tc3_request, SignedHeaders=host, Signature=00",
            &AUTH.replace("content-type;host", "host;content-type"),
            &AUTH.replace("content-type;host", "content-type;content-type;host"),
            &AUTH.replace("content-type;host", "Content-Type;host"),
            &AUTH.replace("content-type;host;x-tc-action", "content-type"),
            &AUTH.replace("content-type;host", "content-type;;host"),
            &AUTH.replace("Credential=AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE", "Credential="),
            &AUTH.replace("2019-02-25", "2019-2-25"),
            &AUTH.replace("2019-02-25", "2019-02-32"),
            &AUTH.replace("/cvm/", "//"),
            &AUTH.replace(", Signature", ", Nonce=1, Signature"),
            &AUTH.replace("Signature=64", "Signature=zz"),
            &AUTH.replace("Signature=64", "Signature=6"),
            &[AUTH, ", Signature=00"].concat(),
            &[AUTH, ","].concat(),
            &AUTH.repeat(20),
        ] {
            assert_eq!(
                parse_authorization(bad),
                Err(Tc3Error::InvalidAuthorization),
                "{bad}"
            );
        }
    }

    #[test]
    fn hosts_and_dates() {
        assert_eq!(host_without_port("127.0.0.1:8787"), "127.0.0.1");
        assert_eq!(host_without_port("example.com"), "example.com");
        assert_eq!(host_without_port("[::1]:8787"), "[::1]");
        assert_eq!(host_without_port("[::1]"), "[::1]");
        assert_eq!(host_without_port("h:"), "h:");
        assert_eq!(scope_date(1_764_633_599), "2025-12-01");
        assert_eq!(scope_date(1_764_633_600), "2025-12-02");
        assert_eq!(parse_timestamp(" 17 "), Some(17));
        assert_eq!(parse_timestamp("-1"), None);
        assert_eq!(parse_timestamp("99999999999999999999"), None);
        for e in Tc3Error::ALL {
            assert!(e.code().starts_with("AuthFailure."));
            assert!(!e.message().is_empty());
        }
    }

    #[test]
    fn sign_then_verify_and_each_check() {
        let cred = Credential {
            secret_id: "AKIDa",
            secret_key: "key-a",
        };
        let body = b"{}";
        let to_sign = [
            ("Host", "h.example:1"),
            ("Content-Type", "application/json"),
        ];
        let auth = sign(
            &Request::new("POST", "/p/", &to_sign, body),
            &cred,
            "h",
            1000,
        );
        assert!(auth.contains("SignedHeaders=content-type;host,"));
        let headers = [
            ("host", "h.example:2"),
            ("content-type", "application/json"),
            ("x-tc-timestamp", "1000"),
            ("authorization", auth.as_str()),
        ];
        let req = Request::new("POST", "/p/", &headers, body);
        assert!(verify(&req, &cred, 1_000_000).is_ok());
        assert!(verify(&req, &cred, 1_300_999).is_ok());
        assert_eq!(
            verify(&req, &cred, 1_301_000),
            Err(Tc3Error::SignatureExpire)
        );
        assert_eq!(verify(&req, &cred, 699_000), Err(Tc3Error::SignatureExpire));
        let other_id = Credential {
            secret_id: "AKIDb",
            ..cred
        };
        assert_eq!(
            verify(&req, &other_id, 1_000_000),
            Err(Tc3Error::SecretIdNotFound)
        );
        let other_key = Credential {
            secret_key: "key-b",
            ..cred
        };
        assert_eq!(
            verify(&req, &other_key, 1_000_000),
            Err(Tc3Error::SignatureFailure)
        );
        assert_eq!(
            verify(&req.with_query("x=1"), &cred, 1_000_000),
            Err(Tc3Error::SignatureFailure)
        );
        // A client that signs the Host header literally, port included, is accepted too.
        let with_port = [
            ("host", "h.example:2"),
            ("content-type", "application/json"),
            ("x-tc-timestamp", "1000"),
        ];
        let canonical = canonical_request(
            &Request::new("POST", "/p/", &with_port, body),
            "content-type;host",
            Values::HostWithPort,
        )
        .unwrap();
        assert!(canonical.contains("host:h.example:2\n"));
        let sig = hex::encode(&signature(
            cred.secret_key,
            "1970-01-01",
            "h",
            1000,
            &canonical,
        ));
        let literal = alloc::format!("TC3-HMAC-SHA256 Credential=AKIDa/1970-01-01/h/tc3_request, SignedHeaders=content-type;host, Signature={sig}");
        let mut headers = with_port.to_vec();
        headers.push(("authorization", literal.as_str()));
        assert!(verify(
            &Request::new("POST", "/p/", &headers, body),
            &cred,
            1_000_000
        )
        .is_ok());
        assert!(
            !alloc::format!("{cred:?}").contains("key-a"),
            "Debug must not show the key"
        );
    }
}
