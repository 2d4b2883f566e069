// Fault injection on real workerd (wrangler dev), with real origins on 127.0.0.1 and restarts
// of `wrangler dev` (SIGKILL, then a new start on the same --persist-to). Test-mode-only hooks
// (`"test_mode": true`) make the store, the steps after storing (deliveries and pull-queue
// pushes) or the pull queue fail for a window, make a purge step due, and put raw messages on
// the queue. Every test checks the promise of SPEC §5: every callback answered 200 reaches each
// matching destination under one webhook-id (or is listed dead, then replays), and nothing
// else arrives.
//
// SOAK_N sets the soak's size (default 3000, as in CI).
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Webhook } from 'standardwebhooks';

import { freePort, post, signTencent, sleep, startWorker, waitFor } from './harness.mjs';

const SECRET = `whsec_${randomBytes(24).toString('base64')}`;
const ADMIN = `admin-${randomBytes(12).toString('hex')}`;
const PULL_TOKEN = `pull-${randomBytes(12).toString('hex')}`;
const TKEY = 'TencentSignKeyFaults';
const SOAK_N = Number(process.env.SOAK_N ?? 3000);
const wh = new Webhook(SECRET);

/**
 * An origin that can go down and come back on the same port. `decide(req)` returns
 * `{status, hangMs}` per request (default 200 at once), or `{destroy: true}`: the request was
 * read, and its connection is reset without an answer. Records every request that arrived.
 * `keepAliveMs` is Node's `keepAliveTimeout` (ms): the default origin closes idle connections
 * after 1 s, so the worker's pooled connections go stale between retries.
 */
async function controllableOrigin({ keepAliveMs = 1000 } = {}) {
  const port = await freePort();
  const requests = [];
  let decide = () => ({ status: 200 });
  let server = null;
  const up = () => new Promise((resolve, reject) => {
    server = http.createServer((req, res) => {
      const chunks = [];
      req.on('data', (c) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const entry = { path: req.url, headers: req.headers, body, at: Date.now() };
        requests.push(entry);
        const b = decide(entry) ?? { status: 200 };
        if (b.destroy) {
          entry.status = 'reset';
          req.socket.destroy();
          return;
        }
        entry.status = b.status ?? 200;
        const answer = () => {
          if (res.destroyed) return;
          res.writeHead(b.status ?? 200, { 'content-type': 'text/plain' });
          res.end('ok');
          entry.answeredAt = Date.now();
        };
        if (b.hangMs) setTimeout(answer, b.hangMs);
        else answer();
      });
    });
    server.keepAliveTimeout = keepAliveMs;
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  await up();
  return {
    port,
    url: (p) => `http://127.0.0.1:${port}${p}`,
    requests,
    setDecide(fn) { decide = fn; },
    received(p) { return requests.filter((r) => r.path === p); },
    up,
    down() {
      if (!server) return Promise.resolve();
      const s = server;
      server = null;
      s.closeAllConnections?.();
      return new Promise((r) => s.close(() => r()));
    },
  };
}

/**
 * Distinct webhook-ids received on a path, with counts (`okOnly`: only requests answered
 * 2xx, i.e. deliveries); every request's signature is checked.
 */
function receivedIds(origin, p, { okOnly = false } = {}) {
  const counts = new Map();
  for (const r of origin.received(p)) {
    if (okOnly && !(r.status >= 200 && r.status < 300)) continue;
    const id = r.headers['webhook-id'];
    assert.equal(wh.verify(r.body, r.headers).id, id, 'a forwarded request that does not verify');
    counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  return counts;
}

const tencentUpload = (fileId) => ({
  EventType: 'NewFileUpload',
  FileUploadEvent: { FileId: fileId, MediaBasicInfo: { Name: 'v.mp4' } },
});

function makeConfig(origin, dropper, extra = {}) {
  return {
    test_mode: true,
    allow_loopback: true,
    admin_token: ADMIN,
    delivery: { timeout_ms: 1500, max_attempts: 8, backoff_base_seconds: 1, backoff_max_seconds: 4, concurrency: 2 },
    sources: [
      { name: 'push', vendor: 'tencent_vod', key: TKEY, destinations: [{ url: origin.url('/push'), secret: SECRET }] },
      { name: 'crash', vendor: 'tencent_vod', key: TKEY, shards: 2, destinations: [{ url: origin.url('/crash'), secret: SECRET }] },
      {
        name: 'pulled', vendor: 'tencent_vod', key: TKEY,
        pull: { token: PULL_TOKEN, visibility_timeout_seconds: 30 },
      },
      {
        name: 'fan', vendor: 'tencent_vod', key: TKEY,
        destinations: [{ url: origin.url('/ok'), secret: SECRET }, { url: origin.url('/fail'), secret: SECRET }],
      },
      { name: 'slow', vendor: 'tencent_vod', key: TKEY, destinations: [{ url: origin.url('/slow'), secret: SECRET }] },
      { name: 'drop', vendor: 'tencent_vod', key: TKEY, destinations: [{ url: dropper.url('/drop'), secret: SECRET }] },
      { name: 'old', vendor: 'tencent_vod', key: TKEY, destinations: [{ url: origin.url('/old'), secret: SECRET }] },
      { name: 'bulk', vendor: 'tencent_vod', key: TKEY, destinations: [{ url: origin.url('/bulk'), secret: SECRET }] },
      { name: 'bulkpull', vendor: 'tencent_vod', key: TKEY, pull: { token: PULL_TOKEN } },
      { name: 'redead', vendor: 'tencent_vod', key: TKEY, shards: 2, destinations: [{ url: origin.url('/redead'), secret: SECRET }] },
      {
        name: 'overrun', vendor: 'tencent_vod', key: TKEY,
        destinations: Array.from({ length: 9 }, (_, i) => ({ url: origin.url(`/o${i + 1}`), secret: SECRET })),
      },
      { name: 'typed', vendor: 'tencent_vod', key: TKEY, destinations: [{ url: origin.url('/typed'), secret: SECRET, types: ['media.upload.*'] }] },
      {
        name: 'mixed', vendor: 'tencent_vod', key: TKEY,
        destinations: [{ url: origin.url('/quick'), secret: SECRET }, { url: origin.url('/stuck'), secret: SECRET }],
      },
      {
        name: 'soak', vendor: 'tencent_vod', key: TKEY, shards: 4,
        destinations: [{ url: origin.url('/s1'), secret: SECRET }, { url: origin.url('/s2'), secret: SECRET }],
      },
    ],
    ...extra,
  };
}

let origin;
// A second origin, for connections reset on purpose; its idle connections stay open (60 s),
// so every connection it loses is one the test reset.
let dropper;
let worker;
let stateDir;
let config;
const allLines = [];
let starts = 0;

async function start(cfg = config) {
  starts += 1;
  worker = await startWorker(cfg, { name: `faults-${starts}`, persistTo: stateDir });
  return worker;
}
async function crash() {
  allLines.push(...worker.logLines());
  await worker.kill();
  // The run's directory (not the state) goes.
  rmSync(worker.dir, { recursive: true, force: true });
}

/**
 * Crashes the worker and starts it on the same state with one POST at a time per destination
 * (`delivery.concurrency` 1) and, if given, another POST timeout (ms): a run whose steps go
 * one by one, so a test can crash it at a chosen step.
 */
async function restartWithOneLane({ timeoutMs } = {}) {
  await crash();
  const one = structuredClone(config);
  one.delivery.concurrency = 1;
  if (timeoutMs !== undefined) one.delivery.timeout_ms = timeoutMs;
  await start(one);
}

const adminGet = async (p) => {
  const r = await fetch(`${worker.base}${p}`, { headers: { authorization: `Bearer ${ADMIN}` } });
  return { status: r.status, json: await r.json().catch(() => null) };
};
const adminPost = async (p) => {
  const r = await fetch(`${worker.base}${p}`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN}` } });
  return { status: r.status, json: await r.json().catch(() => null) };
};
const eventState = async (source, id) => (await adminGet(`/v1/events/${encodeURIComponent(id)}?source=${source}`)).json;
const testPost = async (p, body) => {
  const r = await fetch(`${worker.base}${p}`, { method: 'POST', body: typeof body === 'string' ? body : JSON.stringify(body) });
  assert.equal(r.status, 200, `${p}: ${await r.text()}`);
};
async function ingest(source, fileId) {
  const r = await post(worker.base, source, signTencent(tencentUpload(fileId), TKEY));
  assert.equal(r.status, 200, r.text);
  return r.json.id;
}
async function pullAll(source) {
  const got = [];
  for (;;) {
    const r = await fetch(`${worker.base}/v1/sources/${source}/events:pull`, {
      method: 'POST', headers: { authorization: `Bearer ${PULL_TOKEN}` }, body: JSON.stringify({ max: 16, wait_seconds: 0 }),
    });
    assert.equal(r.status, 200);
    const { events } = await r.json();
    if (!events.length) return got;
    got.push(...events);
    const c = await fetch(`${worker.base}/v1/sources/${source}/events:confirm`, {
      method: 'POST', headers: { authorization: `Bearer ${PULL_TOKEN}` }, body: JSON.stringify({ handles: events.map((e) => e.handle) }),
    });
    assert.equal(c.status, 200);
  }
}

before(async () => {
  origin = await controllableOrigin();
  dropper = await controllableOrigin({ keepAliveMs: 60_000 });
  stateDir = mkdtempSync(path.join(os.tmpdir(), 'mediahook-faults-state-'));
  config = makeConfig(origin, dropper);
  await start();
});

after(async () => {
  await worker?.stop();
  await origin?.down();
  await dropper?.down();
  if (stateDir) rmSync(stateDir, { recursive: true, force: true });
});

describe('crash and restart', () => {
  test('origin down, 60 callbacks answered 200, SIGKILL, restart, origin up: all 60 arrive within 2 minutes (and a crash between storing and the next steps, on the push and the pull path)', async () => {
    await origin.down();
    const crashIds = [];
    for (let i = 0; i < 60; i++) crashIds.push(await ingest('crash', `crash-${i}-${randomBytes(3).toString('hex')}`));
    assert.equal(new Set(crashIds).size, 60);
    // Some attempts fail against the closed port before the crash.
    await waitFor(() => worker.logLines().some((l) => l.at === 'deliver' && l.source === 'crash' && l.outcome === 'failed'), { what: 'failed attempts' });

    // Steps after storing held back: the events are stored (200), nothing else happened yet.
    await testPost('/v1/test/faults', { steps_ms: 120_000 });
    const pushIds = [];
    const pullIds = [];
    for (let i = 0; i < 10; i++) {
      pushIds.push(await ingest('push', `step-push-${i}-${randomBytes(3).toString('hex')}`));
      pullIds.push(await ingest('pulled', `step-pull-${i}-${randomBytes(3).toString('hex')}`));
    }
    assert.deepEqual(await pullAll('pulled'), [], 'not in the pull queue yet');
    assert.equal((await eventState('push', pushIds[0])).status, 'pending');

    await crash();
    await start();
    const upAt = Date.now();
    await origin.up();

    await waitFor(() => crashIds.every((id) => receivedIds(origin, '/crash').has(id)), { what: 'all 60 crash-run events at the origin', timeoutMs: 120_000, everyMs: 500 });
    assert.ok(Date.now() - upAt < 120_000);
    await waitFor(() => pushIds.every((id) => receivedIds(origin, '/push').has(id)), { what: 'the push path resumed', timeoutMs: 60_000 });
    const pulled = await waitFor(async () => {
      const got = await pullAll('pulled');
      return got.length ? got : null;
    }, { what: 'the pull path resumed', timeoutMs: 60_000 });
    let all = pulled.map((e) => e.event.id);
    // Whatever was not yet pushed in the first pull arrives in later ones.
    await waitFor(async () => {
      all = all.concat((await pullAll('pulled')).map((e) => e.event.id));
      return pullIds.every((id) => all.includes(id));
    }, { what: 'all 10 pull-path events pulled', timeoutMs: 30_000 });
    assert.equal(new Set(all).size, all.length, 'each pulled once');

    // Nothing else arrived; connection refused is not an unknown outcome: no duplicates.
    const crashCounts = receivedIds(origin, '/crash');
    assert.deepEqual([...crashCounts.keys()].sort(), [...crashIds].sort());
    assert.ok([...crashCounts.values()].every((n) => n === 1), 'each crash-run event once');
    assert.deepEqual([...receivedIds(origin, '/push').keys()].sort(), [...pushIds].sort());
  });
});

describe('crash mid-round', () => {
  test('a crash while a lane round is in flight: answers already in are recorded, only the POST in flight may be sent again', async () => {
    // concurrency 1: one round leases 4 steps and POSTs them one after the other.
    await restartWithOneLane();
    origin.setDecide((r) => (r.path === '/push' ? { status: 200, hangMs: 1000 } : { status: 200 }));
    await testPost('/v1/test/faults', { steps_ms: 60_000 }); // stored first: one round
    const tag = randomBytes(4).toString('hex');
    const ids = [];
    for (let i = 0; i < 4; i++) ids.push(await ingest('push', `round-${tag}-${i}`));
    const mine = () => origin.received('/push').filter((r) => ids.includes(r.headers['webhook-id']));
    await testPost('/v1/test/faults', {});
    await waitFor(() => mine().filter((r) => r.answeredAt).length >= 2, { what: 'two POSTs of the round answered', timeoutMs: 30_000, everyMs: 10 });
    await sleep(700); // the third is in flight (answered after 1 s)
    const killAt = Date.now();
    await crash();
    const known = mine().filter((r) => r.answeredAt !== undefined && r.answeredAt <= killAt - 600).map((r) => r.headers['webhook-id']);
    assert.ok(known.length >= 2, `two answers in well before the kill (${known.length})`);
    origin.setDecide(() => ({ status: 200 }));
    await start();
    await waitFor(() => ids.every((id) => receivedIds(origin, '/push', { okOnly: true }).has(id)), { what: 'the round delivered after the restart', timeoutMs: 90_000 });
    await sleep(1000);
    const counts = receivedIds(origin, '/push');
    for (const id of known) assert.equal(counts.get(id), 1, `${id} was answered 200 before the crash and POSTed again`);
    for (const id of ids) assert.equal((await eventState('push', id)).status, 'delivered');
  });

  test('a callback stored while its shard\'s alarm runs (no alarm of its own is set) is delivered after a crash', async () => {
    // The shard's alarm is running (a POST hangs 3 s; concurrency 1) when the second callback
    // is stored: the step rides on the running alarm, which stays armed until it ends.
    await restartWithOneLane({ timeoutMs: 10_000 });
    origin.setDecide((r) => (r.path === '/push' ? { status: 200, hangMs: 3000 } : { status: 200 }));
    const tag = randomBytes(4).toString('hex');
    const first = await ingest('push', `running-${tag}-a`);
    const sent = (id) => origin.received('/push').filter((r) => r.headers['webhook-id'] === id);
    await waitFor(() => sent(first).length > 0, { what: 'the first POST in flight', timeoutMs: 20_000, everyMs: 10 });
    const second = await ingest('push', `running-${tag}-b`);
    await crash();
    assert.equal(sent(second).length, 0, 'the second callback was still to be sent at the crash');
    assert.equal(sent(first).filter((r) => r.answeredAt).length, 0, 'the first POST was still in flight at the crash');
    origin.setDecide(() => ({ status: 200 }));
    await start();
    await waitFor(async () => (await eventState('push', second))?.status === 'delivered' && (await eventState('push', first))?.status === 'delivered',
      { what: 'both delivered after the restart', timeoutMs: 60_000, everyMs: 250 });
    assert.equal(sent(second).length, 1, 'the second callback was POSTed once');
  });
});

describe('alarms during a run (one shard)', () => {
  test('a replay, a callback and a callback without destinations, all while the alarm runs, then a crash: delivered within seconds of the restart', async () => {
    // None of them sets the alarm while it runs: the running alarm stays armed, and a later
    // alarm time (the next purge, which the event without destinations asks for) must not
    // replace it, or after the crash nothing fires until that purge (an hour).
    const tag = randomBytes(4).toString('hex');
    const typed = async (event) => {
      const r = await post(worker.base, 'typed', signTencent(event, TKEY));
      assert.equal(r.status, 200, r.text);
      return r.json.id;
    };
    const sent = (id) => origin.received('/typed').filter((r) => r.headers['webhook-id'] === id);
    const earlier = await typed(tencentUpload(`typed-${tag}-d`));
    await waitFor(async () => (await eventState('typed', earlier))?.status === 'delivered', { what: 'an earlier event delivered' });
    await restartWithOneLane({ timeoutMs: 10_000 });
    origin.setDecide((r) => (r.path === '/typed' ? { status: 200, hangMs: 4000 } : { status: 200 }));
    const first = await typed(tencentUpload(`typed-${tag}-a`));
    await waitFor(() => sent(first).length > 0, { what: 'the first POST in flight', timeoutMs: 20_000, everyMs: 10 });
    const replay = await adminPost(`/v1/events/${encodeURIComponent(earlier)}/replay?source=typed`);
    assert.equal(replay.status, 202, JSON.stringify(replay.json));
    const second = await typed(tencentUpload(`typed-${tag}-b`));
    const nowhere = await typed({ EventType: 'FileDeleted', FileDeleteEvent: { FileIdSet: [`typed-${tag}-c`] } });
    await crash();
    assert.equal(sent(first).filter((r) => r.answeredAt).length, 0, 'the first POST was still in flight at the crash');
    assert.equal(sent(second).length, 0, 'the second callback was still to be sent at the crash');
    origin.setDecide(() => ({ status: 200 }));
    const restarted = Date.now();
    await start();
    // The second and the replayed one at once; the first when its lease ends (its POST was in
    // flight at the crash: 4 × 10 s + 15 s after it started).
    await waitFor(async () => {
      const all = await Promise.all([second, earlier].map((id) => eventState('typed', id)));
      return all.every((e) => e?.status === 'delivered');
    }, { what: 'the second and the replayed event delivered after the restart (not at the next purge)', timeoutMs: 20_000, everyMs: 250 });
    assert.ok(Date.now() - restarted < 20_000);
    await waitFor(async () => (await eventState('typed', first))?.status === 'delivered', { what: 'the first delivered after its lease', timeoutMs: 90_000, everyMs: 500 });
    assert.equal(sent(second).length, 1, 'the second callback was POSTed once');
    assert.equal(sent(earlier).length, 2, 'the replayed event was POSTed again, once');
    assert.equal((await eventState('typed', nowhere)).status, 'delivered', 'the event without destinations is stored, with nothing to do');
    assert.equal(sent(nowhere).length, 0);
  });
});

describe('rounds longer than their lease', () => {
  test('a step that waited past its lease for a connection is not sent beside a replay; a POST that starts late extends its lease', { timeout: 240_000 }, async () => {
    // 9 destinations answering after 1 s, `concurrency` 5, timeout 2 s: each lane leases a
    // round of 20 steps (lease 4 × 2 s + 15 s = 23 s), and the shard's 6 connections make
    // the round last about 9 × 20 × 1 s / 6 = 30 s. The last event's steps wait for a
    // connection past their lease; a replay then finds them not in flight and takes them.
    const paths = Array.from({ length: 9 }, (_, i) => `/o${i + 1}`);
    await crash();
    const cfg = structuredClone(config);
    cfg.delivery = { ...cfg.delivery, timeout_ms: 2000, concurrency: 5 };
    await start(cfg);
    try {
      origin.setDecide((r) => (paths.includes(r.path) ? { status: 200, hangMs: 1000 } : { status: 200 }));
      const tag = randomBytes(3).toString('hex');
      await testPost('/v1/test/faults', { steps_ms: 60_000 }); // all stored first: one round each
      const ids = [];
      for (let i = 0; i < 20; i++) ids.push(await ingest('overrun', `overrun-${tag}-${i}`));
      await testPost('/v1/test/faults', {});
      const last = ids.at(-1);
      const posts = (id) => paths.flatMap((p) => origin.received(p).filter((r) => r.headers['webhook-id'] === id).map((r) => ({ ...r, p })));
      await waitFor(() => paths.some((p) => origin.received(p).length > 0), { what: 'the first POSTs', timeoutMs: 20_000, everyMs: 50 });
      const firstAt = Date.now();
      await sleep(Math.max(0, firstAt + 26_000 - Date.now()));
      assert.ok(new Set(posts(last).map((r) => r.p)).size < paths.length, 'the last event still waits for some connections at 26 s');
      const replayAt = Date.now();
      const replay = await adminPost(`/v1/events/${encodeURIComponent(last)}/replay?source=overrun`);
      assert.equal(replay.status, 202, JSON.stringify(replay.json));
      // Sent (or in flight, their leases extended: the replay leaves those alone) by now: the
      // round's own POSTs. The replay's come in the lane's next round, after this one.
      const sentBefore = new Set(posts(last).map((r) => r.p));
      await waitFor(async () => (await Promise.all(ids.map((id) => eventState('overrun', id)))).every((e) => e?.status === 'delivered'),
        { what: 'every event delivered to the 9 destinations', timeoutMs: 150_000, everyMs: 1000 });
      await sleep(1500);
      // An attempt whose outcome was unknown (a timeout under load) may be sent again.
      const unknown = (id, p) => worker.logLines().some((l) => l.event_id === id && /timeout|network error/.test(l.error ?? '')
        && new URL(l.url).pathname === p);
      for (const p of paths) {
        const got = posts(last).filter((r) => r.p === p).sort((a, b) => a.at - b.at);
        for (let i = 1; i < got.length; i++) assert.ok(got[i].at >= got[i - 1].answeredAt, `${p}: two POSTs of the replayed event at once`);
        if (unknown(last, p)) continue;
        if (!sentBefore.has(p)) {
          // Not yet sent when the replay came: its waiting attempt is not sent, the replay's is
          // (or, in flight unseen, that one alone).
          assert.equal(got.length, 1, `${p}: sent once (${got.map((r) => r.at - replayAt)} ms after the replay)`);
        } else {
          assert.ok(got.length <= 2, `${p}: the POST before the replay and at most the replay's (${got.length})`);
        }
      }
      for (const id of ids.slice(0, -1)) {
        for (const p of paths) {
          if (!unknown(id, p)) assert.equal(posts(id).filter((r) => r.p === p).length, 1, `${id} at ${p}: once`);
        }
      }
      const notSent = worker.logLines().filter((l) => l.event_id === last && /^not sent: /.test(l.error ?? ''));
      assert.ok(notSent.length >= 1 && notSent.length <= paths.length - sentBefore.size,
        `the waiting attempts the replay took are logged as not sent (${notSent.length}, ${paths.length - sentBefore.size} not sent before)`);
    } finally {
      origin.setDecide(() => ({ status: 200 }));
      await crash();
      await start();
    }
  });
});

describe('faults on one worker', () => {
  test('the store fails for longer than the queue would retry: nothing accepted is lost, nothing is accepted without the store', async () => {
    origin.setDecide((r) => (r.path === '/push' && origin.received('/push').filter((x) => x.headers['webhook-id'] === r.headers['webhook-id']).length === 1 ? { status: 503 } : { status: 200 }));
    const before = [];
    for (let i = 0; i < 5; i++) before.push(await ingest('push', `outage-${i}-${randomBytes(3).toString('hex')}`));
    await testPost('/v1/test/faults', { store_ms: 8000 });
    const during = signTencent(tencentUpload(`during-${randomBytes(3).toString('hex')}`), TKEY);
    const refused = await post(worker.base, 'push', during);
    assert.equal(refused.status, 503, 'no 200 without the store');
    assert.equal(refused.json.error.code, 'unavailable');
    await sleep(8500);
    // The vendor's retry after the outage is accepted.
    const retried = await post(worker.base, 'push', during);
    assert.equal(retried.status, 200, retried.text);
    const want = [...before, retried.json.id];
    await waitFor(() => want.every((id) => (receivedIds(origin, '/push').get(id) ?? 0) >= 2), { what: 'every event delivered after its first 503', timeoutMs: 60_000 });
    for (const id of want) assert.equal((await eventState('push', id)).status, 'delivered');
    origin.setDecide(() => ({ status: 200 }));
  });

  test('a pull queue that cannot be reached: the admin listing and the event still answer, its pull side "unknown"', async () => {
    const id = await ingest('pulled', `pullq-${randomBytes(3).toString('hex')}`);
    await waitFor(async () => (await eventState('pulled', id))?.pull?.status === 'pending', { what: 'the event handed to the pull queue' });
    await testPost('/v1/test/faults', { pull_ms: 30_000 });
    try {
      for (const p of ['/v1/events?source=pulled', '/v1/events?limit=500', `/v1/events/${id}?source=pulled`]) {
        const r = await adminGet(p);
        assert.equal(r.status, 200, `${p}: ${JSON.stringify(r.json)}`);
        const ev = r.json.events ? r.json.events.find((e) => e.id === id) : r.json;
        assert.ok(ev, `${p} lists the event`);
        assert.equal(ev.pull.status, 'unknown', p);
        assert.match(ev.pull.error, /pull|unavailable|fault/i, p);
      }
      assert.ok(worker.logLines().some((l) => l.outcome === 'pull_status_unknown' && l.source === 'pulled'), 'logged');
    } finally {
      await testPost('/v1/test/faults', {});
    }
    assert.equal((await eventState('pulled', id)).pull.status, 'pending', 'known again once the queue answers');
  });

  test('one destination failing for all its attempts while another succeeds: its own budget only; dead, then replayed', async () => {
    let failing = true;
    origin.setDecide((r) => (r.path === '/fail' && failing ? { status: 500 } : { status: 200 }));
    const ids = [];
    for (let i = 0; i < 3; i++) ids.push(await ingest('fan', `fan-${i}-${randomBytes(3).toString('hex')}`));
    const dead = await waitFor(async () => {
      const all = await Promise.all(ids.map((id) => eventState('fan', id)));
      return all.every((s) => s.status === 'dead') && all;
    }, { what: 'dead after 8 attempts each', timeoutMs: 90_000, everyMs: 500 });
    for (const s of dead) {
      const byPath = Object.fromEntries(s.destinations.map((d) => [new URL(d.url).pathname, d]));
      assert.equal(byPath['/ok'].status, 'delivered');
      assert.equal(byPath['/ok'].attempts, 1);
      assert.equal(byPath['/fail'].status, 'dead');
      assert.equal(byPath['/fail'].attempts, 8);
    }
    // The last attempt's POST can still be in transit when the worker, at its 1.5 s timeout,
    // counts it and marks the destination dead (its outcome is unknown to the worker, SPEC §5):
    // give it a moment to land. Never more POSTs than the budget; at most that one may be lost.
    await waitFor(() => ids.every((id) => receivedIds(origin, '/fail').get(id) === 8), { what: '8 POSTs each at the failing destination', timeoutMs: 5_000 })
      .catch(() => {});
    const ok = receivedIds(origin, '/ok');
    const fail = receivedIds(origin, '/fail');
    const lines = worker.logLines();
    for (const id of ids) {
      assert.equal(ok.get(id), 1, 'the healthy destination got it once');
      // Every attempt the worker saw answered (HTTP 500) reached the origin; one whose outcome
      // it does not know (a timeout, a connection lost twice) may not have.
      const tries = lines.filter((l) => l.at === 'deliver' && l.event_id === id && l.attempt !== undefined
        && new URL(l.url).pathname === '/fail');
      const answered = tries.filter((l) => l.status === 500).length;
      const why = `${fail.get(id)} POSTs seen; the worker's attempts: ${JSON.stringify(tries.map((l) => l.error))}`;
      assert.equal(tries.length, 8, `eight attempts logged: ${why}`);
      assert.ok(fail.get(id) <= 8 && fail.get(id) >= answered && answered >= 4, `the failing one used its own budget of 8: ${why}`);
    }
    const failBefore = new Map(ids.map((id) => [id, fail.get(id)]));
    const listed = await adminGet('/v1/events?source=fan&status=dead&limit=10');
    assert.ok(ids.every((id) => listed.json.events.some((e) => e.id === id)));
    failing = false;
    const rep = await adminPost('/v1/dead-letters/replay?source=fan');
    assert.equal(rep.status, 202);
    assert.ok(ids.every((id) => rep.json.replayed.some((x) => x.id === id)));
    await waitFor(async () => (await Promise.all(ids.map((id) => eventState('fan', id)))).every((s) => s.status === 'delivered'), { what: 'delivered after replay', timeoutMs: 30_000 });
    await sleep(1000);
    for (const id of ids) {
      assert.equal(receivedIds(origin, '/ok').get(id), 1, 'replaying the dead destination does not re-post the delivered one');
      assert.equal(receivedIds(origin, '/fail').get(id), failBefore.get(id) + 1, 'one more POST after the replay');
    }
    origin.setDecide(() => ({ status: 200 }));
  });

  test('a connection lost before any answer is tried again at once, in the same attempt; lost twice, the attempt failed', async () => {
    const arrivals = (id) => dropper.received('/drop').filter((r) => r.headers['webhook-id'] === id);
    // The first POST of each event is read, then its connection reset: the second try, at
    // once and in the same attempt, is answered.
    dropper.setDecide((r) => (arrivals(r.headers['webhook-id']).length === 1 ? { destroy: true } : { status: 200 }));
    const once = await ingest('drop', `drop-once-${randomBytes(3).toString('hex')}`);
    await waitFor(async () => (await eventState('drop', once))?.status === 'delivered', { what: 'delivered on its second try', timeoutMs: 20_000 });
    const d1 = (await eventState('drop', once)).destinations[0];
    assert.equal(d1.attempts, 1, 'one attempt: the lost connection did not spend the budget');
    assert.deepEqual(arrivals(once).map((r) => r.status), ['reset', 200]);
    const traced = worker.logLines().filter((l) => l.at === 'deliver' && l.event_id === once && l.outcome === 'tried_again');
    assert.equal(traced.length, 1, 'the lost try is logged although the attempt delivered');
    assert.match(traced[0].error, /^network error: /);

    // Every connection reset: each attempt is two tries, then a failed attempt (backoff).
    dropper.setDecide(() => ({ destroy: true }));
    const always = await ingest('drop', `drop-always-${randomBytes(3).toString('hex')}`);
    const failed = () => worker.logLines().filter((l) => l.at === 'deliver' && l.event_id === always && l.outcome === 'failed');
    await waitFor(() => failed().length >= 2, { what: 'two failed attempts', timeoutMs: 30_000 });
    for (const l of failed()) assert.match(l.error, /^network error: .* \(tried again after: .+\)$/, 'both tries named in the error');
    const retriedLines = () => worker.logLines().filter((l) => l.at === 'deliver' && l.event_id === always && l.outcome === 'tried_again').length;
    dropper.setDecide(() => ({ status: 200 }));
    await waitFor(async () => (await eventState('drop', always))?.status === 'delivered', { what: 'delivered once the origin answers', timeoutMs: 30_000 });
    const k = failed().length;
    const d2 = (await eventState('drop', always)).destinations[0];
    assert.equal(d2.attempts, k + 1, 'one attempt per pair of tries');
    // Two tries per failed attempt, never more; the last attempt's first try may still have
    // been reset if it began as the origin came back.
    const resets = arrivals(always).filter((r) => r.status === 'reset').length;
    assert.ok(resets === 2 * k || resets === 2 * k + 1, `${resets} resets for ${k} failed attempts`);
    // Each failed attempt's first try, and the last attempt's if it was reset, was tried again.
    assert.equal(retriedLines(), resets - k, 'every reset try that was tried again is logged');
    assert.equal(arrivals(always).filter((r) => r.status === 200).length, 1);
  });

  test('a replay during a slow POST never starts a second POST and never flips delivered back', async () => {
    origin.setDecide((r) => (r.path === '/slow' ? { status: 200, hangMs: 1200 } : { status: 200 }));
    const id = await ingest('slow', `slow-${randomBytes(3).toString('hex')}`);
    await waitFor(() => origin.received('/slow').some((r) => r.headers['webhook-id'] === id), { what: 'the slow POST under way' });
    const rep = await adminPost(`/v1/events/${encodeURIComponent(id)}/replay?source=slow`);
    // The attempt in flight stands: nothing is reset, no second POST is started.
    assert.equal(rep.status, 202, JSON.stringify(rep.json));
    assert.equal(rep.json.in_flight, 1);
    await waitFor(async () => (await eventState('slow', id)).status === 'delivered', { what: 'delivered' });
    await sleep(2500);
    assert.equal(receivedIds(origin, '/slow').get(id), 1, 'one POST');
    const st = await eventState('slow', id);
    assert.equal(st.status, 'delivered');
    assert.equal(st.destinations[0].attempts, 1);
    // A replay when nothing is in flight re-delivers once, same webhook-id.
    const again = await adminPost(`/v1/events/${encodeURIComponent(id)}/replay?source=slow`);
    assert.equal(again.status, 202);
    await waitFor(() => receivedIds(origin, '/slow').get(id) === 2, { what: 'the deliberate replay' });
    origin.setDecide(() => ({ status: 200 }));
  });

  test('an old-format message on the queue is stored and delivered once; a vendor copy of it is a duplicate; junk is quarantined', async () => {
    const id = `evt_oldfmt_${randomBytes(6).toString('hex')}`;
    const event = { id, type: 'media.upload.completed', vendor: 'tencent_vod', vendor_type: 'NewFileUpload', source: 'old', data: {} };
    const msg = (nonce) => JSON.stringify({
      source: 'old', id,
      admit: { type: 'media.upload.completed', vendor_type: 'NewFileUpload', subject: null, dests: [origin.url('/old')], received_at: Date.now(), nonce, event: JSON.stringify(event) },
    });
    await testPost('/v1/test/queue-send', msg('n-1'));
    await testPost('/v1/test/queue-send', msg('n-1'));
    await testPost('/v1/test/queue-send', msg('n-2'));
    await testPost('/v1/test/queue-send', '{"schema": 99, "what": "unknown"}');
    await waitFor(() => receivedIds(origin, '/old').has(id), { what: 'the old-format event delivered' });
    await waitFor(async () => (await eventState('old', id))?.duplicates === 1, { what: 'the other nonce counted as a duplicate' });
    await waitFor(async () => (await adminGet('/v1/dead-letters/quarantine')).json.messages.some((m) => m.body.includes('"schema": 99')), { what: 'quarantined' });
    await sleep(1500);
    assert.equal(receivedIds(origin, '/old').get(id), 1);
  });

  test('a destination that times out every time never slows another one (per-destination lanes)', async () => {
    origin.setDecide((r) => (r.path === '/stuck' ? { status: 200, hangMs: 5000 } : { status: 200 }));
    const sent = new Map();
    for (let i = 0; i < 20; i++) {
      const at = Date.now();
      sent.set(await ingest('mixed', `mixed-${i}-${randomBytes(3).toString('hex')}`), at);
      await sleep(100);
    }
    await waitFor(() => [...sent.keys()].every((id) => receivedIds(origin, '/quick').has(id)), { what: 'the quick destination', timeoutMs: 20_000 });
    const late = [...sent].map(([id, at]) => origin.received('/quick').find((r) => r.headers['webhook-id'] === id).at - at);
    assert.ok(Math.max(...late) < 1000, `quick deliveries took up to ${Math.max(...late)} ms beside a stuck one`);
    // The stuck destination had attempts under way (and timing out) all along.
    assert.ok(origin.received('/stuck').length >= 2);
    origin.setDecide(() => ({ status: 200 }));
  });

  test('a 5 MiB chunked body is cut at the cap (ingest and the pull API), and the worker stays healthy', async () => {
    for (const url of [`${worker.base}/v1/hooks/push`, `${worker.base}/v1/sources/pulled/events:pull`]) {
      let sent = 0;
      const chunk = new Uint8Array(64 * 1024).fill(0x20);
      const stream = new ReadableStream({
        pull(c) {
          if (sent >= 5 * 1024 * 1024) return c.close();
          sent += chunk.length;
          c.enqueue(chunk);
        },
      });
      const r = await fetch(url, {
        method: 'POST', body: stream, duplex: 'half',
        headers: { authorization: `Bearer ${PULL_TOKEN}` },
      });
      assert.equal(r.status, 413, url);
      assert.equal((await r.json()).error.code, 'payload_too_large');
    }
    const h = await fetch(`${worker.base}/healthz`);
    assert.equal(h.status, 200);
    await ingest('push', `after-big-${randomBytes(3).toString('hex')}`);
  });
});

describe('bounds', () => {
  test('listing and dead-letter replay stay bounded with 100 000 dead events', async () => {
    const tag = randomBytes(3).toString('hex');
    await testPost('/v1/test/seed-dead', { source: 'bulk', shard: 0, n: 100_000, url: origin.url('/bulk'), tag });
    let t = Date.now();
    const page1 = await adminGet('/v1/events?source=bulk&status=dead&limit=500');
    const listMs = Date.now() - t;
    assert.equal(page1.status, 200);
    assert.equal(page1.json.events.length, 500);
    assert.ok(page1.json.next_before, 'a cursor for the next page');
    const page2 = await adminGet(`/v1/events?source=bulk&status=dead&limit=500&before=${encodeURIComponent(page1.json.next_before)}`);
    assert.equal(page2.json.events.length, 500);
    const ids1 = new Set(page1.json.events.map((e) => e.id));
    assert.ok(page2.json.events.every((e) => !ids1.has(e.id)), 'pages do not overlap');
    assert.ok(page2.json.events[0].received_at_ms <= page1.json.events.at(-1).received_at_ms, 'newest first across pages');
    t = Date.now();
    const rep = await adminPost('/v1/dead-letters/replay?source=bulk&limit=1000');
    const replayMs = Date.now() - t;
    assert.equal(rep.status, 202);
    assert.equal(rep.json.count, 1000);
    assert.equal(rep.json.more, true);
    assert.ok(listMs < 5000 && replayMs < 5000, `bounded answers (list ${listMs} ms, replay ${replayMs} ms)`);
    const replayed = rep.json.replayed.map((x) => x.id);
    await waitFor(() => replayed.every((id) => receivedIds(origin, '/bulk').has(id)), { what: '1000 replayed events delivered', timeoutMs: 90_000, everyMs: 500 });
    await sleep(1000);
    assert.equal(receivedIds(origin, '/bulk').size, 1000, 'only the replayed ones');
  });
});

describe('dead-letter replay passes', () => {
  test('a pass goes on past events that die again at once (after=next_after), across shards, each dead event once', async () => {
    const tag = randomBytes(3).toString('hex');
    // Older: 6 dead events per shard whose destination is no longer configured (a replay
    // finds it gone: they are dead again at once, without a POST).
    for (const shard of [0, 1]) await testPost('/v1/test/seed-dead', { source: 'redead', shard, n: 6, url: origin.url('/gone'), tag: `${tag}g${shard}` });
    await sleep(20);
    // Newer: 4 per shard, dead at the configured destination, which answers now.
    for (const shard of [0, 1]) await testPost('/v1/test/seed-dead', { source: 'redead', shard, n: 4, url: origin.url('/redead'), tag: `${tag}r${shard}` });
    const seen = [];
    let after;
    let calls = 0;
    do {
      const r = await adminPost(`/v1/dead-letters/replay?source=redead&limit=5${after ? `&after=${encodeURIComponent(after)}` : ''}`);
      assert.equal(r.status, 202, JSON.stringify(r.json));
      seen.push(...r.json.replayed.map((x) => x.id));
      assert.equal(r.json.next_after != null, r.json.more, 'a cursor exactly while more remain');
      after = r.json.next_after;
      calls++;
      // Time for the replayed ones without a destination to die again (before the fix, every
      // call met them again as the oldest dead events).
      await sleep(500);
    } while (after && calls < 10);
    assert.equal(seen.length, 20, `every dead event of the pass (${calls} calls)`);
    assert.equal(new Set(seen).size, 20, 'each one once');
    const live = seen.filter((id) => id.includes(`${tag}r`));
    assert.equal(live.length, 8);
    await waitFor(() => live.every((id) => receivedIds(origin, '/redead').has(id)), { what: 'the 8 newer events delivered', timeoutMs: 60_000 });
    assert.equal(origin.received('/gone').length, 0, 'nothing sent to the removed destination');
    // A cursor that is not one, or names a source this replay does not cover: 400.
    assert.equal((await adminPost('/v1/dead-letters/replay?source=redead&after=nope')).status, 400);
    const other = await adminPost(`/v1/dead-letters/replay?source=push&after=${encodeURIComponent('redead~0~1.evt_x')}`);
    assert.equal(other.status, 400);
    assert.equal(other.json.error.code, 'bad_request');
  });
});

describe('bounds (pull queue)', () => {
  const pullApi = async (op, body) => {
    const r = await fetch(`${worker.base}/v1/sources/bulkpull/${op}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { authorization: `Bearer ${PULL_TOKEN}` },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = await r.json();
    assert.equal(r.status, 200, JSON.stringify(json));
    return { json };
  };
  const timed = async (op, body) => {
    const t = Date.now();
    const { json } = await pullApi(op, body);
    return { json, ms: Date.now() - t };
  };

  test('events:state, events:pull and events:confirm stay bounded with 100 000 waiting events', async () => {
    const tag = randomBytes(3).toString('hex');
    await testPost('/v1/test/seed-pull', { source: 'bulkpull', n: 100_000, tag });
    // One real callback on top: the counter keeps counting through the normal path.
    await ingest('bulkpull', `bulkpull-${tag}`);
    await waitFor(async () => (await pullApi('events:state')).json.pending === 100_001, { what: 'the real event counted beside the 100 000' });
    const ms = [];
    let r = await timed('events:state');
    ms.push(r.ms);
    assert.deepEqual([r.json.pending, r.json.in_flight], [100_001, 0]);
    r = await timed('events:pull', { max: 16, wait_seconds: 0 });
    ms.push(r.ms);
    assert.deepEqual(r.json.events.map((e) => e.event.id), Array.from({ length: 16 }, (_, i) => `evt_pseed_${tag}_${i + 1}`), 'oldest first');
    const handles = r.json.events.map((e) => e.handle);
    r = await timed('events:state');
    ms.push(r.ms);
    assert.deepEqual([r.json.pending, r.json.in_flight], [99_985, 16]);
    r = await timed('events:confirm', { handles });
    ms.push(r.ms);
    assert.equal(r.json.confirmed, 16);
    r = await timed('events:state');
    ms.push(r.ms);
    assert.deepEqual([r.json.pending, r.json.in_flight], [99_985, 0]);
    // A long poll with events waiting answers at once with the next ones.
    r = await timed('events:pull', { max: 16, wait_seconds: 5 });
    ms.push(r.ms);
    assert.equal(r.json.events[0].event.id, `evt_pseed_${tag}_17`);
    assert.ok(ms.every((x) => x < 5000), `bounded answers (${ms.join(', ')} ms)`);
  });
});

describe('configuration and retention', () => {
  test('invalid configuration, then a configuration without the source, with alarms firing: nothing delivered, dead or purged; then all resumes', async () => {
    origin.setDecide(() => ({ status: 200 }));
    // An old event that a purge would remove (delivered 40 days ago: past any retention),
    // and new events whose deliveries are held back.
    await testPost('/v1/test/faults', { steps_ms: 120_000 });
    const oldId = `evt_aged_${randomBytes(6).toString('hex')}`;
    const event = { id: oldId, type: 'media.upload.completed', vendor: 'tencent_vod', vendor_type: 'NewFileUpload', source: 'push', data: {} };
    await testPost('/v1/test/queue-send', JSON.stringify({
      source: 'push', id: oldId,
      admit: { type: 'media.upload.completed', vendor_type: 'NewFileUpload', subject: null, dests: [], received_at: Date.now() - 40 * 86_400_000, nonce: 'aged', event: JSON.stringify(event) },
    }));
    await waitFor(async () => (await eventState('push', oldId))?.status === 'delivered', { what: 'the aged event stored' });
    const held = [];
    for (let i = 0; i < 5; i++) held.push(await ingest('push', `held-${i}-${randomBytes(3).toString('hex')}`));
    await testPost('/v1/test/purge', {});

    await crash();
    const broken = structuredClone(config);
    broken.delivery.max_attempts = 0; // invalid
    await start(broken);
    assert.equal((await fetch(`${worker.base}/healthz`)).status, 503);
    await waitFor(() => worker.logLines().some((l) => l.at === 'store.alarm' && l.outcome === 'config_invalid'), { what: 'an alarm under the invalid configuration', timeoutMs: 30_000 });
    await sleep(1500);
    assert.ok(!held.some((id) => receivedIds(origin, '/push').has(id)), 'nothing delivered');

    // A valid configuration that no longer names the source (a typo, a removed block): its
    // shards' alarms hold everything back too; nothing is purged with default retention.
    await crash();
    const without = structuredClone(config);
    without.sources = without.sources.filter((s) => s.name !== 'push');
    await start(without);
    assert.equal((await fetch(`${worker.base}/healthz`)).status, 200);
    await waitFor(() => worker.logLines().some((l) => l.at === 'store.alarm' && l.outcome === 'source_not_configured' && l.source === 'push'), { what: 'an alarm of the unconfigured source', timeoutMs: 30_000 });
    await sleep(1500);
    assert.ok(!held.some((id) => receivedIds(origin, '/push').has(id)), 'nothing delivered without the source');
    assert.deepEqual(worker.logLines().filter((l) => l.at === 'store.purge'), [], 'nothing purged without the source');

    await crash();
    await start();
    await waitFor(() => held.every((id) => receivedIds(origin, '/push').has(id)), { what: 'held events delivered', timeoutMs: 60_000 });
    for (const id of held) assert.equal((await eventState('push', id)).status, 'delivered');
    // With the valid configuration the purge runs: the aged event goes (so the check above
    // could have failed), the new ones stay.
    await waitFor(async () => (await adminGet(`/v1/events/${oldId}?source=push`)).status === 404, { what: 'the aged event purged under the valid configuration', timeoutMs: 30_000 });
    assert.ok(worker.logLines().some((l) => l.at === 'store.purge' && l.purged >= 1), 'a purge is logged (so the check above could fail)');
    assert.ok((await eventState('push', held[0])));
  });
});

describe('soak', () => {
  test(`${SOAK_N} callbacks with random faults and restarts: 0 lost, duplicates only where an attempt's outcome was unknown`, { timeout: 480_000 }, async () => {
    const hangs = new Set();
    origin.setDecide((r) => {
      if (r.path !== '/s1' && r.path !== '/s2') return { status: 200 };
      const x = Math.random();
      if (x < 0.08) return { status: 500 };
      if (x < 0.1) {
        hangs.add(`${r.path} ${r.headers['webhook-id']}`);
        return { status: 200, hangMs: 2500 };
      }
      return { status: 200 };
    });
    const accepted = new Set();
    const kills = [];
    const fileIds = Array.from({ length: SOAK_N }, (_, i) => `soak-${i}-${randomBytes(4).toString('hex')}`);
    let next = 0;
    let restarting = null;
    // A vendor: retries until a 200 (503 in a store fault window, connection errors during a restart).
    const vendor = async () => {
      while (next < fileIds.length) {
        const fid = fileIds[next++];
        const signed = signTencent(tencentUpload(fid), TKEY);
        for (let tries = 0; ; tries++) {
          if (restarting) await restarting;
          try {
            const r = await post(worker.base, 'soak', signed);
            if (r.status === 200) {
              accepted.add(r.json.id);
              // Now and then the vendor sends it again anyway.
              if (Math.random() < 0.05) await post(worker.base, 'soak', signed).catch(() => {});
              break;
            }
            assert.equal(r.status, 503, r.text);
          } catch (e) {
            if (e.code === 'ERR_ASSERTION') throw e;
          }
          assert.ok(tries < 200, 'a callback never accepted');
          await sleep(200);
        }
      }
    };
    const chaos = (async () => {
      const points = [Math.floor(SOAK_N / 3), Math.floor((2 * SOAK_N) / 3)];
      for (const p of points) {
        await waitFor(() => next >= p, { what: 'soak progress', timeoutMs: 300_000, everyMs: 50 });
        await testPost('/v1/test/faults', { store_ms: 700 }).catch(() => {});
        await sleep(400);
        let done;
        restarting = new Promise((r) => { done = r; });
        const kill = { before: Date.now() };
        kills.push(kill);
        await crash();
        kill.after = Date.now();
        await start();
        restarting = null;
        done();
      }
    })();
    await Promise.all([...Array.from({ length: 16 }, vendor), chaos]);
    assert.equal(accepted.size, SOAK_N);

    await waitFor(() => {
      const a = receivedIds(origin, '/s1');
      const b = receivedIds(origin, '/s2');
      return [...accepted].every((id) => a.has(id) && b.has(id));
    }, { what: 'every accepted soak event at both destinations', timeoutMs: 240_000, everyMs: 1000 });
    await waitFor(() => {
      const a = receivedIds(origin, '/s1', { okOnly: true });
      const b = receivedIds(origin, '/s2', { okOnly: true });
      return [...accepted].every((id) => a.has(id) && b.has(id));
    }, { what: 'every accepted soak event at both destinations', timeoutMs: 240_000, everyMs: 1000 });
    const lines = allLines.concat(worker.logLines());
    for (const p of ['/s1', '/s2']) {
      assert.deepEqual([...receivedIds(origin, p).keys()].filter((id) => !accepted.has(id)), [], `nothing else arrived at ${p}`);
      const counts = receivedIds(origin, p, { okOnly: true });
      for (const [id, n] of counts) {
        if (n === 1) continue;
        // A second POST only where an attempt's outcome was unknown: a timeout (logged, or a
        // hang we caused), a connection lost before the answer (logged), or a POST in flight
        // when the worker was killed.
        const timedOut = hangs.has(`${p} ${id}`) || lines.some((l) => l.at === 'deliver' && l.event_id === id
          && new URL(l.url).pathname === p && (/timeout|network error/.test(l.error ?? '') || l.outcome === 'tried_again'));
        // In flight at a kill: it reached the origin before the old process was gone (the
        // origin stamps an arrival when this process's event loop reads it, so up to 500 ms
        // after the kill returned, long before the new worker is up and past the step's
        // lease), and was not answered more than a second before the kill (the worker
        // records an answer as soon as it is in).
        const mine = origin.received(p).filter((r) => r.headers['webhook-id'] === id);
        const inFlightAtKill = mine.some((r) => kills.some((k) => r.at <= k.after + 500
          && (r.answeredAt === undefined || r.answeredAt > k.before - 1000)));
        // For the message: each arrival relative to the kills, and whether a worker logged
        // the step as delivered (an answer recorded, then sent again, would be a bug).
        const when = mine.map((r) => `at ${r.at} answered ${r.answeredAt ?? '-'} status ${r.status}`).join('; ');
        const logged = lines.filter((l) => l.at === 'deliver' && l.outcome === 'delivered'
          && (l.delivered ?? []).includes(id) && new URL(l.url).pathname === p).length;
        const why = `${when}; kills ${JSON.stringify(kills)}; logged delivered ${logged} times`;
        assert.ok(timedOut || inFlightAtKill, `${id} arrived ${n} times at ${p} without an unknown outcome: ${why}`);
      }
    }
  });
});
