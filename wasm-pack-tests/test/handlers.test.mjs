// `mediahook/handler` (Request → Response) and `mediahook/node` ((req, res)) from the packed
// package: against Node's own Request/Response, and served on 127.0.0.1 by the real `express`
// (5), `hono` (4, via @hono/node-server) and `fastify` (5) packages and plain node:http.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import net from 'node:net';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import express from 'express';
import Fastify from 'fastify';
import { Hono } from 'hono';
import { serve } from '@hono/node-server';
import { consumerProject, requireMediahook } from './helpers.mjs';

const KEYS = { tencent_vod: 'TencentSignKey01', baidu_vod: 'baiduSignKeyForTests', volcengine_live: 'volcAuthKeyTests' };
const BAIDU_URL = 'https://hooks.example.com/v1/hooks/baidu';
const BODIES = {
  tencent_vod: { EventType: 'NewFileUpload', FileUploadEvent: { FileId: '5285890784273533167', MediaBasicInfo: { Name: 'a.mp4' } } },
  baidu_vod: { eventId: 'evt-h1', eventType: 'MEDIA_UPLOAD_COMPLETE', eventTime: '2024-11-11T09:27:42Z', mediaUploadCompleteEvent: { mediaId: 'mda-h1' } },
  volcengine_live: { vhost: 'push.example.com', app: 'live', stream: 's1', event_type: 'push_start', time: 1732269400 },
};
const SUBJECTS = { tencent_vod: '5285890784273533167', baidu_vod: 'mda-h1', volcengine_live: 'push.example.com/live/s1' };

const sign = (vendor, key = KEYS[vendor]) =>
  requireMediahook().signCallback(vendor, { body: BODIES[vendor], key, callbackUrl: BAIDU_URL, now: Date.now() });

async function importFromConsumer(spec) {
  const dir = consumerProject();
  return import(pathToFileURL(createRequire(join(dir, 'x.mjs')).resolve(spec)).href);
}

function opts(vendor, seen, extra = {}) {
  const url = vendor === 'baidu_vod' ? { callbackUrl: BAIDU_URL } : {};
  return { vendor, key: KEYS[vendor], ...url, onEvent: (e) => { seen.push(e); }, ...extra };
}

/** Runs `fn` with console.error captured; returns [what fn returned, the calls' arguments]. */
async function capturingConsoleError(fn) {
  const calls = [];
  const original = console.error;
  console.error = (...args) => { calls.push(args); };
  try {
    return [await fn(), calls];
  } finally {
    console.error = original;
  }
}

async function listenOn(server) {
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${server.address().port}`;
}

async function post(url, signed, extra = {}) {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...signed.headers, ...extra }, body: signed.body });
  return { status: res.status, json: await res.json(), type: res.headers.get('content-type') };
}

describe('mediahook/handler with Node\'s Request and Response', () => {
  let createHandler;
  before(async () => ({ createHandler } = await importFromConsumer('mediahook/handler')));

  for (const vendor of Object.keys(KEYS)) {
    it(`${vendor}: a signed callback → onEvent(event) then 200 {"code":0}`, async () => {
      const seen = [];
      const h = createHandler(opts(vendor, seen));
      const s = sign(vendor);
      const res = await h(new Request(BAIDU_URL, { method: 'POST', headers: s.headers, body: s.body }));
      assert.ok(res instanceof Response);
      assert.equal(res.status, 200);
      assert.match(res.headers.get('content-type'), /^application\/json/);
      const body = await res.json();
      assert.equal(seen.length, 1);
      assert.deepEqual(body, { code: 0, message: 'ok', id: seen[0].id });
      assert.equal(seen[0].vendor, vendor);
      assert.equal(seen[0].subject, SUBJECTS[vendor]);
    });
  }

  it('refusals: 401 mismatch/missing/expired, 400 malformed_payload, with {"error":{code,message}}; onEvent not called', async () => {
    const seen = [];
    const h = createHandler(opts('tencent_vod', seen));
    const bad = sign('tencent_vod', 'another-key');
    const cases = [
      [bad.body, 401, 'mismatch'],
      [JSON.stringify(BODIES.tencent_vod), 401, 'missing'],
      [requireMediahook().signCallback('tencent_vod', { body: BODIES.tencent_vod, key: KEYS.tencent_vod, now: Date.now() - 3_600_000 }).body, 401, 'expired'],
      ['not json', 400, 'malformed_payload'],
      [JSON.stringify({ ...BODIES.tencent_vod, Sign: 'zz', T: 1 }), 400, 'malformed'],
    ];
    for (const [body, status, code] of cases) {
      const res = await h(new Request('http://x/', { method: 'POST', body }));
      assert.equal(res.status, status, code);
      const j = await res.json();
      assert.equal(j.error.code, code);
      assert.equal(typeof j.error.message, 'string');
      // The reason alone, as the worker answers (no repeated `code: ` prefix).
      assert.ok(j.error.message.length > 0 && !j.error.message.startsWith(`${code}:`), j.error.message);
    }
    assert.equal(seen.length, 0);
  });

  it('onEvent throws → 500 (the vendor retries), onError told; GET → 405; oversized → 413', async () => {
    const errors = [];
    const h = createHandler(opts('volcengine_live', [], { onEvent: async () => { throw new Error('db down'); }, onError: (e) => errors.push(e), maxBodyBytes: 4096 }));
    const s = sign('volcengine_live');
    const res = await h(new Request('http://x/', { method: 'POST', body: s.body }));
    assert.equal(res.status, 500);
    assert.equal((await res.json()).error.code, 'handler_failed');
    assert.equal(errors.length, 1);
    assert.equal(errors[0].message, 'db down');
    const get = await h(new Request('http://x/'));
    assert.equal(get.status, 405);
    assert.equal(get.headers.get('allow'), 'POST');
    const big = await h(new Request('http://x/', { method: 'POST', body: 'x'.repeat(5000) }));
    assert.equal(big.status, 413);
    // A stream without content-length: refused once past the limit, not read to its end.
    let pulled = 0;
    const endless = new ReadableStream({ pull(c) { pulled++; c.enqueue(new Uint8Array(1024)); } });
    const streamed = await h(new Request('http://x/', { method: 'POST', body: endless, duplex: 'half' }));
    assert.equal(streamed.status, 413);
    assert.ok(pulled < 10, `read ${pulled} chunks`);
  });

  it('bad options are a TypeError at creation', () => {
    assert.throws(() => createHandler({ vendor: 'nope', key: 'k', onEvent() {} }), TypeError);
    assert.throws(() => createHandler({ vendor: 'tencent_vod', key: '', onEvent() {} }), TypeError);
    assert.throws(() => createHandler({ vendor: 'tencent_vod', key: 'k' }), TypeError);
    assert.throws(() => createHandler({ vendor: 'volcengine_live', key: 'k', signOrder: 'x', onEvent() {} }), TypeError);
  });

  it('require("mediahook/handler") and require("mediahook/node") work too (CommonJS)', () => {
    const req = createRequire(join(consumerProject(), 'x.cjs'));
    assert.equal(typeof req('mediahook/handler').createHandler, 'function');
    assert.equal(typeof req('mediahook/node').createHandler, 'function');
  });
});

// What a new user gets wrong first: checked when the handler is created, in both entry points.
for (const entry of ['mediahook/handler', 'mediahook/node']) {
  describe(`${entry}: options checked at creation`, () => {
    let createHandler;
    before(async () => ({ createHandler } = await importFromConsumer(entry)));
    const onEvent = () => {};

    it('no callbackUrl for a vendor that signs it (baidu_vod, aliyun_vod) → TypeError naming both', () => {
      for (const vendor of ['baidu_vod', 'aliyun_vod']) {
        for (const callbackUrl of [undefined, '']) {
          assert.throws(() => createHandler({ vendor, key: 'k', callbackUrl, onEvent }),
            (e) => e instanceof TypeError && e.message.includes('callbackUrl') && e.message.includes(vendor), `${vendor} ${JSON.stringify(callbackUrl)}`);
        }
        assert.equal(typeof createHandler({ vendor, key: 'k', callbackUrl: 'https://h.example.com/cb', onEvent }), 'function');
      }
    });

    it('an unknown option name → TypeError listing the known ones', () => {
      assert.throws(() => createHandler({ vendor: 'baidu_vod', key: 'k', callbackURL: 'https://h.example.com/cb', callbackUrl: 'https://h.example.com/cb', onEvent }),
        (e) => e instanceof TypeError && /unknown option "callbackURL"/.test(e.message) && /did you mean "callbackUrl"/.test(e.message)
          && ['vendor', 'key', 'onEvent', 'onError', 'callbackUrl', 'windowSeconds', 'signOrder', 'timestamp', 'maxBodyBytes', 'source'].every((n) => e.message.includes(n)), 'callbackURL');
      assert.throws(() => createHandler({ vendor: 'tencent_vod', key: 'k', onEvent, onevent: onEvent }), TypeError);
      assert.throws(() => createHandler({ vendor: 'tencent_vod', key: 'k', onEvent, tolerance: 5 }), /unknown option "tolerance"/);
    });

    it('an option of another vendor → TypeError saying which options the vendor has', () => {
      const url = 'https://h.example.com/cb';
      const cases = [
        [{ vendor: 'tencent_vod', callbackUrl: url }, /callbackUrl does not apply to tencent_vod/],
        [{ vendor: 'tencent_live', windowSeconds: 60 }, /windowSeconds does not apply to tencent_live/],
        [{ vendor: 'volcengine_live', callbackUrl: url }, /callbackUrl does not apply to volcengine_live \(its vendor options: signOrder, timestamp, windowSeconds/],
        [{ vendor: 'baidu_vod', callbackUrl: url, signOrder: 'time_first' }, /signOrder does not apply to baidu_vod \(its vendor options: callbackUrl, /],
        [{ vendor: 'aliyun_vod', callbackUrl: url, timestamp: 'sent' }, /timestamp does not apply to aliyun_vod/],
      ];
      for (const [o, re] of cases) assert.throws(() => createHandler({ key: 'k', onEvent, ...o }), (e) => e instanceof TypeError && re.test(e.message), JSON.stringify(o));
      // What each vendor does take; an option given as undefined counts as not given.
      for (const o of [
        { vendor: 'tencent_vod', callbackUrl: undefined, signOrder: undefined },
        { vendor: 'baidu_vod', callbackUrl: url, windowSeconds: 60, toleranceSeconds: 60, source: 's', maxBodyBytes: 10 },
        { vendor: 'aliyun_vod', callbackUrl: url, toleranceSeconds: 60 },
        { vendor: 'volcengine_live', signOrder: 'time_first', timestamp: 'sent', windowSeconds: 60 },
        { vendor: 'byteplus_live', signOrder: 'key_first', timestamp: 'expiry', toleranceSeconds: 60, onError() {} },
      ]) assert.equal(typeof createHandler({ key: 'k', onEvent, ...o }), 'function', JSON.stringify(o));
    });
  });

  describe(`${entry}: an onEvent that throws`, () => {
    let createHandler;
    before(async () => ({ createHandler } = await importFromConsumer(entry)));

    /** POSTs a signed callback to the handler (a Request, or through node:http); its status. */
    async function deliver(handler, signed) {
      if (entry === 'mediahook/handler') {
        return (await handler(new Request('http://x/', { method: 'POST', headers: signed.headers, body: signed.body }))).status;
      }
      const server = createServer((req, res) => { handler(req, res); });
      const base = await listenOn(server);
      try {
        return (await post(base, signed)).status;
      } finally {
        server.closeAllConnections?.();
        await new Promise((r) => server.close(r));
      }
    }

    it('onEvent throws and no onError → 500 and console.error names the event, never the key', async () => {
      const s = sign('volcengine_live');
      const failing = createHandler(opts('volcengine_live', [], { onEvent: async () => { throw new Error('db down'); } }));
      const [status, calls] = await capturingConsoleError(() => deliver(failing, s));
      assert.equal(status, 500);
      assert.equal(calls.length, 1, JSON.stringify(calls));
      const [text, err] = calls[0];
      const id = requireMediahook().normalize('volcengine_live', s.body).id;
      assert.equal(text, `mediahook handler: onEvent failed for event ${id} (live.stream.started); answered 500 so that the vendor retries (pass onError to report it yourself):`);
      assert.ok(err instanceof Error && err.message === 'db down');
      assert.ok(!calls.flat().some((a) => String(a).includes(KEYS.volcengine_live)));
      // With onError given, it alone is told.
      const told = [];
      const reported = createHandler(opts('volcengine_live', [], { onEvent: () => { throw new Error('x'); }, onError: (e) => told.push(e) }));
      const [status2, none] = await capturingConsoleError(() => deliver(reported, s));
      assert.equal(status2, 500);
      assert.equal(told.length, 1);
      assert.equal(none.length, 0);
    });
  });
}

describe('served on 127.0.0.1 by the real frameworks', () => {
  let nodeApi;
  let webApi;
  const servers = [];
  before(async () => {
    nodeApi = await importFromConsumer('mediahook/node');
    webApi = await importFromConsumer('mediahook/handler');
  });
  after(async () => {
    for (const s of servers) {
      s.closeAllConnections?.();
      await new Promise((r) => s.close(r));
    }
  });

  it('express 5: the node handler verifies every vendor; express.json() on other routes is fine', async () => {
    const seen = [];
    const app = express();
    for (const vendor of Object.keys(KEYS)) app.post(`/hooks/${vendor}`, nodeApi.createHandler(opts(vendor, seen)));
    app.use(express.json());
    app.post('/other', (req, res) => res.json({ echo: req.body }));
    const server = createServer(app);
    servers.push(server);
    const base = await listenOn(server);
    for (const vendor of Object.keys(KEYS)) {
      const r = await post(`${base}/hooks/${vendor}`, sign(vendor));
      assert.equal(r.status, 200, JSON.stringify(r.json));
      assert.equal(r.json.id, seen.at(-1).id);
      assert.equal(seen.at(-1).subject, SUBJECTS[vendor]);
    }
    const bad = await post(`${base}/hooks/baidu_vod`, sign('baidu_vod', 'wrong'));
    assert.deepEqual([bad.status, bad.json.error.code], [401, 'mismatch']);
    const other = await fetch(`${base}/other`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a":1}' });
    assert.deepEqual(await other.json(), { echo: { a: 1 } });
    assert.equal(seen.length, 3);
  });

  it('express 5: a body parsed by express.json() first → 500 body_already_parsed saying what to change; express.raw() works', async () => {
    const seen = [];
    const app = express();
    app.post('/parsed', express.json(), nodeApi.createHandler(opts('tencent_vod', seen)));
    app.post('/raw', express.raw({ type: '*/*' }), nodeApi.createHandler(opts('tencent_vod', seen)));
    const server = createServer(app);
    servers.push(server);
    const base = await listenOn(server);
    // No onError: the misconfiguration is also logged with console.error, without the key.
    const [r, calls] = await capturingConsoleError(() => post(`${base}/parsed`, sign('tencent_vod')));
    assert.equal(calls.length, 1, JSON.stringify(calls));
    assert.equal(calls[0][0], 'mediahook handler: answered 500 body_already_parsed (pass onError to report it yourself):');
    assert.match(calls[0][1].message, /express\.json\(\)/);
    assert.ok(!calls.flat().some((a) => String(a).includes(KEYS.tencent_vod)));
    assert.equal(r.status, 500);
    assert.equal(r.json.error.code, 'body_already_parsed');
    assert.match(r.json.error.message, /express\.json\(\)/);
    assert.match(r.json.error.message, /express\.raw\(\{ type: "\*\/\*" \}\)/);
    assert.equal(seen.length, 0);
    const ok = await post(`${base}/raw`, sign('tencent_vod'));
    assert.equal(ok.status, 200);
    assert.equal(seen.length, 1);
  });

  it('node:http: the node handler reads the raw bytes itself; 413 over maxBodyBytes', async () => {
    const seen = [];
    const h = nodeApi.createHandler(opts('baidu_vod', seen, { maxBodyBytes: 2048 }));
    const server = createServer((req, res) => { h(req, res); });
    servers.push(server);
    const base = await listenOn(server);
    const r = await post(base, sign('baidu_vod'));
    assert.equal(r.status, 200);
    assert.equal(seen[0].id, 'evt-h1');
    const big = await fetch(base, { method: 'POST', body: 'x'.repeat(10_000) });
    assert.equal(big.status, 413);
  });

  it('node:http: a client that goes away mid-body gets no rejected promise (the server lives on)', async () => {
    // As the README shows it: createServer((req, res) => handler(req, res)), the promise not
    // awaited — a rejection would be an unhandled one, which ends a Node process.
    const seen = [];
    const h = nodeApi.createHandler(opts('baidu_vod', seen));
    const settled = [];
    const server = createServer((req, res) => {
      h(req, res).then(() => settled.push('resolved'), (e) => settled.push(`rejected: ${e && e.message}`));
    });
    servers.push(server);
    const base = await listenOn(server);
    const { port } = new URL(base);
    for (let i = 0; i < 3; i++) {
      await new Promise((resolve) => {
        const s = net.connect(Number(port), '127.0.0.1', () => {
          s.write('POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"eventId":');
          setTimeout(() => { s.destroy(); resolve(); }, 100);
        });
        s.on('error', resolve);
      });
    }
    const deadline = Date.now() + 5000;
    while (settled.length < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual(settled, ['resolved', 'resolved', 'resolved']);
    assert.equal(seen.length, 0);
    const r = await post(base, sign('baidu_vod'));
    assert.equal(r.status, 200, 'the server still answers');
  });

  it('fastify 5: the node handler with a buffer content-type parser; the default JSON parser gets the clear 500', async () => {
    const seen = [];
    const raw = Fastify();
    raw.addContentTypeParser('application/json', { parseAs: 'buffer' }, (req, body, done) => done(null, body));
    for (const vendor of Object.keys(KEYS)) raw.post(`/hooks/${vendor}`, nodeApi.createHandler(opts(vendor, seen)));
    const parsed = Fastify();
    parsed.post('/hooks', nodeApi.createHandler(opts('tencent_vod', seen, { onError() {} }))); // told, so not logged
    try {
      const base = await raw.listen({ port: 0, host: '127.0.0.1' });
      for (const vendor of Object.keys(KEYS)) {
        const r = await post(`${base}/hooks/${vendor}`, sign(vendor));
        assert.equal(r.status, 200, JSON.stringify(r.json));
        assert.match(r.type, /^application\/json/);
        assert.equal(seen.at(-1).subject, SUBJECTS[vendor]);
      }
      const bad = await post(`${base}/hooks/tencent_vod`, sign('tencent_vod', 'wrong'));
      assert.deepEqual([bad.status, bad.json.error.code], [401, 'mismatch']);
      const base2 = await parsed.listen({ port: 0, host: '127.0.0.1' });
      const p = await post(`${base2}/hooks`, sign('tencent_vod'));
      assert.equal(p.status, 500);
      assert.equal(p.json.error.code, 'body_already_parsed');
      assert.match(p.json.error.message, /addContentTypeParser\("application\/json", \{ parseAs: "buffer" \}/);
      assert.equal(seen.length, 3);
    } finally {
      await raw.close();
      await parsed.close();
    }
  });

  it('hono 4 (@hono/node-server): the Web handler on c.req.raw', async () => {
    const seen = [];
    const app = new Hono();
    for (const vendor of Object.keys(KEYS)) {
      const h = webApi.createHandler(opts(vendor, seen));
      app.post(`/hooks/${vendor}`, (c) => h(c.req.raw));
    }
    const server = await new Promise((resolve) => {
      const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
    });
    servers.push(server);
    const base = `http://127.0.0.1:${server.address().port}`;
    for (const vendor of Object.keys(KEYS)) {
      const r = await post(`${base}/hooks/${vendor}`, sign(vendor));
      assert.equal(r.status, 200, JSON.stringify(r.json));
      assert.equal(seen.at(-1).subject, SUBJECTS[vendor]);
    }
    const bad = await post(`${base}/hooks/volcengine_live`, sign('volcengine_live', 'wrong'));
    assert.deepEqual([bad.status, bad.json.error.code], [401, 'mismatch']);
  });
});
