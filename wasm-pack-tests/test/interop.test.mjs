// Interop with the npm `standardwebhooks` (and `svix`) packages, both ways, including key
// rotation and the tolerance edges.
import { describe, it, mock } from 'node:test';
import assert from 'node:assert/strict';
import { Webhook as TheirWebhook } from 'standardwebhooks';
import { Webhook as SvixWebhook } from 'svix';
import { requireMediahook } from './helpers.mjs';

const OLD = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const NEW = 'whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD';
const T = 1_732_270_000; // a fixed "now", Unix seconds
const body = JSON.stringify({ type: 'media.upload.completed', data: { FileId: '528', name: 'Ünïcødé ✓' } });

function headers(id, ts, sig) {
  return { 'webhook-id': id, 'webhook-timestamp': String(ts), 'webhook-signature': sig };
}

/** Runs `fn` with Date frozen at `seconds` (their libraries read the clock themselves). */
function at(seconds, fn) {
  mock.timers.enable({ apis: ['Date'], now: seconds * 1000 });
  try {
    return fn();
  } finally {
    mock.timers.reset();
  }
}

describe('ours signs → standardwebhooks verifies', () => {
  it('same signature bytes as theirs, for string and Uint8Array bodies', () => {
    const { StandardWebhook } = requireMediahook();
    const ours = new StandardWebhook(OLD);
    const theirs = new TheirWebhook(OLD);
    const sig = ours.sign('msg_1', T, body);
    assert.equal(sig, theirs.sign('msg_1', new Date(T * 1000), body));
    assert.equal(ours.sign('msg_1', T, new TextEncoder().encode(body)), sig);
    assert.deepEqual(at(T, () => theirs.verify(body, headers('msg_1', T, sig))), JSON.parse(body));
  });

  it('rotation: ours signs with [old, new]; theirs verifies with either key alone', () => {
    const { StandardWebhook } = requireMediahook();
    const sig = new StandardWebhook([OLD, NEW]).sign('msg_rot', T, body);
    assert.equal(sig.split(' ').length, 2);
    for (const secret of [OLD, NEW]) {
      assert.deepEqual(at(T, () => new TheirWebhook(secret).verify(body, headers('msg_rot', T, sig))), JSON.parse(body));
    }
    assert.throws(() => at(T, () => new TheirWebhook('whsec_' + Buffer.from('third key').toString('base64')).verify(body, headers('msg_rot', T, sig))));
  });

  it('tolerance edges: theirs accepts ±300 s and refuses 301 s', () => {
    const { StandardWebhook } = requireMediahook();
    const theirs = new TheirWebhook(OLD);
    const sig = new StandardWebhook(OLD).sign('m', T, body);
    assert.ok(at(T + 300, () => theirs.verify(body, headers('m', T, sig))));
    assert.ok(at(T - 300, () => theirs.verify(body, headers('m', T, sig))));
    assert.throws(() => at(T + 301, () => theirs.verify(body, headers('m', T, sig))), /too old/i);
    assert.throws(() => at(T - 301, () => theirs.verify(body, headers('m', T, sig))), /too new/i);
  });

  it('svix verifies ours too (svix-* and webhook-* headers)', () => {
    const { StandardWebhook } = requireMediahook();
    const sig = new StandardWebhook([NEW, OLD]).sign('msg_svix', T, body);
    const svix = new SvixWebhook(OLD);
    const branded = { 'svix-id': 'msg_svix', 'svix-timestamp': String(T), 'svix-signature': sig };
    // svix 2.x returns nothing and throws when a message does not verify.
    at(T, () => svix.verify(body, branded));
    at(T, () => svix.verify(body, headers('msg_svix', T, sig)));
    assert.throws(() => at(T, () => svix.verify(body + ' ', branded)));
    assert.throws(() => at(T + 301, () => svix.verify(body, branded)));
  });
});

describe('standardwebhooks signs → ours verifies', () => {
  it('string, Buffer and Uint8Array bodies; plain-object and Headers headers', () => {
    const { StandardWebhook } = requireMediahook();
    const sig = new TheirWebhook(OLD).sign('msg_2', new Date(T * 1000), body);
    const ours = new StandardWebhook(OLD);
    const expected = JSON.parse(body);
    const opts = { now: T * 1000 };
    assert.deepEqual(ours.verify(body, headers('msg_2', T, sig), opts), expected);
    assert.deepEqual(ours.verify(Buffer.from(body), headers('msg_2', T, sig), opts), expected);
    assert.deepEqual(ours.verify(new TextEncoder().encode(body), new Headers(headers('msg_2', T, sig)), opts), expected);
    // Node lowercases header names; other callers may not.
    assert.deepEqual(ours.verify(body, { 'Webhook-Id': 'msg_2', 'Webhook-Timestamp': String(T), 'Webhook-Signature': sig }, opts), expected);
  });

  it('rotation: theirs signs with the new key; ours verifies holding [old, new] and [new]', () => {
    const { StandardWebhook } = requireMediahook();
    const sig = new TheirWebhook(NEW).sign('msg_3', new Date(T * 1000), body);
    assert.ok(new StandardWebhook([OLD, NEW]).verify(body, headers('msg_3', T, sig), { now: T * 1000 }));
    assert.ok(new StandardWebhook(NEW).verify(body, headers('msg_3', T, `v1,bm9wZQ== ${sig}`), { now: T * 1000 }));
    assert.throws(() => new StandardWebhook(OLD).verify(body, headers('msg_3', T, sig), { now: T * 1000 }), { kind: 'mismatch' });
  });

  it('tolerance edges: exactly ±300 s is accepted, 301 s is expired (both directions)', () => {
    const { StandardWebhook } = requireMediahook();
    const sig = new TheirWebhook(OLD).sign('m', new Date(T * 1000), body);
    const ours = new StandardWebhook(OLD);
    const v = (nowSeconds) => ours.verify(body, headers('m', T, sig), { now: nowSeconds * 1000 });
    assert.ok(v(T + 300));
    assert.ok(v(T - 300));
    assert.ok(v(T + 300) && v(T + 300.999)); // now is floored to whole seconds
    assert.throws(() => v(T + 301), { kind: 'expired' });
    assert.throws(() => v(T - 301), { kind: 'expired' });
    const wide = new StandardWebhook(OLD, { toleranceSeconds: 3600 });
    assert.ok(wide.verify(body, headers('m', T, sig), { now: (T + 3600) * 1000 }));
    assert.throws(() => wide.verify(body, headers('m', T, sig), { now: (T + 3601) * 1000 }), { kind: 'expired' });
  });

  it('header and payload problems map to the taxonomy', () => {
    const { StandardWebhook, MediahookError } = requireMediahook();
    const sig = new TheirWebhook(OLD).sign('m', new Date(T * 1000), body);
    const ours = new StandardWebhook(OLD);
    const kind = (b, h) => {
      try {
        ours.verify(b, h, { now: T * 1000 });
        return 'ok';
      } catch (e) {
        assert.ok(e instanceof MediahookError);
        return e.kind;
      }
    };
    assert.equal(kind(body, { 'webhook-id': 'm', 'webhook-timestamp': String(T) }), 'missing');
    assert.equal(kind(body, headers('m', T, '')), 'missing');
    assert.equal(kind(body, undefined), 'missing');
    assert.equal(kind(body, headers('m', '17e8', sig)), 'malformed');
    assert.equal(kind(body, headers('m', T, 'v2,' + sig.slice(3))), 'mismatch');
    assert.equal(kind(body + ' ', headers('m', T, sig)), 'mismatch');
    const notJson = 'not json';
    const s2 = new TheirWebhook(OLD).sign('m', new Date(T * 1000), notJson);
    assert.equal(kind(notJson, headers('m', T, s2)), 'malformed_payload');
  });

  it('real clock by default: a fresh message verifies without opts', () => {
    const { StandardWebhook } = requireMediahook();
    const now = new Date();
    const sig = new TheirWebhook(NEW).sign('msg_now', now, body);
    assert.ok(new StandardWebhook(NEW).verify(body, headers('msg_now', Math.floor(now.getTime() / 1000), sig)));
  });
});
