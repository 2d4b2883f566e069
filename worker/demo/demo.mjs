// The built-in demo of scripts/run.sh: one source per vendor (worker/demo/config.json), a local
// origin, and a sender of genuinely signed test callbacks. The vendors, their samples and their
// signing all come from the `mediahook` npm package (crates/wasm/pkg, built by
// scripts/build-npm.sh; run.sh builds it): `vendorInfo()` and `signCallback()`.
//
//   node worker/demo/demo.mjs config  [--port 8787] [--origin-port 8788]   prints MEDIAHOOK_CONFIG
//   node worker/demo/demo.mjs origin  [--origin-port 8788]                 runs the demo origin
//   node worker/demo/demo.mjs send    <vendor>|all [--type <vendor type>] [--port 8787]
//   node worker/demo/demo.mjs curl    <vendor> [--type <vendor type>] [--port 8787]   prints a curl command
//   node worker/demo/demo.mjs sign    <vendor> [--type <vendor type>]      prints {source, type, body, headers} as JSON
//   node worker/demo/demo.mjs vendors                                      lists vendors and sample types
//                                                                          (a second sample of a type: Type#2)
//
// <vendor> is a vendor id (tencent_vod, baidu_vod, volcengine_live, byteplus_live, tencent_live,
// aliyun_vod: one demo source each, named like it) or its cloud's name alone (tencent, baidu, …:
// the first registered vendor of that cloud).
import { readFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { freshSample } from '../../console/public/samples.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const pkgEntry = path.resolve(here, '../../crates/wasm/pkg/dist/index.cjs');

function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}
const port = Number(arg('port', process.env.PORT ?? 8787));
const originPort = Number(arg('origin-port', process.env.ORIGIN_PORT ?? 8788));

/** worker/demo/config.json with the ports filled in. Demo keys: public on purpose. */
function demoFile() {
  const text = readFileSync(path.join(here, 'config.json'), 'utf8')
    .replaceAll('{PORT}', String(port))
    .replaceAll('{ORIGIN_PORT}', String(originPort));
  return JSON.parse(text);
}

/** The demo configuration, as MEDIAHOOK_CONFIG. */
export function demoConfig() {
  return demoFile();
}

let mh;
/** The npm package (Node build). */
function pkg() {
  if (!mh) {
    try {
      mh = createRequire(import.meta.url)(pkgEntry);
    } catch (e) {
      console.error(`demo: the mediahook npm package is not built (${e.code ?? e.message}); run: bash scripts/build-npm.sh`);
      process.exit(1);
    }
  }
  return mh;
}

/** The vendor a command-line name means: an id, or the first registered vendor of a cloud. */
function vendorNamed(name) {
  const ids = pkg().vendorInfo().map((v) => v.id);
  const id = ids.includes(name) ? name : ids.find((v) => v.startsWith(`${name}_`));
  if (!id) {
    console.error(`demo: unknown vendor ${JSON.stringify(name)}: one of ${ids.join(', ')} (or all)`);
    process.exit(2);
  }
  return id;
}

/** The demo source of a vendor. */
function sourceOf(vendor) {
  const s = demoFile().sources.find((x) => x.vendor === vendor);
  if (s) return s;
  console.error(`demo: worker/demo/config.json has no source of vendor ${vendor}`);
  process.exit(2);
}

/**
 * The names `--type` takes for a vendor's samples, in registry order: the vendor type, and for
 * a type with several samples (formats, e.g. Tencent VOD v3.0 and v2.0 NewFileUpload) `#2`, `#3`…
 * after the repeats.
 */
function sampleNames(samples) {
  const seen = new Map();
  return samples.map((s) => {
    const n = (seen.get(s.vendorType) ?? 0) + 1;
    seen.set(s.vendorType, n);
    return n === 1 ? s.vendorType : `${s.vendorType}#${n}`;
  });
}

/**
 * A fresh sample callback of the vendor (one of its registry samples: `type` picks it by its
 * name in `sampleNames`, else the first), signed for its demo source as the vendor signs it. The source's
 * per-source options (callback_url, sign_order, timestamp, …) are passed as the registry names them.
 */
export function signedSample(vendor, type) {
  const info = pkg().vendorInfo().find((v) => v.id === vendor);
  const names = sampleNames(info.samples);
  const sample = type ? info.samples[names.indexOf(type)] : info.samples[0];
  if (!sample) {
    console.error(`demo: ${vendor} has no sample of type ${JSON.stringify(type)}: ${names.join(', ')}`);
    process.exit(2);
  }
  const source = sourceOf(vendor);
  const req = { body: freshSample(sample.body), key: source.key };
  for (const o of info.options) if (source[o.name] !== undefined) req[o.option] = source[o.name];
  return { source: source.name, type: sample.vendorType, sample: names[info.samples.indexOf(sample)], ...pkg().signCallback(vendor, req) };
}

function runOrigin() {
  // Every demo destination shares one secret (config.json): the origin checks it.
  const secret = demoConfig().sources.flatMap((s) => s.destinations ?? [])[0].secret;
  const wh = new (pkg().StandardWebhook)(secret);
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      let problem = null;
      try {
        wh.verify(body, req.headers);
      } catch (e) {
        problem = e.kind ?? e.message;
      }
      let pretty = body.toString('utf8');
      try { pretty = JSON.stringify(JSON.parse(pretty), null, 2); } catch {}
      console.log(`\n[demo origin] ${req.method} ${req.url}  webhook-id=${req.headers['webhook-id']}  ` +
        (problem ? `✗ NOT verified (${problem})` : '✓ Standard Webhooks signature verified'));
      console.log(pretty);
      res.writeHead(problem ? 401 : 200, { 'content-type': 'text/plain' });
      res.end(problem ? problem : 'ok');
    });
  });
  server.listen(originPort, '127.0.0.1', () => console.log(`[demo origin] listening on http://127.0.0.1:${originPort}/hooks`));
}

async function send(vendor, type) {
  const s = signedSample(vendor, type);
  const url = `http://127.0.0.1:${port}/v1/hooks/${s.source}`;
  let r;
  try {
    r = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...s.headers }, body: s.body });
  } catch (e) {
    console.error(`demo: cannot reach the worker at ${url} (${e.cause?.code ?? e.message}): is scripts/run.sh running (--port)?`);
    process.exitCode = 1;
    return;
  }
  console.log(`${vendor} ${s.sample}: POST ${url} -> ${r.status} ${await r.text()}`);
  if (r.status !== 200) process.exitCode = 1;
}

function curl(vendor, type) {
  const s = signedSample(vendor, type);
  const q = (x) => `'${String(x).replace(/'/g, `'\\''`)}'`;
  const h = Object.entries({ 'content-type': 'application/json', ...s.headers }).map(([k, v]) => `-H ${q(`${k}: ${v}`)}`).join(' ');
  console.log(`curl -sS ${h} --data-binary ${q(s.body)} http://127.0.0.1:${port}/v1/hooks/${s.source}`);
}

// Positional arguments: everything that is not an --option or an option's value.
const positional = process.argv.slice(2).filter((a, i, all) => !a.startsWith('--') && !(all[i - 1] ?? '').startsWith('--'));
const [cmd, what = 'tencent_vod'] = positional;
const type = arg('type', undefined);
if (cmd === 'config') console.log(JSON.stringify(demoConfig()));
else if (cmd === 'origin') runOrigin();
else if (cmd === 'send' && what === 'all') {
  for (const s of demoConfig().sources) await send(s.vendor, undefined);
} else if (cmd === 'send') await send(vendorNamed(what), type);
else if (cmd === 'curl') curl(vendorNamed(what), type);
else if (cmd === 'sign') console.log(JSON.stringify(signedSample(vendorNamed(what), type)));
else if (cmd === 'vendors') {
  for (const v of pkg().vendorInfo()) console.log(`${v.id.padEnd(16)} ${v.name}: ${sampleNames(v.samples).join(', ')}`);
} else {
  // No command, --help or an unknown one: the usage (exit 0 only when asked for).
  const asked = cmd === 'help' || process.argv.includes('--help') || process.argv.includes('-h');
  (asked ? console.log : console.error)('usage: demo.mjs config|origin|vendors|send <vendor>|all [--type T]|curl <vendor> [--type T]|sign <vendor> [--type T] [--port P] [--origin-port P]');
  process.exit(asked ? 0 : 2);
}
