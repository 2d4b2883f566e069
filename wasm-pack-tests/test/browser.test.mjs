// The demo page (browser/) in headless Chromium, driven by playwright-core: it imports the
// package's ESM browser build, validates a config form and verifies pasted callbacks.
// Real typing and clicks; assertions on what the page shows.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { startServer } from '../browser/server.mjs';
import { consumerProject, loadVectors } from './helpers.mjs';

const CHROMIUM = process.env.CHROMIUM_BIN || '/usr/bin/chromium';
const FLAGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

describe('browser demo page (headless Chromium)', { timeout: 120_000 }, () => {
  let server;
  let context;
  let page;
  let profile;
  const pageErrors = [];

  before(async () => {
    const pkgDir = join(consumerProject(), 'node_modules', 'mediahook');
    const pj = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8'));
    // The page's import map points where a bundler resolving the `browser` condition would.
    assert.equal(pj.exports['.'].browser.default, './dist/browser.mjs');
    server = await startServer(pkgDir);
    profile = mkdtempSync(join(tmpdir(), 'mediahook-chromium-'));
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: FLAGS,
      timeout: 60_000,
    });
    page = context.pages()[0] ?? (await context.newPage());
    page.setDefaultTimeout(15_000);
    page.on('pageerror', (e) => pageErrors.push(String(e)));
    page.on('console', (m) => m.type() === 'error' && pageErrors.push(m.text()));
    await page.goto(server.url);
    await page.locator('#status[data-ready="true"]').waitFor();
  });

  after(async () => {
    await context?.close();
    await server?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
  });

  it('loads the ESM build and its .wasm', async () => {
    assert.equal(await page.locator('#status').textContent(), 'Ready.');
    assert.equal(await page.locator('#validate').isEnabled(), true);
  });

  it('Baidu config: shows the vendor errors, then accepts the fixed form', async () => {
    await page.selectOption('#config-vendor', 'baidu_vod');
    await page.locator('#baidu-enableSign').check();
    await page.locator('#baidu-enableMediaUploadCompleteEvent').check();
    await page.locator('#validate').click();
    const result = page.locator('#config-result');
    await assert.doesNotReject(result.filter({ hasText: '2 problems' }).waitFor());
    assert.equal(await result.textContent(), '2 problems — Baidu AI Cloud VOD would answer HTTP 400.');
    const items = await page.locator('#config-errors li').allTextContents();
    assert.deepEqual(items, [
      'InvalidCallbackConfigParams signKey: signKey is required when enable sign (HTTP 400)',
      'InvalidCallbackConfigParams callbackUrl: callbackUrl is required when enable any event (HTTP 400)',
    ]);
    assert.equal(await page.locator('#baidu-signKey').getAttribute('aria-invalid'), 'true');
    assert.match(await page.locator('#config-response').textContent(), /"code": "InvalidCallbackConfigParams"/);

    // An internal address is refused like Baidu refuses it (403).
    await page.locator('#baidu-signKey').pressSequentially('mySignKey42');
    await page.locator('#baidu-callbackUrl').pressSequentially('http://169.254.169.254/latest/meta-data');
    await page.locator('#validate').click();
    await result.filter({ hasText: '1 problem' }).waitFor();
    assert.deepEqual(await page.locator('#config-errors li').allTextContents(), [
      'InvalidCallbackConfigParams callbackUrl: callbackUrl is not allowed (HTTP 403)',
    ]);
    assert.match(await result.textContent(), /HTTP 403/);

    await page.locator('#baidu-callbackUrl').fill('');
    await page.locator('#baidu-callbackUrl').pressSequentially('https://hooks.example.com/v1/hooks/baidu-prod');
    await page.keyboard.press('Enter'); // submits the form
    await result.filter({ hasText: 'Valid' }).waitFor();
    assert.equal(await result.textContent(), 'Valid: Baidu AI Cloud VOD would accept this config.');
    assert.equal(await page.locator('#config-errors li').count(), 0);
  });

  it('Tencent and Volcengine configs: vendor codes on the page', async () => {
    await page.selectOption('#config-vendor', 'tencent_vod');
    assert.equal(await page.locator('#tencent-SignKey').isVisible(), true);
    assert.equal(await page.locator('#baidu-signKey').isVisible(), false);
    await page.selectOption('#tencent-Mode', 'PUSH');
    await page.locator('#tencent-SignKey').pressSequentially('not a valid key!');
    await page.locator('#validate').click();
    const first = page.locator('#config-errors li').first();
    await first.waitFor();
    assert.match(await first.textContent(), /^InvalidParameter SignKey: /);
    await page.locator('#tencent-SignKey').fill('');
    await page.locator('#tencent-SignKey').pressSequentially('AbC123');
    await page.locator('#validate').click();
    await page.locator('#config-result', { hasText: 'Valid' }).waitFor();

    await page.selectOption('#config-vendor', 'volcengine_live');
    await page.locator('#validate').click();
    await page.locator('#config-errors li').first().waitFor();
    const volc = await page.locator('#config-errors li').allTextContents();
    assert.ok(volc.some((t) => t.startsWith('InvalidParam.Empty MessageType: MessageType is required')), volc.join('\n'));
    await page.selectOption('#volc-MessageType', 'push');
    await page.locator('#volc-Vhost').pressSequentially('push.live.example.com');
    await page.locator('#volc-URL').pressSequentially('https://hooks.example.com/v1/hooks/volc');
    await page.locator('#validate').click();
    await page.locator('#config-result', { hasText: 'Valid' }).waitFor();
  });

  it('verifies a pasted Tencent callback, and refuses it with a wrong key', async () => {
    const c = loadVectors('tencent_vod.json').find((v) => v.name === 'valid');
    await page.selectOption('#verify-vendor', 'tencent_vod');
    await page.locator('#verify-key').pressSequentially(c.key);
    await page.locator('#verify-body').fill(c.body); // a paste
    await page.locator('#verify-now').pressSequentially(String(c.now * 1000));
    await page.locator('#verify').click();
    const out = page.locator('#verify-result');
    await out.filter({ hasText: 'Verified' }).waitFor();
    assert.equal(await out.textContent(), 'Verified: media.upload.completed (NewFileUpload) — subject 5285890784273533167');
    const ev = JSON.parse(await page.locator('#event').textContent());
    assert.equal(ev.source, 'browser');
    assert.equal(ev.data.Sign, undefined);

    await page.locator('#verify-key').press('End');
    await page.keyboard.type('x');
    await page.locator('#verify').click();
    await out.filter({ hasText: 'Refused' }).waitFor();
    assert.match(await out.textContent(), /^Refused — mismatch: /);
    assert.equal(await page.locator('#event').textContent(), '');

    // One second past T: expired.
    await page.locator('#verify-key').fill(c.key);
    await page.locator('#verify-now').fill(String((c.now + 301) * 1000));
    await page.locator('#verify').click();
    await out.filter({ hasText: 'expired' }).waitFor();
  });

  it('verifies a pasted Baidu callback with its headers', async () => {
    const c = loadVectors('baidu_vod.json').find((v) => v.name === 'valid');
    await page.selectOption('#verify-vendor', 'baidu_vod');
    await page.locator('#verify-key').fill('');
    await page.locator('#verify-key').pressSequentially(c.key);
    await page.locator('#verify-url').pressSequentially(c.callback_url);
    const lines = Object.entries(c.headers).map(([k, v]) => `${k}: ${v}`).join('\n');
    await page.locator('#verify-headers').fill(lines);
    await page.locator('#verify-body').fill(c.body);
    await page.locator('#verify-now').fill(String(c.now_ms));
    await page.locator('#verify').click();
    const out = page.locator('#verify-result');
    await out.filter({ hasText: 'Verified' }).waitFor();
    assert.equal(await out.textContent(), 'Verified: media.upload.completed (MEDIA_UPLOAD_COMPLETE) — subject mda-abc123');

    await page.locator('#verify-headers').fill('');
    await page.locator('#verify').click();
    await out.filter({ hasText: 'Refused' }).waitFor();
    assert.match(await out.textContent(), /^Refused — missing: /);
  });

  it('every Standard Webhooks and Baidu vector through the browser build (wasm hashing) in Chromium', async () => {
    const sw = loadVectors('standard_webhooks.json');
    const baidu = loadVectors('baidu_vod.json');
    const failures = await page.evaluate(async ({ sw, baidu }) => {
      const m = await import('mediahook');
      const out = [];
      const kind = (fn) => { try { fn(); return 'ok'; } catch (e) { return e.kind || String(e); } };
      for (const c of sw) {
        const h = { 'webhook-id': c.id, 'webhook-timestamp': String(c.timestamp), 'webhook-signature': c.signature };
        const got = kind(() => new m.StandardWebhook(c.secret).verify(c.body, h, { now: c.now * 1000 }));
        if (got !== c.expect) out.push(`${c.name}: ${got}`);
      }
      for (const c of baidu) {
        const got = kind(() => m.verifyCallback('baidu_vod', { body: new TextEncoder().encode(c.body), headers: new Headers(c.headers), key: c.key, callbackUrl: c.callback_url, now: c.now_ms }));
        if (got !== c.expect) out.push(`${c.name}: ${got}`);
      }
      return out;
    }, { sw, baidu });
    assert.deepEqual(failures, []);
  });

  it('mediahook/handler\'s browser build answers a Request in Chromium', async () => {
    const c = loadVectors('tencent_vod.json').find((v) => v.name === 'valid');
    const pj = JSON.parse(readFileSync(join(consumerProject(), 'node_modules', 'mediahook', 'package.json'), 'utf8'));
    const entry = pj.exports['./handler'].browser.default;
    const got = await page.evaluate(async ({ c, entry }) => {
      const { createHandler } = await import(`/node_modules/mediahook/${entry.slice(2)}`);
      const seen = [];
      // The vector's time: a fixed clock for the handler.
      const realNow = Date.now;
      Date.now = () => c.now * 1000;
      try {
        const h = createHandler({ vendor: 'tencent_vod', key: c.key, onEvent: (e) => { seen.push(e.subject); } });
        const ok = await h(new Request('https://x/', { method: 'POST', body: c.body }));
        const bad = await createHandler({ vendor: 'tencent_vod', key: 'other', onEvent() {} })(new Request('https://x/', { method: 'POST', body: c.body }));
        return { ok: [ok.status, await ok.json()], bad: [bad.status, await bad.json()], seen };
      } finally {
        Date.now = realNow;
      }
    }, { c, entry });
    assert.equal(entry, './dist/handler.browser.mjs');
    assert.equal(got.ok[0], 200);
    assert.equal(got.ok[1].code, 0);
    assert.deepEqual(got.seen, ['5285890784273533167']);
    assert.deepEqual([got.bad[0], got.bad[1].error.code], [401, 'mismatch']);
  });

  it('no page errors', async () => {
    if (process.env.MEDIAHOOK_SCREENSHOT) await page.screenshot({ path: process.env.MEDIAHOOK_SCREENSHOT, fullPage: true });
    assert.deepEqual(pageErrors, []);
  });
});
