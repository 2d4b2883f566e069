// The packed package's public API: CJS require, ESM import, errors, config validation, signing.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { consumerProject, importMediahook, requireMediahook } from './helpers.mjs';

const NAMES = ['MediahookError', 'StandardWebhook', 'normalize', 'signCallback', 'validateConfig', 'vendorInfo', 'verifyCallback'];
const NOW = 1_732_269_700_000;

describe('package shape', () => {
  it('require() gives the CommonJS build with every export', () => {
    const m = requireMediahook();
    assert.deepEqual(Object.keys(m).sort(), NAMES);
    assert.equal(typeof m.verifyCallback, 'function');
  });

  it('import() gives the ESM build with the same exports, sharing one instance with require()', async () => {
    const esm = await importMediahook();
    const cjs = requireMediahook();
    assert.deepEqual(Object.keys(esm).sort(), NAMES);
    // One instance: an error thrown through one entry point is an instance of the other's class.
    assert.equal(esm.MediahookError, cjs.MediahookError);
    assert.equal(esm.StandardWebhook, cjs.StandardWebhook);
  });

  it('installed package.json has exports for require/import/browser, types, files, sideEffects, license, repository', () => {
    const pj = JSON.parse(readFileSync(join(consumerProject(), 'node_modules', 'mediahook', 'package.json'), 'utf8'));
    assert.equal(pj.name, 'mediahook');
    const root = pj.exports['.'];
    assert.ok(root.node.require && root.node.import && root.browser && root.import && root.require);
    assert.ok(pj.types && pj.files.includes('dist') && pj.sideEffects === false);
    assert.equal(pj.license, 'MIT OR Apache-2.0');
    assert.match(pj.repository.url, /mediahook/);
  });
});

describe('MediahookError', () => {
  it('is a real Error subclass with .kind, .name and a stack that points at the caller', () => {
    const { verifyCallback, MediahookError } = requireMediahook();
    let caught;
    try {
      verifyCallback('tencent_vod', { body: '{"EventType":"X"}', key: 'k', now: NOW });
    } catch (e) {
      caught = e;
    }
    assert.ok(caught instanceof MediahookError);
    assert.ok(caught instanceof Error);
    assert.equal(Object.getPrototypeOf(MediahookError.prototype), Error.prototype);
    assert.equal(caught.kind, 'missing');
    assert.equal(caught.name, 'MediahookError');
    assert.match(caught.message, /^missing: /);
    assert.equal(Object.prototype.toString.call(caught), '[object Error]');
    assert.equal(typeof caught.stack, 'string');
    assert.match(caught.stack, /^MediahookError: missing/);
    assert.match(caught.stack, /api\.test\.mjs/);
  });

  it('can be constructed and thrown by users too', () => {
    const { MediahookError } = requireMediahook();
    const e = new MediahookError('expired');
    assert.equal(e.kind, 'expired');
    assert.match(String(e), /^MediahookError: expired: /);
  });

  it('every kind is reachable through verifyCallback', () => {
    const { verifyCallback, signCallback, MediahookError } = requireMediahook();
    const signed = signCallback('tencent_vod', { body: { EventType: 'FileDeleted' }, key: 'k', now: NOW, ttlSeconds: 60 });
    const kind = (req) => {
      try {
        verifyCallback('tencent_vod', { key: 'k', now: NOW, ...req });
        return 'ok';
      } catch (e) {
        assert.ok(e instanceof MediahookError);
        return e.kind;
      }
    };
    assert.equal(kind({ body: signed.body }), 'ok');
    assert.equal(kind({ body: '{}' }), 'missing');
    assert.equal(kind({ body: '{"Sign":"zz","T":1}' }), 'malformed');
    assert.equal(kind({ body: signed.body, now: NOW + 61_000 }), 'expired');
    assert.equal(kind({ body: signed.body, key: 'K' }), 'mismatch');
    assert.equal(kind({ body: '[1]' }), 'malformed_payload');
    assert.equal(kind({ body: new Uint8Array([0xff, 0xfe]) }), 'malformed_payload');
  });

  it('bad arguments are TypeErrors, not MediahookErrors', () => {
    const m = requireMediahook();
    assert.throws(() => m.verifyCallback('aws', { body: '{}', key: 'k' }), TypeError);
    assert.throws(() => m.verifyCallback('tencent_vod', { body: 42, key: 'k' }), TypeError);
    assert.throws(() => m.verifyCallback('tencent_vod', { body: '{}' }), TypeError);
    assert.throws(() => m.verifyCallback('tencent_vod', { body: '{}', key: 'k', now: Number.NaN }), TypeError);
    assert.throws(() => m.verifyCallback('volcengine_live', { body: '{}', key: 'k', signOrder: 'sideways' }), TypeError);
    assert.throws(() => new m.StandardWebhook('whsec_!!not base64'), TypeError);
    assert.throws(() => new m.StandardWebhook([]), TypeError);
    assert.throws(() => m.validateConfig('nope', {}), TypeError);
  });

  it('verifyCallback: no callbackUrl for a vendor that signs it (baidu_vod, aliyun_vod) is a TypeError naming both, whatever the request', () => {
    const m = requireMediahook();
    const url = 'https://hooks.example.com/v1/hooks/x';
    for (const vendor of ['baidu_vod', 'aliyun_vod']) {
      const signed = m.signCallback(vendor, { body: { eventType: 'MEDIA_UPLOAD_COMPLETE', EventType: 'FileUploadComplete' }, key: 'k', now: NOW, callbackUrl: url });
      for (const req of [{ headers: signed.headers }, { headers: signed.headers, callbackUrl: '' }, { headers: {} }]) {
        assert.throws(() => m.verifyCallback(vendor, { body: signed.body, key: 'k', now: NOW, ...req }),
          (e) => e instanceof TypeError && e.message.startsWith(`callbackUrl is required for ${vendor}`), `${vendor} ${JSON.stringify(req)}`);
      }
      assert.equal(m.verifyCallback(vendor, { body: signed.body, headers: signed.headers, key: 'k', now: NOW, callbackUrl: url }).vendor, vendor);
    }
    // The other vendors do not sign a URL: none needed.
    const t = m.signCallback('tencent_vod', { body: { EventType: 'NewFileUpload' }, key: 'k', now: NOW });
    assert.equal(m.verifyCallback('tencent_vod', { body: t.body, key: 'k', now: NOW }).vendor, 'tencent_vod');
  });

  it('signCallback: no callbackUrl for a vendor that signs it is the same TypeError (it would sign an empty URL no real callback has)', () => {
    const m = requireMediahook();
    const body = { eventType: 'MEDIA_UPLOAD_COMPLETE', EventType: 'FileUploadComplete' };
    for (const vendor of ['baidu_vod', 'aliyun_vod']) {
      for (const extra of [{}, { callbackUrl: '' }, { callbackUrl: undefined }]) {
        assert.throws(() => m.signCallback(vendor, { body, key: 'k', now: NOW, ...extra }),
          (e) => e instanceof TypeError && e.message.startsWith(`callbackUrl is required for ${vendor}`), `${vendor} ${JSON.stringify(extra)}`);
      }
      assert.throws(() => m.signCallback(vendor, { body, key: 'k', now: NOW, callbackUrl: 42 }), TypeError);
    }
    for (const vendor of ['tencent_vod', 'tencent_live', 'volcengine_live', 'byteplus_live']) {
      assert.equal(typeof m.signCallback(vendor, { body, key: 'k', now: NOW }).body, 'string', vendor);
    }
  });

  it('validateConfig: a config nested too deeply (for serde_json, or for JSON.stringify itself) is a TypeError saying so', () => {
    const m = requireMediahook();
    const deep = (n) => JSON.parse('['.repeat(n) + ']'.repeat(n));
    // JSON.parse builds it, JSON.stringify overflows the stack on it (a RangeError before).
    for (const n of [200, 20_000]) {
      assert.throws(() => m.validateConfig('tencent_vod', deep(n)), (e) => e instanceof TypeError && /nested deeper than 128/.test(e.message), `depth ${n}`);
      assert.throws(() => m.validateConfig('baidu_vod', {}, { current: deep(n) }), (e) => e instanceof TypeError && /current .*nested deeper than 128/.test(e.message), `current depth ${n}`);
    }
    const cyclic = {};
    cyclic.self = cyclic;
    assert.throws(() => m.validateConfig('tencent_vod', cyclic), TypeError);
  });
});

describe('validateConfig returns the vendor codes', () => {
  it('Tencent ModifyEventConfig', () => {
    const { validateConfig } = requireMediahook();
    assert.deepEqual(validateConfig('tencent_vod', { Mode: 'PUSH', NotificationUrl: 'https://hooks.example.com/t' }), { ok: true, errors: [] });
    const r = validateConfig('tencent_vod', { Mode: 'PUSHY', SignKey: 'has spaces!' }, { requestId: 'req-1' });
    assert.equal(r.ok, false);
    assert.deepEqual(r.errors.map((e) => [e.field, e.code, e.status]), [
      ['Mode', 'InvalidParameter', 400],
      ['SignKey', 'InvalidParameter', 400],
    ]);
    assert.equal(r.response.Response.Error.Code, 'InvalidParameter');
    assert.equal(r.response.Response.RequestId, 'req-1');
  });

  it('Baidu CallbackConfig, merged into the current config', () => {
    const { validateConfig } = requireMediahook();
    const r = validateConfig('baidu_vod', { enableSign: true, enableMediaUploadCompleteEvent: true }, { requestId: 'r' });
    assert.equal(r.ok, false);
    assert.deepEqual(r.errors.map((e) => [e.code, e.message, e.status]), [
      ['InvalidCallbackConfigParams', 'signKey is required when enable sign', 400],
      ['InvalidCallbackConfigParams', 'callbackUrl is required when enable any event', 400],
    ]);
    assert.deepEqual(r.response, { requestId: 'r', code: 'InvalidCallbackConfigParams', message: 'signKey is required when enable sign' });
    const current = { callbackUrl: 'https://hooks.example.com/b', signKey: 'secret' };
    assert.equal(validateConfig('baidu_vod', { enableSign: true, enableMediaUploadCompleteEvent: true }, { current }).ok, true);
    const ssrf = validateConfig('baidu_vod', { callbackUrl: 'http://169.254.169.254/latest' });
    assert.deepEqual(ssrf.errors.map((e) => [e.message, e.status]), [['callbackUrl is not allowed', 403]]);
    assert.equal(validateConfig('baidu_vod', { callbackUrl: 'http://127.0.0.1:9000/cb' }, { allowLoopback: true }).ok, true);
  });

  it('Volcengine UpdateCallback', () => {
    const { validateConfig } = requireMediahook();
    const good = { MessageType: 'push', Vhost: 'push.live.example.com', CallbackDetailList: [{ CallbackType: 'http', URL: 'https://hooks.example.com/v' }] };
    assert.equal(validateConfig('volcengine_live', good).ok, true);
    const r = validateConfig('volcengine_live', { MessageType: 'pushed', Vhost: 'v.example.com', Domain: 'd.example.com', CallbackDetailList: [] });
    const codes = r.errors.map((e) => e.code);
    assert.ok(codes.includes('InvalidParam.OutOfRange'), codes.join());
    assert.ok(codes.includes('InvalidParam'), codes.join());
    assert.equal(r.response.ResponseMetadata.Error.Code, r.errors[0].code);
    assert.equal(validateConfig('volcengine_live', 'not an object').errors[0].code, 'InvalidParam.BindError');
  });
});

describe('signCallback round-trips through verifyCallback', () => {
  for (const vendor of ['tencent_vod', 'baidu_vod', 'volcengine_live']) {
    for (const signOrder of [undefined, 'key_first', 'time_first']) {
      it(`${vendor} (${signOrder ?? 'default order'})`, () => {
        const { signCallback, verifyCallback, MediahookError } = requireMediahook();
        const body = { EventType: 'NewFileUpload', eventType: 'MEDIA_UPLOAD_COMPLETE', eventId: 'e1', event_type: 'push_start', vhost: 'v', app: 'a', stream: 's' };
        const callbackUrl = 'https://hooks.example.com/v1/hooks/x';
        const signed = signCallback(vendor, { body, key: 'k3y', now: NOW, callbackUrl, user: 'acct', signOrder });
        const ev = verifyCallback(vendor, { body: signed.body, headers: signed.headers, key: 'k3y', callbackUrl, now: NOW, signOrder, source: 'src' });
        assert.equal(ev.vendor, vendor);
        assert.equal(ev.source, 'src');
        assert.throws(() => verifyCallback(vendor, { body: signed.body, headers: signed.headers, key: 'other', callbackUrl, now: NOW, signOrder }),
          (e) => e instanceof MediahookError && e.kind === 'mismatch');
      });
    }
  }

  it('Volcengine key/time order: the other order is a mismatch', () => {
    const { signCallback, verifyCallback } = requireMediahook();
    const signed = signCallback('volcengine_live', { body: { event_type: 'push_end' }, key: 'k', now: NOW, signOrder: 'time_first' });
    assert.throws(() => verifyCallback('volcengine_live', { body: signed.body, key: 'k', now: NOW }), { kind: 'mismatch' });
    assert.equal(verifyCallback('volcengine_live', { body: signed.body, key: 'k', now: NOW, signOrder: 'time_first' }).type, 'live.stream.ended');
  });

  it('Baidu tolerance: toleranceSeconds widens the window', () => {
    const { signCallback, verifyCallback } = requireMediahook();
    const url = 'https://hooks.example.com/b';
    const s = signCallback('baidu_vod', { body: '{"eventType":"MEDIA_UPLOAD_COMPLETE"}', key: 'k', now: NOW, callbackUrl: url });
    const req = { body: s.body, headers: s.headers, key: 'k', callbackUrl: url };
    assert.ok(verifyCallback('baidu_vod', { ...req, now: NOW + 300_000 }));
    assert.throws(() => verifyCallback('baidu_vod', { ...req, now: NOW + 300_001 }), { kind: 'expired' });
    assert.ok(verifyCallback('baidu_vod', { ...req, now: NOW + 600_000, toleranceSeconds: 600 }));
  });

  it('normalize() without verification; receivedAt is the fallback timestamp', () => {
    const { normalize } = requireMediahook();
    const ev = normalize('volcengine_live', '{"event_type":"record_event","vhost":"v","app":"a","stream":"s"}', { source: 's1', receivedAt: 0 });
    assert.deepEqual([ev.type, ev.subject, ev.source, ev.timestamp], ['live.record.completed', 'v/a/s', 's1', '1970-01-01T00:00:00Z']);
    assert.equal(normalize('tencent_vod', '{"EventType":"BrandNewThing"}').type, 'tencent_vod.BrandNewThing');
    assert.throws(() => normalize('tencent_vod', 'nope'), { kind: 'malformed_payload' });
  });
});
