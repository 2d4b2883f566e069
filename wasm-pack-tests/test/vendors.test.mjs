// The vendor registry through the packed package: vendorInfo(), byteplus_live, and the
// per-source Live options (signOrder, timestamp, windowSeconds) in verifyCallback/signCallback.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { importMediahook, loadVectors, outcome, repoDir, requireMediahook } from './helpers.mjs';

const NOW = 1_750_003_200_000;

describe('vendorInfo()', () => {
  it('lists every registered vendor with its scheme, and each sample normalizes to its type', async () => {
    const m = requireMediahook();
    const info = m.vendorInfo();
    const ids = info.map((v) => v.id);
    for (const id of ['tencent_vod', 'baidu_vod', 'volcengine_live', 'byteplus_live']) assert.ok(ids.includes(id), id);
    for (const v of info) {
      assert.ok(['body', 'headers'].includes(v.signature.location), v.id);
      assert.equal(v.signature.location === 'headers', v.signature.headers.length > 0, v.id);
      assert.ok(v.configFields.length > 0 && v.samples.length > 0, v.id);
      for (const s of v.samples) {
        const n = m.normalize(v.id, s.body, { receivedAt: NOW });
        assert.equal(n.vendor_type, s.vendorType, v.id);
        const shared = v.eventTypes.find((t) => t.vendorType === s.vendorType);
        if (shared) assert.equal(n.type, shared.type, v.id);
        // The sign helper makes genuine callbacks of every sample.
        const signed = m.signCallback(v.id, { body: s.body, key: 'k3y', now: NOW, callbackUrl: 'https://h.example.com/cb' });
        const ok = m.verifyCallback(v.id, { body: signed.body, headers: signed.headers, key: 'k3y', callbackUrl: 'https://h.example.com/cb', now: NOW + 1000 });
        assert.equal(ok.vendor_type, s.vendorType);
      }
    }
    assert.equal(info.find((v) => v.id === 'baidu_vod').requiresCallbackUrl, true);
    // A fresh copy each call.
    info[0].name = 'changed';
    assert.notEqual(m.vendorInfo()[0].name, 'changed');
    const esm = await importMediahook();
    assert.deepEqual(esm.vendorInfo(), m.vendorInfo());
  });
});

describe('Live per-source options', () => {
  const cases = loadVectors('byteplus_live.json');

  it(`byteplus_live.json: ${cases.length} cases as byteplus_live and as volcengine_live with signOrder + timestamp`, () => {
    const m = requireMediahook();
    const failures = [];
    for (const c of cases) {
      const now = c.now * 1000;
      const a = outcome(() => m.verifyCallback('byteplus_live', { body: c.body, key: c.key, now }), m.MediahookError);
      const b = outcome(() => m.verifyCallback('volcengine_live', {
        body: c.body, key: c.key, now, signOrder: 'time_first', timestamp: 'sent', windowSeconds: 300,
      }), m.MediahookError);
      if (a !== c.expect) failures.push(`${c.name} byteplus_live: expected ${c.expect}, got ${a}`);
      if (b !== c.expect) failures.push(`${c.name} volcengine_live+overrides: expected ${c.expect}, got ${b}`);
    }
    assert.deepEqual(failures, []);
  });

  it('timestamp "sent" signs t = now and is judged within windowSeconds; "expiry" is t = now + ttl', () => {
    const m = requireMediahook();
    const body = { event_type: 'push_start', vhost: 'v', app: 'a', stream: 's' };
    const sent = m.signCallback('volcengine_live', { body, key: 'k', now: NOW, timestamp: 'sent' });
    assert.equal(JSON.parse(sent.body).t, NOW / 1000);
    const req = { body: sent.body, key: 'k', timestamp: 'sent', windowSeconds: 60 };
    assert.equal(m.verifyCallback('volcengine_live', { ...req, now: NOW + 60_000 }).subject, 'v/a/s');
    assert.equal(outcome(() => m.verifyCallback('volcengine_live', { ...req, now: NOW + 61_000 }), m.MediahookError), 'expired');
    // Read as an expiry (the Volcengine default), a send time is already past.
    assert.equal(outcome(() => m.verifyCallback('volcengine_live', { body: sent.body, key: 'k', now: NOW + 1000 }), m.MediahookError), 'expired');
    const exp = m.signCallback('byteplus_live', { body, key: 'k', now: NOW, timestamp: 'expiry', signOrder: 'key_first', ttlSeconds: 600 });
    assert.equal(JSON.parse(exp.body).t, NOW / 1000 + 600);
    assert.ok(m.verifyCallback('byteplus_live', { body: exp.body, key: 'k', now: NOW + 599_000, timestamp: 'expiry', signOrder: 'key_first' }));
    assert.throws(() => m.verifyCallback('volcengine_live', { body: exp.body, key: 'k', timestamp: 'later' }), TypeError);
    assert.throws(() => m.verifyCallback('volcengine_live', { body: exp.body, key: 'k', windowSeconds: Infinity }), TypeError);
  });
});

// Every testdata/cases/*.json through the package (the core runs them too: tests/cases.rs).
describe('testdata/cases', () => {
  const dir = process.env.MEDIAHOOK_CASES || join(repoDir, 'testdata', 'cases');
  const files = readdirSync(dir).filter((f) => f.endsWith('.json')).sort();
  it(`${files.length} real-world cases: verify and normalize kinds`, () => {
    const m = requireMediahook();
    const failures = [];
    for (const f of files) {
      const c = JSON.parse(readFileSync(join(dir, f), 'utf8'));
      const opts = {
        body: c.body, headers: c.headers, key: c.key, callbackUrl: c.callback_url, now: c.now_ms,
        signOrder: c.sign_order, timestamp: c.timestamp, windowSeconds: c.window_seconds,
      };
      if (c.kind === 'verify') {
        const got = c.key === null
          ? outcome(() => m.normalize(c.vendor, c.body), m.MediahookError)
          : outcome(() => m.verifyCallback(c.vendor, opts), m.MediahookError);
        if (got !== c.expect) failures.push(`${f}: expected ${c.expect}, got ${got}`);
      } else if (c.kind === 'normalize') {
        const n = m.normalize(c.vendor, c.body, { receivedAt: c.now_ms });
        if (c.key !== null) {
          const v = m.verifyCallback(c.vendor, opts);
          if (v.id !== n.id) failures.push(`${f}: verified id differs`);
        }
        if (n.vendor_type !== c.expect.vendor_type) failures.push(`${f}: vendor_type ${n.vendor_type}`);
        if ((n.subject ?? null) !== c.expect.subject) failures.push(`${f}: subject ${n.subject}`);
        if (c.expect.type && n.type !== c.expect.type) failures.push(`${f}: type ${n.type}`);
      }
    }
    assert.deepEqual(failures, []);
  });
});
