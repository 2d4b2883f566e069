// In Node the package hashes with node:crypto (Standard Webhooks sign/verify, Baidu's HMAC);
// the browser build keeps the wasm. Differential test: the same api.js over the same wasm, once
// with node:crypto and once without, must give identical results on the shared vectors and on
// many variants of them (header spelling, whitespace, odd bytes, time boundaries, rotation) —
// and the node:crypto path must really be taken.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import buffer from 'node:buffer';
import crypto from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadVectors, repoDir, requireMediahook } from './helpers.mjs';

const pkgDir = process.env.MEDIAHOOK_PKG_DIR || join(repoDir, 'crates', 'wasm', 'pkg');

async function apis() {
  const glue = await import(pathToFileURL(join(pkgDir, 'dist', 'web', 'mediahook_wasm.mjs')).href);
  glue.initSync({ module: readFileSync(join(pkgDir, 'dist', 'web', 'mediahook_wasm_bg.wasm')) });
  const createApi = new Function(`${readFileSync(join(repoDir, 'crates', 'wasm', 'js', 'api.js'), 'utf8')}\nreturn createApi;`)();
  const calls = { hmac: 0 };
  const spy = { ...crypto, createHmac: (...a) => { calls.hmac++; return crypto.createHmac(...a); } };
  return { wasm: createApi(glue), node: createApi(glue, spy, buffer), calls };
}

/** "ok:<result JSON>" or the error kind / TypeError message. */
function run(fn) {
  try {
    return `ok:${JSON.stringify(fn())}`;
  } catch (e) {
    return e && e.kind ? e.kind : `${e && e.name}:${e && e.message}`;
  }
}

function swVariants(c) {
  const ts = String(c.timestamp);
  const sig = c.signature;
  const other = `v1,${crypto.createHmac('sha256', 'x').update('y').digest('base64')}`;
  const heads = [
    [c.id, ts, sig], [c.id, ` ${ts} `, sig], [c.id, `\t${ts}`, sig], [c.id, `+${ts}`, sig], [c.id, `-${ts}`, sig],
    [c.id, `${ts}.0`, sig], [c.id, `0${ts}`, sig], [c.id, '9'.repeat(19), sig], [c.id, '9'.repeat(20), sig],
    [c.id, '', sig], [c.id, '  ', sig], ['', ts, sig], [' ', ts, sig], [c.id, ts, ''], [c.id, ts, ' '],
    [` ${c.id}`, ts, sig], [c.id, ts, `${sig} ${other}`], [c.id, ts, `${other} ${sig}`], [c.id, ts, `  ${sig}  `],
    [c.id, ts, sig.replace('v1,', 'v2,')], [c.id, ts, sig.replace(/=$/, '')], [c.id, ts, `${sig}=`],
    [c.id, ts, sig.toLowerCase()], [c.id, ts, `${sig}\t`], [c.id, ts, `v1,${sig.slice(3, -2)}B=`],
    [`${c.id}é`, ts, sig], [c.id, `${ts}\u00a0`, sig], [c.id, ts, `${sig}\u0085`], [undefined, ts, sig],
  ];
  const out = [];
  for (const [id, t, s] of heads) {
    for (const now of [c.now, c.now + 300, c.now + 301, c.now - 301, c.timestamp, 0]) {
      const h = {};
      if (id !== undefined) h['webhook-id'] = id;
      h['webhook-timestamp'] = t;
      h['webhook-signature'] = s;
      out.push({ h, now: now * 1000 });
    }
  }
  return out;
}

function baiduVariants(c) {
  const H = c.headers;
  const user = H['vod-callback-auth-user'];
  const ts = H['vod-callback-auth-timestamp'];
  const tok = H['vod-callback-auth-token'];
  const sets = [
    H,
    { ...H, 'vod-callback-auth-token': String(tok).toUpperCase() },
    { 'Vod-Callback-Auth-User': user, 'VOD-CALLBACK-AUTH-TIMESTAMP': ts, 'vod-callback-auth-token': tok },
    { 'Vod-Callback-Auth-User': 'someone-else', ...H },
    { ...H, 'vod-callback-auth-user': [user, user] },
    { ...H, 'vod-callback-auth-timestamp': ` ${ts}` },
    { ...H, 'vod-callback-auth-timestamp': `${ts}0000` },
    { ...H, 'vod-callback-auth-timestamp': '9'.repeat(20) },
    { ...H, 'vod-callback-auth-user': '' },
    { ...H, 'vod-callback-auth-user': `${user}é` },
    { ...H, 'vod-callback-auth-token': `${tok}00` },
    { ...H, 'vod-callback-auth-token': undefined },
    { ...H, 'vod-callback-auth-user': null },
    new Headers(Object.fromEntries(Object.entries(H).filter(([, v]) => typeof v === 'string'))),
    new Map(Object.entries(H)),
  ];
  const out = [];
  for (const headers of sets) {
    for (const d of [0, 300_000, 300_001, -300_000, -300_001]) {
      const t = Number(ts);
      const now = Number.isFinite(t) ? t + d : c.now_ms + d;
      for (const tol of [undefined, 300, 0, -5, 1e300]) out.push({ headers, now, tol });
    }
  }
  return out;
}

describe('node:crypto in Node, wasm in the browser build: same results', () => {
  it('Standard Webhooks verify: every vector and ~2000 header/time variants agree; node:crypto used', async () => {
    const { wasm, node, calls } = await apis();
    const diffs = [];
    let n = 0;
    for (const c of loadVectors('standard_webhooks.json')) {
      const secrets = [c.secret, [c.secret, 'whsec_' + Buffer.from('another key').toString('base64')]];
      for (const s of secrets) {
        for (const tol of [undefined, 0, 10]) {
          const a = new wasm.StandardWebhook(s, { toleranceSeconds: tol });
          const b = new node.StandardWebhook(s, { toleranceSeconds: tol });
          for (const v of swVariants(c)) {
            for (const body of [c.body, Buffer.from(c.body)]) {
              n++;
              const x = run(() => a.verify(body, v.h, { now: v.now }));
              const y = run(() => b.verify(body, v.h, { now: v.now }));
              if (x !== y) diffs.push(`${c.name} ${JSON.stringify(v)} tol=${tol}: wasm ${x}, node ${y}`);
            }
          }
        }
      }
    }
    assert.deepEqual(diffs.slice(0, 20), []);
    assert.ok(n > 2000, `${n} comparisons`);
    assert.ok(calls.hmac > 1000, `node:crypto createHmac called ${calls.hmac} times`);
  });

  it('Standard Webhooks sign: identical signatures (ids, odd timestamps, bodies, rotation)', async () => {
    const { wasm, node } = await apis();
    const secrets = ['whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', ['whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', 'whsec_' + crypto.randomBytes(32).toString('base64')]];
    const diffs = [];
    for (const s of secrets) {
      const a = new wasm.StandardWebhook(s);
      const b = new node.StandardWebhook(s);
      for (const id of ['msg_1', 'é\u{1F600}', '', 'a b']) {
        for (const ts of [0, -0, 1, -1, 1.9, -1.9, 1614265330, 2 ** 53 - 1, 2 ** 53 + 2, 1e21, -1e21]) {
          for (const body of ['', '{"a":1}', crypto.randomBytes(3000), '\ud800x']) {
            const x = run(() => a.sign(id, ts, body));
            const y = run(() => b.sign(id, ts, body));
            if (x !== y) diffs.push(`${JSON.stringify([s, id, ts])}: wasm ${x}, node ${y}`);
          }
        }
      }
    }
    assert.deepEqual(diffs, []);
  });

  it('Standard Webhooks secrets: every spelling the wasm accepts gives the same key in Node (whitespace around it, no prefix)', async () => {
    const { wasm, node } = await apis();
    const b64 = 'MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
    const key = Buffer.from(b64, 'base64');
    const spellings = [
      `whsec_${b64}`, ` whsec_${b64}`, `whsec_${b64} `, `  whsec_${b64}  `, `\twhsec_${b64}\r`, b64, ` ${b64} `,
      `\u0085whsec_${b64}`, `\u00a0whsec_${b64}\u00a0`, `\u2003whsec_${b64}`, `\ufeffwhsec_${b64}`,
      `whsec_ ${b64}`, `whsec_${b64}\u0085`, `whsec_${b64}=`, `whsec_${b64.replace(/\+/g, '-')}`, 'whsec_',
    ];
    const ts = 1614265330;
    const diffs = [];
    let accepted = 0;
    for (const s of spellings) {
      for (const secret of [s, [s, `whsec_${b64}`]]) {
        const x = run(() => new wasm.StandardWebhook(secret).sign('msg_1', ts, '{}'));
        const y = run(() => new node.StandardWebhook(secret).sign('msg_1', ts, '{}'));
        if (x !== y) diffs.push(`${JSON.stringify(secret)}: wasm ${x}, node ${y}`);
        if (x.startsWith('ok:')) {
          accepted++;
          // And it is the key's signature (known answer from node:crypto).
          const first = crypto.createHmac('sha256', key).update(`msg_1.${ts}.{}`).digest('base64');
          assert.ok(x.includes(`v1,${first}`), `${JSON.stringify(secret)} signs with another key: ${x}`);
        }
      }
    }
    assert.deepEqual(diffs, []);
    assert.ok(accepted >= 14, `${accepted} spellings accepted`);
  });

  it('signed byte bodies parse alike: BOM, two BOMs, invalid UTF-8, overlong, lone surrogate, not JSON', async () => {
    const { wasm, node } = await apis();
    const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
    const a = new wasm.StandardWebhook(secret);
    const b = new node.StandardWebhook(secret);
    const bodies = [
      Buffer.from('{"a":1}'), Buffer.from('\ufeff{"a":1}'), Buffer.from('\ufeff\ufeff{"a":1}'),
      Buffer.from([0x7b, 0x7d, 0xc3, 0x28]), Buffer.from([0x22, 0xc0, 0xaf, 0x22]), Buffer.from([0x22, 0xed, 0xa0, 0x80, 0x22]),
      Buffer.from('"\u00e9\u{1F600}"'), Buffer.from('nope'), Buffer.alloc(0), new Uint8Array(Buffer.from(' [1] ')),
    ];
    const ts = 1614265330;
    for (const body of bodies) {
      const h = { 'webhook-id': 'msg_1', 'webhook-timestamp': String(ts), 'webhook-signature': a.sign('msg_1', ts, body) };
      const x = run(() => a.verify(body, h, { now: ts * 1000 }));
      const y = run(() => b.verify(body, h, { now: ts * 1000 }));
      assert.equal(y, x, body.toString('hex'));
    }
  });

  it('Baidu verifyCallback: every vector and header/time/tolerance variants agree; node:crypto used', async () => {
    const { wasm, node, calls } = await apis();
    const before = calls.hmac;
    const diffs = [];
    for (const c of loadVectors('baidu_vod.json')) {
      for (const v of baiduVariants(c)) {
        for (const body of [c.body, Buffer.from(c.body), `${c.body} `, '[]']) {
          const base = { body, headers: v.headers, key: c.key, callbackUrl: c.callback_url, now: v.now, source: 's' };
          for (const req of [{ ...base, toleranceSeconds: v.tol }, { ...base, windowSeconds: v.tol, timestamp: 'expiry' }]) {
            const x = run(() => wasm.verifyCallback('baidu_vod', req));
            const y = run(() => node.verifyCallback('baidu_vod', req));
            if (x !== y) diffs.push(`${c.name} ${JSON.stringify({ ...v, body: String(body).slice(0, 20) })}: wasm ${x}, node ${y}`);
          }
        }
      }
    }
    assert.deepEqual(diffs.slice(0, 20), []);
    assert.ok(calls.hmac - before > 100, `node:crypto createHmac called ${calls.hmac - before} times`);
  });

  it('the installed package (require) is the node:crypto build', () => {
    const { StandardWebhook } = requireMediahook();
    const real = crypto.createHmac;
    let used = 0;
    // The package holds node:crypto's module object; count calls through it.
    crypto.createHmac = (...a) => { used++; return real(...a); };
    try {
      const wh = new StandardWebhook('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw');
      wh.sign('msg', 1, 'x');
    } finally {
      crypto.createHmac = real;
    }
    assert.ok(used > 0, 'StandardWebhook.sign did not go through node:crypto');
  });
});
