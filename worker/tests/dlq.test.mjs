// The queue's own dead-letter path, on workerd with the real local queue broker: with the
// deliveries queue's `max_retries` set to 0 for this run, the first retry the consumer asks for
// sends the message to `mediahook-deliveries-dlq`, whose consumer (this worker) must keep the
// event (the message carries it), mark it dead, and leave it replayable. Nothing is lost.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, test } from 'node:test';
import { Webhook } from 'standardwebhooks';

import { post, signTencent, sleep, startOrigin, startWorker, waitFor } from './harness.mjs';

const SECRET = `whsec_${randomBytes(24).toString('base64')}`;
const ADMIN = `admin-${randomBytes(12).toString('hex')}`;
const TKEY = 'TencentSignKeyDlq';

let origin;
let worker;

const admin = async (p, init = {}) => {
  const r = await fetch(`${worker.base}${p}`, { ...init, headers: { authorization: `Bearer ${ADMIN}` } });
  return { status: r.status, json: await r.json().catch(() => null) };
};
const eventState = async (id) => (await admin(`/v1/events/${encodeURIComponent(id)}?source=dlq`)).json;

before(async () => {
  origin = await startOrigin();
  worker = await startWorker({
    test_mode: true,
    allow_loopback: true,
    admin_token: ADMIN,
    // The consumer would allow 5 attempts; the queue gives up first (max_retries = 0).
    delivery: { timeout_ms: 1500, max_attempts: 5, backoff_base_seconds: 1, backoff_max_seconds: 2 },
    sources: [{ name: 'dlq', vendor: 'tencent_vod', key: TKEY, destinations: [{ url: origin.url('/dlq'), secret: SECRET }] }],
  }, {
    name: 'dlq',
    wranglerEdit: (toml) => toml.replace(
      /(queue = "mediahook-deliveries"\nmax_batch_size = \d+\nmax_batch_timeout = \d+\n)max_retries = \d+/,
      '$1max_retries = 0',
    ),
  });
});

after(async () => {
  await worker?.stop();
  await origin?.close();
});

test('a message the queue gives up on ends dead in the store (event kept), then replays to delivery', async () => {
  origin.script('/dlq', [{ status: 500 }]);
  const signed = signTencent({ EventType: 'NewFileUpload', FileUploadEvent: { FileId: `dlq-${randomBytes(4).toString('hex')}` } }, TKEY);
  const first = await post(worker.base, 'dlq', signed);
  assert.equal(first.status, 200, first.text);
  const { id } = first.json;
  // A vendor retry right behind it: dropped as a duplicate, never dead-lettered.
  assert.equal((await post(worker.base, 'dlq', signed)).status, 200);

  const dead = await waitFor(async () => {
    const s = await eventState(id);
    return s?.status === 'dead' && s;
  }, { what: 'the event marked dead by the dead-letter consumer', timeoutMs: 30_000 });
  // One real attempt (HTTP 500), then the queue gave up; the consumer's own limit (5) was not reached.
  assert.equal(origin.received('/dlq').length, 1);
  const [d] = dead.destinations;
  assert.equal(d.status, 'dead');
  assert.equal(d.attempts, 1);
  assert.equal(d.last_status, 500);
  assert.match(d.last_error, /queue gave up/);
  assert.equal(dead.duplicates, 1);
  assert.ok(worker.logLines().some((l) => l.at === 'dead_letter' && l.event_id === id && l.outcome === 'dead'));
  assert.ok((await admin('/v1/events?source=dlq&status=dead')).json.events.some((e) => e.id === id));

  // The origin recovers; the dead letter is replayed and delivered with the same webhook-id.
  origin.script('/dlq', [{ status: 200 }]);
  const rep = await admin('/v1/dead-letters/replay?source=dlq', { method: 'POST' });
  assert.equal(rep.status, 202, JSON.stringify(rep.json));
  assert.ok(rep.json.replayed.some((x) => x.id === id));
  await waitFor(async () => (await eventState(id))?.status === 'delivered', { what: 'delivered after replay' });
  const reqs = origin.received('/dlq');
  assert.equal(reqs.length, 2);
  assert.equal(reqs[1].headers['webhook-id'], id);
  assert.equal(new Webhook(SECRET).verify(reqs[1].body, reqs[1].headers).id, id);
  await sleep(1500);
  assert.equal(origin.received('/dlq').length, 2, 'no further deliveries');
});
