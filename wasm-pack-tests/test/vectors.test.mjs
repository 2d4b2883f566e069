// Every case of testdata/vectors/*.json through the public JS API of the packed package,
// via require() and import(), with string and Uint8Array bodies, plain-object and Headers headers.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { importMediahook, loadVectors, outcome, requireMediahook } from './helpers.mjs';

const enc = new TextEncoder();
const apis = {
  require: async () => requireMediahook(),
  import: async () => importMediahook(),
};
const bodies = { string: (s) => s, Uint8Array: (s) => enc.encode(s) };

function check(file, run, label = '') {
  const cases = loadVectors(file);
  for (const [apiName, load] of Object.entries(apis)) {
    it(`${file}: ${cases.length} cases via ${apiName}${label}`, async () => {
      const m = await load();
      const failures = [];
      for (const c of cases) {
        for (const [bodyName, body] of Object.entries(bodies)) {
          const got = outcome(() => run(m, c, body(c.body)), m.MediahookError);
          if (got !== c.expect) failures.push(`${c.name} (${bodyName} body): expected ${c.expect}, got ${got}`);
        }
      }
      assert.deepEqual(failures, []);
    });
  }
}

describe('shared vectors through the JS API', () => {
  check('tencent_vod.json', (m, c, body) => m.verifyCallback('tencent_vod', { body, key: c.key, now: c.now * 1000 }));
  check('volcengine_live.json', (m, c, body) =>
    m.verifyCallback('volcengine_live', { body, key: c.key, now: c.now * 1000 }));
  check('baidu_vod.json', (m, c, body) =>
    m.verifyCallback('baidu_vod', { body, headers: c.headers, key: c.key, callbackUrl: c.callback_url, now: c.now_ms }));
  check('baidu_vod.json', (m, c, body) =>
    m.verifyCallback('baidu_vod', {
      body, headers: new Headers(c.headers), key: c.key, callbackUrl: c.callback_url, now: c.now_ms,
    }), ', fetch Headers');
  check('byteplus_live.json', (m, c, body) => m.verifyCallback('byteplus_live', { body, key: c.key, now: c.now * 1000 }));
  check('tencent_live.json', (m, c, body) => m.verifyCallback('tencent_live', { body, key: c.key, now: c.now * 1000 }));
  check('aliyun_vod.json', (m, c, body) =>
    m.verifyCallback('aliyun_vod', { body, headers: c.headers, key: c.key, callbackUrl: c.callback_url, now: c.now * 1000 }));
  check('aliyun_vod.json', (m, c, body) =>
    m.verifyCallback('aliyun_vod', {
      body, headers: new Headers(c.headers), key: c.key, callbackUrl: c.callback_url, now: c.now * 1000,
    }), ', fetch Headers');
  it('every vendor of vendorInfo() has its vector file checked above', async () => {
    const m = await requireMediahook();
    const checked = ['tencent_vod', 'volcengine_live', 'baidu_vod', 'byteplus_live', 'tencent_live', 'aliyun_vod'];
    assert.deepEqual(m.vendorInfo().map((v) => v.id).sort(), [...checked].sort());
  });
  check('standard_webhooks.json', (m, c, body) => {
    const headers = { 'webhook-id': c.id, 'webhook-timestamp': String(c.timestamp), 'webhook-signature': c.signature };
    return new m.StandardWebhook(c.secret).verify(body, headers, { now: c.now * 1000 });
  });
  check('standard_webhooks.json', (m, c, body) => {
    const headers = new Headers({ 'Webhook-Id': c.id, 'Webhook-Timestamp': String(c.timestamp), 'Webhook-Signature': c.signature });
    return new m.StandardWebhook([c.secret]).verify(body, headers, { now: c.now * 1000 });
  }, ', fetch Headers with capitalised names');

  it('valid vectors normalize to the SPEC §3 event', async () => {
    const m = requireMediahook();
    const t = loadVectors('tencent_vod.json').find((c) => c.name === 'valid');
    const ev = m.verifyCallback('tencent_vod', { body: t.body, key: t.key, now: t.now * 1000, source: 'tencent-prod' });
    assert.equal(ev.type, 'media.upload.completed');
    assert.equal(ev.vendor, 'tencent_vod');
    assert.equal(ev.vendor_type, 'NewFileUpload');
    assert.equal(ev.source, 'tencent-prod');
    assert.equal(ev.subject, '5285890784273533167');
    assert.match(ev.id, /^evt_[0-9a-f]{32}$/);
    assert.equal(ev.timestamp, '2019-01-09T16:36:22Z');
    assert.equal(ev.data.Sign, undefined);
    assert.equal(ev.data.T, undefined);
    assert.equal(ev.data.FileUploadEvent.FileId, '5285890784273533167');
    // normalize() (no verification) yields the same id: signature fields do not count.
    assert.equal(m.normalize('tencent_vod', t.body).id, ev.id);

    const b = loadVectors('baidu_vod.json').find((c) => c.name === 'valid');
    const bev = m.verifyCallback('baidu_vod', {
      body: Buffer.from(b.body), headers: b.headers, key: b.key, callbackUrl: b.callback_url, now: b.now_ms,
    });
    assert.deepEqual([bev.id, bev.type, bev.subject], ['evt-9f3c2a', 'media.upload.completed', 'mda-abc123']);

    for (const name of ['valid', 'data_wrapped_shape']) {
      const v = loadVectors('volcengine_live.json').find((c) => c.name === name);
      const vev = m.verifyCallback('volcengine_live', { body: v.body, key: v.key, now: v.now * 1000 });
      assert.equal(vev.vendor, 'volcengine_live');
      assert.ok(vev.type.startsWith('live.') || vev.type.startsWith('volcengine_live.'), vev.type);
      assert.equal(JSON.stringify(vev.data).includes('"sign"'), false);
    }
  });
});
