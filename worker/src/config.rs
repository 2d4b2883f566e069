//! `MEDIAHOOK_CONFIG`: parsing and validation. Pure Rust (no Workers API), so it is unit
//! tested natively. Every problem is collected (not just the first) so an operator sees the
//! whole list at once; no secret value ever appears in a problem message.

use std::collections::BTreeSet;

use mediahook_core::standard_webhooks::{decode_signing_secret, Webhook};
use mediahook_core::tc3;
use mediahook_core::url_policy::{check_url, UrlPolicy, UrlRejection};
use mediahook_core::verify::{SourceKey, TimestampMeaning};
use mediahook_core::volcengine::SignOrder;
use mediahook_core::Vendor;
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::access::{Cidr, PathSecret};

/// Largest accepted callback body.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;
/// Most store shards a source may have.
pub const MAX_SHARDS: u32 = 64;

/// How deliveries are attempted (top-level `delivery` object).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DeliveryPolicy {
    /// Per-attempt timeout of a POST to a destination, milliseconds.
    pub timeout_ms: u32,
    /// Attempts per destination before it is dead-lettered.
    pub max_attempts: u32,
    /// First retry delay, seconds (doubled per attempt, with jitter).
    pub backoff_base_seconds: u32,
    /// Largest retry delay, seconds (also caps `Retry-After`).
    pub backoff_max_seconds: u32,
    /// At most this many POSTs in flight to one destination from one store shard.
    pub concurrency: u32,
}

impl Default for DeliveryPolicy {
    fn default() -> Self {
        DeliveryPolicy {
            timeout_ms: 10_000,
            max_attempts: 15,
            backoff_base_seconds: 10,
            backoff_max_seconds: 6 * 3600,
            concurrency: 2,
        }
    }
}

/// A destination type filter: `*`, an exact type, or a prefix ending in `.*`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TypePattern {
    /// Every type.
    Any,
    /// Types starting with this prefix (which ends with `.`).
    Prefix(String),
    /// Exactly this type.
    Exact(String),
}

impl TypePattern {
    /// Parses a pattern; `None` when it is not one.
    pub fn parse(s: &str) -> Option<TypePattern> {
        let ok_chars = |t: &str| {
            !t.is_empty()
                && t.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b))
        };
        if s == "*" {
            Some(TypePattern::Any)
        } else if let Some(prefix) = s.strip_suffix('*') {
            (prefix.ends_with('.') && ok_chars(prefix)).then(|| TypePattern::Prefix(prefix.into()))
        } else {
            ok_chars(s).then(|| TypePattern::Exact(s.into()))
        }
    }

    /// The pattern as written in the configuration (`*`, `media.*`, `live.stream.started`).
    pub fn as_written(&self) -> String {
        match self {
            TypePattern::Any => "*".into(),
            TypePattern::Prefix(p) => format!("{p}*"),
            TypePattern::Exact(t) => t.clone(),
        }
    }

    /// Whether `event_type` matches.
    pub fn matches(&self, event_type: &str) -> bool {
        match self {
            TypePattern::Any => true,
            TypePattern::Prefix(p) => event_type.starts_with(p.as_str()),
            TypePattern::Exact(t) => t == event_type,
        }
    }
}

/// Where a source's events are forwarded.
#[derive(Debug, Clone)]
pub struct Destination {
    /// The origin URL (passed the callback-URL policy).
    pub url: String,
    /// Signs with every secret of the destination (rotation).
    pub webhook: Webhook,
    /// Type filters; empty = every type.
    pub types: Vec<TypePattern>,
}

impl Destination {
    /// Whether events of `event_type` go to this destination.
    pub fn accepts(&self, event_type: &str) -> bool {
        self.types.is_empty() || self.types.iter().any(|p| p.matches(event_type))
    }
}

/// Pull delivery of a source (`sources[].pull`): its events are kept in the source's
/// `PullQueue` Durable Object for `POST /v1/sources/{name}/events:pull` / `events:confirm`.
#[derive(Debug, Clone)]
pub struct PullSettings {
    /// SHA-256 of the bearer token; `None` when only `tencent_api` is configured.
    token_hash: Option<[u8; 32]>,
    /// Tencent API 3.0 credentials for `POST /v1/sources/{name}/tencent` (SPEC §9).
    pub tencent_api: Option<TencentApi>,
    /// A pulled event is invisible this long, then pullable again (at-least-once).
    pub visibility_timeout_seconds: u32,
    /// Events are removed this long after they arrived (pulled or not).
    pub retention_seconds: u32,
    /// Type filters; empty = every type.
    pub types: Vec<TypePattern>,
}

/// Default visibility timeout of a pulled event (Tencent's reliable callback: 30 s).
pub const PULL_VISIBILITY_DEFAULT_S: u32 = 30;
/// Default retention of pull events (Tencent: 4 days).
pub const PULL_RETENTION_DEFAULT_S: u32 = 4 * 24 * 3600;

impl PullSettings {
    /// Whether events of `event_type` are kept for pulling.
    pub fn accepts(&self, event_type: &str) -> bool {
        self.types.is_empty() || self.types.iter().any(|p| p.matches(event_type))
    }

    /// Constant-time check of a presented pull token (SHA-256 digests compared in
    /// constant time, as for the admin token).
    pub fn token_matches(&self, presented: &str) -> bool {
        let got: [u8; 32] = Sha256::digest(presented.as_bytes()).into();
        self.token_hash
            .is_some_and(|want| bool::from(got.ct_eq(&want)))
    }
}

/// `sources[].pull.tencent_api`: the SecretId/SecretKey pair a Tencent SDK puller signs its
/// `PullEvents` / `ConfirmEvents` calls with (TC3-HMAC-SHA256, SPEC §9). Chosen by the
/// operator (not Tencent's own keys). `Debug` never shows the key.
#[derive(Clone)]
pub struct TencentApi {
    /// The SecretId (`AKID…`).
    pub secret_id: String,
    secret_key: String,
}

impl TencentApi {
    /// The credential to verify requests with.
    pub fn credential(&self) -> tc3::Credential<'_> {
        tc3::Credential {
            secret_id: &self.secret_id,
            secret_key: &self.secret_key,
        }
    }
}

impl std::fmt::Debug for TencentApi {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TencentApi")
            .field("secret_id", &self.secret_id)
            .field("secret_key", &"<redacted>")
            .finish()
    }
}

/// One configured callback endpoint (`POST /v1/hooks/{name}`).
#[derive(Debug, Clone)]
pub struct Source {
    /// URL path segment and Durable Object name.
    pub name: String,
    /// The vendor scheme used to verify.
    pub vendor: Vendor,
    /// Key and scheme options.
    pub key: SourceKey,
    /// Test mode only: the clock used for verification, Unix milliseconds.
    pub now_override_ms: Option<i64>,
    /// Fan-out targets.
    pub destinations: Vec<Destination>,
    /// Pull delivery, when configured.
    pub pull: Option<PullSettings>,
    /// No vendor key: callbacks are parsed without signature verification (only allowed
    /// with a `path_secret`, SPEC §8; e.g. Tencent VOD v2.0 legacy callbacks).
    pub keyless: bool,
    /// The callback URL is `/v1/hooks/{name}/{path_secret}` (SPEC §8).
    pub path_secret: Option<PathSecret>,
    /// Callers must come from one of these ranges (`CF-Connecting-IP`); empty = anyone.
    pub allow_ips: Vec<Cidr>,
    /// How many `EventStore` shards hold this source's events (1..=64): an event lives in
    /// shard `hash(id) mod shards`, so deduplication stays exact. Changing it re-maps ids.
    pub shards: u32,
}

impl Source {
    /// The destinations an event of `event_type` goes to.
    pub fn matching<'a>(
        &'a self,
        event_type: &'a str,
    ) -> impl Iterator<Item = &'a Destination> + 'a {
        self.destinations
            .iter()
            .filter(move |d| d.accepts(event_type))
    }

    /// The destination with this URL.
    pub fn destination(&self, url: &str) -> Option<&Destination> {
        self.destinations.iter().find(|d| d.url == url)
    }
}

/// A validated configuration.
#[derive(Debug, Clone)]
pub struct Config {
    /// The sources, in configuration order.
    pub sources: Vec<Source>,
    /// Whether loopback destinations were allowed (local development).
    pub allow_loopback: bool,
    admin_token_hash: Option<[u8; 32]>,
    /// Delivery attempts policy.
    pub delivery: DeliveryPolicy,
    /// Delivered events (and their dedupe entries) are kept this long.
    pub retention_hours: u32,
    /// Enables `now_override_ms` and `/bench/bare`. Never in production.
    pub test_mode: bool,
}

impl Config {
    /// The source called `name`.
    pub fn source(&self, name: &str) -> Option<&Source> {
        self.sources.iter().find(|s| s.name == name)
    }

    /// Whether the admin API is enabled (an `admin_token` is configured).
    pub fn admin_enabled(&self) -> bool {
        self.admin_token_hash.is_some()
    }

    /// Constant-time check of a presented bearer token (compares SHA-256 digests, so
    /// neither the content nor the length of the configured token leaks through timing).
    pub fn admin_token_matches(&self, presented: &str) -> bool {
        match &self.admin_token_hash {
            Some(want) => {
                let got: [u8; 32] = Sha256::digest(presented.as_bytes()).into();
                bool::from(got.ct_eq(want))
            }
            None => false,
        }
    }
}

/// A source name: a URL path segment, so not `.` or `..` (URL parsers — browsers, `fetch`,
/// the console, the CLI — resolve those away: such a source could never be reached).
fn valid_name(s: &str) -> bool {
    !s.is_empty()
        && s != "."
        && s != ".."
        && s.len() <= 64
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b))
}

struct Problems(Vec<String>);

impl Problems {
    fn push(&mut self, at: &str, msg: impl AsRef<str>) {
        self.0.push(format!("{at}: {}", msg.as_ref()));
    }

    fn unknown_fields(&mut self, at: &str, obj: &Map<String, Value>, known: &[&str]) {
        for k in obj.keys() {
            if !known.contains(&k.as_str()) {
                let where_ = if at.is_empty() {
                    k.clone()
                } else {
                    format!("{at}.{k}")
                };
                self.push(
                    &where_,
                    format!("unknown field (known: {})", known.join(", ")),
                );
            }
        }
    }

    fn bool_field(&mut self, obj: &Map<String, Value>, at: &str, default: bool) -> bool {
        match obj.get(at) {
            None => default,
            Some(Value::Bool(b)) => *b,
            Some(_) => {
                self.push(at, "must be true or false");
                default
            }
        }
    }

    fn int_field(&mut self, v: Option<&Value>, at: &str, min: i64, max: i64, default: i64) -> i64 {
        match v {
            None => default,
            Some(v) => match v.as_i64() {
                Some(n) if (min..=max).contains(&n) => n,
                _ => {
                    self.push(at, format!("must be an integer from {min} to {max}"));
                    default
                }
            },
        }
    }
}

/// A JSON value read like `serde_json::Value`, except that an object naming one key twice is
/// an error (`duplicate key "…"`): in a configuration the second copy would silently replace
/// the first (a whole `sources` list, a `key`, `allow_loopback`), which validation exists to
/// catch. serde_json's depth limit (128) still applies.
struct StrictJson(Value);

impl<'de> serde::Deserialize<'de> for StrictJson {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(StrictVisitor).map(StrictJson)
    }
}

struct StrictVisitor;

impl<'de> serde::de::Visitor<'de> for StrictVisitor {
    type Value = Value;
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut out = Vec::new();
        while let Some(StrictJson(v)) = seq.next_element()? {
            out.push(v);
        }
        Ok(Value::Array(out))
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut out = Map::new();
        while let Some(k) = map.next_key::<String>()? {
            if out.contains_key(&k) {
                return Err(serde::de::Error::custom(format!("duplicate key {k:?}")));
            }
            let StrictJson(v) = map.next_value()?;
            out.insert(k, v);
        }
        Ok(Value::Object(out))
    }
}

fn clamp_u32(v: i64) -> u32 {
    u32::try_from(v.max(0)).unwrap_or(u32::MAX)
}

/// Parses and validates the configuration JSON. `Err` lists every problem found.
pub fn parse(raw: &str) -> Result<Config, Vec<String>> {
    let mut p = Problems(Vec::new());
    let root = match serde_json::from_str::<StrictJson>(raw).map(|j| j.0) {
        Ok(Value::Object(o)) => o,
        Ok(_) => return Err(vec!["MEDIAHOOK_CONFIG: must be a JSON object".into()]),
        Err(e) => return Err(vec![format!("MEDIAHOOK_CONFIG: not valid JSON ({e})")]),
    };
    p.unknown_fields(
        "",
        &root,
        &[
            "sources",
            "allow_loopback",
            "admin_token",
            "delivery",
            "retention_hours",
            "test_mode",
        ],
    );
    let allow_loopback = p.bool_field(&root, "allow_loopback", false);
    let test_mode = p.bool_field(&root, "test_mode", false);
    let retention_hours =
        clamp_u32(p.int_field(root.get("retention_hours"), "retention_hours", 24, 8760, 72));

    let admin_token_hash = match root.get("admin_token") {
        None | Some(Value::Null) => None,
        Some(Value::String(t)) if t.len() >= 16 && !t.chars().any(char::is_whitespace) => {
            Some(Sha256::digest(t.as_bytes()).into())
        }
        Some(_) => {
            p.push(
                "admin_token",
                "must be a string of at least 16 characters without spaces",
            );
            None
        }
    };

    let delivery = match root.get("delivery") {
        None => DeliveryPolicy::default(),
        Some(Value::Object(d)) => {
            p.unknown_fields(
                "delivery",
                d,
                &[
                    "timeout_ms",
                    "max_attempts",
                    "backoff_base_seconds",
                    "backoff_max_seconds",
                    "concurrency",
                ],
            );
            let def = DeliveryPolicy::default();
            let pol = DeliveryPolicy {
                timeout_ms: clamp_u32(p.int_field(
                    d.get("timeout_ms"),
                    "delivery.timeout_ms",
                    100,
                    60_000,
                    def.timeout_ms.into(),
                )),
                // Each (event, destination) pair has its own budget in the store.
                max_attempts: clamp_u32(p.int_field(
                    d.get("max_attempts"),
                    "delivery.max_attempts",
                    1,
                    100,
                    def.max_attempts.into(),
                )),
                backoff_base_seconds: clamp_u32(p.int_field(
                    d.get("backoff_base_seconds"),
                    "delivery.backoff_base_seconds",
                    0,
                    3600,
                    def.backoff_base_seconds.into(),
                )),
                // A store shard holds at most 6 connections (the Workers limit per
                // invocation); one destination may take at most 5 of them.
                concurrency: clamp_u32(p.int_field(
                    d.get("concurrency"),
                    "delivery.concurrency",
                    1,
                    5,
                    def.concurrency.into(),
                )),
                backoff_max_seconds: clamp_u32(p.int_field(
                    d.get("backoff_max_seconds"),
                    "delivery.backoff_max_seconds",
                    1,
                    43_200,
                    def.backoff_max_seconds.into(),
                )),
            };
            if pol.backoff_max_seconds < pol.backoff_base_seconds {
                p.push(
                    "delivery.backoff_max_seconds",
                    "must be at least backoff_base_seconds",
                );
            }
            pol
        }
        Some(_) => {
            p.push("delivery", "must be an object");
            DeliveryPolicy::default()
        }
    };

    let policy = UrlPolicy { allow_loopback };
    let mut sources = Vec::new();
    match root.get("sources") {
        Some(Value::Array(list)) if !list.is_empty() => {
            let mut names = BTreeSet::new();
            for (i, v) in list.iter().enumerate() {
                let at = format!("sources[{i}]");
                if let Some(name) = v
                    .get("name")
                    .and_then(Value::as_str)
                    .filter(|n| valid_name(n))
                {
                    if !names.insert(name.to_string()) {
                        p.push(
                            &format!("{at}.name"),
                            format!("duplicate source name {name:?}"),
                        );
                    }
                }
                if let Some(s) = parse_source(&mut p, &at, v, &policy, test_mode) {
                    sources.push(s);
                }
            }
        }
        Some(Value::Array(_)) | None => p.push("sources", "at least one source is required"),
        Some(_) => p.push("sources", "must be an array of source objects"),
    }

    if p.0.is_empty() {
        Ok(Config {
            sources,
            allow_loopback,
            admin_token_hash,
            delivery,
            retention_hours,
            test_mode,
        })
    } else {
        Err(p.0)
    }
}

fn parse_source(
    p: &mut Problems,
    at: &str,
    v: &Value,
    policy: &UrlPolicy,
    test_mode: bool,
) -> Option<Source> {
    let Value::Object(o) = v else {
        p.push(at, "must be an object");
        return None;
    };
    let known: Vec<&str> = SOURCE_FIELDS
        .iter()
        .copied()
        .chain(vendor_option_names())
        .collect();
    p.unknown_fields(at, o, &known);
    let name = match o.get("name").and_then(Value::as_str) {
        Some(n) if valid_name(n) => Some(n.to_string()),
        _ => {
            p.push(
                &format!("{at}.name"),
                "required: 1-64 characters of A-Z a-z 0-9 . _ - (not . or ..)",
            );
            None
        }
    };
    let vendor = match o.get("vendor").and_then(Value::as_str) {
        Some(s) => match s.parse::<Vendor>() {
            Ok(v) => Some(v),
            Err(e) => {
                p.push(&format!("{at}.vendor"), format!("{e} (got {s:?})"));
                None
            }
        },
        None => {
            p.push(
                &format!("{at}.vendor"),
                format!("required: one of {}", vendor_list(&Vendor::ALL, ", ")),
            );
            None
        }
    };
    let path_secret = match o.get("path_secret") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => match PathSecret::parse(s) {
            Ok(ps) => Some(ps),
            Err(e) => {
                p.push(&format!("{at}.path_secret"), e);
                None
            }
        },
        Some(_) => {
            p.push(
                &format!("{at}.path_secret"),
                "must be a string (the last segment of the callback URL)",
            );
            None
        }
    };
    let allow_ips = parse_allow_ips(p, at, o.get("allow_ips"));
    // A source without a key accepts unsigned callbacks: only behind a path_secret (§8), i.e.
    // a string there (an invalid one is reported at path_secret); `"path_secret": null` is
    // no path secret, so the key stays required.
    let has_path_secret = matches!(o.get("path_secret"), Some(Value::String(_)));
    let (key, keyless) = match o.get("key") {
        Some(Value::String(k)) if !k.is_empty() => (Some(k.as_str()), false),
        None | Some(Value::Null) if has_path_secret => (Some(""), true),
        None | Some(Value::Null) => {
            p.push(
                &format!("{at}.key"),
                "required: the vendor signing key (a non-empty string); a source without a key is only allowed with a path_secret (it then accepts unsigned callbacks)",
            );
            (None, false)
        }
        Some(_) => {
            p.push(
                &format!("{at}.key"),
                "must be a non-empty string (the vendor signing key), or absent together with a path_secret",
            );
            (None, false)
        }
    };
    let mut source_key = SourceKey::new(key.unwrap_or_default());
    if let Some(vendor) = vendor {
        source_key = vendor_options(p, at, o, vendor, keyless, source_key);
    }
    let now_override_ms = match o.get("now_override_ms") {
        None => None,
        Some(_) if !test_mode => {
            p.push(
                &format!("{at}.now_override_ms"),
                "only allowed when \"test_mode\": true",
            );
            None
        }
        Some(v) => match v.as_i64() {
            Some(n) if n >= 0 => Some(n),
            _ => {
                p.push(
                    &format!("{at}.now_override_ms"),
                    "must be a non-negative integer (Unix ms)",
                );
                None
            }
        },
    };

    let mut destinations = Vec::new();
    match o.get("destinations") {
        None => {}
        Some(Value::Array(list)) => {
            let mut urls = BTreeSet::new();
            for (j, d) in list.iter().enumerate() {
                let dat = format!("{at}.destinations[{j}]");
                if let Some(d) = parse_destination(p, &dat, d, policy) {
                    if !urls.insert(d.url.clone()) {
                        p.push(
                            &format!("{dat}.url"),
                            "duplicate destination URL in this source",
                        );
                    }
                    destinations.push(d);
                }
            }
        }
        Some(_) => p.push(&format!("{at}.destinations"), "must be an array"),
    }

    let pull = match o.get("pull") {
        None | Some(Value::Null) => None,
        Some(v) => parse_pull(p, &format!("{at}.pull"), v),
    };
    let shards = clamp_u32(p.int_field(
        o.get("shards"),
        &format!("{at}.shards"),
        1,
        i64::from(MAX_SHARDS),
        1,
    ));

    Some(Source {
        name: name?,
        vendor: vendor?,
        key: key.map(|_| source_key)?,
        now_override_ms,
        destinations,
        pull,
        keyless,
        path_secret,
        allow_ips,
        shards,
    })
}

/// The source fields every vendor has. A vendor's own options (`callback_url`, `sign_order`,
/// …) come from its registration ([`mediahook_core::vendor::VendorInfo::options`]).
const SOURCE_FIELDS: &[&str] = &[
    "name",
    "vendor",
    "key",
    "now_override_ms",
    "destinations",
    "pull",
    "path_secret",
    "allow_ips",
    "shards",
];

/// Every per-source option some registered vendor reads, once each, in registration order.
fn vendor_option_names() -> Vec<&'static str> {
    let mut names: Vec<&'static str> = Vec::new();
    for v in Vendor::ALL {
        for opt in v.info().options {
            if !names.contains(&opt.name) {
                names.push(opt.name);
            }
        }
    }
    names
}

/// The vendors that read the option `name`.
fn vendors_reading(name: &str) -> Vec<Vendor> {
    Vendor::ALL
        .into_iter()
        .filter(|v| v.info().options.iter().any(|o| o.name == name))
        .collect()
}

/// `a, b or c` (with `last` = `" or "`) of the vendors' wire names.
fn vendor_list(vendors: &[Vendor], last: &str) -> String {
    let mut out = String::new();
    for (i, v) in vendors.iter().enumerate() {
        if i > 0 {
            out.push_str(if i + 1 == vendors.len() { last } else { ", " });
        }
        out.push_str(v.as_str());
    }
    out
}

/// Reads the per-source options of `vendor` (the names its registration lists) into `key`;
/// an option of another vendor is a problem naming the vendors that read it, and a missing
/// `callback_url` is one when the vendor `requires_callback_url` (unless the source is
/// keyless: nothing is verified then).
fn vendor_options(
    p: &mut Problems,
    at: &str,
    o: &Map<String, Value>,
    vendor: Vendor,
    keyless: bool,
    mut key: SourceKey,
) -> SourceKey {
    let info = vendor.info();
    for name in vendor_option_names() {
        let Some(value) = o.get(name) else { continue };
        let oat = format!("{at}.{name}");
        if info.options.iter().any(|opt| opt.name == name) {
            key = apply_option(p, &oat, name, value, info.name, key);
        } else {
            p.push(
                &oat,
                format!(
                    "only used by {}",
                    vendor_list(&vendors_reading(name), " and ")
                ),
            );
        }
    }
    if info.requires_callback_url && !keyless && !o.contains_key("callback_url") {
        let what = info
            .options
            .iter()
            .find(|opt| opt.name == "callback_url")
            .map_or("the callback URL configured at the vendor", |opt| {
                opt.description
                    .strip_prefix("required: ")
                    .unwrap_or(opt.description)
            });
        p.push(
            &format!("{at}.callback_url"),
            format!("required for {vendor}: {what}"),
        );
    }
    key
}

/// Largest accepted `tolerance_seconds` / `window_seconds` (one day).
const MAX_WINDOW_SECONDS: i64 = 86_400;

/// How the worker reads one per-source option (by its registered name, for every vendor that
/// lists it). `vendor_name` is the vendor's human name, for messages.
fn apply_option(
    p: &mut Problems,
    at: &str,
    name: &str,
    value: &Value,
    vendor_name: &str,
    key: SourceKey,
) -> SourceKey {
    match name {
        "callback_url" => match value.as_str() {
            Some(u)
                if (u.starts_with("https://") || u.starts_with("http://"))
                    && u.len() <= 2048
                    && u.split("://").nth(1).is_some_and(|rest| !rest.is_empty()) =>
            {
                key.with_callback_url(u)
            }
            _ => {
                p.push(
                    at,
                    format!("must be the http(s) URL configured at {vendor_name}, verbatim (at most 2048 characters)"),
                );
                key
            }
        },
        "tolerance_seconds" | "window_seconds" => match value.as_i64() {
            Some(n) if (1..=MAX_WINDOW_SECONDS).contains(&n) => key.with_window_seconds(n),
            _ => {
                p.push(
                    at,
                    format!("must be an integer from 1 to {MAX_WINDOW_SECONDS} (seconds)"),
                );
                key
            }
        },
        "sign_order" => match value.as_str() {
            Some("key_first") => key.with_sign_order(SignOrder::KeyFirst),
            Some("time_first") => key.with_sign_order(SignOrder::TimeFirst),
            _ => {
                p.push(at, "must be \"key_first\" or \"time_first\"");
                key
            }
        },
        "timestamp" => match value.as_str().and_then(TimestampMeaning::parse) {
            Some(m) => key.with_timestamp(m),
            None => {
                p.push(
                    at,
                    "must be \"expiry\" (t is when the signature expires) or \"sent\" (t is the send time, within window_seconds)",
                );
                key
            }
        },
        // A vendor registered an option this worker cannot read (caught by a unit test).
        _ => {
            p.push(at, "not supported by this worker version");
            key
        }
    }
}

fn parse_allow_ips(p: &mut Problems, at: &str, v: Option<&Value>) -> Vec<Cidr> {
    let mut out = Vec::new();
    match v {
        None | Some(Value::Null) => {}
        Some(Value::Array(list)) if !list.is_empty() => {
            for (k, item) in list.iter().enumerate() {
                match item.as_str().map(Cidr::parse) {
                    Some(Ok(c)) => out.push(c),
                    Some(Err(e)) => p.push(&format!("{at}.allow_ips[{k}]"), e),
                    None => p.push(
                        &format!("{at}.allow_ips[{k}]"),
                        "must be a string: an IPv4/IPv6 address or CIDR range",
                    ),
                }
            }
        }
        Some(_) => p.push(
            &format!("{at}.allow_ips"),
            "must be a non-empty array of CIDR ranges (\"203.0.113.0/24\", \"2001:db8::/32\")",
        ),
    }
    out
}

fn parse_types(p: &mut Problems, at: &str, v: Option<&Value>) -> Vec<TypePattern> {
    let mut types = Vec::new();
    match v {
        None => {}
        Some(Value::Array(list)) if !list.is_empty() => {
            for (k, t) in list.iter().enumerate() {
                match t.as_str().and_then(TypePattern::parse) {
                    Some(tp) => types.push(tp),
                    None => p.push(
                        &format!("{at}.types[{k}]"),
                        "must be \"*\", an event type (media.upload.completed) or a prefix pattern (media.*)",
                    ),
                }
            }
        }
        Some(_) => p.push(
            &format!("{at}.types"),
            "must be a non-empty array of type patterns",
        ),
    }
    types
}

fn parse_pull(p: &mut Problems, at: &str, v: &Value) -> Option<PullSettings> {
    let Value::Object(o) = v else {
        p.push(
            at,
            "must be an object like {\"token\": \"…\"} (pull delivery of this source's events)",
        );
        return None;
    };
    p.unknown_fields(
        at,
        o,
        &[
            "token",
            "visibility_timeout_seconds",
            "retention_seconds",
            "types",
            "tencent_api",
        ],
    );
    let tencent_api = match o.get("tencent_api") {
        None | Some(Value::Null) => None,
        Some(v) => parse_tencent_api(p, &format!("{at}.tencent_api"), v),
    };
    let token_hash = match o.get("token") {
        Some(Value::String(t)) if t.len() >= 16 && !t.chars().any(char::is_whitespace) => {
            Some(Sha256::digest(t.as_bytes()).into())
        }
        None if o.contains_key("tencent_api") => None,
        _ => {
            p.push(
                &format!("{at}.token"),
                "required (unless tencent_api is set): the pullers' bearer token, a string of at least 16 characters without spaces",
            );
            None
        }
    };
    let visibility_timeout_seconds = clamp_u32(p.int_field(
        o.get("visibility_timeout_seconds"),
        &format!("{at}.visibility_timeout_seconds"),
        1,
        43_200,
        PULL_VISIBILITY_DEFAULT_S.into(),
    ));
    let retention_seconds = clamp_u32(p.int_field(
        o.get("retention_seconds"),
        &format!("{at}.retention_seconds"),
        1,
        30 * 24 * 3600,
        PULL_RETENTION_DEFAULT_S.into(),
    ));
    let types = parse_types(p, at, o.get("types"));
    if o.contains_key("token") && token_hash.is_none() {
        return None;
    }
    Some(PullSettings {
        token_hash,
        tencent_api: match (o.get("tencent_api"), tencent_api) {
            (None | Some(Value::Null), _) => None,
            (_, Some(t)) => Some(t),
            (_, None) => return None,
        },
        visibility_timeout_seconds,
        retention_seconds,
        types,
    })
}

fn parse_tencent_api(p: &mut Problems, at: &str, v: &Value) -> Option<TencentApi> {
    let Value::Object(o) = v else {
        p.push(
            at,
            "must be an object like {\"secret_id\": \"AKID…\", \"secret_key\": \"…\"}",
        );
        return None;
    };
    p.unknown_fields(at, o, &["secret_id", "secret_key"]);
    let secret_id = match o.get("secret_id").and_then(Value::as_str) {
        Some(s)
            if !s.is_empty()
                && s.len() <= 128
                && s.bytes()
                    .all(|b| b.is_ascii_graphic() && !b"/,;".contains(&b)) =>
        {
            Some(s.to_string())
        }
        _ => {
            p.push(
                &format!("{at}.secret_id"),
                "required: 1-128 visible ASCII characters without / , ; (the SecretId the SDK is given)",
            );
            None
        }
    };
    let secret_key = match o.get("secret_key").and_then(Value::as_str) {
        Some(s) if (16..=256).contains(&s.len()) && !s.chars().any(char::is_whitespace) => {
            Some(s.to_string())
        }
        _ => {
            p.push(
                &format!("{at}.secret_key"),
                "required: 16-256 characters without spaces (the SecretKey the SDK is given)",
            );
            None
        }
    };
    Some(TencentApi {
        secret_id: secret_id?,
        secret_key: secret_key?,
    })
}

fn parse_destination(
    p: &mut Problems,
    at: &str,
    v: &Value,
    policy: &UrlPolicy,
) -> Option<Destination> {
    let Value::Object(o) = v else {
        p.push(at, "must be an object");
        return None;
    };
    p.unknown_fields(at, o, &["url", "secret", "types"]);
    let url = match o.get("url").and_then(Value::as_str) {
        Some(u) => match check_url(u, policy) {
            Ok(()) => Some(u.to_string()),
            Err(e) => {
                // Only where the option would help: it lets loopback hosts through, nothing else.
                let hint = match e {
                    UrlRejection::Loopback | UrlRejection::LocalhostName
                        if !policy.allow_loopback =>
                    {
                        "; \"allow_loopback\": true lets 127.0.0.1 through for local development"
                    }
                    _ => "",
                };
                p.push(
                    &format!("{at}.url"),
                    format!("refused by the callback-URL policy ({e}){hint}"),
                );
                None
            }
        },
        None => {
            p.push(
                &format!("{at}.url"),
                "required: the origin URL to POST events to",
            );
            None
        }
    };
    // (where a problem with it is reported, secret): `secret` for a single string, the
    // entry's own index in a list.
    let secrets: Vec<(String, &str)> = match o.get("secret") {
        Some(Value::String(s)) => vec![(format!("{at}.secret"), s.as_str())],
        Some(Value::Array(list)) if !list.is_empty() => {
            let all: Vec<(String, &str)> = list
                .iter()
                .enumerate()
                .filter_map(|(k, v)| Some((format!("{at}.secret[{k}]"), v.as_str()?)))
                .collect();
            if all.len() != list.len() {
                p.push(&format!("{at}.secret"), "every entry must be a string");
            }
            all
        }
        _ => {
            p.push(
                &format!("{at}.secret"),
                "required: a whsec_ secret, or a list of them (rotation: all are used to sign)",
            );
            Vec::new()
        }
    };
    let mut ok_secrets = Vec::new();
    for (path, s) in &secrets {
        match decode_signing_secret(s) {
            Ok(_) => ok_secrets.push(*s),
            Err(e) => p.push(path, format!("{e}")),
        }
    }
    let webhook = if ok_secrets.len() == secrets.len() && !secrets.is_empty() {
        Webhook::new(&ok_secrets).ok()
    } else {
        None
    };
    let types = parse_types(p, at, o.get("types"));
    Some(Destination {
        url: url?,
        webhook: webhook?,
        types,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

    fn ok(raw: &str) -> Config {
        match parse(raw) {
            Ok(c) => c,
            Err(p) => panic!("unexpected problems: {p:?}"),
        }
    }

    #[test]
    fn full_example() {
        let c = ok(&format!(
            r#"{{"sources":[
              {{"name":"tencent-prod","vendor":"tencent_vod","key":"k1",
                "destinations":[{{"url":"https://origin.example.com/hooks","secret":"{SECRET}","types":["media.*"]}}]}},
              {{"name":"baidu-prod","vendor":"baidu_vod","key":"k2","callback_url":"https://edge.example.com/v1/hooks/baidu-prod",
                "destinations":[{{"url":"https://a.example.com/","secret":["{SECRET}","whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD"]}}]}},
              {{"name":"live","vendor":"volcengine_live","key":"k3","sign_order":"time_first","destinations":[]}}],
              "allow_loopback":false,"admin_token":"0123456789abcdef"}}"#
        ));
        assert_eq!(c.sources.len(), 3);
        let t = c.source("tencent-prod").unwrap();
        assert!(t.destinations[0].accepts("media.upload.completed"));
        assert!(!t.destinations[0].accepts("live.stream.started"));
        assert!(c.source("baidu-prod").unwrap().destinations[0].accepts("anything"));
        assert!(c.admin_token_matches("0123456789abcdef"));
        assert!(!c.admin_token_matches("0123456789abcdeF"));
        assert!(!c.admin_token_matches(""));
        assert_eq!(c.delivery, DeliveryPolicy::default());
    }

    #[test]
    fn the_allow_loopback_hint_only_where_it_would_help() {
        let refused = |url: &str, allow: bool| {
            let cfg = format!(
                r#"{{"allow_loopback":{allow},"sources":[{{"name":"a","vendor":"tencent_vod","key":"k",
                   "destinations":[{{"url":"{url}","secret":"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"}}]}}]}}"#
            );
            parse(&cfg).unwrap_err().join("\n")
        };
        for url in ["http://127.0.0.1:9/x", "http://localhost:9/x"] {
            let e = refused(url, false);
            assert!(e.contains("\"allow_loopback\": true lets"), "{url}: {e}");
        }
        for url in [
            "http://10.0.0.1/x",
            "http://169.254.169.254/x",
            "ftp://example.com/x",
        ] {
            for allow in [false, true] {
                let e = refused(url, allow);
                assert!(
                    e.contains("refused by the callback-URL policy"),
                    "{url}: {e}"
                );
                assert!(!e.contains("allow_loopback"), "{url}: {e}");
            }
        }
    }

    #[test]
    fn lists_every_problem() {
        let errs = parse(
            r#"{"sources":[
              {"name":"a","vendor":"acme","key":""},
              {"name":"a","vendor":"baidu_vod","key":"k","sign_order":"key_first",
               "destinations":[{"url":"ftp://x","secret":"whsec_!!","types":["me*"]},{"nope":1}]},
              {"name":"b/c","vendor":"tencent_vod","key":"k","now_override_ms":1}],
              "admin_token":"short","extra":1,"delivery":{"max_attempts":0}}"#,
        )
        .unwrap_err();
        let all = errs.join("\n");
        for needle in [
            "sources[0].vendor",
            "sources[0].key",
            "sources[1].callback_url: required",
            "sources[1].sign_order: only used by volcengine_live",
            "sources[1].destinations[0].url",
            "sources[1].destinations[0].secret: ",
            "sources[1].destinations[0].types[0]",
            "sources[1].destinations[1].nope: unknown field",
            "sources[1].destinations[1].url: required",
            "sources[1].destinations[1].secret: required",
            "sources[2].name",
            "sources[2].now_override_ms: only allowed",
            "admin_token",
            "extra: unknown field",
            "delivery.max_attempts",
        ] {
            assert!(all.contains(needle), "missing {needle:?} in:\n{all}");
        }
        // A signing key of 3 bytes (Standard Webhooks: 24 to 64) is refused, by its length only.
        let weak = parse(
            r#"{"sources":[{"name":"a","vendor":"tencent_vod","key":"k",
               "destinations":[{"url":"https://x.example.com/","secret":"whsec_a2V5"}]}]}"#,
        )
        .unwrap_err()
        .join("\n");
        assert!(
            weak.contains("sources[0].destinations[0].secret: the secret decodes to 3 bytes"),
            "{weak}"
        );
        assert!(!weak.contains("a2V5"));
        // In a list, the entry's own index (non-strings are counted, and reported apart).
        let listed = parse(&format!(
            r#"{{"sources":[{{"name":"a","vendor":"tencent_vod","key":"k",
               "destinations":[{{"url":"https://x.example.com/","secret":["{SECRET}",5,"whsec_a2V5"]}}]}}]}}"#
        ))
        .unwrap_err()
        .join("\n");
        assert!(
            listed.contains("sources[0].destinations[0].secret[2]: the secret decodes to 3 bytes"),
            "{listed}"
        );
        assert!(listed.contains("sources[0].destinations[0].secret: every entry must be a string"));
        let dup = parse(r#"{"sources":[{"name":"a","vendor":"tencent_vod","key":"k"},{"name":"a","vendor":"tencent_vod","key":"k"}]}"#)
            .unwrap_err();
        assert!(dup.join("\n").contains("duplicate source name"));
        // "." and ".." are URL dot segments: /v1/hooks/.. is /v1/ to every URL parser.
        for name in [".", ".."] {
            let errs = parse(&format!(
                r#"{{"sources":[{{"name":"{name}","vendor":"tencent_vod","key":"k"}}]}}"#
            ))
            .unwrap_err();
            assert!(
                errs.join("\n").contains("sources[0].name"),
                "{name:?} accepted"
            );
        }
        ok(
            r#"{"sources":[{"name":"...","vendor":"tencent_vod","key":"k"},{"name":".a","vendor":"tencent_vod","key":"k"}]}"#,
        );
        // A key named twice anywhere is refused (the second copy would replace the first).
        for raw in [
            r#"{"sources":[{"name":"a","vendor":"tencent_vod","key":"k"}],"sources":[{"name":"b","vendor":"tencent_vod","key":"k"}]}"#,
            r#"{"sources":[{"name":"a","vendor":"tencent_vod","key":"k","key":"k2"}]}"#,
            r#"{"allow_loopback":false,"sources":[{"name":"a","vendor":"tencent_vod","key":"k"}],"allow_loopback":true}"#,
        ] {
            let errs = parse(raw).unwrap_err().join("\n");
            assert!(errs.contains("duplicate key"), "{raw}: {errs}");
            assert!(!errs.contains("k2"), "a value was echoed: {errs}");
        }
        let deep = format!("{}{}", "[".repeat(200), "]".repeat(200));
        assert!(parse(&deep).unwrap_err()[0].contains("not valid JSON"));
        ok(
            r#"{"sources":[{"name":"a","vendor":"tencent_vod","key":"k","destinations":[]}],"delivery":{"timeout_ms":100}}"#,
        );
        assert!(parse("[]").is_err());
        assert!(parse("{").is_err());
        assert!(parse(r#"{"sources":[]}"#).is_err());
    }

    #[test]
    fn never_echoes_keys_or_secrets() {
        let errs = parse(
            r#"{"sources":[{"name":"a","vendor":"tencent_vod","key":"SUPERSECRETKEY",
                "destinations":[{"url":"ftp://x","secret":"whsec_SUPERSECRET!!"}]}],"admin_token":"SUPERSECRET"}"#,
        )
        .unwrap_err();
        assert!(!errs.join("\n").contains("SUPERSECRET"));
    }

    #[test]
    fn type_patterns() {
        assert_eq!(TypePattern::parse("*"), Some(TypePattern::Any));
        assert!(TypePattern::parse("media.*")
            .unwrap()
            .matches("media.deleted"));
        assert!(!TypePattern::parse("media.*")
            .unwrap()
            .matches("mediax.deleted"));
        assert!(TypePattern::parse("tencent_vod.NewFileUpload")
            .unwrap()
            .matches("tencent_vod.NewFileUpload"));
        for bad in ["", "media*", "*.x", "a b", "me.*.*"] {
            assert_eq!(TypePattern::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn test_mode_gates_clock_override() {
        let c = ok(
            r#"{"test_mode":true,"sources":[{"name":"a","vendor":"tencent_vod","key":"k","now_override_ms":5}]}"#,
        );
        assert_eq!(c.source("a").unwrap().now_override_ms, Some(5));
    }

    #[test]
    fn pull_settings() {
        let c = ok(
            r#"{"sources":[{"name":"a","vendor":"tencent_vod","key":"k","pull":{"token":"pull-token-0123456789"}},
                {"name":"b","vendor":"baidu_vod","key":"k","callback_url":"https://e.example.com/b",
                 "pull":{"token":"pull-token-abcdefghij","visibility_timeout_seconds":5,"retention_seconds":60,"types":["media.*"]}}]}"#,
        );
        let a = c.source("a").unwrap().pull.as_ref().unwrap();
        assert_eq!(a.visibility_timeout_seconds, PULL_VISIBILITY_DEFAULT_S);
        assert_eq!(a.retention_seconds, 4 * 24 * 3600);
        assert!(a.token_matches("pull-token-0123456789"));
        assert!(!a.token_matches("pull-token-012345678"));
        assert!(a.accepts("anything.at.all"));
        let b = c.source("b").unwrap().pull.as_ref().unwrap();
        assert_eq!((b.visibility_timeout_seconds, b.retention_seconds), (5, 60));
        assert!(b.accepts("media.deleted") && !b.accepts("live.stream.started"));

        let errs = parse(
            r#"{"sources":[{"name":"a","vendor":"tencent_vod","key":"k",
                "pull":{"token":"short secret","visibility_timeout_seconds":0,"retention_seconds":"4d","types":[],"nope":1}},
                {"name":"b","vendor":"tencent_vod","key":"k","pull":true}]}"#,
        )
        .unwrap_err()
        .join("\n");
        for needle in [
            "sources[0].pull.token: required",
            "sources[0].pull.visibility_timeout_seconds",
            "sources[0].pull.retention_seconds",
            "sources[0].pull.types",
            "sources[0].pull.nope: unknown field",
            "sources[1].pull: must be an object",
        ] {
            assert!(errs.contains(needle), "missing {needle:?} in:\n{errs}");
        }
        assert!(!errs.contains("short secret"));
    }

    #[test]
    fn path_secret_allow_ips_and_keyless_sources() {
        let c = ok(r#"{"sources":[
              {"name":"legacy","vendor":"tencent_vod","path_secret":"0123456789abcdef-_.~"},
              {"name":"signed","vendor":"volcengine_live","key":"k","path_secret":"fedcba9876543210",
               "allow_ips":["203.0.113.0/24","2001:db8::/32","198.51.100.7"]},
              {"name":"keyless-baidu","vendor":"baidu_vod","path_secret":"fedcba9876543210xx"}]}"#);
        let legacy = c.source("legacy").unwrap();
        assert!(legacy.keyless);
        assert!(legacy
            .path_secret
            .as_ref()
            .unwrap()
            .matches("0123456789abcdef-_.~"));
        assert!(legacy.allow_ips.is_empty());
        let signed = c.source("signed").unwrap();
        assert!(!signed.keyless);
        assert_eq!(signed.allow_ips.len(), 3);
        assert!(c.source("keyless-baidu").unwrap().keyless);

        let errs = parse(
            r#"{"sources":[
              {"name":"a","vendor":"tencent_vod"},
              {"name":"b","vendor":"tencent_vod","key":"","path_secret":"0123456789abcdef"},
              {"name":"c","vendor":"tencent_vod","key":"k","path_secret":"short-SECRETVALUE"},
              {"name":"d","vendor":"tencent_vod","key":"k","path_secret":"has/slash/0123456789"},
              {"name":"e","vendor":"tencent_vod","key":"k","path_secret":5},
              {"name":"f","vendor":"tencent_vod","key":"k","allow_ips":["10.0.0.1/8","nope","::/129",7]},
              {"name":"g","vendor":"tencent_vod","key":"k","allow_ips":[]},
              {"name":"h","vendor":"tencent_vod","key":"k","allow_ips":"10.0.0.0/8"},
              {"name":"i","vendor":"tencent_vod","path_secret":null},
              {"name":"j","vendor":"baidu_vod","key":null,"path_secret":7}]}"#,
        )
        .unwrap_err()
        .join("\n");
        for needle in [
            "sources[0].key: required: the vendor signing key (a non-empty string); a source without a key is only allowed with a path_secret",
            "sources[1].key: must be a non-empty string",
            "sources[3].path_secret: may only contain",
            "sources[4].path_secret: must be a string",
            "sources[5].allow_ips[0]: \"10.0.0.1/8\" has host bits set",
            "sources[5].allow_ips[1]: \"nope\" is not an IPv4 or IPv6 address",
            "sources[5].allow_ips[2]: \"::/129\": the prefix length must be 0 to 128",
            "sources[5].allow_ips[3]: must be a string",
            "sources[6].allow_ips: must be a non-empty array",
            "sources[7].allow_ips: must be a non-empty array",
            // A null or non-string path_secret does not make a source keyless.
            "sources[8].key: required: the vendor signing key",
            "sources[9].key: required: the vendor signing key",
            "sources[9].path_secret: must be a string",
        ] {
            assert!(errs.contains(needle), "missing {needle:?} in:\n{errs}");
        }
        // "short-SECRETVALUE" is 17 characters: valid; the message never echoes a secret.
        assert!(!errs.contains("sources[2]"), "{errs}");
        assert!(!errs.contains("SECRETVALUE") && !errs.contains("has/slash"));
    }

    #[test]
    fn sources_of_every_vendor_with_their_options() {
        let c = ok(r#"{"sources":[
              {"name":"tv","vendor":"tencent_vod","key":"k"},
              {"name":"bv","vendor":"baidu_vod","key":"k","callback_url":"https://e.example.com/b?x=1","tolerance_seconds":60},
              {"name":"vl","vendor":"volcengine_live","key":"k","sign_order":"time_first","timestamp":"sent","window_seconds":120},
              {"name":"bp","vendor":"byteplus_live","key":"k","sign_order":"key_first","timestamp":"expiry"},
              {"name":"tl","vendor":"tencent_live","key":"k"},
              {"name":"av","vendor":"aliyun_vod","key":"k","callback_url":"https://e.example.com/a","tolerance_seconds":30}]}"#);
        let vendors: Vec<Vendor> = c.sources.iter().map(|s| s.vendor).collect();
        assert_eq!(
            vendors,
            Vendor::ALL.to_vec(),
            "one source per registered vendor"
        );
        let key = |n: &str| c.source(n).unwrap().key.clone();
        assert_eq!(key("bv").callback_url(), "https://e.example.com/b?x=1");
        assert_eq!(key("bv").window_seconds(), Some(60));
        assert_eq!(key("vl").sign_order(), Some(SignOrder::TimeFirst));
        assert_eq!(key("vl").timestamp(), Some(TimestampMeaning::Sent));
        assert_eq!(key("vl").window_seconds(), Some(120));
        assert_eq!(key("bp").sign_order(), Some(SignOrder::KeyFirst));
        assert_eq!(key("bp").timestamp(), Some(TimestampMeaning::Expiry));
        assert_eq!(key("tl").window_seconds(), None);
        assert_eq!(key("av").callback_url(), "https://e.example.com/a");
        assert_eq!(key("av").window_seconds(), Some(30));
    }

    #[test]
    fn vendor_options_come_from_the_registry() {
        // Every option a vendor registers is readable here, and is refused on the others with
        // the list of vendors that read it.
        let candidates = [
            Value::from("https://e.example.com/cb"),
            Value::from(300),
            Value::from("key_first"),
            Value::from("expiry"),
        ];
        let reads = |name: &str, v: &Value| {
            let mut p = Problems(Vec::new());
            apply_option(&mut p, "x", name, v, "Vendor", SourceKey::new("k"));
            p.0.is_empty()
        };
        for name in vendor_option_names() {
            let good = candidates.iter().find(|v| reads(name, v));
            let good = good.unwrap_or_else(|| panic!("the worker cannot read the option {name:?}"));
            let readers = vendors_reading(name);
            for v in Vendor::ALL {
                let mut src = serde_json::json!({"name": "s", "vendor": v.as_str(), "key": "k"});
                src[name] = good.clone();
                if v.info().requires_callback_url && name != "callback_url" {
                    src["callback_url"] = "https://e.example.com/cb".into();
                }
                let got = parse(&serde_json::json!({ "sources": [src] }).to_string());
                if readers.contains(&v) {
                    assert!(got.is_ok(), "{v} {name}: {:?}", got.err());
                } else {
                    let errs = got.unwrap_err().join("\n");
                    let want = format!(
                        "sources[0].{name}: only used by {}",
                        vendor_list(&readers, " and ")
                    );
                    assert!(errs.contains(&want), "{v}: missing {want:?} in:\n{errs}");
                }
            }
        }
        // callback_url is required exactly where the registration says so (not for keyless).
        for v in Vendor::ALL {
            let raw = format!(r#"{{"sources":[{{"name":"s","vendor":"{v}","key":"k"}}]}}"#);
            let errs = parse(&raw).err().unwrap_or_default().join("\n");
            assert_eq!(
                errs.contains(&format!("sources[0].callback_url: required for {v}: ")),
                v.info().requires_callback_url,
                "{v}: {errs}"
            );
            let keyless = format!(
                r#"{{"sources":[{{"name":"s","vendor":"{v}","path_secret":"0123456789abcdef"}}]}}"#
            );
            assert!(parse(&keyless).is_ok(), "{v}: keyless without callback_url");
        }
        assert!(Vendor::AliyunVod.info().requires_callback_url);
    }

    #[test]
    fn docs_config_table_follows_the_registry() {
        let docs = include_str!("../../docs/worker.md");
        let row = |field: &str| {
            docs.lines()
                .find(|l| l.starts_with(&format!("| `sources[].{field}` |")))
                .unwrap_or_else(|| panic!("docs/worker.md has no config row for {field}"))
        };
        let vendor_row = row("vendor");
        for v in Vendor::ALL {
            assert!(
                vendor_row.contains(&format!("`{v}`")),
                "vendor row lacks {v}"
            );
        }
        for name in vendor_option_names() {
            let r = row(name);
            for v in Vendor::ALL {
                let named = r.contains(&format!("`{v}`"));
                assert_eq!(
                    named,
                    vendors_reading(name).contains(&v),
                    "docs row of {name}: {v} named = {named}, registry disagrees"
                );
            }
        }
    }

    #[test]
    fn vendor_option_problems() {
        let errs = parse(
            r#"{"sources":[
              {"name":"a","vendor":"aliyun_vod","key":"k","sign_order":"time_first"},
              {"name":"b","vendor":"tencent_live","key":"k","tolerance_seconds":10,"timestamp":"sent"},
              {"name":"c","vendor":"volcengine_live","key":"k","sign_order":"both","timestamp":"later","window_seconds":0},
              {"name":"d","vendor":"baidu_vod","key":"k","callback_url":"ftp://x","tolerance_seconds":86401},
              {"name":"e","key":"k"},
              {"name":"f","vendor":"aliyun_vod","key":"k","callback_url":5}]}"#,
        )
        .unwrap_err()
        .join("\n");
        for needle in [
            "sources[0].callback_url: required for aliyun_vod: the CallbackURL configured at Alibaba",
            "sources[0].sign_order: only used by volcengine_live and byteplus_live",
            "sources[1].tolerance_seconds: only used by baidu_vod and aliyun_vod",
            "sources[1].timestamp: only used by volcengine_live and byteplus_live",
            "sources[2].sign_order: must be \"key_first\" or \"time_first\"",
            "sources[2].timestamp: must be \"expiry\"",
            "sources[2].window_seconds: must be an integer from 1 to 86400",
            "sources[3].callback_url: must be the http(s) URL configured at Baidu",
            "sources[3].tolerance_seconds: must be an integer from 1 to 86400",
            "sources[4].vendor: required: one of tencent_vod, baidu_vod, volcengine_live, byteplus_live, tencent_live, aliyun_vod",
            "sources[5].callback_url: must be the http(s) URL configured at Alibaba",
        ] {
            assert!(errs.contains(needle), "missing {needle:?} in:\n{errs}");
        }
        assert!(
            !errs.contains("sources[5].callback_url: required"),
            "{errs}"
        );
    }

    #[test]
    fn tencent_api_credentials() {
        let c = ok(
            r#"{"sources":[{"name":"a","vendor":"baidu_vod","key":"k","callback_url":"https://e.example.com/a",
                "pull":{"tencent_api":{"secret_id":"AKIDexample0001","secret_key":"0123456789abcdefSECRET"}}},
              {"name":"b","vendor":"tencent_vod","key":"k",
                "pull":{"token":"pull-token-0123456789","tencent_api":{"secret_id":"AKIDb","secret_key":"0123456789abcdefghij"}}}]}"#,
        );
        let a = c.source("a").unwrap().pull.as_ref().unwrap();
        assert!(
            !a.token_matches(""),
            "no token configured: no bearer token opens it"
        );
        let api = a.tencent_api.as_ref().unwrap();
        assert_eq!(api.credential().secret_id, "AKIDexample0001");
        assert_eq!(api.credential().secret_key, "0123456789abcdefSECRET");
        assert!(!format!("{api:?}").contains("SECRET"));
        let b = c.source("b").unwrap().pull.as_ref().unwrap();
        assert!(b.token_matches("pull-token-0123456789") && b.tencent_api.is_some());

        let errs = parse(
            r#"{"sources":[{"name":"a","vendor":"tencent_vod","key":"k","pull":{}},
              {"name":"b","vendor":"tencent_vod","key":"k","pull":{"tencent_api":{"secret_id":"AK/ID","secret_key":"SECRETshort","x":1}}},
              {"name":"c","vendor":"tencent_vod","key":"k","pull":{"tencent_api":"AKID:SECRETVALUE"}}]}"#,
        )
        .unwrap_err()
        .join("\n");
        for needle in [
            "sources[0].pull.token: required (unless tencent_api is set)",
            "sources[1].pull.tencent_api.secret_id: required",
            "sources[1].pull.tencent_api.secret_key: required: 16-256 characters",
            "sources[1].pull.tencent_api.x: unknown field",
            "sources[2].pull.tencent_api: must be an object",
        ] {
            assert!(errs.contains(needle), "missing {needle:?} in:\n{errs}");
        }
        assert!(!errs.contains("SECRET"), "{errs}");
    }
}
