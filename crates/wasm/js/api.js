// The public JavaScript API of the `mediahook` npm package, over the raw wasm exports.
//
// This file is a plain script fragment (no import/export): scripts/build-npm.sh wraps it into
// the CommonJS entry (Node, wasm loaded synchronously) and the ESM browser entry (wasm
// fetched once by top-level await), so both builds share exactly this code.
//
// `createApi(raw, nodeCrypto, nodeBuffer)` takes the wasm-bindgen module and returns the public
// functions and classes. `nodeCrypto` is Node's `node:crypto` (the CommonJS entry passes it and
// `node:buffer`, whose UTF-8 check and decoder parse byte bodies faster; the browser
// entry does not): when given, the body-sized hashes — Standard Webhooks HMAC-SHA256 (sign and
// verify) and Baidu's HMAC-SHA256 — run in OpenSSL, still synchronously. Anything off the plain
// path (odd header bytes, a failure whose exact kind the core decides) goes to the wasm core,
// so results are the same in both builds.

/* eslint-disable no-unused-vars */
function createApi(raw, nodeCrypto, nodeBuffer) {
  'use strict';

  const TAXONOMY = JSON.parse(raw.errorKinds()); // [[kind, message], …] in status-code order
  const MESSAGES = Object.create(null);
  const STATUS = Object.create(null); // kind -> status code of the raw Standard Webhooks path
  TAXONOMY.forEach(([kind, message], i) => {
    MESSAGES[kind] = message;
    STATUS[kind] = i + 1;
  });
  // The vendor list comes from the core's registration (vendorInfo), never a copy here.
  const INFO = JSON.parse(raw.vendorInfo());
  const VENDORS = INFO.map((v) => v.id);
  // Baidu's default window (seconds) for the node:crypto path, from the same registration.
  const BAIDU_WINDOW = (INFO.find((v) => v.id === 'baidu_vod') || { signature: {} }).signature.defaultWindowSeconds;
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const encoder = new TextEncoder();

  // Strings are encoded to UTF-8 natively (TextEncoder) and cross as bytes: one fast pass,
  // instead of the generic string marshalling's per-character loop over ASCII text.
  const bytesOf = (b) => (typeof b === 'string' ? encoder.encode(b) : b);

  /** A refused callback or Standard Webhooks message. `kind` is the SPEC §2 taxonomy name. */
  class MediahookError extends Error {
    constructor(kind, message) {
      super(message === undefined ? `${kind}: ${MESSAGES[kind] || 'verification failed'}` : message);
      this.name = 'MediahookError';
      this.kind = kind;
    }
  }
  Object.defineProperty(MediahookError.prototype, 'name', {
    value: 'MediahookError', writable: true, configurable: true,
  });

  function fail(kind) {
    const err = new MediahookError(kind);
    if (typeof Error.captureStackTrace === 'function') Error.captureStackTrace(err, fail);
    throw err;
  }

  // Raw exports throw the error kind as a string for refused callbacks and an Error for bad
  // arguments; turn those into MediahookError / TypeError thrown from here.
  function rethrow(e) {
    if (typeof e === 'string' && e in MESSAGES) {
      const err = new MediahookError(e);
      if (typeof Error.captureStackTrace === 'function') Error.captureStackTrace(err, rethrow);
      throw err;
    }
    if (e instanceof Error && !(e instanceof MediahookError)) {
      const t = new TypeError(e.message);
      if (typeof Error.captureStackTrace === 'function') Error.captureStackTrace(t, rethrow);
      throw t;
    }
    throw e;
  }

  function typeError(message) {
    return new TypeError(message);
  }

  /** JSON text of a value; a value JSON.stringify cannot write (circular, BigInt, nested so
   * deep that it overflows the stack: a RangeError) is a TypeError naming the argument. */
  function jsonArg(value, name) {
    try {
      return JSON.stringify(value);
    } catch (e) {
      throw typeError(`${name} is not JSON-serializable, or is nested deeper than 128 levels (${e && e.message})`);
    }
  }

  function vendorArg(vendor) {
    if (typeof vendor !== 'string' || !VENDORS.includes(vendor)) {
      throw typeError(`vendor must be one of ${VENDORS.map((v) => JSON.stringify(v)).join(', ')}`);
    }
    return vendor;
  }

  function strArg(value, name, fallback) {
    if (value === undefined || value === null) {
      if (fallback === undefined) throw typeError(`${name} is required and must be a string`);
      return fallback;
    }
    if (typeof value !== 'string') throw typeError(`${name} must be a string`);
    return value;
  }

  // The vendors whose signature covers the callback URL configured at the vendor (Baidu,
  // Alibaba), from the registration: without that URL every genuine callback is a mismatch.
  function callbackUrlArg(vendor, value) {
    const url = strArg(value, 'callbackUrl', '');
    const info = INFO.find((v) => v.id === vendor);
    if (url === '' && info !== undefined && info.requiresCallbackUrl === true) {
      throw typeError(`callbackUrl is required for ${vendor}: ${info.name} signs the callback URL configured at the vendor, so pass that URL exactly as configured there (query included)`);
    }
    return url;
  }

  function numArg(value, name, fallback) {
    if (value === undefined || value === null) return fallback;
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      throw typeError(`${name} must be a finite number`);
    }
    return value;
  }

  function orderArg(value) {
    if (value === undefined || value === null) return '';
    if (value !== 'key_first' && value !== 'time_first') {
      throw typeError('signOrder must be "key_first" or "time_first"');
    }
    return value;
  }

  function timestampArg(value) {
    if (value === undefined || value === null) return undefined;
    if (value !== 'expiry' && value !== 'sent') {
      throw typeError('timestamp must be "expiry" or "sent"');
    }
    return value;
  }

  // A body crosses into wasm as-is: a string (encoded once, straight into wasm memory) or
  // bytes (copied once). Other views/ArrayBuffers are viewed as bytes without copying.
  function bodyArg(body) {
    if (typeof body === 'string' || body instanceof Uint8Array) return body;
    if (ArrayBuffer.isView(body)) return new Uint8Array(body.buffer, body.byteOffset, body.byteLength);
    if (body instanceof ArrayBuffer) return new Uint8Array(body);
    throw typeError('body must be a string or a Uint8Array');
  }

  function isHeadersLike(h) {
    return typeof h.get === 'function' && typeof h.forEach === 'function';
  }

  function headerValue(v) {
    if (v === undefined || v === null) return undefined;
    if (Array.isArray(v)) return v.join(', ');
    return String(v);
  }

  // Flattens headers (a Headers/Map, or a plain object such as Node's req.headers) into
  // the raw layer's `name\0value\0…` list.
  function flatHeaders(headers) {
    if (headers === undefined || headers === null) return '';
    if (typeof headers !== 'object') throw typeError('headers must be an object or a Headers');
    const parts = [];
    const add = (k, v) => {
      const value = headerValue(v);
      if (value === undefined || k.includes('\0') || value.includes('\0')) return;
      parts.push(k, value);
    };
    if (isHeadersLike(headers)) headers.forEach((v, k) => add(String(k), v));
    else for (const k of Object.keys(headers)) add(k, headers[k]);
    return parts.join('\0');
  }

  // One header, case-insensitively (exact lowercase name first: what Node gives).
  function getHeader(headers, name) {
    if (headers === undefined || headers === null) return undefined;
    if (typeof headers !== 'object') throw typeError('headers must be an object or a Headers');
    if (isHeadersLike(headers)) {
      const v = headers.get(name);
      return v === null || v === undefined ? undefined : String(v);
    }
    let v = headers[name];
    if (v === undefined) {
      for (const k of Object.keys(headers)) {
        if (k.toLowerCase() === name) {
          v = headers[k];
          break;
        }
      }
    }
    return Array.isArray(v) ? v.join(' ') : headerValue(v);
  }

  // Node: `isUtf8` + Buffer's decoder, which is faster than TextDecoder and means the same
  // as TextDecoder's fatal decode (including dropping one leading BOM).
  const isUtf8 = nodeBuffer !== undefined && typeof nodeBuffer.isUtf8 === 'function' ? nodeBuffer.isUtf8 : undefined;
  const NodeBuffer = nodeBuffer !== undefined ? nodeBuffer.Buffer : globalThis.Buffer;

  function decodeUtf8(bytes) {
    if (isUtf8 === undefined) return decoder.decode(bytes);
    if (!isUtf8(bytes)) throw new TypeError('not UTF-8');
    const buf = bytes instanceof NodeBuffer ? bytes : NodeBuffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const text = buf.toString('utf8');
    return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  }

  function parseJson(body) {
    let text = body;
    try {
      if (typeof text !== 'string') text = decodeUtf8(text);
      return JSON.parse(text);
    } catch (_) {
      return fail('malformed_payload');
    }
  }

  // Printable ASCII only: the fast paths' trimming and parsing then match the core's exactly.
  const PLAIN = /^[\x20-\x7e]*$/;
  const DIGITS = /^[0-9]{1,15}$/; // a safe integer: no i64 overflow questions
  const HEX64 = /^[0-9a-fA-F]{64}$/;

  function sameBytes(a, b) {
    return a.length === b.length && nodeCrypto.timingSafeEqual(a, b);
  }

  const asciiLower = (k) => k.replace(/[A-Z]/g, (c) => c.toLowerCase());

  // The header the core would see (first ASCII-case-insensitive match of what flatHeaders
  // passes); undefined when absent. `name` is lowercase.
  function coreHeader(headers, name) {
    if (headers === undefined || headers === null || typeof headers !== 'object') return undefined;
    let found;
    const visit = (k, raw) => {
      const v = headerValue(raw);
      if (found !== undefined || v === undefined || k.includes('\0') || v.includes('\0')) return;
      if (k.length === name.length && asciiLower(k) === name) found = v;
    };
    if (isHeadersLike(headers)) headers.forEach((v, k) => visit(String(k), v));
    else for (const k of Object.keys(headers)) visit(k, headers[k]);
    return found;
  }

  // Baidu (SPEC §1.2): true only when the token matches and the send time is in the window.
  // Anything else (missing, malformed or mismatching headers, expired) returns false and the
  // wasm core then decides the exact error, in its order (the body is parsed first).
  function baiduFast(body, headers, key, callbackUrl, nowMs, toleranceSeconds) {
    const user = coreHeader(headers, 'vod-callback-auth-user');
    const ts = coreHeader(headers, 'vod-callback-auth-timestamp');
    const token = coreHeader(headers, 'vod-callback-auth-token');
    if (user === undefined || ts === undefined || token === undefined) return false;
    if (!user || !PLAIN.test(user) || !DIGITS.test(ts) || !HEX64.test(token)) return false;
    if (!Number.isSafeInteger(Math.trunc(nowMs))) return false;
    const mac = nodeCrypto.createHmac('sha256', key)
      .update(`POST;${callbackUrl};`).update(body).update(`;${ts};${user}`)
      .digest();
    if (!sameBytes(mac, NodeBuffer.from(token, 'hex'))) return false;
    const tol = Math.max(0, Math.trunc(toleranceSeconds)) * 1000;
    return Number.isSafeInteger(tol) && Math.abs(Math.trunc(nowMs) - Number(ts)) <= tol;
  }

  /**
   * Verifies a raw vendor callback and returns it as a normalized event.
   * Throws MediahookError (`.kind`) when it is refused.
   */
  function verifyCallback(vendor, req) {
    vendorArg(vendor);
    if (req === null || typeof req !== 'object') throw typeError('req must be an object');
    const body = bodyArg(req.body);
    const headers = flatHeaders(req.headers);
    const key = strArg(req.key, 'key');
    const callbackUrl = callbackUrlArg(vendor, req.callbackUrl);
    const now = numArg(req.now, 'now', Date.now());
    // NaN = the vendor's default window (Baidu/BytePlus 300 s).
    const tolerance = req.windowSeconds !== undefined && req.windowSeconds !== null
      ? numArg(req.windowSeconds, 'windowSeconds', NaN)
      : numArg(req.toleranceSeconds, 'toleranceSeconds', NaN);
    const order = orderArg(req.signOrder);
    const source = strArg(req.source, 'source', 'default');
    const timestamp = timestampArg(req.timestamp);
    if (nodeCrypto !== undefined && vendor === 'baidu_vod' && Number.isSafeInteger(BAIDU_WINDOW)
      && baiduFast(body, req.headers, key, callbackUrl, now, Number.isNaN(tolerance) ? BAIDU_WINDOW : tolerance)) {
      // Signature and window are fine: what is left is the core's parse + normalize.
      let ok;
      try {
        ok = typeof body === 'string'
          ? raw.normalizeStr(vendor, body, source, now)
          : raw.normalizeBytes(vendor, body, source, now);
      } catch (e) {
        rethrow(e);
      }
      return JSON.parse(ok);
    }
    let json;
    try {
      json = raw.verifyCallbackBytes(vendor, bytesOf(body), headers, key, callbackUrl, now, tolerance, order, source, timestamp);
    } catch (e) {
      rethrow(e);
    }
    return JSON.parse(json);
  }

  /** Normalizes a callback body WITHOUT verifying it (inspection, tests, trusted paths). */
  function normalize(vendor, body, opts) {
    vendorArg(vendor);
    const b = bodyArg(body);
    const o = opts === undefined || opts === null ? {} : opts;
    if (typeof o !== 'object') throw typeError('opts must be an object');
    const source = strArg(o.source, 'source', 'default');
    const receivedAt = numArg(o.receivedAt, 'receivedAt', Date.now());
    let json;
    try {
      json = typeof b === 'string'
        ? raw.normalizeStr(vendor, b, source, receivedAt)
        : raw.normalizeBytes(vendor, b, source, receivedAt);
    } catch (e) {
      rethrow(e);
    }
    return JSON.parse(json);
  }

  function randomRequestId() {
    const c = globalThis.crypto;
    if (c && typeof c.randomUUID === 'function') return c.randomUUID();
    return '00000000-0000-0000-0000-000000000000';
  }

  /**
   * Validates a callback config exactly as the vendor's config API would: every problem with
   * the vendor's code, message and HTTP status, plus the vendor-shaped error response.
   */
  function validateConfig(vendor, config, opts) {
    vendorArg(vendor);
    const o = opts === undefined || opts === null ? {} : opts;
    if (typeof o !== 'object') throw typeError('opts must be an object');
    const text = jsonArg(config === undefined ? null : config, 'config');
    const current = o.current === undefined ? undefined : jsonArg(o.current, 'current');
    const requestId = strArg(o.requestId, 'requestId', randomRequestId());
    const allowLoopback = o.allowLoopback === true;
    let json;
    try {
      json = raw.validateConfig(vendor, text, current, requestId, allowLoopback);
    } catch (e) {
      rethrow(e);
    }
    return JSON.parse(json);
  }

  /** Signs a callback body the way the vendor does (for tests and local development). */
  function signCallback(vendor, req) {
    vendorArg(vendor);
    if (req === null || typeof req !== 'object') throw typeError('req must be an object');
    let body = req.body;
    if (body !== null && typeof body === 'object') body = JSON.stringify(body);
    if (typeof body !== 'string') throw typeError('body must be a string or an object');
    const key = strArg(req.key, 'key');
    const now = numArg(req.now, 'now', Date.now());
    const callbackUrl = callbackUrlArg(vendor, req.callbackUrl);
    const user = strArg(req.user, 'user', 'mediahook');
    const ttl = numArg(req.ttlSeconds, 'ttlSeconds', 600);
    const order = orderArg(req.signOrder);
    const timestamp = timestampArg(req.timestamp);
    let json;
    try {
      json = raw.signCallback(vendor, body, key, now, callbackUrl, user, ttl, order, timestamp);
    } catch (e) {
      rethrow(e);
    }
    return JSON.parse(json);
  }

  /**
   * Every registered vendor as the core describes it: signature scheme, options, shared
   * event types, documented samples and config-form fields (a fresh copy per call).
   */
  function vendorInfo() {
    return JSON.parse(raw.vendorInfo());
  }

  const rawWebhook = new WeakMap();
  const fastWebhook = new WeakMap(); // Node: {keys: Buffer[], tolerance: seconds}
  // A timestamp the core and this file read alike: ASCII whitespace (what both trims remove)
  // around an optional `-` and at most 15 digits (a safe integer).
  const PLAIN_TS = /^[\t\n\v\f\r ]*-?[0-9]{1,15}[\t\n\v\f\r ]*$/;

  function hmacSw(key, id, ts, body) {
    return nodeCrypto.createHmac('sha256', key).update(`${id}.${ts}.`).update(body);
  }

  // `entry` is `v1,` + 44 base64 characters equal to `expected`, compared without an early
  // exit. Only the canonical encoding of a MAC can be equal, as only it decodes in the core.
  function sameSig(entry, expected) {
    let diff = 0;
    for (let i = 0; i < 44; i++) diff |= entry.charCodeAt(i + 3) ^ expected.charCodeAt(i);
    return diff === 0;
  }

  // Standard Webhooks verify on node:crypto, for the common case: 0 when a signature matches
  // and the time is in the window, the `expired` status when it matches outside it. Anything
  // else — absent or unusual headers, no match — returns -1 and the wasm core decides the
  // exact error, so failures read the same in every build.
  function verifyFast(fast, body, id, ts, sig, now) {
    if (id === undefined || ts === undefined || sig === undefined) return -1;
    if (!PLAIN.test(id) || !id.trim() || !PLAIN_TS.test(ts) || !Number.isSafeInteger(now)) return -1;
    const t = ts.trim();
    let matched = false;
    let macs;
    for (const entry of sig.split(' ')) {
      if (entry.length !== 47 || !entry.startsWith('v1,')) continue;
      if (macs === undefined) macs = fast.keys.map((k) => hmacSw(k, id, t, body).digest('base64'));
      for (const m of macs) if (sameSig(entry, m)) matched = true;
    }
    if (!matched) return -1;
    if (Math.abs(now - Number(t)) > fast.tolerance) return STATUS.expired;
    return 0;
  }

  /** Standard Webhooks v1: sign and verify, several secrets during key rotation. */
  class StandardWebhook {
    constructor(secret, opts) {
      const list = Array.isArray(secret) ? secret : [secret];
      if (list.length === 0) throw typeError('at least one secret is required');
      for (const s of list) {
        if (typeof s !== 'string' || s.includes('\n')) throw typeError('each secret must be a whsec_… string');
      }
      const o = opts === undefined || opts === null ? {} : opts;
      const tolerance = numArg(o.toleranceSeconds, 'toleranceSeconds', 300);
      let inner;
      try {
        inner = new raw.RawWebhook(list.join('\n'), tolerance);
      } catch (e) {
        rethrow(e);
      }
      rawWebhook.set(this, inner);
      // The wasm constructor accepted every secret: trimmed, its `whsec_` prefix taken off,
      // strict base64. For printable ASCII the same steps here (trim, then the prefix) give the
      // same text, which Node's decoder turns into the same key bytes; any other spelling
      // (a tab, U+0085 or U+00A0 around it, which the two trims treat differently) keeps
      // the wasm.
      if (nodeCrypto !== undefined && list.every((s) => PLAIN.test(s))) {
        const text = (s) => {
          const t = s.trim();
          return t.startsWith('whsec_') ? t.slice(6) : t;
        };
        fastWebhook.set(this, {
          keys: list.map((s) => NodeBuffer.from(text(s), 'base64')),
          tolerance: Math.max(0, Math.trunc(tolerance)),
        });
      }
    }

    /** The `webhook-signature` header value (`v1,<base64>`, one per secret, space-separated). */
    sign(id, timestampSeconds, body) {
      const inner = rawWebhook.get(this);
      strArg(id, 'id');
      const ts = numArg(timestampSeconds, 'timestampSeconds', undefined);
      if (ts === undefined) throw typeError('timestampSeconds is required');
      const b = bodyArg(body);
      const fast = fastWebhook.get(this);
      const t = Math.trunc(ts);
      if (fast !== undefined && Number.isSafeInteger(t)) {
        const tsText = String(t === 0 ? 0 : t);
        return fast.keys.map((k) => `v1,${hmacSw(k, id, tsText, b).digest('base64')}`).join(' ');
      }
      try {
        return inner.signBytes(id, ts, bytesOf(b));
      } catch (e) {
        return rethrow(e);
      }
    }

    /** Verifies a message and returns its parsed JSON body; throws MediahookError. */
    verify(body, headers, opts) {
      const inner = rawWebhook.get(this);
      const b = bodyArg(body);
      const id = getHeader(headers, 'webhook-id');
      const ts = getHeader(headers, 'webhook-timestamp');
      const sig = getHeader(headers, 'webhook-signature');
      const nowMs = opts === undefined || opts === null ? Date.now() : numArg(opts.now, 'now', Date.now());
      const now = Math.floor(nowMs / 1000);
      const fast = fastWebhook.get(this);
      let status = fast === undefined ? -1 : verifyFast(fast, b, id, ts, sig, now);
      if (status < 0) status = inner.verifyBytes(bytesOf(b), id, ts, sig, now);
      if (status !== 0) fail(TAXONOMY[status - 1] ? TAXONOMY[status - 1][0] : 'mismatch');
      return parseJson(b);
    }
  }

  return { verifyCallback, normalize, validateConfig, signCallback, vendorInfo, StandardWebhook, MediahookError };
}
