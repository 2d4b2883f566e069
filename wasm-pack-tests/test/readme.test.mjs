// The README quick start, paths 1 and 2, run exactly as written: the Express and the Hono
// server snippets (taken from README.md by their `<!-- quickstart:… -->` markers) run in a
// project with the packed package installed, and the README's `trigger` line sends them a
// genuine Tencent callback. Only the port is substituted (3000 → a free one). Paths 3 and 4
// (the local worker) are run by worker/tests/cli.test.mjs. And crates/wasm/README.md (the
// package's own) against the package's vendors, options and types.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import { consumerProject, repoDir, testsDir } from './helpers.mjs';

/** The fenced code block right after `<!-- quickstart:NAME -->` in README.md. */
export function snippet(name) {
  const readme = readFileSync(join(repoDir, 'README.md'), 'utf8');
  const m = new RegExp(`<!-- quickstart:${name} -->\\n\`\`\`(\\w+)\\n([\\s\\S]*?)\\n\`\`\`\\n`).exec(readme);
  if (!m) throw new Error(`README.md has no quickstart:${name} block`);
  return m[2] + '\n';
}

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
  });
}

/** Makes the test's own express/hono installs visible to the consumer project. */
function linkDeps(project) {
  for (const dep of ['express', 'hono', '@hono/node-server']) {
    const to = join(project, 'node_modules', dep);
    if (existsSync(to)) continue;
    mkdirSync(dirname(to), { recursive: true });
    symlinkSync(join(testsDir, 'node_modules', dep), to, 'dir');
  }
}

async function runServer(file, port, env) {
  const child = spawn(process.execPath, [file], { cwd: dirname(file), env: { ...process.env, ...env, PORT: String(port) }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d) => { out += d; });
  child.stderr.on('data', (d) => { out += d; });
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${file} exited: ${out}`);
    const up = await new Promise((r) => {
      const s = net.connect(port, '127.0.0.1', () => { s.end(); r(true); });
      s.on('error', () => r(false));
    });
    if (up) break;
    if (Date.now() > deadline) throw new Error(`${file} did not listen on ${port}: ${out}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    output: () => out,
    stop: () => new Promise((r) => { child.once('exit', r); child.kill('SIGTERM'); }),
  };
}

function bash(script, cwd, env) {
  return new Promise((resolve) => {
    execFile('bash', ['-euo', 'pipefail', '-c', script], { cwd, env: { ...process.env, ...env }, timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? error.code : 0, stdout, stderr });
    });
  });
}

describe('README quick start (Express, Hono)', () => {
  for (const name of ['express', 'hono']) {
    it(`path ${name === 'express' ? 1 : 2}: the ${name} server verifies what the README's trigger line sends`, async () => {
      const project = consumerProject();
      linkDeps(project);
      const file = join(project, `quickstart-${name}.mjs`);
      writeFileSync(file, snippet(name));
      const port = await freePort();
      const key = `qs-${name}-SignKey`;
      const server = await runServer(file, port, { TENCENT_SIGN_KEY: key });
      try {
        const trigger = snippet('trigger-local');
        assert.match(trigger, /127\.0\.0\.1:3000/);
        const r = await bash(trigger.replaceAll('127.0.0.1:3000', `127.0.0.1:${port}`), project, { TENCENT_SIGN_KEY: key, npm_config_offline: 'true' });
        assert.equal(r.code, 0, r.stdout + r.stderr + server.output());
        assert.match(r.stdout, /^200 +\d+ ms {2}tencent_vod NewFileUpload → /);
        await new Promise((res) => setTimeout(res, 200));
        assert.match(server.output(), /^media\.upload\.completed \d+$/m, server.output());
        // The same server refuses a callback signed with another key.
        const bad = await bash(trigger.replaceAll('127.0.0.1:3000', `127.0.0.1:${port}`), project, { TENCENT_SIGN_KEY: 'another key', npm_config_offline: 'true' });
        assert.equal(bad.code, 1);
        assert.match(bad.stdout, /^401 .*"mismatch"/);
      } finally {
        await server.stop();
      }
    });
  }
});

// The package's own README (what npm shows) against the package: every vendor, config API,
// option and signCallback field the code has is named where the README describes it.
describe('crates/wasm/README.md matches the package', () => {
  const installed = () => join(consumerProject(), 'node_modules', 'mediahook');
  const readme = () => readFileSync(join(installed(), 'README.md'), 'utf8');
  const section = (title) => {
    const text = readme();
    const at = text.indexOf(`\n## ${title}`);
    assert.ok(at >= 0, `no "## ${title}" section`);
    const end = text.indexOf('\n## ', at + 1);
    return text.slice(at, end < 0 ? undefined : end);
  };
  /** The member names of an interface in the installed types. */
  const members = (file, name) => {
    const dts = readFileSync(join(installed(), 'dist', file), 'utf8');
    const m = new RegExp(`export interface ${name}(?:<[^>]*>)? \\{([\\s\\S]*?)\\n\\}`).exec(dts);
    assert.ok(m, `${file} has no interface ${name}`);
    return [...m[1].matchAll(/^ {2}(\w+)\??[(:]/gm)].map((x) => x[1]);
  };
  const vendors = () => createRequire(join(consumerProject(), 'x.cjs'))('mediahook').vendorInfo();

  it('the intro names every vendor', () => {
    const intro = readme().split('\n## ')[0];
    for (const v of vendors()) assert.ok(intro.includes(v.name), `intro lacks ${v.name}`);
  });

  it('the verifyCallback table has a row per vendor with all of its options', () => {
    const rows = section('Verify a callback').split('\n').filter((l) => l.startsWith('| `'));
    for (const v of vendors()) {
      const row = rows.find((l) => l.startsWith(`| \`${v.id}\` |`));
      assert.ok(row, `no row for ${v.id}`);
      for (const o of v.options) assert.ok(row.includes(`\`${o.option}\``), `${v.id} row lacks ${o.option}`);
    }
  });

  it('the config validation section names every vendor config API', () => {
    const text = section('Validate a callback config').replace(/\s+/g, ' ');
    for (const v of vendors()) {
      for (const api of v.configApi.replace(/ \(.*$/, '').split(' / ')) assert.ok(text.includes(api), `${v.id}: ${api}`);
    }
  });

  it('the handler options name every option of the types (and each vendor\'s own)', () => {
    const text = section('Handlers: Express');
    for (const n of [...members('handler.d.mts', 'HandlerCommonOptions'), ...members('handler.d.mts', 'HandlerVendorOptions')]) {
      assert.ok(text.includes(`\`${n}\``), `handler options lack ${n}`);
    }
    for (const v of vendors()) assert.ok(text.includes(`\`${v.id}\``), `handler options lack ${v.id}`);
  });

  it('every export of the package is named', () => {
    const text = readme();
    for (const name of Object.keys(createRequire(join(consumerProject(), 'x.cjs'))('mediahook'))) {
      assert.match(text, new RegExp(`\\b${name}\\b`), name);
    }
  });

  it('signCallback is shown with every field of SignCallbackRequest', () => {
    const line = /`signCallback\(vendor, \{ ([^}]*) \}\)`/.exec(section('Signing for tests'));
    assert.ok(line, 'no signCallback(vendor, { … }) line');
    assert.deepEqual(line[1].split(', ').sort(), members('index.d.mts', 'SignCallbackRequest').sort());
  });
});
