// End-to-end tests of the edge worker on workerd, with a real origin on 127.0.0.1.
import assert from 'node:assert/strict';
import net from 'node:net';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { Webhook } from 'standardwebhooks';

import {
  freePort, loadVectors, post, signBaidu, signTencent, signVolcengine, sleep, startOrigin,
  startWorker, waitFor,
} from './harness.mjs';

const secret = () => `whsec_${randomBytes(24).toString('base64')}`;
const SECRET_A = secret();
const SECRET_B = secret();
const ADMIN = `admin-${randomBytes(12).toString('hex')}`;
const PULL_TOKEN = `pull-${randomBytes(12).toString('hex')}`;
const TKEY = 'TencentSignKey01';
const BKEY = 'baiduSignKeyForTests';
const VKEY = 'volcAuthKeyPrimaryTests';
const BAIDU_URL = 'https://edge.example.com/v1/hooks/baidu';
const DELIVERY = { timeout_ms: 1500, max_attempts: 3, backoff_base_seconds: 1, backoff_max_seconds: 4 };

let origin;
let worker;
let downPort;
const accepted = []; // every {source, id} the worker answered 200 for

const admin = async (p, init = {}) => {
  const r = await fetch(`${worker.base}${p}`, {
    ...init,
    headers: { authorization: `Bearer ${ADMIN}`, ...(init.headers ?? {}) },
  });
  return { status: r.status, json: await r.json().catch(() => null) };
};
const eventState = async (source, id) => (await admin(`/v1/events/${encodeURIComponent(id)}?source=${source}`)).json;

async function ingestOk(source, signed) {
  const r = await post(worker.base, source, signed);
  assert.equal(r.status, 200, `ingest into ${source}: ${r.text}`);
  assert.equal(r.json.code, 0);
  assert.equal(typeof r.json.id, 'string');
  accepted.push({ source, id: r.json.id });
  return r.json;
}

function verifyForwarded(req, secrets = [SECRET_A]) {
  for (const s of secrets) {
    // Throws WebhookVerificationError when the signature does not verify.
    new Webhook(s).verify(req.body, req.headers);
  }
  return JSON.parse(req.body);
}

const tencentUpload = (fileId, extra = {}) => ({
  EventType: 'NewFileUpload',
  FileUploadEvent: { FileId: fileId, MediaBasicInfo: { Name: `n-${fileId}`, Type: 'mp4' }, ...extra },
});

before(async () => {
  origin = await startOrigin();
  downPort = await freePort();
  const dest = (p, extra = {}) => ({ url: origin.url(p), secret: SECRET_A, ...extra });
  const config = {
    test_mode: true,
    allow_loopback: true,
    admin_token: ADMIN,
    delivery: DELIVERY,
    sources: [
      { name: 'tencent', vendor: 'tencent_vod', key: TKEY, destinations: [dest('/t', { secret: [SECRET_A, SECRET_B] })] },
      { name: 'baidu', vendor: 'baidu_vod', key: BKEY, callback_url: BAIDU_URL, destinations: [dest('/b', { types: ['media.*'] })] },
      { name: 'volc', vendor: 'volcengine_live', key: VKEY, destinations: [dest('/v', { types: ['live.*'] })] },
      { name: 'volc-tf', vendor: 'volcengine_live', key: VKEY, sign_order: 'time_first', destinations: [] },
      { name: 'dedupe', vendor: 'tencent_vod', key: TKEY, destinations: [dest('/dedupe')] },
      { name: 'big', vendor: 'tencent_vod', key: TKEY, destinations: [dest('/big')] },
      { name: 'downup', vendor: 'tencent_vod', key: TKEY, destinations: [{ url: `http://127.0.0.1:${downPort}/downup`, secret: SECRET_A }] },
      { name: 'gone', vendor: 'tencent_vod', key: TKEY, destinations: [dest('/gone')] },
      { name: 'slow', vendor: 'tencent_vod', key: TKEY, destinations: [dest('/slow')] },
      { name: 'retryafter', vendor: 'tencent_vod', key: TKEY, destinations: [dest('/ra')] },
      { name: 'fanout', vendor: 'tencent_vod', key: TKEY, destinations: [dest('/good'), dest('/bad')] },
      { name: 'filtered', vendor: 'tencent_vod', key: TKEY, destinations: [dest('/filtered', { types: ['live.*'] })] },
      // Listed by GET /v1/sources only (no callbacks): a URL query and pull settings to hide.
      { name: 'listed', vendor: 'volcengine_live', key: VKEY, destinations: [dest('/listed?sig=QuerySecret123')],
        pull: { token: PULL_TOKEN, types: ['live.*'], visibility_timeout_seconds: 60 } },
    ],
  };
  worker = await startWorker(config, { name: 'e2e' });
});

after(async () => {
  await worker?.stop();
  await origin?.close();
});

describe('ingest and delivery', () => {
  test('healthz', async () => {
    const r = await fetch(`${worker.base}/healthz`);
    assert.equal(r.status, 200);
    const j = await r.json();
    assert.equal(j.status, 'ok');
    assert.ok(j.sources >= 11);
  });

  test('Tencent callback is verified, normalized and forwarded signed with every rotated secret', async () => {
    const r = await ingestOk('tencent', signTencent(tencentUpload('5285890784273533167'), TKEY));
    const [req] = await waitFor(() => origin.received('/t').length && origin.received('/t'), { what: 'delivery to /t' });
    assert.equal(req.headers['webhook-id'], r.id);
    assert.equal(req.headers['webhook-signature'].split(' ').length, 2);
    const ev = verifyForwarded(req, [SECRET_A, SECRET_B]);
    assert.equal(ev.id, r.id);
    assert.match(ev.id, /^evt_[0-9a-f]{32}$/);
    assert.equal(ev.type, 'media.upload.completed');
    assert.equal(ev.vendor, 'tencent_vod');
    assert.equal(ev.vendor_type, 'NewFileUpload');
    assert.equal(ev.source, 'tencent');
    assert.equal(ev.subject, '5285890784273533167');
    assert.equal(ev.data.Sign, undefined);
    assert.equal(ev.data.T, undefined);
    assert.equal(ev.data.FileUploadEvent.FileId, '5285890784273533167');
    assert.equal(req.headers['content-type'], 'application/json');
  });

  test('Baidu callback (header signature, HMAC over the configured URL) is forwarded', async () => {
    const event = {
      eventId: `evt-baidu-${randomBytes(4).toString('hex')}`,
      eventType: 'MEDIA_UPLOAD_COMPLETE',
      eventTime: '2024-11-11T09:27:42Z',
      mediaUploadCompleteEvent: { mediaId: 'mda-abc123', name: 'demo' },
    };
    const r = await ingestOk('baidu', signBaidu(event, BKEY, BAIDU_URL));
    assert.equal(r.id, event.eventId);
    const [req] = await waitFor(() => origin.received('/b').length && origin.received('/b'), { what: 'delivery to /b' });
    const ev = verifyForwarded(req);
    assert.equal(ev.id, event.eventId);
    assert.equal(ev.type, 'media.upload.completed');
    assert.equal(ev.timestamp, '2024-11-11T09:27:42Z');
    assert.equal(ev.subject, 'mda-abc123');
    // Signed for another URL: refused.
    const other = await post(worker.base, 'baidu', signBaidu(event, BKEY, `${BAIDU_URL}x`));
    assert.equal(other.status, 401);
    assert.equal(other.json.error.code, 'mismatch');
  });

  test('Volcengine callbacks, flat and data-wrapped, and the time_first option', async () => {
    const flat = { vhost: 'v.example.com', domain: 'push.example.com', app: 'live', stream: 's-flat', event_type: 'push_start', time: Math.floor(Date.now() / 1000) };
    const r1 = await ingestOk('volc', signVolcengine(flat, VKEY));
    const wrapped = { code: 0, message: 'ok', data: { vhost: 'v.example.com', app: 'live', stream: 's-wrapped', event_type: 'push_end', detail: { session_id: 'x' } } };
    const r2 = await ingestOk('volc', signVolcengine(wrapped, VKEY));
    const reqs = await waitFor(() => origin.received('/v').length >= 2 && origin.received('/v'), { what: 'two deliveries to /v' });
    const byId = Object.fromEntries(reqs.map((q) => [q.headers['webhook-id'], verifyForwarded(q)]));
    assert.equal(byId[r1.id].type, 'live.stream.started');
    assert.equal(byId[r1.id].subject, 'v.example.com/live/s-flat');
    assert.equal(byId[r1.id].data.sign, undefined);
    assert.equal(byId[r2.id].type, 'live.stream.ended');
    assert.equal(byId[r2.id].data.data?.sign, undefined);
    // Key-first signature on a time_first source: mismatch; time-first: ok.
    const kf = await post(worker.base, 'volc-tf', signVolcengine({ ...flat, stream: 'tf' }, VKEY));
    assert.equal(kf.status, 401);
    assert.equal(kf.json.error.code, 'mismatch');
  });

  test('type filters: an event no destination wants is stored but not forwarded', async () => {
    const r = await ingestOk('filtered', signTencent(tencentUpload('filtered-1'), TKEY));
    const st = await eventState('filtered', r.id);
    assert.equal(st.status, 'delivered');
    assert.deepEqual(st.destinations, []);
    await sleep(1500);
    assert.equal(origin.received('/filtered').length, 0);
  });
});

// Every vendor's vectors and the real-world cases run over HTTP in vendors.test.mjs.
describe('Standard Webhooks vectors', () => {
  test('standard_webhooks.json agrees with the npm verifier used to check forwarded requests', () => {
    for (const c of loadVectors('standard_webhooks.json')) {
      const headers = { 'webhook-id': c.id, 'webhook-timestamp': String(c.timestamp), 'webhook-signature': c.signature };
      // The npm library checks the time window against the real clock: check signatures only
      // (expired cases are about the window, which the library enforces on its own).
      if (c.expect === 'expired') continue;
      const wh = new Webhook(c.secret);
      const realNow = Date.now;
      Date.now = () => c.now * 1000;
      try {
        if (c.expect === 'ok') wh.verify(c.body, headers);
        else assert.throws(() => wh.verify(c.body, headers), `${c.name}`);
      } finally {
        Date.now = realNow;
      }
    }
  });
});

describe('error statuses', () => {
  const good = () => signTencent(tencentUpload(`err-${randomBytes(4).toString('hex')}`), TKEY);

  test('404 unknown source and unknown route', async () => {
    const r = await post(worker.base, 'no-such-source', good());
    assert.equal(r.status, 404);
    assert.equal(r.json.error.code, 'unknown_source');
    const r2 = await fetch(`${worker.base}/nope`);
    assert.equal(r2.status, 404);
    assert.equal((await r2.json()).error.code, 'not_found');
  });

  test('405 wrong method', async () => {
    const r = await fetch(`${worker.base}/v1/hooks/tencent`);
    assert.equal(r.status, 405);
    assert.equal(r.headers.get('allow'), 'POST');
    assert.equal((await r.json()).error.code, 'method_not_allowed');
    // A method the runtime does not know is not read as GET (the admin listing, healthz).
    for (const p of ['/v1/events', '/healthz', '/v1/hooks/tencent']) {
      const odd = await fetch(`${worker.base}${p}`, { method: 'PROPFIND', headers: { authorization: `Bearer ${ADMIN}` } });
      assert.equal(odd.status, 405, `PROPFIND ${p}`);
      assert.equal(odd.headers.get('allow'), 'GET, HEAD, POST');
      assert.equal((await odd.json()).error.code, 'method_not_allowed');
    }
  });

  test('413 body over 1 MiB (declared and streamed)', async () => {
    const big = JSON.stringify({ EventType: 'NewFileUpload', pad: 'x'.repeat(1024 * 1024) });
    const r = await post(worker.base, 'tencent', { body: big, headers: {} });
    assert.equal(r.status, 413);
    assert.equal(r.json.error.code, 'payload_too_large');
    const stream = new ReadableStream({
      start(c) {
        c.enqueue(new TextEncoder().encode(big));
        c.close();
      },
    });
    const r2 = await fetch(`${worker.base}/v1/hooks/tencent`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: stream, duplex: 'half',
    });
    assert.equal(r2.status, 413);
    assert.equal((await r2.json()).error.code, 'payload_too_large');
  });

  test('413 event_too_large: a signed callback under 1 MiB whose vendor type would make its stored row pass 1 900 000 bytes', async () => {
    const from = worker.logLines().length;
    // The vendor type is kept in its column and twice in the event (type, vendor_type) besides
    // the body: ~3.5 MB stored from a 700 KB callback. A Durable Object row holds 2 MB.
    const huge = signTencent({ EventType: `T${'x'.repeat(700_000)}`, FileUploadEvent: { FileId: 'f' } }, TKEY);
    const r = await post(worker.base, 'tencent', huge);
    assert.equal(r.status, 413, r.text);
    assert.equal(r.json.error.code, 'event_too_large');
    assert.match(r.json.error.message, /at most 1900000/);
    // A callback of almost 1 MiB with an ordinary type is stored as usual.
    const fileId = `near-cap-${randomBytes(4).toString('hex')}`;
    const near = signTencent(tencentUpload(fileId, { Note: 'x'.repeat(1_000_000) }), TKEY);
    assert.ok(near.body.length < 1024 * 1024);
    const ok = await post(worker.base, 'tencent', near);
    assert.equal(ok.status, 200, ok.text);
    const lines = await waitFor(() => {
      const l = worker.logLines().slice(from).filter((x) => x.at === 'ingest' && x.source === 'tencent');
      return l.length >= 2 && l;
    }, { what: 'both log lines' });
    const tooLarge = lines.find((l) => l.status === 413);
    assert.ok(tooLarge && tooLarge.type.length <= 201 && tooLarge.type.length > 100, 'the log line carries at most 200 bytes of the type');
  });

  test('400 body_incomplete when the client goes away mid-body (chunked, and short of its Content-Length)', async () => {
    const { port } = new URL(worker.base);
    const cut = (head) => new Promise((resolve) => {
      const s = net.connect(Number(port), '127.0.0.1', () => {
        s.write(head);
        // Give the worker time to start reading, then vanish.
        setTimeout(() => { s.destroy(); resolve(); }, 300);
      });
      s.on('error', () => {});
    });
    const from = worker.logLines().length;
    const start = 'POST /v1/hooks/tencent HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n';
    await cut(`${start}Transfer-Encoding: chunked\r\n\r\n10\r\n{"EventType":"Ne\r\n`);
    await cut(`${start}Content-Length: 1000\r\n\r\n{"EventType":"NewFileUpload"`);
    const mine = () => worker.logLines().slice(from).filter((l) => l.at === 'ingest' && l.source === 'tencent');
    await waitFor(() => mine().length >= 2, { what: 'log lines of the two cut requests', timeoutMs: 15_000 });
    for (const l of mine()) {
      assert.equal(l.status, 400, JSON.stringify(l));
      // The code, then the runtime's words.
      assert.match(l.outcome, /^body_incomplete\b/, JSON.stringify(l));
    }
    // The worker carries on.
    assert.equal((await fetch(`${worker.base}/healthz`)).status, 200);
  });

  test('any Content-Type, or none, is accepted: the body is judged (SPEC 1.5)', async () => {
    for (const ct of ['text/plain', 'application/x-www-form-urlencoded', 'application/octet-stream']) {
      const r = await post(worker.base, 'tencent', good(), { 'content-type': ct });
      assert.equal(r.status, 200, `${ct}: ${r.text}`);
      accepted.push({ source: 'tencent', id: r.json.id });
    }
    // No Content-Type header at all (Baidu's own sample request has none).
    const signed = good();
    const res = await fetch(`${worker.base}/v1/hooks/tencent`, {
      method: 'POST', body: new TextEncoder().encode(signed.body),
    });
    assert.equal(res.status, 200, await res.text());
    // A body that is not a JSON object is refused whatever its Content-Type.
    const bad = await post(worker.base, 'tencent', { body: 'EventType=NewFileUpload', headers: {} }, { 'content-type': 'application/json' });
    assert.equal(bad.status, 400);
    assert.equal(bad.json.error.code, 'malformed_payload');
  });

  test('400 malformed payload / malformed signature, 401 missing / mismatch / expired (real clock)', async () => {
    const cases = [
      [{ body: '{"EventType":', headers: {} }, 400, 'malformed_payload'],
      [{ body: JSON.stringify({ ...tencentUpload('m'), Sign: 'zz', T: 1 }), headers: {} }, 400, 'malformed'],
      [{ body: JSON.stringify(tencentUpload('m')), headers: {} }, 401, 'missing'],
      [signTencent(tencentUpload('m'), 'wrong-key'), 401, 'mismatch'],
      [signTencent(tencentUpload('m'), TKEY, Math.floor(Date.now() / 1000) - 5), 401, 'expired'],
    ];
    for (const [signed, status, code] of cases) {
      const r = await post(worker.base, 'tencent', signed);
      assert.equal(r.status, status, r.text);
      assert.equal(r.json.error.code, code);
      assert.ok(!r.text.includes(TKEY), 'never echoes the key');
    }
  });
});

describe('reliability', () => {
  test('a vendor retry (same body twice, and re-signed) is delivered once', async () => {
    const event = tencentUpload(`dup-${randomBytes(4).toString('hex')}`);
    const first = signTencent(event, TKEY);
    // Every copy is answered 200; the first is stored before its 200, the others are known
    // duplicates at once (counted, never delivered again).
    const a = await ingestOk('dedupe', first);
    const b = await ingestOk('dedupe', first);
    assert.equal(b.id, a.id);
    // Tencent re-signs a retry with a new expiry: still the same event.
    const c = await ingestOk('dedupe', signTencent(event, TKEY, Math.floor(Date.now() / 1000) + 900));
    assert.equal(c.id, a.id);
    // Concurrent copies: all 200, never two deliveries.
    const burst = await Promise.all(Array.from({ length: 8 }, () => post(worker.base, 'dedupe', first)));
    for (const r of burst) assert.equal(r.status, 200, r.text);
    await waitFor(() => origin.received('/dedupe').length >= 1, { what: 'delivery to /dedupe' });
    // All 11 copies admitted: one stored and delivered, ten counted as duplicates.
    const st = await waitFor(async () => {
      const s = await eventState('dedupe', a.id);
      return s?.duplicates === 10 && s;
    }, { what: 'ten duplicates counted' });
    await sleep(2500);
    assert.equal(origin.received('/dedupe').length, 1);
    assert.equal(st.status, 'delivered');
    assert.equal(st.destinations[0].attempts, 1);
    assert.equal(b.duplicate, true);
    assert.ok(worker.logLines().some((l) => l.at === 'ingest' && l.event_id === a.id && l.outcome === 'duplicate'));
  });

  test('an event too large for a queue message is stored before the 200, delivered once, retries answered duplicate', async () => {
    // ~90 KB of padding: the queue message would pass the 64 000-byte limit.
    const event = tencentUpload(`big-${randomBytes(4).toString('hex')}`, { Note: 'x'.repeat(90_000) });
    const signed = signTencent(event, TKEY);
    const a = await ingestOk('big', signed);
    assert.equal(a.duplicate, undefined);
    // Stored synchronously: visible at once, and a retry is known to be a duplicate.
    assert.ok(await eventState('big', a.id), 'stored before the 200');
    const again = await ingestOk('big', signed);
    assert.equal(again.id, a.id);
    assert.equal(again.duplicate, true);
    const [req] = await waitFor(() => origin.received('/big').length && origin.received('/big'), { what: 'delivery to /big' });
    assert.ok(req.body.length > 90_000);
    assert.equal(verifyForwarded(req).data.FileUploadEvent.Note.length, 90_000);
    await sleep(2000);
    assert.equal(origin.received('/big').length, 1);
    const st = await eventState('big', a.id);
    assert.equal(st.status, 'delivered');
    assert.equal(st.duplicates, 1);
  });

  test('origin down (connection refused) then up: delivered', async () => {
    const r = await ingestOk('downup', signTencent(tencentUpload('downup-1'), TKEY));
    const failedOnce = await waitFor(async () => {
      const st = await eventState('downup', r.id);
      return st?.destinations?.[0]?.attempts >= 1 && st;
    }, { what: 'a failed attempt while the origin is down' });
    assert.equal(failedOnce.destinations[0].status, 'pending');
    assert.ok(failedOnce.destinations[0].last_error);
    const late = await startOrigin(downPort);
    try {
      const [req] = await waitFor(() => late.received('/downup').length && late.received('/downup'), { what: 'delivery after the origin came up' });
      assert.equal(verifyForwarded(req).id, r.id);
      const st = await waitFor(async () => {
        const s = await eventState('downup', r.id);
        return s.status === 'delivered' && s;
      }, { what: 'delivered state' });
      assert.ok(st.destinations[0].attempts >= 2);
    } finally {
      await late.close();
    }
  });

  test('origin 410: stopped, never retried', async () => {
    origin.script('/gone', [{ status: 410 }]);
    const r = await ingestOk('gone', signTencent(tencentUpload('gone-1'), TKEY));
    await waitFor(() => origin.received('/gone').length === 1, { what: 'one delivery to /gone' });
    const st = await waitFor(async () => {
      const s = await eventState('gone', r.id);
      return s.destinations[0].status === 'stopped' && s;
    }, { what: 'stopped state' });
    assert.equal(st.destinations[0].last_status, 410);
    await sleep(3000);
    assert.equal(origin.received('/gone').length, 1);
  });

  test('slow origin: timeout, then retried and delivered with the same webhook-id', async () => {
    origin.script('/slow', [{ hangMs: 4000 }, { status: 200 }]);
    const r = await ingestOk('slow', signTencent(tencentUpload('slow-1'), TKEY));
    const st = await waitFor(async () => {
      const s = await eventState('slow', r.id);
      return s.status === 'delivered' && s;
    }, { what: 'delivery after a timeout', timeoutMs: 30_000 });
    assert.ok(st.destinations[0].attempts >= 2);
    const reqs = origin.received('/slow');
    assert.ok(reqs.length >= 2);
    for (const q of reqs) assert.equal(q.headers['webhook-id'], r.id);
    assert.ok(worker.logLines().some((l) => l.at === 'deliver' && l.event_id === r.id && /timeout/.test(l.error ?? '')));
  });

  test('Retry-After is honoured', async () => {
    origin.script('/ra', [{ status: 429, headers: { 'retry-after': '3' } }, { status: 200 }]);
    const r = await ingestOk('retryafter', signTencent(tencentUpload('ra-1'), TKEY));
    await waitFor(() => origin.received('/ra').length >= 2, { what: 'the retry after Retry-After', timeoutMs: 30_000 });
    const [a, b] = origin.received('/ra');
    assert.ok(b.at - a.at >= 2500, `retried after ${b.at - a.at} ms`);
    assert.equal(b.headers['webhook-id'], r.id);
  });

  test('two destinations, one failing: the good one gets exactly one delivery; dead letter, then replay', async () => {
    origin.script('/bad', [{ status: 503 }]);
    const r = await ingestOk('fanout', signTencent(tencentUpload('fanout-1'), TKEY));
    const dead = await waitFor(async () => {
      const s = await eventState('fanout', r.id);
      return s.status === 'dead' && s;
    }, { what: 'dead letter', timeoutMs: 40_000 });
    const byUrl = Object.fromEntries(dead.destinations.map((d) => [new URL(d.url).pathname, d]));
    assert.equal(byUrl['/good'].status, 'delivered');
    assert.equal(byUrl['/good'].attempts, 1);
    assert.equal(byUrl['/bad'].status, 'dead');
    assert.equal(byUrl['/bad'].attempts, DELIVERY.max_attempts);
    assert.equal(byUrl['/bad'].last_status, 503);
    assert.equal(origin.received('/good').length, 1);
    assert.equal(origin.received('/bad').length, DELIVERY.max_attempts);

    const listed = await admin('/v1/events?source=fanout&status=dead');
    assert.equal(listed.status, 200);
    assert.ok(listed.json.events.some((e) => e.id === r.id));

    origin.script('/bad', [{ status: 204 }]);
    const rep = await admin('/v1/dead-letters/replay?source=fanout', { method: 'POST' });
    assert.equal(rep.status, 202);
    assert.ok(rep.json.replayed.some((x) => x.id === r.id));
    await waitFor(() => origin.received('/bad').length === DELIVERY.max_attempts + 1, { what: 'replayed delivery' });
    const last = origin.received('/bad').at(-1);
    assert.equal(last.headers['webhook-id'], r.id);
    verifyForwarded(last);
    const st = await waitFor(async () => {
      const s = await eventState('fanout', r.id);
      return s.status === 'delivered' && s;
    }, { what: 'delivered after replay' });
    assert.ok(st);
    await sleep(1500);
    assert.equal(origin.received('/good').length, 1, 'the good destination is not re-sent by a dead-letter replay');
  });

  test('replay of one event re-delivers it with the same webhook-id', async () => {
    const first = accepted.find((a) => a.source === 'tencent');
    const before = origin.received('/t').length;
    const rep = await admin(`/v1/events/${first.id}/replay`, { method: 'POST' });
    assert.equal(rep.status, 202);
    assert.equal(rep.json.source, 'tencent');
    await waitFor(() => origin.received('/t').length === before + 1, { what: 'replayed delivery to /t' });
    const req = origin.received('/t').at(-1);
    assert.equal(req.headers['webhook-id'], first.id);
    verifyForwarded(req, [SECRET_A, SECRET_B]);
  });
});

describe('admin API', () => {
  test('bearer token required (401 without, 401 wrong, 200 right)', async () => {
    const none = await fetch(`${worker.base}/v1/events`);
    assert.equal(none.status, 401);
    assert.equal((await none.json()).error.code, 'unauthorized');
    const wrong = await fetch(`${worker.base}/v1/events`, { headers: { authorization: `Bearer ${ADMIN}x` } });
    assert.equal(wrong.status, 401);
    const basic = await fetch(`${worker.base}/v1/dead-letters/replay`, { method: 'POST', headers: { authorization: `Basic ${ADMIN}` } });
    assert.equal(basic.status, 401);
    const ok = await admin('/v1/events');
    assert.equal(ok.status, 200);
    assert.ok(Array.isArray(ok.json.events));
  });

  test('GET /v1/sources lists the configured sources without keys, secrets, tokens or URL queries', async () => {
    const r = await admin('/v1/sources');
    assert.equal(r.status, 200, JSON.stringify(r.json));
    const byName = new Map(r.json.sources.map((s) => [s.name, s]));
    assert.equal(byName.size, 13);
    assert.deepEqual(byName.get('tencent'), { name: 'tencent', vendor: 'tencent_vod', destinations: [{ url: origin.url('/t'), types: ['*'] }], pull: null });
    assert.deepEqual(byName.get('baidu').destinations[0].types, ['media.*']);
    assert.deepEqual(byName.get('volc-tf').destinations, []);
    const listed = byName.get('listed');
    assert.equal(listed.vendor, 'volcengine_live');
    assert.equal(listed.destinations[0].url, origin.url('/listed'));
    assert.deepEqual(listed.pull, { types: ['live.*'], visibility_timeout_seconds: 60, retention_seconds: 4 * 24 * 3600 });
    const text = JSON.stringify(r.json);
    for (const s of [TKEY, BKEY, VKEY, SECRET_A, SECRET_B, ADMIN, PULL_TOKEN, 'QuerySecret123']) assert.ok(!text.includes(s), 'a secret is listed');
    // One source; unknown source; authentication; method.
    assert.deepEqual((await admin('/v1/sources?source=baidu')).json.sources.map((s) => s.name), ['baidu']);
    assert.equal((await admin('/v1/sources?source=nope')).status, 404);
    assert.equal((await fetch(`${worker.base}/v1/sources`)).status, 401);
    assert.equal((await admin('/v1/sources', { method: 'POST' })).status, 405);
  });

  test('listing, filters, single event, errors', async () => {
    const all = await admin('/v1/events?limit=500');
    assert.ok(all.json.events.length >= 5);
    const times = all.json.events.map((e) => e.received_at_ms);
    assert.deepEqual(times, [...times].sort((a, b) => b - a), 'most recent first');
    const delivered = await admin('/v1/events?status=delivered&source=tencent');
    assert.ok(delivered.json.events.length >= 1);
    assert.ok(delivered.json.events.every((e) => e.status === 'delivered' && e.source === 'tencent'));
    assert.equal((await admin('/v1/events?status=bogus')).status, 400);
    assert.equal((await admin('/v1/events?limit=0')).status, 400);
    assert.equal((await admin('/v1/events?source=nope')).status, 404);
    assert.equal((await admin('/v1/events/does-not-exist')).status, 404);
    assert.equal((await admin('/v1/events/does-not-exist/replay', { method: 'POST' })).status, 404);
    assert.equal((await admin('/v1/events', { method: 'POST' })).status, 405);
    const one = accepted.find((a) => a.source === 'baidu');
    const got = await admin(`/v1/events/${encodeURIComponent(one.id)}`);
    assert.equal(got.status, 200);
    assert.equal(got.json.id, one.id);
    assert.equal(got.json.event.id, one.id);
    assert.equal(got.json.destinations[0].status, 'delivered');
  });
});

describe('invariants', () => {
  test('nothing accepted is lost: every 200 is stored, settled, and delivered where it says so', async () => {
    assert.ok(accepted.length >= 15, `only ${accepted.length} accepted: the check would be vacuous`);
    for (const { source, id } of accepted) {
      const st = await waitFor(async () => {
        const s = await eventState(source, id);
        return s && s.status !== 'pending' && s;
      }, { what: `settled state of ${source}/${id}`, timeoutMs: 30_000 });
      assert.equal(st.status, 'delivered', `${source}/${id} ended ${st.status}`);
      for (const d of st.destinations) {
        if (d.status !== 'delivered') continue;
        const p = new URL(d.url).pathname;
        const hits = p === '/downup' ? 1 : origin.received(p).filter((q) => q.headers['webhook-id'] === id).length;
        assert.ok(hits >= 1, `${id} marked delivered to ${p} but the origin never saw it`);
      }
    }
  });

  test('one structured log line per request, without keys or secrets', async () => {
    const lines = worker.logLines();
    const ingest = lines.filter((l) => l.at === 'ingest');
    assert.ok(ingest.length >= accepted.length);
    for (const l of ingest) {
      for (const k of ['source', 'outcome', 'status', 'latency_ms']) assert.ok(k in l, `log line lacks ${k}`);
    }
    assert.ok(ingest.some((l) => l.outcome === 'accepted' && l.event_id && l.type));
    const text = JSON.stringify(lines);
    for (const s of [TKEY, BKEY, VKEY, SECRET_A, SECRET_B, ADMIN]) assert.ok(!text.includes(s), 'a secret leaked into the logs');
  });
});
