// Ready callback handlers over the public API: one core (`handle`) used by the Web-standard
// handler (`mediahook/handler`: Request → Response) and the Node one (`mediahook/node`).
//
// Like api.js this is a plain script fragment: scripts/build-npm.sh wraps it into
// dist/handler.{cjs,mjs} (Node: the node:crypto build) and dist/handler.browser.mjs (the wasm
// build for Workers, Deno, Bun and browsers).
//
// `createHandlerCore(api)` returns `{ prepare, answer, createHandler }`:
//   prepare(opts)  checks the options once and returns `handle(method, headers, body)`, which
//                  resolves to `{status, body}` (body: JSON text): 200 `{"code":0,"message":"ok",
//                  "id"}` after `onEvent` resolved; 401/400 `{"error":{code,message}}` for a
//                  refused callback; 405, 413; 500 when `onEvent` threw (the vendor retries).

/* eslint-disable no-unused-vars */
function createHandlerCore(api) {
  'use strict';

  const { verifyCallback, MediahookError } = api;
  /** Default largest accepted body, bytes (the worker's limit too). */
  const MAX_BODY_BYTES = 1024 * 1024;
  // SPEC §2 kinds → HTTP status, as the worker answers them.
  const STATUS = { missing: 401, mismatch: 401, expired: 401, malformed: 400, malformed_payload: 400 };

  function errorBody(code, message) {
    return JSON.stringify({ error: { code, message } });
  }

  function prepare(opts) {
    if (opts === null || typeof opts !== 'object') throw new TypeError('createHandler needs an options object: { vendor, key, onEvent }');
    const { vendor, key, callbackUrl, onEvent, onError } = opts;
    if (typeof vendor !== 'string') throw new TypeError('vendor must be a string such as "tencent_vod"');
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
    // Checks vendor, signOrder, … now (a bad option is a TypeError at start-up, not a 500 later).
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
        if (onError !== undefined) {
          try {
            onError(e);
          } catch (_) {
            // an error reporter that throws must not change the answer
          }
        }
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

  return { prepare, createHandler, MAX_BODY_BYTES };
}
