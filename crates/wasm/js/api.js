// The public JavaScript API of the `mediahook` npm package, over the raw wasm exports.
//
// This file is a plain script fragment (no import/export): scripts/build-npm.sh wraps it into
// the CommonJS entry (Node, wasm loaded synchronously) and the ESM browser entry (wasm
// fetched once by top-level await), so both builds share exactly this code.
//
// `createApi(raw)` takes the wasm-bindgen module and returns the public functions and classes.

/* eslint-disable no-unused-vars */
function createApi(raw) {
  'use strict';

  const TAXONOMY = JSON.parse(raw.errorKinds()); // [[kind, message], …] in status-code order
  const MESSAGES = Object.create(null);
  for (const [kind, message] of TAXONOMY) MESSAGES[kind] = message;
  // The vendor list comes from the core's registration (vendorInfo), never a copy here.
  const VENDORS = JSON.parse(raw.vendorInfo()).map((v) => v.id);
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

  function parseJson(body) {
    let text = body;
    try {
      if (typeof text !== 'string') text = decoder.decode(text);
      return JSON.parse(text);
    } catch (_) {
      return fail('malformed_payload');
    }
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
    const callbackUrl = strArg(req.callbackUrl, 'callbackUrl', '');
    const now = numArg(req.now, 'now', Date.now());
    // NaN = the vendor's default window (Baidu/BytePlus 300 s).
    const tolerance = req.windowSeconds !== undefined && req.windowSeconds !== null
      ? numArg(req.windowSeconds, 'windowSeconds', NaN)
      : numArg(req.toleranceSeconds, 'toleranceSeconds', NaN);
    const order = orderArg(req.signOrder);
    const source = strArg(req.source, 'source', 'default');
    const timestamp = timestampArg(req.timestamp);
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
    const text = JSON.stringify(config === undefined ? null : config);
    const current = o.current === undefined ? undefined : JSON.stringify(o.current);
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
    const callbackUrl = strArg(req.callbackUrl, 'callbackUrl', '');
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
    }

    /** The `webhook-signature` header value (`v1,<base64>`, one per secret, space-separated). */
    sign(id, timestampSeconds, body) {
      const inner = rawWebhook.get(this);
      strArg(id, 'id');
      const ts = numArg(timestampSeconds, 'timestampSeconds', undefined);
      if (ts === undefined) throw typeError('timestampSeconds is required');
      const b = bodyArg(body);
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
      const status = inner.verifyBytes(bytesOf(b), id, ts, sig, now);
      if (status !== 0) fail(TAXONOMY[status - 1] ? TAXONOMY[status - 1][0] : 'mismatch');
      return parseJson(b);
    }
  }

  return { verifyCallback, normalize, validateConfig, signCallback, vendorInfo, StandardWebhook, MediahookError };
}
