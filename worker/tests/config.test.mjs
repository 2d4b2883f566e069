// An invalid MEDIAHOOK_CONFIG: every problem is listed, nothing is accepted, no secret echoed.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { post, startWorker } from './harness.mjs';

let worker;
const KEY = 'KeyThatMustNotLeak01';

before(async () => {
  worker = await startWorker(
    {
      sources: [
        { name: 'a', vendor: 'acme_vod', key: KEY },
        { name: 'a', vendor: 'baidu_vod', key: KEY, destinations: [{ url: 'http://127.0.0.1:9/x', secret: 'whsec_!!notbase64' }] },
        { name: 'ok', vendor: 'tencent_vod', key: KEY, now_override_ms: 1, destinations: [{ url: 'https://example.com/h', secret: 'whsec_AAAA', types: ['media*'] }] },
      ],
      admin_token: 'short',
      surprise: true,
    },
    { name: 'badconfig' },
  );
});

after(async () => {
  await worker?.stop();
});

test('an invalid configuration answers 503 config_invalid listing every problem', async () => {
  const r = await fetch(`${worker.base}/healthz`);
  assert.equal(r.status, 503);
  const j = await r.json();
  assert.equal(j.error.code, 'config_invalid');
  const problems = j.error.problems.join('\n');
  for (const needle of [
    'sources[0].vendor',
    'sources[1].name: duplicate',
    'sources[1].callback_url: required',
    'sources[1].destinations[0].url', // loopback refused without allow_loopback
    'sources[1].destinations[0].secret: ',
    'sources[2].now_override_ms',
    'sources[2].destinations[0].types[0]',
    'sources[2].destinations[0].secret: the secret decodes to 3 bytes', // whsec_AAAA: too short to sign with
    'admin_token',
    'surprise: unknown field',
  ]) {
    assert.ok(problems.includes(needle), `missing ${needle} in:\n${problems}`);
  }
  assert.ok(!JSON.stringify(j).includes(KEY));
  assert.ok(!JSON.stringify(j).includes('notbase64'));

  const hook = await post(worker.base, 'ok', { body: '{}', headers: {} });
  assert.equal(hook.status, 503);
  assert.equal(hook.json.error.code, 'config_invalid');
  const adminR = await fetch(`${worker.base}/v1/events`, { headers: { authorization: 'Bearer whatever-whatever' } });
  assert.equal(adminR.status, 503);
});
