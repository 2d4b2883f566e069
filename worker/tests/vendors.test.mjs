// Every vendor over HTTP against the worker on workerd (issue 12): every case of every
// testdata/vectors/<vendor>.json, every real-world case of testdata/cases (verify and
// normalize kinds) with its own headers, and one genuine signed callback per new vendor
// delivered end to end to a real origin on 127.0.0.1.
//
// Data-driven: a new vendor needs its vectors file and its name in VENDORS, nothing else.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Webhook } from 'standardwebhooks';

import {
  loadVectors, post, postExact, repoRoot, signAliyun, signBytePlus, signTencentLive, startOrigin,
  startWorker, vectorsDir, waitFor,
} from './harness.mjs';

/** The registered vendors (crates/core/src/vendor.rs, `register_vendors!`). */
const VENDORS = ['tencent_vod', 'baidu_vod', 'volcengine_live', 'byteplus_live', 'tencent_live', 'aliyun_vod'];
/** Vector files that are not a vendor's callback scheme. */
const NOT_VENDOR_VECTORS = new Set(['standard_webhooks.json', 'tc3.json']);
/** Per-source options a vector or case may carry (worker config names, as in crates/core/tests/cases.rs). */
const OPTION_FIELDS = ['callback_url', 'tolerance_seconds', 'sign_order', 'timestamp', 'window_seconds'];
/** SPEC §2 kinds → HTTP status of the worker (docs/worker.md, Error codes). */
const EXPECTED_STATUS = { ok: 200, missing: 401, mismatch: 401, expired: 401, malformed: 400, malformed_payload: 400 };

const SECRET = `whsec_${randomBytes(24).toString('base64')}`;
const ADMIN = `admin-${randomBytes(12).toString('hex')}`;
const casesDir = path.join(repoRoot, 'testdata/cases');

// ---------------------------------------------------------------------------------------
// Vectors: one source per distinct (vendor, key, options, clock).

const vectors = VENDORS.flatMap((vendor) =>
  loadVectors(`${vendor}.json`).map((c, i) => ({ ...c, vendor, label: `${vendor}.json #${i} ${c.name}` })),
);
const vectorSources = new Map(); // config JSON → source
for (const c of vectors) {
  const s = { vendor: c.vendor, key: c.key, now_override_ms: c.now_ms ?? c.now * 1000, destinations: [] };
  for (const f of OPTION_FIELDS) if (c[f] !== undefined) s[f] = c[f];
  const id = JSON.stringify(s);
  if (!vectorSources.has(id)) vectorSources.set(id, { name: `vec-${c.vendor}-${vectorSources.size}`, ...s });
  c.source = vectorSources.get(id).name;
}

// ---------------------------------------------------------------------------------------
// Cases: every verify case, and every normalize case (a keyless source behind a path_secret
// when the case has no key), one source each, delivering to the origin.

const cases = readdirSync(casesDir)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((file) => ({ file, ...JSON.parse(readFileSync(path.join(casesDir, file), 'utf8')) }))
  .filter((c) => c.kind === 'verify' || c.kind === 'normalize');

const hasHeader = (headers, name) => Object.keys(headers ?? {}).some((k) => k.toLowerCase() === name);
const withoutHeader = (headers, name) =>
  Object.fromEntries(Object.entries(headers ?? {}).filter(([k]) => k.toLowerCase() !== name));

/** The source a case runs on; `suffix` names a variant (another Content-Type). */
function caseRun(c, suffix = '', headers = c.headers ?? {}) {
  const num = c.file.split('_')[0];
  const name = `case-${num}${suffix}`;
  const src = { name, vendor: c.vendor, now_override_ms: c.now_ms, destinations: [{ url: null, secret: SECRET }] };
  let pathSecret = null;
  if (typeof c.key === 'string') src.key = c.key;
  else src.path_secret = pathSecret = randomBytes(12).toString('hex');
  for (const f of OPTION_FIELDS) if (c[f] !== undefined) src[f] = c[f];
  const expect = c.kind === 'verify' ? c.expect : 'ok';
  return { c, name, src, pathSecret, headers, expect, destPath: `/case/${name}` };
}

const caseRuns = cases.map((c) => caseRun(c));
// The same genuine callback with the Content-Types vendors and proxies really send
// (SPEC §1.5): on its own source each, so each is a new event, delivered.
const ctCase = cases.find((c) => c.kind === 'verify' && c.expect === 'ok');
const ctRuns = [
  ['-text', 'text/plain'],
  ['-form', 'application/x-www-form-urlencoded'],
].map(([suffix, ct]) => caseRun(ctCase, suffix, { ...withoutHeader(ctCase.headers, 'content-type'), 'Content-Type': ct }));

// ---------------------------------------------------------------------------------------
// End to end, with the real clock: one genuine callback per new vendor.

const ALI_URL = 'https://edge.example.com/v1/hooks/e2e-aliyun';
const E2E = [
  {
    source: { name: 'e2e-tencent-live', vendor: 'tencent_live', key: 'TencentLiveCbKey01' },
    sign: (s) => signTencentLive({ event_type: 1, appid: 1000001, app: 'push.example.com', appname: 'live', stream_id: 'room-e2e', event_time: Math.floor(Date.now() / 1000) }, s.key),
    want: { type: 'live.stream.started', vendor_type: '1', subject: 'push.example.com/live/room-e2e' },
  },
  {
    source: { name: 'e2e-aliyun', vendor: 'aliyun_vod', key: 'AliAuthKey2025E2e', callback_url: ALI_URL },
    sign: (s) => signAliyun({ EventTime: '2025-06-15T15:06:40.123Z', EventType: 'FileUploadComplete', VideoId: 'vid-e2e-0001', Status: 'success', Size: 1024 }, s.key, ALI_URL),
    want: { type: 'media.upload.completed', vendor_type: 'FileUploadComplete', subject: 'vid-e2e-0001' },
  },
  {
    source: { name: 'e2e-byteplus', vendor: 'byteplus_live', key: 'bpAuthKeyPrimaryE2e' },
    sign: (s) => signBytePlus({ code: 0, message: 'ok', data: { vhost: 'push.example.net', domain: 'push.example.net', app: 'live', stream: 's-e2e', event_type: 'push_start' } }, s.key),
    want: { type: 'live.stream.started', vendor_type: 'push_start', subject: 'push.example.net/live/s-e2e' },
  },
];

let origin;
let worker;
const accepted = []; // every {source, id} answered 200

const admin = async (p) => {
  const r = await fetch(`${worker.base}${p}`, { headers: { authorization: `Bearer ${ADMIN}` } });
  return { status: r.status, json: await r.json().catch(() => null) };
};

/** Waits until the event is settled; returns its state (delivered, or why not). */
const settled = (source, id) =>
  waitFor(async () => {
    // 404 until the consumer has stored a queued event.
    const r = await admin(`/v1/events/${encodeURIComponent(id)}?source=${source}`);
    return r.status === 200 && r.json.status !== 'pending' && r.json;
  }, { what: `settled state of ${source}/${id}`, timeoutMs: 30_000 });

/** The one forwarded request with this webhook-id, its Standard Webhooks signature checked. */
async function forwarded(destPath, id) {
  const req = await waitFor(() => origin.received(destPath).find((q) => q.headers['webhook-id'] === id), { what: `delivery of ${id} to ${destPath}` });
  new Webhook(SECRET).verify(req.body, req.headers); // throws when it does not verify
  return JSON.parse(req.body);
}

before(async () => {
  origin = await startOrigin();
  for (const r of [...caseRuns, ...ctRuns]) r.src.destinations[0].url = origin.url(r.destPath);
  const config = {
    test_mode: true,
    allow_loopback: true,
    admin_token: ADMIN,
    delivery: { timeout_ms: 2000, max_attempts: 3, backoff_base_seconds: 1, backoff_max_seconds: 4 },
    sources: [
      ...vectorSources.values(),
      ...caseRuns.map((r) => r.src),
      ...ctRuns.map((r) => r.src),
      ...E2E.map((e) => ({ ...e.source, destinations: [{ url: origin.url(`/e2e/${e.source.vendor}`), secret: SECRET }] })),
    ],
  };
  worker = await startWorker(config, { name: 'vendors' });
});

after(async () => {
  await worker?.stop();
  await origin?.close();
});

describe('the test data covers every vendor', () => {
  test('each registered vendor has a vectors file, and every vectors file is a vendor or known', () => {
    const files = readdirSync(vectorsDir).filter((f) => f.endsWith('.json'));
    for (const v of VENDORS) assert.ok(files.includes(`${v}.json`), `no vectors for ${v}`);
    for (const f of files) assert.ok(VENDORS.includes(f.slice(0, -5)) || NOT_VENDOR_VECTORS.has(f), `${f}: a vendor missing from VENDORS?`);
    for (const v of VENDORS) assert.ok(vectors.some((c) => c.vendor === v && c.expect === 'ok'), `${v}: no ok vector`);
    assert.ok(cases.some((c) => c.kind === 'verify') && cases.some((c) => c.kind === 'normalize'));
  });
});

describe('vectors over HTTP', () => {
  test(`every case of every vendor's vectors answers SPEC §2's status and code (${vectors.length} cases, 6 vendors)`, async () => {
    for (const c of vectors) {
      const r = await post(worker.base, c.source, { body: c.body, headers: c.headers ?? {} });
      assert.equal(r.status, EXPECTED_STATUS[c.expect], `${c.label}: ${r.text}`);
      if (c.expect === 'ok') {
        assert.equal(r.json.code, 0, c.label);
        assert.equal(typeof r.json.id, 'string');
        accepted.push({ source: c.source, id: r.json.id, label: c.label });
      } else {
        assert.equal(r.json.error.code, c.expect, c.label);
        assert.equal(typeof r.json.error.message, 'string');
        assert.ok(!r.text.includes(c.key), `${c.label}: the key is echoed`);
      }
    }
  });

  test('every accepted vector is stored (settled, no destination to deliver to)', async () => {
    const ok = accepted.filter((a) => a.source.startsWith('vec-'));
    assert.equal(ok.length, vectors.filter((c) => c.expect === 'ok').length);
    for (const a of ok) assert.equal((await settled(a.source, a.id)).status, 'delivered', a.label);
  });
});

describe('real-world cases over HTTP, with their own headers', () => {
  for (const run of [...caseRuns, ...ctRuns]) {
    const { c, name, headers, expect } = run;
    const ct = Object.entries(headers).find(([k]) => k.toLowerCase() === 'content-type')?.[1] ?? 'no Content-Type';
    test(`${c.file} (${c.kind}, ${ct}) → ${expect}`, async () => {
      // The case's headers as the vendor sent them; a Content-Length that does not match
      // the bytes (a hand-edited case) is recomputed.
      let hs = headers;
      const len = Object.entries(hs).find(([k]) => k.toLowerCase() === 'content-length')?.[1];
      if (len !== undefined && Number(len) !== Buffer.byteLength(c.body)) hs = withoutHeader(hs, 'content-length');
      assert.equal(hasHeader(hs, 'content-type'), hasHeader(headers, 'content-type'));
      const urlPath = `/v1/hooks/${name}${run.pathSecret ? `/${run.pathSecret}` : ''}`;
      const r = await postExact(worker.base, urlPath, c.body, hs);
      assert.equal(r.status, EXPECTED_STATUS[expect], `${c.file}: ${r.text}`);
      if (expect !== 'ok') {
        assert.equal(r.json.error.code, expect);
        return;
      }
      const id = r.json.id;
      accepted.push({ source: name, id, label: c.file });
      const st = await settled(name, id);
      assert.equal(st.status, 'delivered', `${c.file}: ${JSON.stringify(st)}`);
      const ev = await forwarded(run.destPath, id);
      assert.equal(ev.id, id);
      assert.equal(ev.vendor, c.vendor);
      assert.equal(ev.source, name);
      assert.deepEqual(st.event, ev, 'the stored event is the delivered one');
      if (c.kind === 'normalize') {
        assert.equal(ev.vendor_type, c.expect.vendor_type, `${c.file}: vendor_type`);
        assert.equal(ev.subject ?? null, c.expect.subject, `${c.file}: subject`);
        for (const k of ['type', 'id', 'timestamp']) {
          if (c.expect[k] !== undefined) assert.equal(ev[k], c.expect[k], `${c.file}: ${k}`);
        }
      }
    });
  }
});

describe('new vendors end to end (real clock, independent node:crypto signatures)', () => {
  for (const e of E2E) {
    test(`${e.source.vendor}: a signed callback is verified, normalized, stored and delivered`, async () => {
      const signed = e.sign(e.source);
      const r = await post(worker.base, e.source.name, signed);
      assert.equal(r.status, 200, r.text);
      accepted.push({ source: e.source.name, id: r.json.id, label: e.source.name });
      const st = await settled(e.source.name, r.json.id);
      assert.equal(st.status, 'delivered');
      const ev = await forwarded(`/e2e/${e.source.vendor}`, r.json.id);
      assert.equal(ev.vendor, e.source.vendor);
      for (const [k, v] of Object.entries(e.want)) assert.equal(ev[k], v, `${e.source.vendor}: ${k}`);
      for (const f of ['sign', 't', 'Sign', 'T']) assert.ok(!(f in ev.data) && !(f in (ev.data.data ?? {})), `signature field ${f} left in data`);
      // The same request signed with another key is refused, and the key is never echoed.
      const bad = await post(worker.base, e.source.name, e.sign({ ...e.source, key: `${e.source.key}x` }));
      assert.equal(bad.status, 401);
      assert.equal(bad.json.error.code, 'mismatch');
      assert.ok(!bad.text.includes(e.source.key));
    });
  }
});

describe('invariants', () => {
  test('no key or secret in the worker log', () => {
    const text = JSON.stringify(worker.logLines());
    for (const k of [SECRET, ADMIN, ...E2E.map((e) => e.source.key), ...new Set(vectors.map((c) => c.key))]) {
      assert.ok(!text.includes(k), 'a key leaked into the logs');
    }
  });
});
