// The built-in demo of scripts/run.sh: one source per vendor, a local origin, and a sender
// of genuinely signed test callbacks. No npm dependencies (node:crypto only).
//
//   node worker/demo/demo.mjs config  --port 8787 --origin-port 8788   prints MEDIAHOOK_CONFIG
//   node worker/demo/demo.mjs origin  --origin-port 8788               runs the demo origin
//   node worker/demo/demo.mjs send    tencent|baidu|volcengine [--port 8787]
//   node worker/demo/demo.mjs curl    tencent [--port 8787]            prints a curl command
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import http from 'node:http';

// Demo keys and secrets: public on purpose. Never reuse them.
export const DEMO = {
  keys: { tencent: 'demoTencentSignKey', baidu: 'demoBaiduSignKey', volcengine: 'demoVolcAuthKey' },
  sources: { tencent: 'tencent-demo', baidu: 'baidu-demo', volcengine: 'volcengine-demo' },
  secret: 'whsec_ZGVtby1zZWNyZXQtZm9yLW1lZGlhaG9vay1ydW4tc2g=',
  adminToken: 'demo-admin-token-change-me',
};

function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}
const port = Number(arg('port', process.env.PORT ?? 8787));
const originPort = Number(arg('origin-port', process.env.ORIGIN_PORT ?? 8788));
const baiduUrl = () => `http://127.0.0.1:${port}/v1/hooks/${DEMO.sources.baidu}`;

export function demoConfig() {
  const dest = { url: `http://127.0.0.1:${originPort}/hooks`, secret: DEMO.secret };
  return {
    allow_loopback: true, // local development only: lets the demo origin on 127.0.0.1 through
    admin_token: DEMO.adminToken,
    sources: [
      { name: DEMO.sources.tencent, vendor: 'tencent_vod', key: DEMO.keys.tencent, destinations: [dest] },
      { name: DEMO.sources.baidu, vendor: 'baidu_vod', key: DEMO.keys.baidu, callback_url: baiduUrl(), destinations: [dest] },
      { name: DEMO.sources.volcengine, vendor: 'volcengine_live', key: DEMO.keys.volcengine, destinations: [dest] },
    ],
  };
}

const md5 = (s) => createHash('md5').update(s).digest('hex');

/** A sample event per vendor, signed as the vendor signs it (SPEC §1). */
export function signedSample(vendor) {
  const now = Math.floor(Date.now() / 1000);
  const expires = now + 600;
  const n = Date.now().toString(36);
  switch (vendor) {
    case 'tencent': {
      const event = { EventType: 'NewFileUpload', FileUploadEvent: { FileId: `52858907842${n}`, MediaBasicInfo: { Name: 'demo.mp4', Type: 'mp4' } } };
      return { body: JSON.stringify({ ...event, Sign: md5(DEMO.keys.tencent + expires), T: expires }), headers: {} };
    }
    case 'volcengine': {
      const event = { vhost: 'live.example.com', domain: 'push.example.com', app: 'demo', stream: `s-${n}`, event_type: 'push_start', time: now };
      return { body: JSON.stringify({ ...event, sign: md5(DEMO.keys.volcengine + expires), t: expires }), headers: {} };
    }
    case 'baidu': {
      const body = JSON.stringify({ eventId: `demo-${n}`, eventType: 'MEDIA_UPLOAD_COMPLETE', eventTime: new Date().toISOString().replace(/\.\d+Z$/, 'Z'), mediaUploadCompleteEvent: { mediaId: `mda-${n}` } });
      const ts = String(Date.now());
      const user = 'demo-account';
      const token = createHmac('sha256', DEMO.keys.baidu).update(`POST;${baiduUrl()};${body};${ts};${user}`).digest('hex');
      return { body, headers: { 'vod-callback-auth-user': user, 'vod-callback-auth-timestamp': ts, 'vod-callback-auth-token': token } };
    }
    default:
      throw new Error(`unknown vendor ${vendor}: tencent, baidu or volcengine`);
  }
}

/** Verifies Standard Webhooks headers (SPEC §4) with the demo secret. */
function verifyStandardWebhook(headers, body) {
  const id = headers['webhook-id'];
  const ts = headers['webhook-timestamp'];
  const sigs = (headers['webhook-signature'] ?? '').split(' ');
  if (!id || !ts || !sigs[0]) return 'missing headers';
  if (Math.abs(Date.now() / 1000 - Number(ts)) > 300) return 'timestamp outside 5 minutes';
  const key = Buffer.from(DEMO.secret.slice('whsec_'.length), 'base64');
  const want = createHmac('sha256', key).update(`${id}.${ts}.${body}`).digest();
  const ok = sigs.some((s) => {
    const [v, b64] = s.split(',');
    const got = Buffer.from(b64 ?? '', 'base64');
    return v === 'v1' && got.length === want.length && timingSafeEqual(got, want);
  });
  return ok ? null : 'signature mismatch';
}

function runOrigin() {
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const problem = verifyStandardWebhook(req.headers, body);
      let pretty = body;
      try { pretty = JSON.stringify(JSON.parse(body), null, 2); } catch {}
      console.log(`\n[demo origin] ${req.method} ${req.url}  webhook-id=${req.headers['webhook-id']}  ` +
        (problem ? `✗ NOT verified (${problem})` : '✓ Standard Webhooks signature verified'));
      console.log(pretty);
      res.writeHead(problem ? 401 : 200, { 'content-type': 'text/plain' });
      res.end(problem ? problem : 'ok');
    });
  });
  server.listen(originPort, '127.0.0.1', () => console.log(`[demo origin] listening on http://127.0.0.1:${originPort}/hooks`));
}

async function send(vendor) {
  const s = signedSample(vendor);
  const url = `http://127.0.0.1:${port}/v1/hooks/${DEMO.sources[vendor]}`;
  const r = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...s.headers }, body: s.body });
  console.log(`POST ${url} -> ${r.status} ${await r.text()}`);
  if (r.status !== 200) process.exitCode = 1;
}

function curl(vendor) {
  const s = signedSample(vendor);
  const h = Object.entries({ 'content-type': 'application/json', ...s.headers }).map(([k, v]) => `-H '${k}: ${v}'`).join(' ');
  console.log(`curl -sS ${h} --data '${s.body}' http://127.0.0.1:${port}/v1/hooks/${DEMO.sources[vendor]}`);
}

// Positional arguments: everything that is not an --option or an option's value.
const positional = process.argv.slice(2).filter((a, i, all) => !a.startsWith('--') && !(all[i - 1] ?? '').startsWith('--'));
const [cmd, what] = positional;
if (cmd === 'config') console.log(JSON.stringify(demoConfig()));
else if (cmd === 'origin') runOrigin();
else if (cmd === 'send') await send(what ?? 'tencent');
else if (cmd === 'curl') curl(what ?? 'tencent');
else if (cmd) {
  console.error('usage: demo.mjs config|origin|send <vendor>|curl <vendor>');
  process.exit(2);
}
