// Pull delivery (events:pull / events:confirm / events:state, Tencent PullEvents/ConfirmEvents)
// end to end on workerd: signed vendor callbacks in, long-polling pullers out.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { post, signBaidu, signTencent, signVolcengine, sleep, startOrigin, startWorker, waitFor } from './harness.mjs';

const TOKEN = `pull-${randomBytes(12).toString('hex')}`;
const OTHER_TOKEN = `other-${randomBytes(12).toString('hex')}`;
const ADMIN = `admin-${randomBytes(12).toString('hex')}`;
const TKEY = 'TencentSignKey01';
const BKEY = 'baiduSignKeyForTests';
const VKEY = 'volcAuthKeyPrimaryTests';
const BAIDU_URL = 'https://edge.example.com/v1/hooks/bp';
const SECRET = `whsec_${randomBytes(24).toString('base64')}`;

let origin;
let worker;
let config;
const stateDir = mkdtempSync(path.join(os.tmpdir(), 'mediahook-pull-state-'));

const pull = (extra = {}) => ({ token: TOKEN, ...extra });
const upload = (fileId) => ({ EventType: 'NewFileUpload', FileUploadEvent: { FileId: fileId, MediaBasicInfo: { Name: fileId } } });
const uniq = (p) => `${p}-${randomBytes(4).toString('hex')}`;

async function api(source, op, body = {}, { token = TOKEN, method = 'POST', raw } = {}) {
  const headers = { 'content-type': 'application/json' };
  if (token !== null) headers.authorization = `Bearer ${token}`;
  const r = await fetch(`${worker.base}/v1/sources/${source}/${op}`, {
    method,
    headers,
    body: method === 'GET' ? undefined : raw ?? JSON.stringify(body),
  });
  const text = await r.text();
  let json = null;
  try { json = JSON.parse(text); } catch {}
  return { status: r.status, json, text, headers: r.headers };
}

async function ingest(source, signed) {
  const r = await post(worker.base, source, signed);
  assert.equal(r.status, 200, `ingest into ${source}: ${r.text}`);
  return r.json.id;
}
const ingestTencent = (source, fileId = uniq('f')) => ingest(source, signTencent(upload(fileId), TKEY));

async function pullAll(source, body = { max: 16, wait_seconds: 0 }) {
  const r = await api(source, 'events:pull', body);
  assert.equal(r.status, 200, r.text);
  assert.ok(Array.isArray(r.json.events));
  return r.json.events;
}
const state = async (source) => (await api(source, 'events:state', undefined, { method: 'GET' })).json;
const confirm = async (source, handles) => {
  const r = await api(source, 'events:confirm', { handles });
  assert.equal(r.status, 200, r.text);
  return r.json;
};

before(async () => {
  origin = await startOrigin();
  config = {
    allow_loopback: true,
    admin_token: ADMIN,
    sources: [
      { name: 'tp', vendor: 'tencent_vod', key: TKEY, pull: pull(), destinations: [{ url: origin.url('/tp'), secret: SECRET }] },
      { name: 'bp', vendor: 'baidu_vod', key: BKEY, callback_url: BAIDU_URL, pull: pull() },
      { name: 'vp', vendor: 'volcengine_live', key: VKEY, pull: pull({ types: ['live.*'] }) },
      { name: 'redeliver', vendor: 'tencent_vod', key: TKEY, pull: pull({ visibility_timeout_seconds: 2 }) },
      { name: 'race', vendor: 'tencent_vod', key: TKEY, pull: pull() },
      { name: 'lp', vendor: 'tencent_vod', key: TKEY, pull: pull() },
      { name: 'ret', vendor: 'tencent_vod', key: TKEY, pull: pull({ retention_seconds: 2 }) },
      { name: 'tc', vendor: 'tencent_vod', key: TKEY, pull: pull() },
      { name: 'restart', vendor: 'tencent_vod', key: TKEY, pull: pull({ visibility_timeout_seconds: 2 }) },
      { name: 'other', vendor: 'tencent_vod', key: TKEY, pull: { token: OTHER_TOKEN } },
      { name: 'nopull', vendor: 'tencent_vod', key: TKEY },
      { name: 'adm', vendor: 'tencent_vod', key: TKEY, pull: pull({ types: ['media.*'] }) },
      { name: 'deep', vendor: 'tencent_vod', key: TKEY, pull: pull(), destinations: [{ url: origin.url('/deep'), secret: SECRET }] },
    ],
  };
  worker = await startWorker(config, { name: 'pull', persistTo: stateDir });
});

after(async () => {
  await worker?.stop();
  await origin?.close();
  rmSync(stateDir, { recursive: true, force: true });
});

test('signed callbacks of every vendor are pulled in arrival order, then confirmed', async () => {
  const ids = [];
  for (let i = 0; i < 3; i++) ids.push(await ingestTencent('tp', `tp-${i}`));
  const events = await pullAll('tp');
  assert.deepEqual(events.map((e) => e.event.id), ids, 'arrival order');
  for (const e of events) {
    assert.equal(typeof e.handle, 'string');
    assert.equal(e.event.type, 'media.upload.completed');
    assert.equal(e.event.vendor, 'tencent_vod');
    assert.equal(e.event.source, 'tp');
    assert.equal(e.event.data.Sign, undefined);
  }
  const inFlight = await state('tp');
  assert.equal(inFlight.pending, 0);
  assert.equal(inFlight.in_flight, 3);
  assert.equal(typeof inFlight.oldest_age_seconds, 'number');
  const c = await confirm('tp', events.map((e) => e.handle));
  assert.equal(c.confirmed, 3);
  assert.equal(c.failed, 0);
  assert.ok(c.results.every((r) => r.outcome === 'confirmed'));
  assert.deepEqual(await state('tp'), { pending: 0, in_flight: 0, oldest_age_seconds: 0 });
  assert.deepEqual(await pullAll('tp'), []);
  // The push destination of the same source got them too.
  await waitFor(() => origin.received('/tp').length === 3, { what: 'push deliveries of tp' });

  // Baidu and Volcengine have no pull mode of their own: mediahook gives them one.
  const bEvent = { eventId: uniq('b'), eventType: 'MEDIA_UPLOAD_COMPLETE', eventTime: '2024-11-11T09:27:42Z', mediaUploadCompleteEvent: { mediaId: 'mda-1' } };
  const bid = await ingest('bp', signBaidu(bEvent, BKEY, BAIDU_URL));
  const [b] = await pullAll('bp');
  assert.equal(b.event.id, bid);
  assert.equal(b.event.vendor, 'baidu_vod');
  assert.equal((await confirm('bp', [b.handle])).confirmed, 1);

  // vp's pull.types is ["live.*"]: an event of another type is accepted but not kept for pulling.
  await ingest('vp', signVolcengine({ vhost: 'v.example.com', app: 'live', stream: uniq('s'), event_type: 'custom_thing' }, VKEY));
  const vid = await ingest('vp', signVolcengine({ vhost: 'v.example.com', app: 'live', stream: uniq('s'), event_type: 'push_start' }, VKEY));
  const vs = await pullAll('vp');
  assert.equal(vs.length, 1);
  const [v] = vs;
  assert.equal(v.event.id, vid);
  assert.equal(v.event.type, 'live.stream.started');
  assert.equal((await confirm('vp', [v.handle])).confirmed, 1);

  // A vendor retry of an event already pulled and confirmed is not pulled again.
  const again = await post(worker.base, 'tp', signTencent(upload('tp-0'), TKEY));
  assert.equal(again.json.duplicate, true);
  assert.deepEqual(await pullAll('tp'), []);
});

test('a callback nested 128 deep (the deepest accepted) is pulled, Tencent-pulled, shown and pushed whole', async () => {
  // 1 level for the callback object + 127 below "Deep": MAX_DEPTH. Wrapped in the event
  // envelope (data) and in an answer it is deeper than serde_json's default limit (127).
  const nested = (n) => { let v = 'bottom'; for (let i = 0; i < n; i++) v = { a: v }; return v; };
  const depthOf = (v) => { let d = 0; while (v && typeof v === 'object') { v = v.a; d++; } return [d, v]; };
  const deepUpload = (fileId) => ({ ...upload(fileId), Deep: nested(127) });
  const ids = [];
  for (const f of [uniq('deep'), uniq('deep')]) ids.push(await ingest('deep', signTencent(deepUpload(f), TKEY)));
  const tooDeep = await post(worker.base, 'deep', signTencent({ ...upload(uniq('deep')), Deep: nested(128) }, TKEY));
  assert.equal(tooDeep.status, 400, tooDeep.text);
  assert.equal(tooDeep.json.error.code, 'malformed_payload');

  const [first] = await pullAll('deep', { max: 1, wait_seconds: 0 });
  assert.equal(first.event.id, ids[0]);
  assert.deepEqual(depthOf(first.event.data.Deep), [127, 'bottom'], 'events:pull returns the event whole');
  const tc = await api('deep', 'tencent/PullEvents', {});
  assert.equal(tc.status, 200, tc.text);
  const [ev] = tc.json.Response.EventSet;
  assert.equal(ev.MediahookEvent.id, ids[1]);
  assert.equal(ev.EventType, 'NewFileUpload');
  assert.deepEqual(depthOf(ev.Deep), [127, 'bottom'], 'PullEvents returns the event whole');
  assert.equal((await confirm('deep', [first.handle])).confirmed, 1);

  for (const id of ids) {
    const r = await fetch(`${worker.base}/v1/events/${id}?source=deep`, { headers: { authorization: `Bearer ${ADMIN}` } });
    const text = await r.text();
    assert.equal(r.status, 200, text);
    assert.deepEqual(depthOf(JSON.parse(text).event.data.Deep), [127, 'bottom'], 'the admin API shows the event whole');
  }
  await waitFor(() => origin.received('/deep').length >= 2, { what: 'both pushed to the origin' });
  for (const r of origin.received('/deep')) assert.deepEqual(depthOf(JSON.parse(r.body).data.Deep), [127, 'bottom']);
});

test('the admin API shows the pull side of each event: pending, in flight, confirmed, absent', async () => {
  const adminGet = async (p) => {
    const r = await fetch(`${worker.base}${p}`, { headers: { authorization: `Bearer ${ADMIN}` } });
    assert.equal(r.status, 200, p);
    return r.json();
  };
  const pullOf = async (id) => (await adminGet(`/v1/events/${id}?source=adm`)).pull;
  const kept = await ingestTencent('adm');
  // tencent_vod.ProcedureStateChanged is not a media.* type: stored, not kept for pulling.
  const skipped = await ingest('adm', signTencent({ EventType: 'ProcedureStateChanged', ProcedureStateChangeEvent: { TaskId: uniq('t'), Status: 'FINISH', FileId: uniq('f') } }, TKEY));
  assert.deepEqual(await pullOf(kept), { status: 'pending', pulls: 0, confirmed_at: null });
  assert.deepEqual(await pullOf(skipped), { status: 'absent' });
  const [p] = await pullAll('adm');
  assert.equal(p.event.id, kept);
  assert.deepEqual(await pullOf(kept), { status: 'in_flight', pulls: 1, confirmed_at: null });
  assert.equal((await confirm('adm', [p.handle])).confirmed, 1);
  const done = await pullOf(kept);
  assert.equal(done.status, 'confirmed');
  assert.match(done.confirmed_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  // The listing says the same; events of a source without pull delivery have no `pull`.
  const byId = new Map((await adminGet('/v1/events?source=adm')).events.map((e) => [e.id, e]));
  assert.equal(byId.get(kept).pull.status, 'confirmed');
  assert.equal(byId.get(skipped).pull.status, 'absent');
  const plain = await ingestTencent('nopull');
  assert.equal((await adminGet(`/v1/events/${plain}?source=nopull`)).pull, undefined);
});

test('pulled but unconfirmed events come back after the visibility timeout; late confirms are reported', async () => {
  const ids = [await ingestTencent('redeliver'), await ingestTencent('redeliver')];
  const first = await pullAll('redeliver');
  assert.deepEqual(first.map((e) => e.event.id), ids);
  assert.deepEqual(await pullAll('redeliver'), [], 'invisible while in flight');
  const st = await state('redeliver');
  assert.equal(st.in_flight, 2);
  assert.equal(st.pending, 0);

  // A long-poll started now returns when the timeout (2 s) ends, with the same events.
  const t0 = Date.now();
  const second = await pullAll('redeliver', { wait_seconds: 10 });
  const waited = Date.now() - t0;
  assert.deepEqual(second.map((e) => e.event.id), ids);
  assert.ok(waited < 8000, `came back after ${waited} ms`);
  for (let i = 0; i < 2; i++) assert.notEqual(second[i].handle, first[i].handle, 'a new pull gets new handles');

  // The first handles are past their visibility timeout: reported, not a silent success.
  const late = await confirm('redeliver', first.map((e) => e.handle));
  assert.equal(late.confirmed, 0);
  assert.equal(late.failed, 2);
  assert.deepEqual(late.results.map((r) => r.outcome), ['expired', 'expired']);

  const ok = await confirm('redeliver', second.map((e) => e.handle));
  assert.equal(ok.confirmed, 2);
  const twice = await confirm('redeliver', [second[0].handle, 'nonsense', '999999.0123456789abcdef']);
  assert.deepEqual(twice.results.map((r) => r.outcome), ['already_confirmed', 'unknown', 'unknown']);

  // Late confirm with nobody else pulling in between: reported expired, and pulled again.
  const id3 = await ingestTencent('redeliver');
  const [e3] = await pullAll('redeliver');
  assert.equal(e3.event.id, id3);
  await sleep(2300);
  const late3 = await confirm('redeliver', [e3.handle]);
  assert.equal(late3.results[0].outcome, 'expired');
  const [again] = await pullAll('redeliver');
  assert.equal(again.event.id, id3);
  assert.equal((await confirm('redeliver', [again.handle])).confirmed, 1);
  assert.deepEqual(await state('redeliver'), { pending: 0, in_flight: 0, oldest_age_seconds: 0 });
});

test('concurrent pullers never receive the same in-flight event', async () => {
  const N = 24;
  const seen = new Map(); // event id -> times received
  let received = 0;
  const deadline = Date.now() + 20_000;
  const puller = async () => {
    while (received < N && Date.now() < deadline) {
      const events = await pullAll('race', { max: 3, wait_seconds: 1 });
      for (const e of events) {
        seen.set(e.event.id, (seen.get(e.event.id) ?? 0) + 1);
        received++;
      }
    }
  };
  const pullers = Array.from({ length: 5 }, puller);
  const ids = [];
  // Ingest while the pullers are parked, 4 callbacks at a time.
  for (let i = 0; i < N; i += 4) {
    ids.push(...(await Promise.all([0, 1, 2, 3].map((k) => ingestTencent('race', `race-${i + k}`)))));
  }
  await Promise.all(pullers);
  assert.equal(received, N, `received ${received} of ${N}`);
  assert.deepEqual([...seen.keys()].sort(), [...ids].sort());
  for (const [id, n] of seen) assert.equal(n, 1, `${id} was handed out ${n} times`);
});

test('a long-poll returns as soon as an event arrives, and after wait_seconds when none does', async () => {
  assert.deepEqual(await pullAll('lp'), []);
  const t0 = Date.now();
  const pending = pullAll('lp', { max: 16, wait_seconds: 10 });
  await sleep(700);
  const sentAt = Date.now();
  const id = await ingestTencent('lp');
  const events = await pending;
  const returnedAfter = Date.now() - sentAt;
  assert.equal(events.length, 1);
  assert.equal(events[0].event.id, id);
  assert.ok(Date.now() - t0 < 4000, `long-poll took ${Date.now() - t0} ms`);
  assert.ok(returnedAfter < 1500, `returned ${returnedAfter} ms after the callback was sent`);
  await confirm('lp', [events[0].handle]);

  const t1 = Date.now();
  assert.deepEqual(await pullAll('lp', { wait_seconds: 1 }), []);
  const waited = Date.now() - t1;
  assert.ok(waited >= 900 && waited < 4000, `empty long-poll took ${waited} ms`);
  const t2 = Date.now();
  assert.deepEqual(await pullAll('lp', { wait_seconds: 0 }), []);
  assert.ok(Date.now() - t2 < 1500);
});

test('unpulled events expire after the configured retention (alarm)', async () => {
  await ingestTencent('ret');
  await ingestTencent('ret');
  const st = await state('ret');
  assert.equal(st.pending, 2);
  await waitFor(async () => {
    const s = await state('ret');
    return s.pending === 0 && s.in_flight === 0 && s;
  }, { what: 'retention expiry', timeoutMs: 15_000, everyMs: 250 });
  assert.deepEqual(await pullAll('ret'), []);
});

test('bad tokens → 401, bad bodies → 400, wrong method → 405, unknown or non-pull source → 404', async () => {
  for (const token of [null, '', `${TOKEN}x`, OTHER_TOKEN, TOKEN.slice(0, -1)]) {
    for (const [op, method] of [['events:pull', 'POST'], ['events:confirm', 'POST'], ['events:state', 'GET']]) {
      const r = await api('tp', op, { handles: ['1.a'] }, { token, method });
      assert.equal(r.status, 401, `${op} with ${token === null ? 'no' : 'a wrong'} token`);
      assert.equal(r.json.error.code, 'unauthorized');
      assert.equal(r.headers.get('www-authenticate'), 'Bearer');
      assert.ok(!r.text.includes(TOKEN));
    }
  }
  assert.equal((await api('other', 'events:state', undefined, { method: 'GET', token: OTHER_TOKEN })).status, 200);
  const basic = await fetch(`${worker.base}/v1/sources/tp/events:pull`, { method: 'POST', headers: { authorization: `Basic ${TOKEN}` }, body: '{}' });
  assert.equal(basic.status, 401);

  const bad = [
    ['events:pull', { max: 0 }, 'max'],
    ['events:pull', { max: 17 }, 'max'],
    ['events:pull', { max: 1.5 }, 'max'],
    ['events:pull', { wait_seconds: 11 }, 'wait_seconds'],
    ['events:pull', { wait_seconds: -1 }, 'wait_seconds'],
    ['events:pull', { wait: 1 }, 'unknown field'],
    ['events:confirm', {}, 'handles'],
    ['events:confirm', { handles: [] }, 'handles'],
    ['events:confirm', { handles: 'a.b' }, 'handles'],
    ['events:confirm', { handles: [1, 2] }, 'handles'],
    ['events:confirm', { handles: Array.from({ length: 17 }, (_, i) => `${i}.a`) }, 'handles'],
  ];
  for (const [op, body, needle] of bad) {
    const r = await api('tp', op, body);
    assert.equal(r.status, 400, `${op} ${JSON.stringify(body)}: ${r.text}`);
    assert.equal(r.json.error.code, 'bad_request');
    assert.ok(r.json.error.message.includes(needle), r.json.error.message);
  }
  for (const raw of ['{', '[]', '"x"', 'null']) {
    const r = await api('tp', 'events:pull', undefined, { raw });
    assert.equal(r.status, 400, raw);
    assert.equal(r.json.error.code, 'bad_request');
  }
  const big = await api('tp', 'events:confirm', undefined, { raw: JSON.stringify({ handles: ['x'.repeat(70_000)] }) });
  assert.equal(big.status, 413);

  const get = await api('tp', 'events:pull', undefined, { method: 'GET' });
  assert.equal(get.status, 405);
  assert.equal(get.headers.get('allow'), 'POST');
  const postState = await api('tp', 'events:state', {});
  assert.equal(postState.status, 405);
  assert.equal(postState.headers.get('allow'), 'GET');

  const unknown = await api('nope', 'events:pull', {});
  assert.equal(unknown.status, 404);
  assert.equal(unknown.json.error.code, 'unknown_source');
  const disabled = await api('nopull', 'events:pull', {});
  assert.equal(disabled.status, 404);
  assert.equal(disabled.json.error.code, 'pull_disabled');
  assert.equal((await api('tp', 'events:peek', {})).status, 404);
  // One log line per pull request, never the token.
  const lines = worker.logLines().filter((l) => l.at === 'pull');
  assert.ok(lines.some((l) => l.outcome === 'unauthorized' && l.status === 401 && l.source === 'tp'));
  assert.ok(!JSON.stringify(worker.logLines()).includes(TOKEN));
  // A percent-encoded ':' is the same route.
  const encoded = await fetch(`${worker.base}/v1/sources/tp/events%3Astate`, { headers: { authorization: `Bearer ${TOKEN}` } });
  assert.equal(encoded.status, 200);
  assert.equal(typeof (await encoded.json()).pending, 'number');
});

test('Tencent-compatible PullEvents / ConfirmEvents', async () => {
  const fileId = uniq('tc');
  const id = await ingestTencent('tc', fileId);
  const tc = (action, body, token = TOKEN) => api('tc', `tencent/${action}`, body, { token });
  const pulled = await tc('PullEvents', {});
  assert.equal(pulled.status, 200, pulled.text);
  const { EventSet, RequestId } = pulled.json.Response;
  assert.equal(typeof RequestId, 'string');
  assert.equal(EventSet.length, 1);
  const [ev] = EventSet;
  assert.equal(typeof ev.EventHandle, 'string');
  assert.equal(ev.EventType, 'NewFileUpload');
  assert.equal(ev.FileUploadEvent.FileId, fileId);
  assert.equal(ev.MediahookEvent.id, id);
  assert.equal(ev.Sign, undefined);

  const confirmed = await tc('ConfirmEvents', { EventHandles: [ev.EventHandle] });
  assert.equal(confirmed.status, 200);
  assert.equal(confirmed.json.Response.Error, undefined);
  assert.equal(typeof confirmed.json.Response.RequestId, 'string');

  const again = await tc('ConfirmEvents', { EventHandles: [ev.EventHandle, 'bogus'] });
  assert.equal(again.status, 200);
  assert.equal(again.json.Response.Error.Code, 'InvalidParameterValue.EventHandles');
  assert.deepEqual(again.json.Response.FailedEventHandles, [
    { EventHandle: ev.EventHandle, Reason: 'already_confirmed' },
    { EventHandle: 'bogus', Reason: 'unknown' },
  ]);

  const denied = await tc('PullEvents', {}, 'wrong-token-wrong-token');
  assert.equal(denied.status, 401);
  assert.equal(denied.json.Response.Error.Code, 'AuthFailure');
  const badBody = await tc('ConfirmEvents', { EventHandles: 'x' });
  assert.equal(badBody.status, 400);
  assert.equal(badBody.json.Response.Error.Code, 'InvalidParameter');
});

test('a restart of the local runtime between ingest and pull loses nothing', async () => {
  const ids = [];
  for (let i = 0; i < 3; i++) ids.push(await ingestTencent('restart', `restart-${i}`));
  // One of them is in flight (pulled, not confirmed) at the restart.
  const [inFlight] = await pullAll('restart', { max: 1, wait_seconds: 0 });
  assert.equal(inFlight.event.id, ids[0]);
  await worker.stop();
  worker = await startWorker(config, { name: 'pull-restarted', persistTo: stateDir });

  const st = await state('restart');
  assert.equal(st.pending + st.in_flight, 3);
  // The two never pulled are there; the in-flight one comes back once its visibility
  // timeout (2 s) has ended (usually already during the restart).
  const got = [];
  await waitFor(async () => {
    got.push(...(await pullAll('restart', { wait_seconds: 3 })));
    return got.length >= 3;
  }, { what: 'all three events after the restart', timeoutMs: 15_000, everyMs: 0 });
  assert.deepEqual(got.map((e) => e.event.id).sort(), [...ids].sort());
  const c = await confirm('restart', got.map((e) => e.handle));
  assert.equal(c.confirmed, 3);
  assert.deepEqual(await state('restart'), { pending: 0, in_flight: 0, oldest_age_seconds: 0 });
  // Earlier confirmations survived too.
  assert.deepEqual(await pullAll('tp'), []);
});
