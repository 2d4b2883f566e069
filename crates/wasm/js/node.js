// The Node handler (`mediahook/node`): `(req, res, next?)` for node:http, Express and Connect,
// and `(request, reply)` for Fastify. It reads the raw bytes itself (the vendor's signature
// covers them exactly); a body that another middleware already parsed is refused with a 500
// whose message says what to change.
//
// A plain script fragment over handler.js's `createHandlerCore(api)` (see scripts/build-npm.sh).

/* eslint-disable no-unused-vars */
function createNodeApi(core) {
  'use strict';

  const PARSED = 'the request body was already parsed by another middleware (e.g. express.json() or '
    + 'bodyParser.json()), so the exact bytes the vendor signed are gone. Mount the mediahook handler '
    + 'before that middleware, or give this route the raw body: app.post(path, express.raw({ type: "*/*" }), handler). '
    + 'Fastify: fastify.addContentTypeParser("application/json", { parseAs: "buffer" }, (req, body, done) => done(null, body)).';
  const CONSUMED = 'the request stream was already read by something else and no raw body was kept; '
    + 'mount the mediahook handler first, or pass the raw bytes as req.body (a Buffer).';

  class BodyError extends Error {
    constructor(code, message, status) {
      super(message);
      this.name = 'MediahookHandlerError';
      this.code = code;
      this.status = status;
    }
  }

  function isFastifyReply(res) {
    return res !== null && typeof res === 'object' && typeof res.code === 'function' && typeof res.send === 'function'
      && typeof res.header === 'function';
  }

  async function readRaw(req, limit) {
    const given = req.body;
    if (given !== undefined && given !== null) {
      if (typeof given === 'string' || given instanceof Uint8Array) return given;
      // express.json()/urlencoded without a matching body leaves `{}` in Express 4; a stream
      // that was never read still has its bytes.
      const empty = typeof given === 'object' && Object.keys(given).length === 0;
      if (!(empty && req.readableEnded === false)) throw new BodyError('body_already_parsed', PARSED, 500);
    }
    if (req.readableEnded === true || typeof req[Symbol.asyncIterator] !== 'function') {
      throw new BodyError('body_already_read', CONSUMED, 500);
    }
    const chunks = [];
    let size = 0;
    try {
      for await (const chunk of req) {
        const c = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
        size += c.length;
        if (size > limit) throw new BodyError('payload_too_large', `the body is over ${limit} bytes`, 413);
        chunks.push(c);
      }
    } catch (e) {
      if (e instanceof BodyError) throw e;
      // The stream failed (a client that went away mid-body: "aborted"): an answer, never a
      // rejected promise (which would end a plain node:http server).
      throw new BodyError('body_read_failed', 'the request body could not be read completely', 400);
    }
    return Buffer.concat(chunks, size);
  }

  function send(res, status, headers, text) {
    const all = { 'content-type': 'application/json; charset=utf-8', ...headers };
    if (isFastifyReply(res)) {
      res.code(status);
      for (const k of Object.keys(all)) res.header(k, all[k]);
      return res.send(text);
    }
    if (res.headersSent) return undefined;
    res.statusCode = status;
    for (const k of Object.keys(all)) res.setHeader(k, all[k]);
    res.end(text);
    return undefined;
  }

  /** A Node handler: `(req, res, next?) => Promise<void>` (Express/Connect, node:http, Fastify). */
  function createHandler(opts) {
    const handle = core.prepare(opts);
    const limit = opts.maxBodyBytes === undefined ? core.MAX_BODY_BYTES : opts.maxBodyBytes;
    return async function mediahookNodeHandler(req, res) {
      // Fastify gives its own request (`.raw` is the IncomingMessage; `.body` what its parser made).
      const fastify = isFastifyReply(res);
      const method = String(req.method || 'GET').toUpperCase();
      let body = Buffer.alloc(0);
      if (method === 'POST') {
        try {
          body = fastify && (req.body === undefined || req.body === null)
            ? await readRaw(req.raw, limit)
            : await readRaw(req, limit);
        } catch (e) {
          if (!(e instanceof BodyError)) throw e;
          if (e.status === 500) core.report(opts.onError, e, `answered 500 ${e.code}`);
          return send(res, e.status, {}, JSON.stringify({ error: { code: e.code, message: e.message } }));
        }
      }
      const out = await handle(method, req.headers, body);
      return send(res, out.status, out.headers || {}, out.body);
    };
  }

  return { createHandler };
}
