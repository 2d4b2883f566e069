// Ready callback handlers over the public API: one core (`handle`) used by the Web-standard
// handler (`mediahook/handler`: Request → Response) and the Node one (`mediahook/node`).
//
// Like api.js this is a plain script fragment: scripts/build-npm.sh wraps it into
// dist/handler.{cjs,mjs} (Node: the node:crypto build) and dist/handler.browser.mjs (the wasm
// build for Workers, Deno, Bun and browsers).
//
// `createHandlerCore(api)` returns `{ prepare, report, createHandler, MAX_BODY_BYTES }`:
//   prepare(opts)  checks the options once and returns `handle(method, headers, body)`, which
//                  resolves to `{status, body}` (body: JSON text): 200 `{"code":0,"message":"ok",
//                  "id"}` after `onEvent` resolved; 401/400 `{"error":{code,message}}` for a
//                  refused callback; 405, 413; 500 when `onEvent` threw (the vendor retries;
//                  `onError` is told, or without one console.error logs it).

/* eslint-disable no-unused-vars */
function createHandlerCore(api) {
  'use strict';

  const { verifyCallback, MediahookError } = api;
  /** Default largest accepted body, bytes (the worker's limit too). */
  const MAX_BODY_BYTES = 1024 * 1024;
  // SPEC §2 kinds → HTTP status, as the worker answers them.
  const STATUS = { missing: 401, mismatch: 401, expired: 401, malformed: 400, malformed_payload: 400 };

  // The options every vendor takes, then the vendor-specific ones: each vendor's from the core's
  // registration (vendorInfo().options, npm names), `windowSeconds` and `toleranceSeconds`
  // being one option under two names.
  const COMMON_OPTIONS = ['vendor', 'key', 'onEvent', 'onError', 'source', 'maxBodyBytes'];
  const WINDOW = ['windowSeconds', 'toleranceSeconds'];
  const VENDOR_OPTIONS = Object.create(null);
  for (const v of api.vendorInfo()) {
    const names = v.options.map((o) => o.option);
    if (names.some((n) => WINDOW.includes(n))) for (const n of WINDOW) if (!names.includes(n)) names.push(n);
    VENDOR_OPTIONS[v.id] = names;
  }
  const VENDORS = Object.keys(VENDOR_OPTIONS);
  const KNOWN_OPTIONS = [...COMMON_OPTIONS];
  for (const v of VENDORS) for (const n of VENDOR_OPTIONS[v]) if (!KNOWN_OPTIONS.includes(n)) KNOWN_OPTIONS.push(n);
  const looseName = (n) => n.toLowerCase().replace(/[-_]/g, '');

  function errorBody(code, message) {
    return JSON.stringify({ error: { code, message } });
  }

  // Unknown option names (a typo such as `callbackURL`) and options of another vendor (a
  // `signOrder` for Baidu) are refused rather than ignored. An option set to undefined counts
  // as not given.
  function checkOptionNames(opts, vendor) {
    for (const name of Object.keys(opts)) {
      if (KNOWN_OPTIONS.includes(name)) continue;
      const near = KNOWN_OPTIONS.find((k) => looseName(k) === looseName(name));
      throw new TypeError(`createHandler: unknown option ${JSON.stringify(name)}${near ? ` (did you mean ${JSON.stringify(near)}?)` : ''}; `
        + `the options are ${KNOWN_OPTIONS.join(', ')}`);
    }
    if (typeof vendor !== 'string') throw new TypeError('vendor must be a string such as "tencent_vod"');
    const own = VENDOR_OPTIONS[vendor];
    if (own === undefined) throw new TypeError(`vendor must be one of ${VENDORS.map((v) => JSON.stringify(v)).join(', ')}`);
    for (const name of Object.keys(opts)) {
      if (COMMON_OPTIONS.includes(name) || own.includes(name) || opts[name] === undefined) continue;
      throw new TypeError(`createHandler: ${name} does not apply to ${vendor} `
        + `(${own.length ? `its vendor options: ${own.join(', ')}` : 'it has no vendor options'})`);
    }
  }

  // Tells `onError` about a failure that made the answer a 500; without one, logs it with
  // console.error (what failed and the event, never the options: no key is ever logged).
  function report(onError, error, what) {
    try {
      if (onError !== undefined) onError(error);
      else if (typeof console !== 'undefined') console.error(`mediahook handler: ${what} (pass onError to report it yourself):`, error);
    } catch (_) {
      // an error reporter that throws must not change the answer
    }
  }

  function prepare(opts) {
    if (opts === null || typeof opts !== 'object') throw new TypeError('createHandler needs an options object: { vendor, key, onEvent }');
    const { vendor, key, callbackUrl, onEvent, onError } = opts;
    checkOptionNames(opts, vendor);
    if (typeof key !== 'string' || key === '') throw new TypeError('key must be a non-empty string (the vendor signing key)');
    if (typeof onEvent !== 'function') throw new TypeError('onEvent must be a function (event) => void | Promise<void>');
    if (onError !== undefined && typeof onError !== 'function') throw new TypeError('onError must be a function');
    if (callbackUrl !== undefined && typeof callbackUrl !== 'string') throw new TypeError('callbackUrl must be a string');
    const maxBodyBytes = opts.maxBodyBytes === undefined ? MAX_BODY_BYTES : opts.maxBodyBytes;
    if (!Number.isSafeInteger(maxBodyBytes) || maxBodyBytes <= 0) throw new TypeError('maxBodyBytes must be a positive integer');
    const base = {
      key,
      callbackUrl,
      windowSeconds: opts.windowSeconds,
      toleranceSeconds: opts.toleranceSeconds,
      signOrder: opts.signOrder,
      timestamp: opts.timestamp,
      source: opts.source,
    };
    // Checks signOrder, timestamp, … now, and that Baidu and Alibaba have their callbackUrl
    // (a bad option is a TypeError at start-up, not a 500 or a 401 for every callback later).
    try {
      verifyCallback(vendor, { ...base, body: '' });
    } catch (e) {
      if (!(e instanceof MediahookError)) throw e;
    }

    async function handle(method, headers, body) {
      if (method !== 'POST') {
        return { status: 405, headers: { allow: 'POST' }, body: errorBody('method_not_allowed', 'callbacks are POST requests') };
      }
      if (body.length > maxBodyBytes) {
        return { status: 413, body: errorBody('payload_too_large', `the body is over ${maxBodyBytes} bytes`) };
      }
      let event;
      try {
        event = verifyCallback(vendor, { ...base, body, headers });
      } catch (e) {
        if (!(e instanceof MediahookError)) throw e;
        // The reason alone, as the worker answers it (the code is beside it already).
        const reason = e.message.startsWith(`${e.kind}: `) ? e.message.slice(e.kind.length + 2) : e.message;
        return { status: STATUS[e.kind] || 401, body: errorBody(e.kind, reason) };
      }
      try {
        await onEvent(event);
      } catch (e) {
        report(onError, e, `onEvent failed for event ${event.id} (${event.type}); answered 500 so that the vendor retries`);
        return { status: 500, body: errorBody('handler_failed', 'onEvent failed; the vendor will retry this callback') };
      }
      return { status: 200, body: JSON.stringify({ code: 0, message: 'ok', id: event.id }) };
    }
    return handle;
  }

  // The body's bytes, read at most `limit` + 1 of them: a larger body is `{length}` (refused
  // with 413 by `handle`) without being buffered whole.
  async function readBody(request, limit) {
    const declared = Number(request.headers.get('content-length'));
    if (Number.isFinite(declared) && declared > limit) return { length: declared };
    const stream = request.body;
    if (stream === null || stream === undefined || typeof stream.getReader !== 'function') {
      return new Uint8Array(await request.arrayBuffer());
    }
    const reader = stream.getReader();
    const chunks = [];
    let size = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > limit) {
        reader.cancel().catch(() => {});
        return { length: size };
      }
      chunks.push(value);
    }
    const out = new Uint8Array(size);
    let at = 0;
    for (const c of chunks) {
      out.set(c, at);
      at += c.byteLength;
    }
    return out;
  }

  /** A Web-standard handler: `(request) => Promise<Response>`. */
  function createHandler(opts) {
    const handle = prepare(opts);
    const limit = opts.maxBodyBytes === undefined ? MAX_BODY_BYTES : opts.maxBodyBytes;
    return async function mediahookHandler(request) {
      const method = String(request.method || 'GET').toUpperCase();
      const body = method === 'POST' ? await readBody(request, limit) : new Uint8Array(0);
      const out = await handle(method, request.headers, body);
      return new Response(out.body, {
        status: out.status,
        headers: { 'content-type': 'application/json; charset=utf-8', ...out.headers },
      });
    };
  }

  return { prepare, report, createHandler, MAX_BODY_BYTES };
}
