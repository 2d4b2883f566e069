// scripts/run.sh (the README's first command) refuses a port that is already taken, before
// building or starting anything: otherwise its readiness check would find whatever holds the
// port and print instructions for a worker that never started.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';

import { repoRoot } from './harness.mjs';

/** A listening socket on 127.0.0.1 (a port held by something else). */
function holdPort() {
  return new Promise((resolve) => {
    const server = net.createServer((s) => s.destroy()).listen(0, '127.0.0.1', () => resolve(server));
  });
}

/** Runs scripts/run.sh with `env` (at most 120 s); its exit code and output. */
function runSh(env) {
  return new Promise((resolve) => {
    const child = spawn('bash', [path.join(repoRoot, 'scripts/run.sh')], {
      cwd: repoRoot,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ...env },
    });
    let out = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { out += d; });
    const timer = setTimeout(() => { try { process.kill(-child.pid, 'SIGKILL'); } catch {} }, 120_000);
    child.on('exit', (code, signal) => { clearTimeout(timer); resolve({ code, signal, out }); });
  });
}

describe('scripts/run.sh: a port already in use', () => {
  let held;
  let free;
  before(async () => {
    held = await holdPort();
    // A port that was free a moment ago (closed again before run.sh looks at it).
    const probe = await holdPort();
    free = probe.address().port;
    await new Promise((r) => probe.close(r));
  });
  after(() => held.close());

  for (const [name, what] of [['PORT', 'exits 1 naming the port, before building, with no instructions printed'], ['ORIGIN_PORT', 'exits 1 naming it (demo configuration)']]) {
    it(`${name} taken: ${what}`, async () => {
      const port = held.address().port;
      const ports = { PORT: String(free), ORIGIN_PORT: String(free), [name]: String(port) };
      const r = await runSh({ ...ports, MEDIAHOOK_CONFIG: '' });
      assert.equal(r.code, 1, r.out);
      assert.match(r.out, new RegExp(`127\\.0\\.0\\.1:${port} \\(${name}\\) is already in use`), r.out);
      assert.doesNotMatch(r.out, /Building and starting|mediahook worker on/, r.out);
    });
  }
});
