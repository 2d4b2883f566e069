// The `mediahook` command line, run as the installed bin (node_modules/.bin/mediahook) of the
// packed package: --help/--json/exit codes of every command, verify's plain-words reasons,
// validate-config's field paths, trigger against a real server on 127.0.0.1. `listen` and
// `trigger` against the worker on workerd: worker/tests/cli.test.mjs.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { consumerProject, loadVectors, requireMediahook } from './helpers.mjs';

const bin = () => join(consumerProject(), 'node_modules', '.bin', 'mediahook');
const tmp = mkdtempSync(join(tmpdir(), 'mediahook-cli-'));

/** Runs the bin; resolves {code, stdout, stderr} (never rejects on a non-zero exit). */
function cli(args, { env = {}, input } = {}) {
  return new Promise((resolve) => {
    const child = execFile(bin(), args, { env: { ...process.env, ...env }, timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr });
    });
    if (input !== undefined) child.stdin.end(input);
    else child.stdin.end();
  });
}

function file(name, text) {
  const p = join(tmp, name);
  writeFileSync(p, text);
  return p;
}

const noStack = (r) => assert.doesNotMatch(r.stdout + r.stderr, /\n\s+at .+:\d+:\d+/, 'a stack trace was printed');

describe('mediahook CLI: help, JSON and usage errors', () => {
  it('the package declares the bin and it runs', async () => {
    const pj = JSON.parse(readFileSync(join(consumerProject(), 'node_modules', 'mediahook', 'package.json'), 'utf8'));
    assert.deepEqual(pj.bin, { mediahook: './dist/cli.mjs' });
    const r = await cli(['--version']);
    assert.equal(r.code, 0);
    assert.equal(r.stdout.trim(), pj.version);
  });

  for (const cmd of ['trigger', 'listen', 'verify', 'validate-config']) {
    it(`${cmd} --help prints its usage and exits 0`, async () => {
      const r = await cli([cmd, '--help']);
      assert.equal(r.code, 0);
      assert.match(r.stdout, new RegExp(`^Usage: mediahook ${cmd}`));
      assert.match(r.stdout, /--json/);
    });
  }

  const bad = [
    [['frobnicate'], /unknown command "frobnicate"/],
    [['trigger'], /missing argument/],
    [['trigger', 'nosuch', '--url', 'http://127.0.0.1:1/'], /unknown vendor "nosuch": expected one of .*tencent_vod/],
    [['trigger', 'tencent_vod', 'NoSuchType', '--url', 'http://127.0.0.1:1/', '--key', 'k'], /has no event type "NoSuchType"/],
    [['trigger', 'tencent_vod', '--url', 'ftp://x/', '--key', 'k'], /--url must be an http\(s\) URL/],
    [['trigger', 'tencent_vod', '--url', 'http://127.0.0.1:1/'], /--key is required \(or set MEDIAHOOK_KEY\)/],
    [['trigger', 'tencent_vod', '--url', 'http://127.0.0.1:1/', '--key', 'k', '--count', '0'], /--count must be an integer from 1 to 1000/],
    [['trigger', 'tencent_vod', '--bogus'], /unknown option --bogus for trigger/],
    [['listen', '--base', 'http://127.0.0.1:1'], /--source is required/],
    [['listen', '--base', 'http://127.0.0.1:1', '--source', 'a b', '--token', 't', '--forward-to', 'http://127.0.0.1:2/'], /--source must be/],
    [['listen', '--base', 'http://127.0.0.1:1', '--source', 's', '--token', 't', '--forward-to', 'http://127.0.0.1:2/', '--secret', 'whsec_!!'], /--secret:/],
    [['listen', '--base', 'http://127.0.0.1:1', '--source', 's', '--token', 't', '--forward-to', 'http://127.0.0.1:2/', '--secret', 'whsec_a2V5'], /--secret: decodes to 3 bytes/],
    [['verify', 'tencent_vod', '--key', 'k'], /--body is required/],
    [['verify', 'tencent_vod', '--key', 'k', '--body', '/nonexistent/file'], /cannot read the body "\/nonexistent\/file": ENOENT/],
    [['verify', 'baidu_vod', '--key', 'k', '--body', '-', '--header', 'no colon'], /--header must look like 'Name: value'/],
    [['verify', 'tencent_vod', '--key', 'k', '--body', '-', '--now', 'soon'], /--now must be an integer/],
    [['verify', 'tencent_vod', '--key'], /option --key needs a value/],
    [['validate-config', 'tencent_vod'], /missing argument/],
    [['validate-config', 'tencent_vod', '/nonexistent.json'], /cannot read the config/],
  ];
  for (const [args, message] of bad) {
    it(`bad arguments exit 2 with a clear message: ${args.join(' ')}`, async () => {
      const r = await cli(args, { input: '{}' });
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, message);
      assert.match(r.stderr, /^mediahook: /);
      noStack(r);
    });
  }

  it('a short signing secret from MEDIAHOOK_SECRET is named as such (exit 2, not echoed)', async () => {
    const r = await cli(['listen', '--base', 'http://127.0.0.1:1', '--source', 's', '--token', 't', '--forward-to', 'http://127.0.0.1:2/'], { env: { MEDIAHOOK_SECRET: 'whsec_a2V5' } });
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /^mediahook: MEDIAHOOK_SECRET: decodes to 3 bytes; a signing secret must be 24 to 64/);
    assert.doesNotMatch(r.stderr + r.stdout, /a2V5/);
  });

  it('a usage error with --json also prints one JSON object on stdout', async () => {
    const r = await cli(['trigger', 'nosuch', '--url', 'http://127.0.0.1:1/', '--json']);
    assert.equal(r.code, 2);
    assert.deepEqual(Object.keys(JSON.parse(r.stdout)), ['ok', 'error']);
    assert.equal(JSON.parse(r.stdout).error.kind, 'usage');
  });

  it('no command prints the overview and exits 2', async () => {
    const r = await cli([]);
    assert.equal(r.code, 2);
    assert.match(r.stdout, /Commands:/);
  });
});

describe('mediahook verify', () => {
  const tencent = loadVectors('tencent_vod.json');
  const valid = tencent.find((c) => c.expect === 'ok');

  it('a valid callback: the normalized event, exit 0 (text and --json)', async () => {
    const body = file('t-ok.json', valid.body);
    const r = await cli(['verify', 'tencent_vod', '--body', body, '--now', String(valid.now * 1000)], { env: { MEDIAHOOK_KEY: valid.key } });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const ev = JSON.parse(r.stdout);
    const want = requireMediahook().verifyCallback('tencent_vod', { body: valid.body, key: valid.key, now: valid.now * 1000 });
    assert.deepEqual(ev, want);
    const j = await cli(['verify', 'tencent_vod', '--body', '-', '--now', String(valid.now * 1000), '--json'], { input: valid.body, env: { MEDIAHOOK_KEY: valid.key } });
    assert.equal(j.code, 0);
    assert.deepEqual(JSON.parse(j.stdout), { ok: true, event: want });
  });

  it('expired: "expired 3 min ago (T=…)", exit 1', async () => {
    const T = JSON.parse(valid.body).T;
    const r = await cli(['verify', 'tencent_vod', '--body', '-', '--now', String((T + 180) * 1000)], { input: valid.body, env: { MEDIAHOOK_KEY: valid.key } });
    assert.equal(r.code, 1);
    assert.equal(r.stdout.trim(), `expired: expired 3 min ago (T=${T}, ${new Date(T * 1000).toISOString().replace('.000', '')})`);
  });

  it('mismatch: "signed with another key or another callback URL" (Baidu), exit 1, --json shape', async () => {
    const c = loadVectors('baidu_vod.json').find((x) => x.expect === 'ok');
    const headers = Object.entries(c.headers).flatMap(([k, v]) => ['--header', `${k}: ${v}`]);
    const args = ['verify', 'baidu_vod', '--body', '-', '--now', String(c.now_ms), ...headers];
    const env = { MEDIAHOOK_KEY: c.key };
    const ok = await cli([...args, '--callback-url', c.callback_url], { input: c.body, env });
    assert.equal(ok.code, 0, ok.stdout);
    const r = await cli([...args, '--callback-url', 'https://other.example.com/', '--json'], { input: c.body, env });
    assert.equal(r.code, 1);
    const j = JSON.parse(r.stdout);
    assert.equal(j.ok, false);
    assert.equal(j.error.kind, 'mismatch');
    assert.match(j.error.reason, /^signed with another key or another callback URL/);
    // Without --callback-url: a usage error (exit 2) saying the vendor signs one.
    const none = await cli(args, { input: c.body, env });
    assert.equal(none.code, 2);
    assert.equal(none.stdout, '');
    assert.match(none.stderr, /--callback-url is required for baidu_vod: Baidu AI Cloud VOD signs the callback URL configured at the vendor/);
  });

  it('missing: "no signature: is signing enabled at the vendor?"; a Tencent v2.0 callback is named as such', async () => {
    const unsigned = JSON.stringify({ EventType: 'NewFileUpload', FileUploadEvent: { FileId: '1' } });
    const r = await cli(['verify', 'tencent_vod', '--key', 'k', '--body', '-'], { input: unsigned });
    assert.equal(r.code, 1);
    assert.equal(r.stdout.trim(), 'missing: no signature: is signing enabled at the vendor?');
    const v2 = JSON.stringify({ version: '4.0', eventType: 'NewFileUpload', data: { fileId: '1' } });
    const r2 = await cli(['verify', 'tencent_vod', '--key', 'k', '--body', '-'], { input: v2 });
    assert.equal(r2.code, 1);
    assert.match(r2.stdout, /^missing: this is a Tencent v2\.0 callback/);
  });

  it('a send-time vendor (byteplus_live): "sent 10 min ago (t=…), more than the 5 min window"', async () => {
    const { signCallback, vendorInfo } = requireMediahook();
    const v = vendorInfo().find((x) => x.id === 'byteplus_live');
    assert.equal(v.signature.timestamp, 'sent');
    const now = Date.now();
    const signed = signCallback('byteplus_live', { body: v.samples[0].body, key: 'k', now: now - 600_000 });
    const t = Math.floor((now - 600_000) / 1000);
    const r = await cli(['verify', 'byteplus_live', '--key', 'k', '--body', '-', '--now', String(now)], { input: signed.body });
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stdout.trim(), new RegExp(`^expired: sent 10 min ago \\(t=${t}, [0-9T:-]+Z\\), more than the 5 min window$`));
    const ok = await cli(['verify', 'byteplus_live', '--key', 'k', '--body', '-', '--now', String(now), '--window-seconds', '900'], { input: signed.body });
    assert.equal(ok.code, 0, ok.stdout);
  });

  it('malformed_payload: not a JSON object', async () => {
    const r = await cli(['verify', 'volcengine_live', '--key', 'k', '--body', '-'], { input: 'hello' });
    assert.equal(r.code, 1);
    assert.match(r.stdout, /^malformed_payload: the body is not a JSON object/);
  });
});

describe('mediahook validate-config', () => {
  it('prints the vendor\'s errors with field paths, exit 1; a valid config exits 0', async () => {
    const cfg = file('volc.json', JSON.stringify({ MessageType: 'push', Domain: 'push.example.com', App: 'live', CallbackDetailList: [{ CallbackType: 'http', URL: 'http://127.0.0.1/cb' }] }));
    const want = requireMediahook().validateConfig('volcengine_live', JSON.parse(readFileSync(cfg, 'utf8')));
    assert.ok(want.errors.length >= 1);
    const r = await cli(['validate-config', 'volcengine_live', cfg]);
    assert.equal(r.code, 1);
    const lines = r.stdout.trim().split('\n');
    assert.deepEqual(lines, want.errors.map((e) => `${e.field || '(body)'}: ${e.code} ${e.message} (HTTP ${e.status})`));
    assert.ok(lines.some((l) => l.startsWith('CallbackDetailList[0].URL: ')), r.stdout);
    const j = await cli(['validate-config', 'volcengine_live', cfg, '--json']);
    assert.equal(j.code, 1);
    assert.deepEqual(JSON.parse(j.stdout).errors, want.errors);
    const good = file('volc-ok.json', JSON.stringify({ MessageType: 'push', Domain: 'push.example.com', CallbackDetailList: [{ CallbackType: 'http', URL: 'https://hooks.example.com/cb' }] }));
    const ok = await cli(['validate-config', 'volcengine_live', good]);
    assert.equal(ok.code, 0, ok.stdout);
    assert.match(ok.stdout, /^valid/);
  });

  it('a file that is not JSON exits 2', async () => {
    const r = await cli(['validate-config', 'baidu_vod', file('bad.json', '{nope')]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /is not JSON/);
  });

  it('a JSON file nested too deeply to check exits 2 saying so (no "unexpected error")', async () => {
    for (const n of [200, 20_000]) {
      const deep = file(`deep-${n}.json`, '['.repeat(n) + ']'.repeat(n));
      const r = await cli(['validate-config', 'tencent_vod', deep]);
      assert.equal(r.code, 2, `depth ${n}: ${r.stderr}`);
      assert.match(r.stderr, /nested deeper than 128 levels/);
      assert.doesNotMatch(r.stderr, /unexpected error/);
      noStack(r);
      const c = await cli(['validate-config', 'baidu_vod', file('ok.json', '{}'), '--current', deep]);
      assert.equal(c.code, 2, `--current depth ${n}: ${c.stderr}`);
      assert.match(c.stderr, /nested deeper than 128 levels/);
    }
  });
});

describe('mediahook trigger against a server on 127.0.0.1', () => {
  let server;
  let base;
  const got = [];
  let answer = 200;
  before(async () => {
    const { verifyCallback, MediahookError } = requireMediahook();
    server = createServer((req, res) => {
      const chunks = [];
      req.on('data', (c) => chunks.push(c));
      req.on('end', () => {
        const vendor = req.url.slice(1);
        const body = Buffer.concat(chunks);
        try {
          const ev = verifyCallback(vendor, { body, headers: req.headers, key: `key-${vendor}`, callbackUrl: `${base}/${vendor}` });
          got.push({ method: req.method, type: req.headers['content-type'], ev });
          res.writeHead(answer).end('{}');
        } catch (e) {
          if (!(e instanceof MediahookError)) throw e;
          res.writeHead(401).end(e.kind);
        }
      });
    });
    await new Promise((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${server.address().port}`;
  });
  after(() => new Promise((r) => { server.closeAllConnections(); server.close(r); }));

  it('--list names every vendor with its event types (text and --json)', async () => {
    const r = await cli(['trigger', '--list', '--json']);
    assert.equal(r.code, 0);
    const list = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    const ids = list.map((v) => v.vendor);
    for (const id of ['tencent_vod', 'baidu_vod', 'volcengine_live']) assert.ok(ids.includes(id), ids.join());
    for (const v of list) {
      assert.ok(v.eventTypes.length > 0, v.vendor);
      for (const t of v.eventTypes) assert.ok(t.vendorType && t.type, JSON.stringify(t));
    }
    const text = await cli(['trigger', '--list', 'tencent_vod']);
    assert.equal(text.code, 0);
    assert.match(text.stdout, /^tencent_vod {2}/);
    assert.match(text.stdout, /NewFileUpload +media\.upload\.completed/);
  });

  for (const [vendor, type] of [['tencent_vod', 'NewFileUpload'], ['baidu_vod', 'media.transcode.completed'], ['volcengine_live', 'push_end']]) {
    it(`${vendor} ${type} --count 2: two genuine callbacks, one line each, exit 0`, async () => {
      got.length = 0;
      const r = await cli(['trigger', vendor, type, '--url', `${base}/${vendor}`, '--count', '2'], { env: { MEDIAHOOK_KEY: `key-${vendor}` } });
      assert.equal(r.code, 0, r.stdout + r.stderr);
      const lines = r.stdout.trim().split('\n');
      assert.equal(lines.length, 2);
      for (const l of lines) assert.match(l, new RegExp(`^200 +\\d+ ms  ${vendor} \\S+ → ${base}/${vendor}$`));
      assert.equal(got.length, 2);
      for (const g of got) {
        assert.equal(g.method, 'POST');
        assert.match(g.type, /^application\/json/);
        assert.ok(g.ev.vendor_type === type || g.ev.type === type, JSON.stringify(g.ev));
      }
    });
  }

  it('every registered vendor (vendorInfo): each sample type triggers a callback that verifies', async () => {
    const { vendorInfo } = requireMediahook();
    for (const v of vendorInfo()) {
      const types = [...new Set(v.samples.map((x) => x.vendorType))];
      for (const type of types) {
        got.length = 0;
        const r = await cli(['trigger', v.id, type, '--url', `${base}/${v.id}`], { env: { MEDIAHOOK_KEY: `key-${v.id}` } });
        assert.equal(r.code, 0, `${v.id} ${type}: ${r.stdout}${r.stderr}`);
        assert.equal(got.length, 1, `${v.id} ${type}`);
        assert.equal(got[0].ev.vendor, v.id);
        assert.equal(got[0].ev.vendor_type, type);
      }
    }
  });

  it('a non-2xx answer (or a wrong key) → exit 1; --json lines carry status and ms', async () => {
    answer = 503;
    const r = await cli(['trigger', 'tencent_vod', '--url', `${base}/tencent_vod`, '--json'], { env: { MEDIAHOOK_KEY: 'key-tencent_vod' } });
    answer = 200;
    assert.equal(r.code, 1);
    const line = JSON.parse(r.stdout);
    assert.equal(line.status, 503);
    assert.equal(typeof line.ms, 'number');
    const wrong = await cli(['trigger', 'tencent_vod', '--url', `${base}/tencent_vod`], { env: { MEDIAHOOK_KEY: 'wrong' } });
    assert.equal(wrong.code, 1);
    assert.match(wrong.stdout, /^401 /);
  });

  it('nothing listening → an ERR line, exit 1, no stack trace', async () => {
    const closed = await new Promise((resolve) => {
      const s = net.createServer().listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
    });
    const r = await cli(['trigger', 'tencent_vod', '--url', `http://127.0.0.1:${closed}/`, '--key', 'k']);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /^ERR .*ECONNREFUSED/);
    noStack(r);
  });
});
