// The queue's own dead-letter path, on workerd with the real local queue broker, with the
// deliveries queue's `max_retries` set to 0 for this run. The queue only wakes the store; a
// message in an older format (carrying its event) that the consumer cannot store while the
// store is down goes to `mediahook-deliveries-dlq`, whose consumer (this worker) stores the
// event once the store is back: it is delivered, once, by its shard. The queue's retry budget
// never marks anything dead, and a message that does not parse is quarantined, not dropped.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, test } from 'node:test';
import { Webhook } from 'standardwebhooks';

import { sleep, startOrigin, startWorker, waitFor } from './harness.mjs';

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
const testPost = (p, body) => fetch(`${worker.base}${p}`, { method: 'POST', body });

before(async () => {
  origin = await startOrigin();
  worker = await startWorker({
    test_mode: true,
    allow_loopback: true,
    admin_token: ADMIN,
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

test('an old-format message the queue gives up on (store down) is stored from the dead-letter queue and delivered once', async () => {
  const id = `evt_old_${randomBytes(8).toString('hex')}`;
  const event = { id, type: 'media.upload.completed', vendor: 'tencent_vod', vendor_type: 'NewFileUpload', source: 'dlq', data: { FileId: 'f-old' } };
  const message = JSON.stringify({
    source: 'dlq', id,
    admit: {
      type: 'media.upload.completed', vendor_type: 'NewFileUpload', subject: 'f-old',
      dests: [origin.url('/dlq')], received_at: Date.now(), nonce: 'n-old', event: JSON.stringify(event),
    },
  });
  // The store is down for 1.5 s: the consumer cannot store the event and asks for a retry;
  // with max_retries = 0 the message moves to the dead-letter queue at once.
  assert.equal((await testPost('/v1/test/faults', JSON.stringify({ store_ms: 1500 }))).status, 200);
  assert.equal((await testPost('/v1/test/queue-send', message)).status, 200);

  const [req] = await waitFor(() => origin.received('/dlq').length && origin.received('/dlq'), { what: 'delivery of the dead-lettered event', timeoutMs: 30_000 });
  assert.equal(req.headers['webhook-id'], id);
  assert.equal(new Webhook(SECRET).verify(req.body, req.headers).id, id);
  const lines = worker.logLines();
  assert.ok(lines.some((l) => l.at === 'queue' && l.event_id === id && l.outcome === 'store_unavailable'), 'the consumer met the store outage');
  assert.ok(lines.some((l) => l.at === 'queue' && l.queue === 'mediahook-deliveries-dlq' && l.event_id === id && l.outcome === 'accepted'), 'stored from the dead-letter queue');
  await waitFor(async () => (await eventState(id))?.status === 'delivered', { what: 'delivered state' });

  // A later wake-up for the same event, in any shape naming source and id, changes nothing.
  assert.equal((await testPost('/v1/test/queue-send', JSON.stringify({ source: 'dlq', id, v: 99 }))).status, 200);
  await waitFor(() => worker.logLines().some((l) => l.at === 'queue' && l.event_id === id && l.outcome === 'woken'), { what: 'the wake-up' });
  await sleep(1500);
  assert.equal(origin.received('/dlq').length, 1, 'delivered exactly once');
});

test('a message that does not parse is quarantined, not dropped', async () => {
  const junk = `not-json-${randomBytes(4).toString('hex')}`;
  assert.equal((await testPost('/v1/test/queue-send', junk)).status, 200);
  const q = await waitFor(async () => {
    const r = await admin('/v1/dead-letters/quarantine');
    return r.json?.messages?.some((m) => m.body === junk) && r.json;
  }, { what: 'the quarantined message' });
  assert.ok(q.messages.every((m) => typeof m.queue === 'string' && typeof m.received_at === 'number'));
  assert.ok(worker.logLines().some((l) => l.at === 'queue' && l.outcome === 'quarantined'));
});
