// SPEC §8 over HTTP on workerd: `path_secret` (callback URL /v1/hooks/{source}/{path_secret};
// a wrong or missing secret is exactly an unknown source), `allow_ips` (CIDR ranges against
// CF-Connecting-IP, else 403), and keyless sources (only behind a path_secret; unsigned
// callbacks such as Tencent VOD v2.0 are accepted). A keyless source without a path_secret is
// refused by the configuration check.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { repoRoot, signTencent, signVolcengine, startWorker } from './harness.mjs';

const TKEY = 'TencentSignKey01';
const VKEY = 'volcAuthKeyPrimaryTests';
const SECRET = `ps-${randomBytes(16).toString('hex')}`;
const LEGACY_SECRET = `legacy-${randomBytes(16).toString('hex')}`;
const legacyCase = JSON.parse(readFileSync(path.join(repoRoot, 'testdata/cases/01_tencent_vod_legacy_v2_newfileupload.json'), 'utf8'));
const uniq = (p) => `${p}-${randomBytes(4).toString('hex')}`;
const upload = (fileId) => ({ EventType: 'NewFileUpload', FileUploadEvent: { FileId: fileId } });

let worker;

before(async () => {
  worker = await startWorker(
    {
      sources: [
        { name: 'plain', vendor: 'tencent_vod', key: TKEY },
        { name: 'ps', vendor: 'tencent_vod', key: TKEY, path_secret: SECRET },
        { name: 'legacy', vendor: 'tencent_vod', path_secret: LEGACY_SECRET },
        { name: 'ip-local', vendor: 'volcengine_live', key: VKEY, allow_ips: ['127.0.0.0/8', '::1/128'] },
        { name: 'ip-v6-local', vendor: 'volcengine_live', key: VKEY, allow_ips: ['2001:db8::/32', '::1/128', '127.0.0.1'] },
        { name: 'ip-remote', vendor: 'volcengine_live', key: VKEY, allow_ips: ['203.0.113.0/24', '2001:db8::/32'] },
        { name: 'ip-ps', vendor: 'tencent_vod', key: TKEY, path_secret: SECRET, allow_ips: ['203.0.113.0/24'] },
      ],
    },
    { name: 'sources' },
  );
});

after(async () => {
  await worker?.stop();
});

async function send(urlPath, { body, headers = {} }) {
  const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
  const r = await fetch(`${worker.base}${urlPath}`, { method: 'POST', headers: { 'content-type': 'application/json', ...lower }, body });
  const text = await r.text();
  let json = null;
  try { json = JSON.parse(text); } catch {}
  return { status: r.status, json, text };
}

test('path_secret: the right secret is accepted; a wrong or missing one is exactly an unknown source', async () => {
  const ok = await send(`/v1/hooks/ps/${SECRET}`, signTencent(upload(uniq('f')), TKEY));
  assert.equal(ok.status, 200, ok.text);
  assert.match(ok.json.id, /^evt_/);

  const unknown = await send('/v1/hooks/no-such-source', signTencent(upload(uniq('f')), TKEY));
  assert.equal(unknown.status, 404);
  assert.equal(unknown.json.error.code, 'unknown_source');
  for (const p of ['/v1/hooks/ps', `/v1/hooks/ps/${SECRET}x`, `/v1/hooks/ps/${SECRET.slice(0, -1)}`, '/v1/hooks/ps/', `/v1/hooks/ps/${SECRET.toUpperCase()}`]) {
    const r = await send(p, signTencent(upload(uniq('f')), TKEY));
    assert.equal(r.status, 404, p);
    assert.deepEqual(r.json, unknown.json, `${p} answers like an unknown source`);
  }
  // A source without a path_secret has no secret URL either.
  const extra = await send(`/v1/hooks/plain/${SECRET}`, signTencent(upload(uniq('f')), TKEY));
  assert.equal(extra.status, 404);
  assert.deepEqual(extra.json, unknown.json);
  // The secret still comes on top of the signature, not instead of it.
  const unsigned = await send(`/v1/hooks/ps/${SECRET}`, { body: JSON.stringify(upload(uniq('f'))) });
  assert.equal(unsigned.status, 401);
  assert.equal(unsigned.json.error.code, 'missing');
  // The secret never reaches our log lines.
  const lines = JSON.stringify(worker.logLines());
  assert.ok(lines.includes('"at":"ingest"'), 'ingest lines were logged');
  assert.ok(!lines.includes(SECRET), 'the path secret is in a log line');
});

test('a keyless source behind a path_secret accepts unsigned callbacks (Tencent VOD v2.0)', async () => {
  const r = await send(`/v1/hooks/legacy/${LEGACY_SECRET}`, { body: legacyCase.body, headers: legacyCase.headers });
  assert.equal(r.status, 200, r.text);
  assert.match(r.json.id, /^evt_/);
  const v3 = await send(`/v1/hooks/legacy/${LEGACY_SECRET}`, { body: JSON.stringify(upload(uniq('f'))) });
  assert.equal(v3.status, 200, v3.text);
  // Not through the plain URL, nor with another secret.
  for (const p of ['/v1/hooks/legacy', `/v1/hooks/legacy/${SECRET}`]) {
    const no = await send(p, { body: legacyCase.body });
    assert.equal(no.status, 404, p);
    assert.equal(no.json.error.code, 'unknown_source');
  }
  // Still judged as a body: not a JSON object → 400.
  const bad = await send(`/v1/hooks/legacy/${LEGACY_SECRET}`, { body: '[1]' });
  assert.equal(bad.status, 400);
  assert.equal(bad.json.error.code, 'malformed_payload');
});

test('allow_ips: callers inside the ranges are accepted, others get 403 JSON', async () => {
  const live = () => signVolcengine({ vhost: 'v.example.com', app: 'live', stream: uniq('s'), event_type: 'push_start' }, VKEY);
  const local = await send('/v1/hooks/ip-local', live());
  assert.equal(local.status, 200, local.text);
  const local6 = await send('/v1/hooks/ip-v6-local', live());
  assert.equal(local6.status, 200, local6.text);
  const remote = await send('/v1/hooks/ip-remote', live());
  assert.equal(remote.status, 403, remote.text);
  assert.equal(remote.json.error.code, 'ip_not_allowed');
  assert.equal(typeof remote.json.error.message, 'string');
  // Locally wrangler sets CF-Connecting-IP only when the client did not (on Cloudflare the edge
  // always sets it), so the test can act as callers from elsewhere.
  for (const [ip, want] of [['203.0.113.9', 200], ['2001:db8:1::7', 200], ['::ffff:203.0.113.200', 200], ['198.51.100.1', 403], ['2001:db9::1', 403], ['not-an-ip', 403], ['', 403]]) {
    const r = await send('/v1/hooks/ip-remote', { ...live(), headers: { 'cf-connecting-ip': ip } });
    assert.equal(r.status, want, `CF-Connecting-IP ${JSON.stringify(ip)}: ${r.text}`);
  }
  const v6 = await send('/v1/hooks/ip-local', { ...live(), headers: { 'cf-connecting-ip': '2001:db8::1' } });
  assert.equal(v6.status, 403);
  // The path secret is checked first: a wrong one is a 404 whatever the address.
  const wrong = await send('/v1/hooks/ip-ps/wrong-secret-0123456789', signTencent(upload(uniq('f')), TKEY));
  assert.equal(wrong.status, 404);
  const right = await send(`/v1/hooks/ip-ps/${SECRET}`, signTencent(upload(uniq('f')), TKEY));
  assert.equal(right.status, 403);
});

test('a keyless source without a path_secret, and bad allow_ips, are refused by the configuration check', async () => {
  const bad = await startWorker(
    {
      sources: [
        { name: 'nokey', vendor: 'tencent_vod' },
        { name: 'shortsecret', vendor: 'tencent_vod', key: TKEY, path_secret: 'SECRETshort' },
        { name: 'cidr', vendor: 'tencent_vod', key: TKEY, allow_ips: ['10.0.0.1/8', 'example.com', '2001:db8::/129'] },
      ],
    },
    { name: 'sources-badconfig' },
  );
  try {
    const r = await fetch(`${bad.base}/healthz`);
    assert.equal(r.status, 503);
    const j = await r.json();
    assert.equal(j.error.code, 'config_invalid');
    const problems = j.error.problems.join('\n');
    for (const needle of [
      'sources[0].key: required: the vendor signing key (a non-empty string); a source without a key is only allowed with a path_secret',
      'sources[1].path_secret: must be 16 to 128 characters long',
      'sources[2].allow_ips[0]: "10.0.0.1/8" has host bits set',
      'sources[2].allow_ips[1]: "example.com" is not an IPv4 or IPv6 address or CIDR range',
      'sources[2].allow_ips[2]: "2001:db8::/129": the prefix length must be 0 to 128',
    ]) {
      assert.ok(problems.includes(needle), `missing ${needle} in:\n${problems}`);
    }
    assert.ok(!JSON.stringify(j).includes('SECRETshort'), 'a path_secret is echoed');
    const hook = await fetch(`${bad.base}/v1/hooks/nokey`, { method: 'POST', body: '{"EventType":"NewFileUpload"}' });
    assert.equal(hook.status, 503);
  } finally {
    await bad.stop();
  }
});
