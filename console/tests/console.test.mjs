// The web console (console/public) in headless Chromium (playwright-core), served by the
// worker on workerd (`wrangler dev` via worker/tests/harness.mjs, [assets] of wrangler.toml),
// with a real origin on 127.0.0.1. Real typing and clicks; assertions on what the page shows.
// Screenshots of each view go to $CONSOLE_TEST_OUTPUT (default console/test-output).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { startOrigin, startWorker, loadVectors, sleep } from '../../worker/tests/harness.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
// The npm package the console runs (its Node build): what the page must show comes from here.
const mh = createRequire(import.meta.url)(path.resolve(here, '../../crates/wasm/pkg/dist/index.cjs'));
const VENDORS = mh.vendorInfo();
const OUT = process.env.CONSOLE_TEST_OUTPUT || path.resolve(here, '../test-output');
const CHROMIUM = process.env.CHROMIUM_BIN || '/usr/bin/chromium';
const FLAGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];
const ADMIN = 'console-test-admin-token-0123456789';
const PULL_TOKEN = 'console-test-pull-token-0123456789';
const SECRET = 'whsec_' + Buffer.from('console-test-secret-0123456789ab').toString('base64');
const KEYS = {
  tencent: 'ConsoleTencentKey42', baidu: 'console-baidu-sign-key', volc: 'console-volc-auth-key', flaky: 'FlakyKey7',
  tencentLive: 'ConsoleLiveKey_01', byteplus: 'console-byteplus-key',
};
const BAIDU_URL = 'https://edge.example.com/v1/hooks/baidu-demo';

describe('web console (Chromium, worker on workerd)', { timeout: 300_000 }, () => {
  let origin;
  let worker;
  let context;
  let page;
  let profile;
  const pageErrors = [];

  const shot = async (name, opts = {}) => {
    await page.evaluate(() => window.scrollTo(0, 0)); // else the sticky header lands mid-page
    await page.screenshot({ path: path.join(OUT, `${name}.png`), fullPage: true, ...opts });
  };
  const view = async (name) => {
    await page.locator(`nav a[data-view="${name}"]`).click();
    await page.locator(`#view-${name}`).waitFor({ state: 'visible' });
  };
  /** Clicks Refresh until the event's row shows `status` (auto-refresh also runs every 5 s). */
  const untilRow = async (id, status, timeoutMs = 60_000) => {
    const row = page.locator(`tr[data-event-id="${id}"][data-status="${status}"]`);
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      await page.locator('#refresh').click();
      await sleep(400);
      if (await row.count()) return row;
      await sleep(600);
    }
    throw new Error(`event ${id} did not show as ${status}: ${await page.locator('#deliveries-list').innerText()}`);
  };
  /** Picks the sample generator's first sample of a vendor type. */
  const pickSample = async (type) => {
    const value = await page.locator(`#sample-type option[data-vendor-type="${type}"]`).first().getAttribute('value');
    await page.selectOption('#sample-type', value);
  };
  const generateAndSend = async ({ vendor, type, source, key, url }) => {
    await view('inspect');
    await page.selectOption('#sample-vendor', vendor);
    if (type) await pickSample(type);
    await page.locator('#sample-source').fill(source);
    await page.locator('#sample-key').fill(key);
    if (url) await page.locator('#sample-url').fill(url);
    await page.locator('#sample-generate').click();
    await page.locator('#verdict.good').waitFor();
    await page.locator('#sample-send').click();
    const sent = page.locator('#sample-sent');
    await sent.filter({ hasText: /Accepted|Refused|Could not/ }).waitFor();
    const text = await sent.textContent();
    assert.match(text, /^Accepted: HTTP 200, event /, text);
    return sent.getAttribute('data-event-id');
  };

  before(async () => {
    mkdirSync(OUT, { recursive: true });
    origin = await startOrigin();
    const dest = (p) => [{ url: origin.url(p), secret: SECRET }];
    const config = {
      sources: [
        { name: 'tencent-demo', vendor: 'tencent_vod', key: KEYS.tencent, destinations: dest('/hooks/tencent') },
        { name: 'baidu-demo', vendor: 'baidu_vod', key: KEYS.baidu, callback_url: BAIDU_URL, destinations: dest('/hooks/baidu') },
        { name: 'volcengine-demo', vendor: 'volcengine_live', key: KEYS.volc, destinations: dest('/hooks/volc') },
        { name: 'flaky', vendor: 'tencent_vod', key: KEYS.flaky, destinations: dest('/hooks/flaky') },
        { name: 'pull-demo', vendor: 'tencent_vod', key: KEYS.tencent, pull: { token: PULL_TOKEN } },
        // Two of the new vendors end to end through the console (every vendor, aliyun_vod
        // included, goes through the worker in worker/tests/vendors.test.mjs).
        { name: 'tencent-live-demo', vendor: 'tencent_live', key: KEYS.tencentLive, destinations: dest('/hooks/tencent-live') },
        { name: 'byteplus-demo', vendor: 'byteplus_live', key: KEYS.byteplus, destinations: dest('/hooks/byteplus') },
      ],
      allow_loopback: true,
      admin_token: ADMIN,
      delivery: { timeout_ms: 3000, max_attempts: 2, backoff_base_seconds: 0, backoff_max_seconds: 1 },
    };
    // wrangler dev can be slow to come up on a busy 2-core machine: one more try.
    worker = await startWorker(config, { name: 'console' })
      .catch((e) => { console.error(`first start failed (${e.message.split('\n')[0]}), retrying`); return startWorker(config, { name: 'console' }); });
    profile = mkdtempSync(path.join(tmpdir(), 'mediahook-console-chromium-'));
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM, headless: true, args: FLAGS, timeout: 60_000,
      viewport: { width: 1280, height: 900 },
    });
    page = context.pages()[0] ?? (await context.newPage());
    page.setDefaultTimeout(20_000);
    page.on('pageerror', (e) => pageErrors.push(String(e)));
    page.on('console', (m) => m.type() === 'error' && pageErrors.push(m.text()));
    await page.goto(`${worker.base}/`);
    await page.locator('#status[data-ready="true"]').waitFor();
  });

  after(async () => {
    await context?.close();
    await worker?.stop();
    await origin?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
  });

  it('is served by the worker at / while the API routes still reach the worker', async () => {
    assert.equal(await page.title(), 'mediahook console');
    const health = await fetch(`${worker.base}/healthz`);
    assert.equal(health.status, 200);
    assert.equal((await health.json()).status, 'ok');
    const events = await fetch(`${worker.base}/v1/events`);
    assert.equal(events.status, 401);
    assert.equal((await events.json()).error.code, 'unauthorized');
    const index = await fetch(`${worker.base}/`);
    assert.match(index.headers.get('content-security-policy'), /script-src 'self' 'wasm-unsafe-eval' 'sha256-/);
    assert.equal(index.headers.get('x-frame-options'), 'DENY');
    const wasm = await fetch(`${worker.base}/dist/mediahook/web/mediahook_wasm_bg.wasm`);
    assert.equal(wasm.status, 200);
    assert.equal(await page.locator('#status').textContent(), 'Ready.');
  });

  it('every form control has a label; views are plain links that move focus', async () => {
    const unlabeled = await page.evaluate(() => [...document.querySelectorAll('input, select, textarea')]
      .filter((e) => !e.closest('.offscreen') && e.labels.length === 0 && !e.getAttribute('aria-label'))
      .map((e) => e.id || e.outerHTML));
    assert.deepEqual(unlabeled, []);
    await page.locator('nav a[data-view="inspect"]').focus();
    await page.keyboard.press('Enter');
    await page.locator('#view-inspect').waitFor({ state: 'visible' });
    assert.equal(await page.evaluate(() => document.activeElement.id), 'inspect-title');
    assert.equal(await page.locator('#view-config').isVisible(), false);
    await page.keyboard.press('Tab'); // next: the first control of the view
    assert.equal(await page.evaluate(() => document.activeElement.id), 'inspect-vendor');
  });

  it('vendor pickers, samples, options and config fields come from the package (vendorInfo)', async () => {
    const ids = VENDORS.map((v) => v.id);
    assert.equal(ids.length, 6, ids.join());
    for (const sel of ['#config-vendor', '#inspect-vendor', '#sample-vendor']) {
      assert.deepEqual(await page.locator(`${sel} option`).evaluateAll((os) => os.map((o) => o.value)), ids, sel);
    }
    await view('inspect');
    for (const v of VENDORS) {
      // Samples: the registry's, in its order.
      await page.selectOption('#sample-vendor', v.id);
      assert.deepEqual(await page.locator('#sample-type option').evaluateAll((os) => os.map((o) => o.dataset.vendorType)),
        v.samples.map((x) => x.vendorType), v.id);
      // Inspector: the callback URL field and headers field exactly when the registry says so;
      // one control per registry option.
      await page.selectOption('#inspect-vendor', v.id);
      assert.equal(await page.locator('#inspect-url').isVisible(), v.requiresCallbackUrl, `${v.id} callback URL`);
      assert.equal(await page.locator('#inspect-headers').isVisible(), v.signature.location === 'headers', `${v.id} headers`);
      const shown = await page.locator('#inspect-options [data-option-name]:not([hidden])').evaluateAll((fs) => fs.map((f) => f.dataset.optionName));
      assert.deepEqual(shown.sort(), v.options.map((o) => o.name).filter((n) => n !== 'callback_url').sort(), `${v.id} options`);
      assert.match(await page.locator('#inspect-signed').textContent(), new RegExp(`^Signed: ${v.signature.signed.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
      const reply = await page.locator('#inspect-reply').textContent();
      assert.ok(reply.startsWith(`Delivered for the vendor: HTTP ${v.reply.successStatus.join(' or ')}`) && reply.includes(v.reply.retry), reply);
    }
    // The Live twins: sign order and the meaning of t, in the inspector and the sample generator.
    for (const id of ['volcengine_live', 'byteplus_live']) {
      await page.selectOption('#inspect-vendor', id);
      await page.selectOption('#sample-vendor', id);
      for (const c of ['#inspect-opt-sign_order', '#inspect-opt-timestamp', '#inspect-opt-window_seconds', '#sample-opt-sign_order', '#sample-opt-timestamp']) {
        await page.locator('summary').first().evaluate((e) => { e.parentElement.open = true; });
        assert.equal(await page.locator(c).isVisible(), true, `${id} ${c}`);
      }
    }
    // Config builder: every field the registry lists has an input in the vendor's fieldset
    // (lists of objects: an editor for the list), with the registry's description under it.
    await view('config');
    for (const v of VENDORS) {
      await page.selectOption('#config-vendor', v.id);
      const fields = await page.locator('#config-form fieldset[data-vendor]:not([hidden]) [data-field]')
        .evaluateAll((is) => is.map((i) => i.dataset.field.replace(/\[\d+\]/g, '[]')));
      for (const f of v.configFields) {
        const covered = fields.includes(f.path) || (f.path.includes('[') && fields.some((x) => x.startsWith(f.path.slice(0, f.path.indexOf('[') + 1))));
        assert.ok(covered || f.path.endsWith('[].CallbackType'), `${v.id}: no input for ${f.path} (${fields})`);
      }
      assert.match(await page.locator('#config-api').textContent(), new RegExp(v.configApi.slice(0, 20).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
    }
    // No second copy of the vendors in the page's own code: ids only where the registry cannot
    // answer (the config APIs' hosts; which hand-laid fieldset serves which vendor).
    const src = (f) => readFileSync(path.resolve(here, '../public', f), 'utf8');
    for (const id of ids) {
      assert.equal(src('samples.mjs').includes(id), false, `samples.mjs names ${id}`);
      assert.ok(src('app.mjs').split(id).length - 1 <= 1, `app.mjs names ${id} more than once`);
    }
  });

  it('config builder: each error beside its field as you type, then the exact request', async () => {
    await view('config');
    // Baidu: sign on without a key, an event without a URL.
    await page.selectOption('#config-vendor', 'baidu_vod');
    await page.selectOption('#baidu-enableSign', 'true');
    await page.selectOption('#baidu-enableMediaUploadCompleteEvent', 'true');
    const err = (id) => page.locator(`#${id}-error`);
    await err('baidu-signKey').filter({ hasText: 'signKey is required when enable sign' }).waitFor();
    assert.equal(await err('baidu-signKey').textContent(), 'InvalidCallbackConfigParams signKey is required when enable sign (HTTP 400)');
    assert.equal(await err('baidu-callbackUrl').textContent(), 'InvalidCallbackConfigParams callbackUrl is required when enable any event (HTTP 400)');
    assert.equal(await page.locator('#baidu-signKey').getAttribute('aria-invalid'), 'true');
    assert.match(await page.locator('#config-result').textContent(), /^2 problems: Baidu AI Cloud VOD would answer HTTP 400/);
    assert.equal(await page.locator('#config-request-box').isVisible(), false);
    // Typing: the key error goes away at the first character; an internal URL is refused (403).
    await page.locator('#baidu-signKey').pressSequentially('mySignKey42');
    await page.locator('#baidu-callbackUrl').pressSequentially('http://169.254.169.254/latest');
    await err('baidu-callbackUrl').filter({ hasText: 'callbackUrl is not allowed (HTTP 403)' }).waitFor();
    assert.equal(await err('baidu-signKey').textContent(), '');
    assert.equal(await page.locator('#baidu-signKey').getAttribute('aria-invalid'), null);
    await shot('config-errors');
    // Fixed: the request to copy.
    await page.locator('#baidu-callbackUrl').fill('');
    await page.locator('#baidu-callbackUrl').pressSequentially('https://hooks.example.com/v1/hooks/baidu-prod');
    await page.locator('#config-result', { hasText: 'Valid' }).waitFor();
    assert.equal(await page.locator('#config-result').textContent(), 'Valid: Baidu AI Cloud VOD would accept this config.');
    const req = await page.locator('#config-request').textContent();
    assert.match(req, /^PUT \/v2\/callback HTTP\/1\.1\nHost: vod\.bj\.baidubce\.com\n/);
    assert.deepEqual(JSON.parse(req.slice(req.indexOf('\n\n') + 2)), {
      callbackUrl: 'https://hooks.example.com/v1/hooks/baidu-prod', enableSign: true, signKey: 'mySignKey42',
      enableMediaUploadCompleteEvent: true,
    });
    assert.equal(await page.locator('#config-form fieldset:not([hidden]) .field-error:not(:empty)').count(), 0);
    await page.locator('#config-copy').click();
    await page.locator('#config-copied').filter({ hasText: /Copied|Copy failed/ }).waitFor();
    await shot('config');

    // Tencent: bad SignKey, bad SubAppId, then fixed.
    await page.selectOption('#config-vendor', 'tencent_vod');
    await page.selectOption('#tencent-Mode', 'PUSH');
    await page.locator('#tencent-SignKey').pressSequentially('not a key!');
    await page.locator('#tencent-SubAppId').pressSequentially('12x');
    await err('tencent-SubAppId').filter({ hasText: 'SubAppId must be an unsigned integer' }).waitFor();
    assert.equal(await err('tencent-SignKey').textContent(), 'InvalidParameter SignKey must consist of ASCII letters and digits only (HTTP 400)');
    assert.equal(await err('tencent-SubAppId').textContent(), 'InvalidParameter SubAppId must be an unsigned integer (HTTP 400)');
    assert.match(await page.locator('#config-response').textContent(), /"Code": "InvalidParameter"/);
    await page.locator('#tencent-SignKey').fill('AbC123');
    await page.locator('#tencent-SubAppId').fill('1500000001');
    await page.locator('#tencent-NotificationUrl').fill('https://hooks.example.com/v1/hooks/tencent-prod');
    await page.selectOption('#tencent-UploadMediaCompleteEventSwitch', 'ON');
    await page.locator('#config-result', { hasText: 'Valid' }).waitFor();
    const treq = await page.locator('#config-request').textContent();
    assert.match(treq, /X-TC-Action: ModifyEventConfig\nX-TC-Version: 2018-07-17/);
    assert.deepEqual(JSON.parse(treq.slice(treq.indexOf('\n\n') + 2)), {
      Mode: 'PUSH', NotificationUrl: 'https://hooks.example.com/v1/hooks/tencent-prod', SignKey: 'AbC123',
      UploadMediaCompleteEventSwitch: 'ON', SubAppId: 1500000001,
    });

    // Volcengine: required fields, Domain with App, a second bad URL; then fixed.
    await page.selectOption('#config-vendor', 'volcengine_live');
    await err('volc-MessageType').filter({ hasText: 'MessageType is required' }).waitFor();
    assert.equal(await err('volc-MessageType').textContent(), 'InvalidParam.Empty MessageType is required (HTTP 400)');
    assert.equal(await err('volc-Vhost').textContent(), 'InvalidParam.Empty Vhost is required (HTTP 400)');
    await page.selectOption('#volc-MessageType', 'push');
    await page.locator('#volc-Domain').pressSequentially('push.example.com');
    await page.locator('#volc-App').pressSequentially('live');
    await err('volc-App').filter({ hasText: 'domain and app exist can not exist at the same time' }).waitFor();
    assert.match(await err('volc-App').textContent(), /^InvalidParam\.DomainAndApp /);
    await page.locator('#volc-URL-0').pressSequentially('https://hooks.example.com/v1/hooks/volc');
    await page.locator('#volc-add-url').click();
    assert.equal(await page.evaluate(() => document.activeElement.dataset.field), 'CallbackDetailList[1].URL');
    await page.keyboard.type('not a url');
    await err('volc-URL-1').filter({ hasText: 'URL format error' }).waitFor();
    await page.locator('#volc-AuthEnable').check();
    await err('volc-AuthKeyPrimary').filter({ hasText: 'AuthKeyPrimary is required' }).waitFor();
    await shot('config-volcengine-errors');
    await page.locator('#volc-App').fill('');
    await page.getByRole('button', { name: 'Remove URL 2' }).click();
    await page.locator('#volc-AuthKeyPrimary').fill('primaryKey1');
    await page.locator('#config-result', { hasText: 'Valid' }).waitFor();
    const vreq = await page.locator('#config-request').textContent();
    assert.match(vreq, /^POST \/\?Action=UpdateCallback&Version=2023-01-01 HTTP\/1\.1\nHost: live\.volcengineapi\.com/);
    assert.deepEqual(JSON.parse(vreq.slice(vreq.indexOf('\n\n') + 2)), {
      MessageType: 'push', Domain: 'push.example.com',
      CallbackDetailList: [{ CallbackType: 'http', URL: 'https://hooks.example.com/v1/hooks/volc' }],
      AuthEnable: true, AuthKeyPrimary: 'primaryKey1',
    });
  });

  it('config builder: Tencent Live, Alibaba VOD and BytePlus errors beside their fields, then the request', async () => {
    await view('config');
    const err = (id) => page.locator(`#${id}-error`);
    const requestBody = async () => {
      const text = await page.locator('#config-request').textContent();
      const blank = text.indexOf('\n\n'); // after the request line and headers, when there are some
      return JSON.parse(blank < 0 ? text : text.slice(blank + 2));
    };
    // Tencent Live (CreateLiveCallbackTemplate): nothing filled in → what Tencent would answer.
    await page.selectOption('#config-vendor', 'tencent_live');
    const tl = (f) => `cfg-tencent_live-${f}`;
    const tlWant = mh.validateConfig('tencent_live', {}, { requestId: 'x' });
    assert.equal(tlWant.ok, false);
    await page.locator('#config-result', { hasText: 'problem' }).waitFor();
    assert.match(await page.locator('#config-result').textContent(), new RegExp(`^${tlWant.errors.length} problems?: Tencent Cloud Live would answer HTTP ${tlWant.errors[0].status}`));
    for (const e of tlWant.errors) {
      const box = e.field ? err(tl(e.field)) : page.locator(`#config-other-errors [data-field=""]`);
      assert.match(await box.textContent(), new RegExp(`${e.code} `), `${e.field}: ${e.code}`);
    }
    await page.locator(`#${tl('TemplateName')}`).pressSequentially('bad name!');
    await page.locator(`#${tl('StreamBeginNotifyUrl')}`).pressSequentially('http://127.0.0.1/cb');
    await page.locator(`#${tl('CallbackKey')}`).pressSequentially('key with spaces');
    const bad = mh.validateConfig('tencent_live', { TemplateName: 'bad name!', StreamBeginNotifyUrl: 'http://127.0.0.1/cb', CallbackKey: 'key with spaces' });
    for (const f of ['TemplateName', 'StreamBeginNotifyUrl', 'CallbackKey']) {
      const want = bad.errors.filter((e) => e.field === f);
      assert.ok(want.length, `the package refuses ${f}`);
      assert.equal(await err(tl(f)).textContent(), want.map((e) => `${e.code} ${e.message} (HTTP ${e.status})`).join(''), f);
      assert.equal(await page.locator(`#${tl(f)}`).getAttribute('aria-invalid'), 'true');
    }
    await shot('config-tencent-live-errors');
    await page.locator(`#${tl('TemplateName')}`).fill('mediahook_live');
    await page.locator(`#${tl('StreamBeginNotifyUrl')}`).fill('https://hooks.example.com/v1/hooks/tencent-live');
    await page.locator(`#${tl('CallbackKey')}`).fill('LiveKey_2024');
    await page.locator('#config-result', { hasText: 'Valid' }).waitFor();
    assert.equal(await page.locator('#config-result').textContent(), 'Valid: Tencent Cloud Live would accept this config.');
    assert.match(await page.locator('#config-request').textContent(), /^POST \/ HTTP\/1\.1\nHost: live\.tencentcloudapi\.com\n[\s\S]*X-TC-Action: CreateLiveCallbackTemplate\nX-TC-Version: 2018-08-01\n/);
    assert.deepEqual(await requestBody(), {
      TemplateName: 'mediahook_live', StreamBeginNotifyUrl: 'https://hooks.example.com/v1/hooks/tencent-live', CallbackKey: 'LiveKey_2024',
    });
    // With a TemplateId it is a ModifyLiveCallbackTemplate (a number in the body).
    await page.locator(`#${tl('TemplateId')}`).fill('12');
    await page.locator('#config-request', { hasText: 'ModifyLiveCallbackTemplate' }).waitFor();
    assert.equal((await requestBody()).TemplateId, 12);
    await page.locator(`#${tl('TemplateId')}`).fill('');

    // Alibaba VOD (SetMessageCallback): a bad AuthKey and an internal URL, then fixed.
    await page.selectOption('#config-vendor', 'aliyun_vod');
    const al = (f) => `cfg-aliyun_vod-${f}`;
    await page.locator(`#${al('CallbackType')}`).fill('HTTP');
    await page.locator(`#${al('CallbackURL')}`).fill('http://169.254.169.254/latest');
    await page.locator(`#${al('AuthSwitch')}`).fill('on');
    await page.locator(`#${al('AuthKey')}`).pressSequentially('short-key!');
    const abad = mh.validateConfig('aliyun_vod', { CallbackType: 'HTTP', CallbackURL: 'http://169.254.169.254/latest', AuthSwitch: 'on', AuthKey: 'short-key!' });
    assert.equal(abad.ok, false);
    await page.locator('#config-result', { hasText: 'problem' }).waitFor();
    for (const f of ['CallbackURL', 'AuthKey']) {
      const want = abad.errors.filter((e) => e.field === f);
      assert.ok(want.length, `the package refuses ${f}`);
      assert.equal(await err(al(f)).textContent(), want.map((e) => `${e.code} ${e.message} (HTTP ${e.status})`).join(''), f);
    }
    assert.match(await page.locator('#config-result').textContent(), /^\d+ problems?: Alibaba Cloud VOD would answer HTTP \d{3} with$/);
    // The vendor-shaped error body, as the package gives it for the same config.
    assert.deepEqual(JSON.parse(await page.locator('#config-response').textContent()),
      mh.validateConfig('aliyun_vod', { CallbackType: 'HTTP', CallbackURL: 'http://169.254.169.254/latest', AuthSwitch: 'on', AuthKey: 'short-key!' }, { requestId: 'console-preview' }).response);
    await shot('config-aliyun-errors');
    await page.locator(`#${al('CallbackURL')}`).fill('https://hooks.example.com/v1/hooks/aliyun');
    await page.locator(`#${al('AuthKey')}`).fill('AliKey2024abc');
    await page.locator(`#${al('EventTypeList')}`).fill('FileUploadComplete,TranscodeComplete');
    await page.locator('#config-result', { hasText: 'Valid' }).waitFor();
    const areq = await page.locator('#config-request').textContent();
    assert.match(areq, /^POST \/\?CallbackType=HTTP&CallbackURL=https%3A%2F%2Fhooks\.example\.com%2Fv1%2Fhooks%2Faliyun&EventTypeList=FileUploadComplete%2CTranscodeComplete&AuthSwitch=on&AuthKey=AliKey2024abc HTTP\/1\.1\nHost: vod\.cn-shanghai\.aliyuncs\.com\nx-acs-action: SetMessageCallback\nx-acs-version: 2017-03-21\n/);
    assert.deepEqual(await requestBody(), {
      CallbackType: 'HTTP', CallbackURL: 'https://hooks.example.com/v1/hooks/aliyun',
      EventTypeList: 'FileUploadComplete,TranscodeComplete', AuthSwitch: 'on', AuthKey: 'AliKey2024abc',
    });

    // BytePlus: the Live form (the registry's fields are Volcengine's), its own name and no API.
    await page.selectOption('#config-vendor', 'byteplus_live');
    await page.selectOption('#volc-MessageType', 'push');
    await page.locator('#volc-Vhost').fill('');
    await page.locator('#volc-Domain').fill('push.example.com');
    await page.locator('#volc-App').fill('');
    await page.locator('#volc-URL-0').fill('https://hooks.example.com/v1/hooks/byteplus');
    await page.locator('#volc-AuthKeyPrimary').fill('');
    await page.locator('#volc-AuthEnable').check();
    await err('volc-AuthKeyPrimary').filter({ hasText: 'AuthKeyPrimary is required' }).waitFor();
    assert.match(await page.locator('#config-result').textContent(), /BytePlus MediaLive would answer HTTP 400/);
    await page.locator('#volc-AuthKeyPrimary').fill('bpKey1');
    await page.locator('#config-result', { hasText: 'Valid' }).waitFor();
    assert.equal(await page.locator('#config-request-title').textContent(), `The values to enter (${VENDORS.find((v) => v.id === 'byteplus_live').configApi})`);
    assert.match(await page.locator('#config-request-note').textContent(), /^BytePlus MediaLive has no public API for this/);
    assert.equal((await requestBody()).AuthKeyPrimary, 'bpKey1');
  });

  it('callback inspector: pasted vectors give the verdict in plain words', async () => {
    await view('inspect');
    const verdict = page.locator('#verdict');
    const tencent = loadVectors('tencent_vod.json');
    const tc = (name) => tencent.find((v) => v.name === name);
    await page.selectOption('#inspect-vendor', 'tencent_vod');
    assert.equal(await page.locator('#inspect-headers').isVisible(), false); // Baidu only
    assert.equal(await page.locator('#inspect-url').isVisible(), false);
    await page.locator('#inspect-key').fill(tc('valid').key);
    await page.locator('#inspect-body').fill(tc('valid').body); // a paste
    await page.locator('#inspect-now').evaluate((e) => { e.closest('details').open = true; });
    await page.locator('#inspect-now').fill(String(tc('valid').now));
    await verdict.filter({ hasText: 'Verified' }).waitFor();
    assert.equal(await verdict.textContent(),
      'Verified: media.upload.completed (NewFileUpload), subject 5285890784273533167. The worker would accept it.');
    const ev = JSON.parse(await page.locator('#inspect-event').textContent());
    assert.equal(ev.vendor, 'tencent_vod');
    assert.equal(ev.data.Sign, undefined);

    // Expired: 1 s and 3 min after T.
    await page.locator('#inspect-now').fill(String(tc('expired_one_second').now));
    await verdict.filter({ hasText: 'Expired' }).waitFor();
    assert.equal(await verdict.textContent(), 'Expired 1 s ago: the signature was valid until 2024-11-22T10:06:40Z.');
    await page.locator('#inspect-now').fill('2024-11-22T10:09:40Z');
    await verdict.filter({ hasText: 'Expired 3 min ago' }).waitFor();
    assert.equal(await verdict.getAttribute('data-kind'), 'expired');
    assert.match(await page.locator('#inspect-event').textContent(), /^\/\/ NOT verified\n/);

    // Every Tencent vector: the verdict's kind is the vector's expectation.
    for (const c of tencent) {
      await page.locator('#inspect-key').fill(c.key);
      await page.locator('#inspect-body').fill(c.body);
      await page.locator('#inspect-now').fill(String(c.now));
      assert.equal(await verdict.getAttribute('data-kind'), c.expect, c.name);
    }
    await page.locator('#inspect-body').fill(tc('wrong_key').body);
    await page.locator('#inspect-key').fill(tc('wrong_key').key);
    await page.locator('#inspect-now').fill(String(tc('wrong_key').now));
    assert.match(await verdict.textContent(), /^Signature mismatch: made with another key/);

    // Baidu, with headers pasted as lines.
    const baidu = loadVectors('baidu_vod.json');
    const b = (name) => baidu.find((v) => v.name === name);
    await page.selectOption('#inspect-vendor', 'baidu_vod');
    assert.equal(await page.locator('#inspect-headers').isVisible(), true);
    await page.locator('#inspect-key').fill(b('valid').key);
    await page.locator('#inspect-url').fill(b('valid').callback_url);
    await page.locator('#inspect-headers').fill(Object.entries(b('valid').headers).map(([k, v]) => `${k}: ${v}`).join('\n'));
    await page.locator('#inspect-body').fill(b('valid').body);
    await page.locator('#inspect-now').fill(String(b('valid').now_ms));
    await verdict.filter({ hasText: 'Verified' }).waitFor();
    assert.match(await verdict.textContent(), /^Verified: media\.upload\.completed \(MEDIA_UPLOAD_COMPLETE\), subject mda-abc123/);
    for (const c of baidu) {
      await page.locator('#inspect-key').fill(c.key);
      await page.locator('#inspect-url').fill(c.callback_url);
      await page.locator('#inspect-headers').fill(JSON.stringify(c.headers));
      await page.locator('#inspect-body').fill(c.body);
      await page.locator('#inspect-now').fill(String(c.now_ms));
      assert.equal(await verdict.getAttribute('data-kind'), c.expect, c.name);
      if (c.name === 'too_old') assert.match(await verdict.textContent(), /^Expired: sent \d+ min ago \(at .+\), outside the ±300 s window\.$/);
      if (c.name === 'missing_token') assert.match(await verdict.textContent(), /^No signature: the .* headers are missing or empty\. Is signing enabled at the vendor/);
    }

    // Volcengine (flat and data-wrapped).
    await page.selectOption('#inspect-vendor', 'volcengine_live');
    for (const c of loadVectors('volcengine_live.json')) {
      await page.locator('#inspect-key').fill(c.key);
      await page.locator('#inspect-body').fill(c.body);
      await page.locator('#inspect-now').fill(String(c.now));
      assert.equal(await verdict.getAttribute('data-kind'), c.expect, c.name);
    }
    // Back to a Tencent verdict for the screenshot.
    await page.selectOption('#inspect-vendor', 'tencent_vod');
    await page.locator('#inspect-key').fill(tc('expired_one_second').key);
    await page.locator('#inspect-body').fill(tc('expired_one_second').body);
    await page.locator('#inspect-now').fill('2024-11-22T10:09:40Z');
    await verdict.filter({ hasText: 'Expired 3 min ago' }).waitFor();
    await shot('inspector-expired');
  });

  it('callback inspector: every vector of the new vendors, the Live options, plain-words verdicts', async () => {
    await view('inspect');
    await page.locator('#inspect-now').evaluate((e) => { e.closest('details').open = true; });
    const verdict = page.locator('#verdict');
    const setOptions = async (opts = {}) => {
      for (const name of ['sign_order', 'timestamp']) {
        const sel = page.locator(`#inspect-opt-${name}`);
        if (await sel.isVisible()) await sel.selectOption(opts[name] ?? '');
      }
    };
    /** Pastes one vector case (any vendor's format) and returns the verdict's kind. */
    const paste = async (vendor, c, opts) => {
      await page.selectOption('#inspect-vendor', vendor);
      await setOptions(opts);
      await page.locator('#inspect-key').fill(c.key);
      if (c.callback_url !== undefined) await page.locator('#inspect-url').fill(c.callback_url);
      if (c.headers !== undefined) await page.locator('#inspect-headers').fill(JSON.stringify(c.headers));
      await page.locator('#inspect-body').fill(c.body);
      await page.locator('#inspect-now').fill(String(c.now_ms ?? c.now));
      return verdict.getAttribute('data-kind');
    };
    // Every case of every vendor's vectors (the three new files and the three older ones).
    for (const v of VENDORS) {
      const cases = loadVectors(`${v.id}.json`);
      assert.ok(cases.length >= 5, v.id);
      for (const c of cases) assert.equal(await paste(v.id, c), c.expect, `${v.id}/${c.name}: ${await verdict.textContent()}`);
    }
    const vec = (file, name) => loadVectors(file).find((c) => c.name === name);
    const says = async (vendor, c, opts) => { await paste(vendor, c, opts); return verdict.textContent(); };
    // Send-time windows: "sent … ago / in the future, outside the ±300 s window".
    assert.equal(await says('aliyun_vod', vec('aliyun_vod.json', 'sent_301s_ago')),
      'Expired: sent 5 min ago (at 2025-06-15T15:06:40Z), outside the ±300 s window.');
    assert.equal(await says('byteplus_live', vec('byteplus_live.json', 'sent_301s_in_future')),
      'Expired: sent 5 min in the future (at 2025-06-15T16:00:00Z), outside the ±300 s window: check the clocks.');
    // A wider window of the source (an option of the registry) accepts it.
    await page.locator('#inspect-opt-window_seconds').fill('400');
    assert.equal(await verdict.getAttribute('data-kind'), 'ok');
    await page.locator('#inspect-opt-window_seconds').fill('');
    // Expiry: "expired 1 s ago".
    assert.equal(await says('tencent_live', vec('tencent_live.json', 'one_second_after_expiry')),
      'Expired 1 s ago: the signature was valid until 2025-06-15T15:16:40Z.');
    assert.match(await says('tencent_live', vec('tencent_live.json', 'no_sign_no_t')),
      /^No signature: the `sign` and `t` body fields are missing or empty\. Is signing enabled at the vendor/);
    assert.match(await says('aliyun_vod', vec('aliyun_vod.json', 'signed_for_another_url')),
      /^Signature mismatch: made with another key or for another callback URL\. The vendor signs X-VOD-SIGNATURE = /);
    assert.match(await says('byteplus_live', vec('byteplus_live.json', 'key_first_order_is_wrong_here')),
      /^Signature mismatch: made with another key or in the other sign order\. /);
    // A BytePlus callback checked as Volcengine Live: mismatch (order), then expired (t taken as
    // an expiry, with the hint), then verified once both options say what BytePlus does.
    const bp = vec('byteplus_live.json', 'valid_wrapped');
    assert.equal(await paste('volcengine_live', bp), 'mismatch');
    assert.equal(await paste('volcengine_live', bp, { sign_order: 'time_first' }), 'expired');
    assert.match(await verdict.textContent(), /^Expired 3 s ago: .* If this vendor sends t as the send time, set "What t means" to sent\.$/);
    assert.equal(await paste('volcengine_live', bp, { sign_order: 'time_first', timestamp: 'sent' }), 'ok');
    await shot('inspector-volcengine-byteplus');
    // And every BytePlus vector through a Volcengine source with BytePlus's options.
    for (const c of loadVectors('byteplus_live.json')) {
      assert.equal(await paste('volcengine_live', c, { sign_order: 'time_first', timestamp: 'sent' }), c.expect, `as volcengine_live: ${c.name}`);
    }
    await setOptions();
    // A Tencent VOD legacy v2.0 callback (a real-world case): never signed, said so.
    const legacy = JSON.parse(readFileSync(path.resolve(here, '../../testdata/cases/90_tencent_vod_legacy_v2_deletefile.json'), 'utf8'));
    assert.equal(await paste('tencent_vod', { key: 'AnyKey1', body: legacy.body, now_ms: legacy.now_ms }), 'missing');
    assert.match(await verdict.textContent(), /^No signature: this is a Tencent VOD legacy v2\.0 event notification, a format the vendor never signs\./);
    const ev = JSON.parse((await page.locator('#inspect-event').textContent()).replace(/^\/\/ NOT verified\n/, ''));
    assert.deepEqual([ev.type, ev.subject], [legacy.expect.type, legacy.expect.subject]);
    // Alibaba, verified: the normalized event.
    assert.equal(await paste('aliyun_vod', vec('aliyun_vod.json', 'valid_upload')), 'ok');
    assert.match(await verdict.textContent(), /^Verified: media\.upload\.completed \(FileUploadComplete\), subject /);
    await shot('inspector-aliyun');
  });

  it('a generated sample reaches the worker (page button and curl line) and shows as delivered', async () => {
    // Baidu without the callback_url it signs: the page says so and signs nothing.
    await view('inspect');
    await page.selectOption('#sample-vendor', 'baidu_vod');
    await page.locator('#sample-source').fill('baidu-demo');
    await page.locator('#sample-key').fill(KEYS.baidu);
    await page.locator('#sample-url').fill('');
    await page.locator('#sample-generate').click();
    await page.locator('#sample-sent.bad', { hasText: "Enter the source's callback_url first: Baidu" }).waitFor({ timeout: 5_000 });
    assert.equal(await page.locator('#sample-curl').textContent(), '');
    // Baidu: the signature covers the callback_url configured for the source.
    const id = await generateAndSend({ vendor: 'baidu_vod', type: 'MEDIA_TRANSCODE_COMPLETE', source: 'baidu-demo', key: KEYS.baidu, url: BAIDU_URL });
    assert.ok(id);
    const curl = await page.locator('#sample-curl').textContent();
    assert.ok(curl.startsWith(`curl -sS -X POST '${worker.base}/v1/hooks/baidu-demo'`), curl);
    assert.match(curl, /-H 'vod-callback-auth-token: [0-9a-f]{64}'/);
    await shot('inspector-sample');
    // The curl line as shown works (same event: accepted again, deduplicated before delivery).
    if (existsSync('/usr/bin/curl')) {
      const out = JSON.parse(execFileSync('sh', ['-c', curl], { encoding: 'utf8', timeout: 15_000 }));
      assert.deepEqual([out.code, out.id], [0, id]);
    }
    // Tencent too, any event type.
    const tid = await generateAndSend({ vendor: 'tencent_vod', type: 'ProcedureStateChanged', source: 'tencent-demo', key: KEYS.tencent });
    // New vendors, from their registry samples: Tencent Live and BytePlus (MD5(t + key), t = send time).
    const lid = await generateAndSend({ vendor: 'tencent_live', type: '100', source: 'tencent-live-demo', key: KEYS.tencentLive });
    const bid = await generateAndSend({ vendor: 'byteplus_live', type: 'push_start', source: 'byteplus-demo', key: KEYS.byteplus });
    // Two samples of the same type are two events (fresh ids and times each time).
    const bid2 = await generateAndSend({ vendor: 'byteplus_live', type: 'push_start', source: 'byteplus-demo', key: KEYS.byteplus });
    assert.notEqual(bid, bid2);

    await view('deliveries');
    assert.match(await page.locator('#deliveries-status').textContent(), /Enter the admin token/);
    await page.locator('#admin-token').fill('wrong-token-wrong-token');
    await page.locator('#token-use').click();
    await page.locator('#deliveries-status', { hasText: 'the admin token was refused (401 unauthorized)' }).waitFor();
    await page.locator('#token-forget').click();
    await page.locator('#admin-token').fill(ADMIN);
    await page.keyboard.press('Enter');
    await untilRow(id, 'delivered');
    const lRow = await untilRow(lid, 'delivered');
    assert.equal(await lRow.locator('td[data-label="Type"] span').textContent(), 'live.record.completed');
    await untilRow(bid, 'delivered');
    const bRow = await untilRow(bid2, 'delivered');
    assert.equal(await bRow.locator('td[data-label="Type"] span').textContent(), 'live.stream.started');
    const liveGot = origin.received('/hooks/tencent-live').map((r) => JSON.parse(r.body));
    assert.deepEqual(liveGot.map((e) => [e.id, e.vendor, e.source]), [[lid, 'tencent_live', 'tencent-live-demo']]);
    const tRow = await untilRow(tid, 'delivered');
    assert.equal(await tRow.locator('td[data-label="Last code"]').textContent(), '200');
    assert.equal(await tRow.locator('td[data-label="Type"] span').textContent(), 'tencent_vod.ProcedureStateChanged');
    // Details: every destination's state and the normalized event; Escape closes, focus returns.
    await tRow.getByRole('button', { name: /^Details / }).click();
    const dlg = page.locator('#event-dialog');
    await dlg.waitFor({ state: 'visible' });
    assert.equal(await page.locator('#event-dialog-title').textContent(), 'tencent_vod.ProcedureStateChanged — delivered');
    assert.match(await page.locator('#event-dialog-dests').textContent(), new RegExp(`delivered ${origin.url('/hooks/tencent').replace(/[.]/g, '\\.')} — 1 attempt, last HTTP 200`));
    assert.equal(JSON.parse(await page.locator('#event-dialog-json').textContent()).id, tid);
    await shot('deliveries-details');
    await page.keyboard.press('Escape');
    await dlg.waitFor({ state: 'hidden' });
    const focusedLabel = () => page.evaluate(() => document.activeElement.getAttribute('aria-label'));
    assert.match(await focusedLabel(), /^Details of tencent_vod\.ProcedureStateChanged /);
    // The 5 s auto-refresh re-renders the list but keeps keyboard focus on that button.
    const before = await page.locator('#deliveries-status').textContent();
    await page.waitForFunction((t) => document.getElementById('deliveries-status').textContent !== t, before, { timeout: 15_000 });
    assert.match(await focusedLabel(), /^Details of tencent_vod\.ProcedureStateChanged /);
    const got = origin.received('/hooks/baidu').map((r) => JSON.parse(r.body).id);
    assert.ok(got.includes(id), JSON.stringify(got));
    // The token lives in sessionStorage only.
    const stored = await page.evaluate(() => ({ s: sessionStorage.getItem('mediahook.adminToken'), l: localStorage.length, c: document.cookie }));
    assert.deepEqual(stored, { s: ADMIN, l: 0, c: '' });
    // The source filter offers every configured source (GET /v1/sources), also those without
    // events yet ('flaky' gets its first one in the next test).
    const options = await page.locator('#filter-source option').evaluateAll((os) => os.map((o) => o.value).filter(Boolean));
    assert.deepEqual(options.sort(), ['baidu-demo', 'byteplus-demo', 'flaky', 'pull-demo', 'tencent-demo', 'tencent-live-demo', 'volcengine-demo']);
    await page.selectOption('#filter-source', 'baidu-demo');
    await page.locator('#deliveries-list h3', { hasText: 'baidu-demo' }).waitFor();
    await page.waitForFunction(() => document.querySelectorAll('#deliveries-list section').length === 1);
    await page.selectOption('#filter-source', '');
    await shot('deliveries');
  });

  it('origin failing: the event ends dead; replay one from the page, then all dead letters', async () => {
    origin.script('/hooks/flaky', [{ status: 503 }]);
    await view('deliveries');
    await page.selectOption('#filter-source', '');
    const id = await generateAndSend({ vendor: 'tencent_vod', type: 'NewFileUpload', source: 'flaky', key: KEYS.flaky });
    await view('deliveries');
    await page.selectOption('#filter-status', 'dead');
    const dead = await untilRow(id, 'dead');
    assert.equal(await dead.locator('td[data-label="Attempts"]').textContent(), '2');
    assert.equal(await dead.locator('td[data-label="Last code"]').textContent(), '503');
    await shot('deliveries-dead');

    origin.script('/hooks/flaky', [{ status: 200 }]);
    await dead.getByRole('button', { name: /^Replay / }).focus(); // keyboard only
    await page.keyboard.press('Enter');
    await page.locator('#deliveries-action', { hasText: `Replay queued for ${id}` }).waitFor();
    await page.selectOption('#filter-status', '');
    await untilRow(id, 'delivered');
    assert.ok(origin.received('/hooks/flaky').filter((r) => JSON.parse(r.body).id === id).length >= 3); // 2 failed + the replay

    // Two more dead events, then "Replay all dead letters".
    origin.script('/hooks/flaky', [{ status: 500 }]);
    const a = await generateAndSend({ vendor: 'tencent_vod', type: 'FileDeleted', source: 'flaky', key: KEYS.flaky });
    const b = await generateAndSend({ vendor: 'tencent_vod', type: 'PullComplete', source: 'flaky', key: KEYS.flaky });
    await view('deliveries');
    await untilRow(a, 'dead');
    await untilRow(b, 'dead');
    origin.script('/hooks/flaky', [{ status: 200 }]);
    await page.locator('#replay-dead').focus();
    await page.keyboard.press('Space');
    await page.locator('#deliveries-action', { hasText: 'Replayed 2 dead events' }).waitFor();
    await untilRow(a, 'delivered');
    await untilRow(b, 'delivered');
  });

  it('an event of a pull source shows its pull-queue state in the details', async () => {
    const id = await generateAndSend({ vendor: 'tencent_vod', type: 'NewFileUpload', source: 'pull-demo', key: KEYS.tencent });
    const details = async (want) => {
      await view('deliveries');
      const row = await untilRow(id, 'delivered'); // no push destination: nothing to deliver
      await row.getByRole('button', { name: /^Details / }).click();
      await page.locator('#event-dialog').waitFor({ state: 'visible' });
      const text = await page.locator('#event-dialog-dests').textContent();
      await page.keyboard.press('Escape');
      assert.match(text, want);
    };
    await details(/^pending pull queue — pulled 0 times$/);
    // A puller takes it and confirms it (the pull API, as an origin would).
    const pullApi = async (op, body) => {
      const r = await fetch(`${worker.base}/v1/sources/pull-demo/${op}`, {
        method: 'POST', headers: { authorization: `Bearer ${PULL_TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify(body),
      });
      assert.equal(r.status, 200);
      return r.json();
    };
    const { events } = await pullApi('events:pull', { max: 16, wait_seconds: 0 });
    assert.deepEqual(events.map((e) => e.event.id), [id]);
    assert.equal((await pullApi('events:confirm', { handles: [events[0].handle] })).confirmed, 1);
    await details(/^confirmed pull queue — pulled 1 time, confirmed /);
  });

  const overflowing = () => page.evaluate(() => {
    const w = document.documentElement.clientWidth;
    const wide = [...document.querySelectorAll('body *')].filter((e) => e.getBoundingClientRect().right > w + 0.5 && e.getClientRects().length > 0);
    return { overflow: document.documentElement.scrollWidth - w, wide: wide.slice(0, 5).map((e) => `${e.tagName}#${e.id}.${e.className}:${Math.round(e.getBoundingClientRect().right)}`) };
  });

  it('fits a phone-sized screen', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await view('deliveries');
    await page.locator('#refresh').click();
    await sleep(500);
    await shot('phone-deliveries');
    const o1 = await overflowing();
    assert.ok(o1.overflow <= 0, `horizontal overflow at 390px: ${JSON.stringify(o1)}`);
    await view('config');
    const o2 = await overflowing();
    assert.ok(o2.overflow <= 0, `horizontal overflow at 390px (config): ${JSON.stringify(o2)}`);
    await view('inspect');
    const o3 = await overflowing();
    assert.ok(o3.overflow <= 0, `horizontal overflow at 390px (inspector): ${JSON.stringify(o3)}`);
    await shot('phone-inspector');
    await view('config');
    await shot('phone-config');
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  it('no page errors', () => {
    // The one 401 is the wrong-token check above (the browser logs every failed fetch).
    const unexpected = pageErrors.filter((e) => !/status of 401 \(Unauthorized\)/.test(e));
    assert.deepEqual(unexpected, []);
  });
});
