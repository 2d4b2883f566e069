// SPEC §9 with Tencent's own client: the official `tencentcloud-sdk-nodejs-vod` (pinned in
// package.json), pointed at the worker on workerd by its endpoint only, pulls and confirms
// events of several vendors; its own error objects carry the AuthFailure.* codes. Raw requests
// (signed here with node:crypto, independently of the Rust core) cover the error envelope.
import assert from 'node:assert/strict';
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { after, before, test } from 'node:test';

import { post, signBaidu, signTencent, signVolcengine, startWorker } from './harness.mjs';

const require = createRequire(import.meta.url);
const VodClient = require('tencentcloud-sdk-nodejs-vod').vod.v20180717.Client;
const SDK_VERSION = require('tencentcloud-sdk-nodejs-vod/package.json').version;

const TKEY = 'TencentSignKey01';
const BKEY = 'baiduSignKeyForTests';
const VKEY = 'volcAuthKeyPrimaryTests';
const BAIDU_URL = 'https://edge.example.com/v1/hooks/bx';
const cred = (name) => ({ secret_id: `AKID${name}${randomBytes(6).toString('hex')}`, secret_key: `key-${name}-${randomBytes(16).toString('hex')}` });
const CRED = { tx: cred('tx'), bx: cred('bx'), vx: cred('vx'), vis: cred('vis'), lp: cred('lp'), raw: cred('raw') };
const uniq = (p) => `${p}-${randomBytes(4).toString('hex')}`;
const upload = (fileId) => ({ EventType: 'NewFileUpload', FileUploadEvent: { FileId: fileId, MediaBasicInfo: { Name: fileId } } });

let worker;

before(async () => {
  const api = (name, extra = {}) => ({ tencent_api: CRED[name], ...extra });
  worker = await startWorker(
    {
      sources: [
        { name: 'tx', vendor: 'tencent_vod', key: TKEY, pull: api('tx') },
        { name: 'bx', vendor: 'baidu_vod', key: BKEY, callback_url: BAIDU_URL, pull: api('bx') },
        { name: 'vx', vendor: 'volcengine_live', key: VKEY, pull: api('vx') },
        { name: 'vis', vendor: 'tencent_vod', key: TKEY, pull: api('vis', { visibility_timeout_seconds: 2 }) },
        { name: 'lp', vendor: 'tencent_vod', key: TKEY, pull: api('lp') },
        { name: 'raw', vendor: 'tencent_vod', key: TKEY, pull: api('raw', { token: `pull-${randomBytes(12).toString('hex')}` }) },
        { name: 'bearer-only', vendor: 'tencent_vod', key: TKEY, pull: { token: `pull-${randomBytes(12).toString('hex')}` } },
      ],
    },
    { name: 'tencent-sdk' },
  );
});

after(async () => {
  await worker?.stop();
});

/** A VodClient whose only change from production use is the endpoint. */
function client(source, { secretId = CRED[source].secret_id, secretKey = CRED[source].secret_key } = {}) {
  const hostPort = worker.base.replace('http://', '');
  return new VodClient({
    credential: { secretId, secretKey },
    region: '',
    profile: { httpProfile: { endpoint: `${hostPort}/v1/sources/${source}/tencent`, protocol: 'http://', reqTimeout: 30 } },
  });
}

/** Runs `fn` with the SDK's clock (`new Date()`, `Date.now()`) moved by `offsetMs`. */
async function withClockOffset(offsetMs, fn) {
  const RealDate = Date;
  globalThis.Date = class extends RealDate {
    constructor(...a) {
      if (a.length) super(...a);
      else super(RealDate.now() + offsetMs);
    }
    static now() {
      return RealDate.now() + offsetMs;
    }
  };
  try {
    return await fn();
  } finally {
    globalThis.Date = RealDate;
  }
}

async function sdkError(promise) {
  try {
    await promise;
  } catch (e) {
    return e;
  }
  assert.fail('the SDK call succeeded; an error was expected');
}

async function ingest(source, signed) {
  const r = await post(worker.base, source, signed);
  assert.equal(r.status, 200, `ingest into ${source}: ${r.text}`);
  return r.json.id;
}

test(`the SDK (${SDK_VERSION}) pulls and confirms events of three vendors, each in Tencent's shape`, async () => {
  // Tencent VOD: exactly Tencent's EventContent, plus MediahookEvent.
  const files = [uniq('f'), uniq('f')];
  const tids = [];
  for (const f of files) tids.push(await ingest('tx', signTencent(upload(f), TKEY)));
  const tx = client('tx');
  const got = await tx.PullEvents({});
  assert.equal(typeof got.RequestId, 'string');
  assert.deepEqual(got.EventSet.map((e) => e.FileUploadEvent.FileId), files, 'arrival order');
  for (const [i, e] of got.EventSet.entries()) {
    assert.equal(typeof e.EventHandle, 'string');
    assert.equal(e.EventType, 'NewFileUpload');
    assert.equal(e.FileUploadEvent.MediaBasicInfo.Name, files[i]);
    assert.equal(e.MediahookEvent.id, tids[i]);
    assert.equal(e.MediahookEvent.type, 'media.upload.completed');
    assert.equal(e.MediahookEvent.vendor, 'tencent_vod');
    assert.equal(e.MediahookEvent.source, 'tx');
    assert.equal(e.Sign, undefined, 'signature fields are removed');
    assert.equal(e.MediahookEvent.data, undefined);
  }
  const confirmed = await tx.ConfirmEvents({ EventHandles: got.EventSet.map((e) => e.EventHandle) });
  assert.equal(typeof confirmed.RequestId, 'string');
  assert.equal(confirmed.Error, undefined);
  // Confirmed: gone (this empty pull is the 5 s long-poll).
  const t0 = Date.now();
  assert.deepEqual((await tx.PullEvents({})).EventSet, []);
  assert.ok(Date.now() - t0 >= 4000, `an empty PullEvents long-polls (took ${Date.now() - t0} ms)`);

  // Baidu VOD: its own payload fields and EventType, plus MediahookEvent.
  const mediaId = uniq('mda');
  const bEvent = { eventId: uniq('b'), eventType: 'MEDIA_UPLOAD_COMPLETE', eventTime: '2024-11-11T09:27:42Z', mediaUploadCompleteEvent: { mediaId } };
  const bid = await ingest('bx', signBaidu(bEvent, BKEY, BAIDU_URL));
  const bx = client('bx');
  const [b] = (await bx.PullEvents({ SubAppId: 1500000001 })).EventSet;
  assert.equal(b.EventType, 'MEDIA_UPLOAD_COMPLETE');
  assert.equal(b.mediaUploadCompleteEvent.mediaId, mediaId);
  assert.equal(b.eventId, bEvent.eventId);
  assert.equal(b.MediahookEvent.id, bid);
  assert.equal(b.MediahookEvent.vendor, 'baidu_vod');
  assert.equal(b.MediahookEvent.type, 'media.upload.completed');
  await bx.ConfirmEvents({ EventHandles: [b.EventHandle] });

  // Volcengine Live.
  const stream = uniq('s');
  const vid = await ingest('vx', signVolcengine({ vhost: 'v.example.com', app: 'live', stream, event_type: 'push_start' }, VKEY));
  const vx = client('vx');
  const [v] = (await vx.PullEvents({})).EventSet;
  assert.equal(v.EventType, 'push_start');
  assert.equal(v.stream, stream);
  assert.equal(v.sign, undefined);
  assert.equal(v.MediahookEvent.id, vid);
  assert.equal(v.MediahookEvent.type, 'live.stream.started');
  assert.equal(v.MediahookEvent.subject, `v.example.com/live/${stream}`);
  await vx.ConfirmEvents({ EventHandles: [v.EventHandle] });

  // One source's credentials do not open another source.
  const cross = await sdkError(client('bx', { secretId: CRED.tx.secret_id, secretKey: CRED.tx.secret_key }).PullEvents({}));
  assert.equal(cross.code, 'AuthFailure.SecretIdNotFound');
});

test('PullEvents long-polls: it returns as soon as a callback arrives', async () => {
  const lp = client('lp');
  const fileId = uniq('lp');
  const t0 = Date.now();
  const pending = lp.PullEvents({});
  setTimeout(() => void ingest('lp', signTencent(upload(fileId), TKEY)), 1500);
  const got = await pending;
  const took = Date.now() - t0;
  assert.deepEqual(got.EventSet.map((e) => e.FileUploadEvent.FileId), [fileId]);
  assert.ok(took >= 1000 && took < 4500, `woken by the push (took ${took} ms)`);
  await lp.ConfirmEvents({ EventHandles: [got.EventSet[0].EventHandle] });
});

test('an unconfirmed event comes back after the visibility timeout; only the newest handle confirms it', async () => {
  const vis = client('vis');
  const fileId = uniq('vis');
  await ingest('vis', signTencent(upload(fileId), TKEY));
  const [first] = (await vis.PullEvents({})).EventSet;
  assert.equal(first.FileUploadEvent.FileId, fileId);
  // Not confirmed: invisible for 2 s, then handed out again with a new handle.
  const t0 = Date.now();
  const [again] = (await vis.PullEvents({})).EventSet;
  assert.ok(Date.now() - t0 >= 1000, 'not before the visibility timeout');
  assert.equal(again.FileUploadEvent.FileId, fileId);
  assert.equal(again.MediahookEvent.id, first.MediahookEvent.id);
  assert.notEqual(again.EventHandle, first.EventHandle);
  const stale = await sdkError(vis.ConfirmEvents({ EventHandles: [first.EventHandle] }));
  assert.equal(stale.code, 'InvalidParameterValue.EventHandles');
  await vis.ConfirmEvents({ EventHandles: [again.EventHandle] });
  const again2 = await vis.ConfirmEvents({ EventHandles: [again.EventHandle] }).catch((e) => e);
  assert.equal(again2.code, 'InvalidParameterValue.EventHandles', 'a second confirm is reported, not silently accepted');
});

test("a wrong SecretKey, an unknown SecretId and a stale or future timestamp get Tencent's AuthFailure codes through the SDK", async () => {
  const wrongKey = await sdkError(client('tx', { secretKey: `${CRED.tx.secret_key}x` }).PullEvents({}));
  assert.equal(wrongKey.code, 'AuthFailure.SignatureFailure');
  assert.equal(typeof wrongKey.requestId, 'string');
  const unknownId = await sdkError(client('tx', { secretId: 'AKIDnobodyHasThisId0000' }).PullEvents({}));
  assert.equal(unknownId.code, 'AuthFailure.SecretIdNotFound');
  const stale = await withClockOffset(-10 * 60_000, () => sdkError(client('tx').PullEvents({})));
  assert.equal(stale.code, 'AuthFailure.SignatureExpire');
  const future = await withClockOffset(10 * 60_000, () => sdkError(client('tx').ConfirmEvents({ EventHandles: ['1.ab'] })));
  assert.equal(future.code, 'AuthFailure.SignatureExpire');
  // An action the endpoint does not serve, correctly signed by the SDK.
  const action = await sdkError(client('tx').request('DescribeMediaInfos', { FileIds: ['1'] }));
  assert.equal(action.code, 'InvalidAction');
  // A source without tencent_api (bearer token only), or no source at all: same as an unknown SecretId.
  const bearerOnly = client('bearer-only', { secretId: CRED.tx.secret_id, secretKey: CRED.tx.secret_key });
  assert.equal((await sdkError(bearerOnly.PullEvents({}))).code, 'AuthFailure.SecretIdNotFound');
  const hostPort = worker.base.replace('http://', '');
  const nowhere = new VodClient({
    credential: { secretId: CRED.tx.secret_id, secretKey: CRED.tx.secret_key },
    profile: { httpProfile: { endpoint: `${hostPort}/v1/sources/no-such-source/tencent`, protocol: 'http://' } },
  });
  assert.equal((await sdkError(nowhere.PullEvents({}))).code, 'AuthFailure.SecretIdNotFound');
  // The keys never reach the logs.
  const out = worker.output();
  for (const c of Object.values(CRED)) assert.ok(!out.includes(c.secret_key), 'a SecretKey is in the worker output');
});

// ---------------------------------------------------------------------------------------
// Raw requests: TC3-HMAC-SHA256 written from Tencent's document with node:crypto.

const sha256hex = (s) => createHash('sha256').update(s).digest('hex');
const hmac = (key, msg, enc) => createHmac('sha256', key).update(msg).digest(enc);

function signed(path, { action = 'PullEvents', body = '{}', ts = Math.floor(Date.now() / 1000), c = CRED.raw, version = '2018-07-17', service = 'mediahook', endpointAsHost = false } = {}) {
  const url = new URL(`${worker.base}${path}`);
  // endpointAsHost: how the Go and Python SDKs sign by their source (path "/", host = the whole
  // endpoint, port and path included).
  const [signedPath, signedHost] = endpointAsHost ? ['/', `${url.host}${url.pathname.replace(/\/$/, '')}`] : [url.pathname, url.hostname];
  const canonical = ['POST', signedPath, '', `content-type:application/json\nhost:${signedHost}\n`, 'content-type;host', sha256hex(body)].join('\n');
  const date = new Date(ts * 1000).toISOString().slice(0, 10);
  const scope = `${date}/${service}/tc3_request`;
  const key = hmac(hmac(hmac(`TC3${c.secret_key}`, date), service), 'tc3_request');
  const sig = hmac(key, ['TC3-HMAC-SHA256', ts, scope, sha256hex(canonical)].join('\n'), 'hex');
  const headers = { 'content-type': 'application/json', 'x-tc-timestamp': String(ts), authorization: `TC3-HMAC-SHA256 Credential=${c.secret_id}/${scope}, SignedHeaders=content-type;host, Signature=${sig}` };
  if (action !== null) headers['x-tc-action'] = action;
  if (version !== null) headers['x-tc-version'] = version;
  return { url: url.href, headers, body };
}

async function send({ url, headers, body }, method = 'POST') {
  const r = await fetch(url, { method, headers, body: method === 'GET' ? undefined : body });
  const text = await r.text();
  let json = null;
  try { json = JSON.parse(text); } catch {}
  return { status: r.status, json, text };
}

function assertTencentError(r, code) {
  assert.equal(r.status, 200, `Tencent answers errors with HTTP 200: ${r.text}`);
  assert.equal(r.json?.Response?.Error?.Code, code, r.text);
  assert.equal(typeof r.json.Response.Error.Message, 'string');
  assert.match(r.json.Response.RequestId, /^[0-9a-f-]{36}$/);
}

test('with or without the trailing slash, a request signed from the document works', async () => {
  for (const path of ['/v1/sources/raw/tencent', '/v1/sources/raw/tencent/']) {
    const r = await send(signed(path, { body: JSON.stringify({}) }));
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.json.Response.EventSet, [], r.text);
  }
});

test('a request signed as the Go and Python SDKs sign (path /, the endpoint as host, service vod) is accepted', async () => {
  const r = await send(signed('/v1/sources/raw/tencent/', { endpointAsHost: true, service: 'vod' }));
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.json.Response.EventSet, [], r.text);
  const stale = await send(signed('/v1/sources/raw/tencent/', { endpointAsHost: true, service: 'vod', ts: Math.floor(Date.now() / 1000) - 400 }));
  assertTencentError(stale, 'AuthFailure.SignatureExpire');
  const otherKey = await send(signed('/v1/sources/raw/tencent/', { endpointAsHost: true, service: 'vod', c: { ...CRED.raw, secret_key: 'not-the-key-0123456789' } }));
  assertTencentError(otherKey, 'AuthFailure.SignatureFailure');
});

test("bad input gets Tencent's error envelope, never a panic", async () => {
  const path = '/v1/sources/raw/tencent/';
  const base = signed(path);
  const garbled = ['', 'TC3-HMAC-SHA256', 'Bearer x', `${base.headers.authorization}, Signature=00`, base.headers.authorization.replace('tc3_request', 'tc9_request'), 'TC3-HMAC-SHA256 Credential=\u00e9/../..', 'x'.repeat(10_000)];
  for (const authorization of garbled) {
    assertTencentError(await send({ ...base, headers: { ...base.headers, authorization } }), 'AuthFailure.InvalidAuthorization');
  }
  const { authorization: _, ...noAuth } = base.headers;
  assertTencentError(await send({ ...base, headers: noAuth }), 'AuthFailure.InvalidAuthorization');
  assertTencentError(await send({ ...base, headers: { ...base.headers, 'x-tc-timestamp': 'soon' } }), 'AuthFailure.InvalidAuthorization');
  assertTencentError(await send({ ...base, body: '{"SubAppId":2}' }), 'AuthFailure.SignatureFailure');
  assertTencentError(await send(signed(path, { ts: Math.floor(Date.now() / 1000) - 301 })), 'AuthFailure.SignatureExpire');
  assertTencentError(await send(signed(path, { action: 'DeleteMedia' })), 'InvalidAction');
  assertTencentError(await send(signed(path, { action: null })), 'MissingParameter');
  assertTencentError(await send(signed(path, { version: '2024-07-18' })), 'NoSuchVersion');
  assertTencentError(await send(signed(path, { body: '[1,2]' })), 'InvalidParameter');
  assertTencentError(await send(signed(path, { body: 'not json' })), 'InvalidParameter');
  assertTencentError(await send(signed(path, { body: '{"Max":3}' })), 'InvalidParameter');
  assertTencentError(await send(signed(path, { action: 'ConfirmEvents', body: '{"EventHandles":[]}' })), 'InvalidParameter');
  assertTencentError(await send(signed(path, { action: 'ConfirmEvents', body: '{"EventHandles":[7]}' })), 'InvalidParameter');
  // Over 64 KiB: refused before authentication.
  assertTencentError(await send(signed(path, { body: JSON.stringify({ SubAppId: 1, pad: 'x'.repeat(70_000) }) })), 'RequestSizeLimitExceeded');
  assertTencentError(await send(base, 'GET'), 'UnsupportedProtocol');
  // The worker is still healthy.
  assert.equal((await fetch(`${worker.base}/healthz`)).status, 200);
});
