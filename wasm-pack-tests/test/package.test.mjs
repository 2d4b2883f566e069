// The built package dir passes publint and arethetypeswrong (`attw --pack`) with no errors.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoDir, testsDir } from './helpers.mjs';

const pkgDir = process.env.MEDIAHOOK_PKG_DIR || join(repoDir, 'crates', 'wasm', 'pkg');
const bin = (name) => join(testsDir, 'node_modules', '.bin', name);

function run(cmd, args) {
  try {
    return execFileSync(cmd, args, { cwd: testsDir, encoding: 'utf8', stdio: 'pipe', env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' } });
  } catch (e) {
    assert.fail(`${cmd} ${args.join(' ')} failed (exit ${e.status}):\n${e.stdout}${e.stderr}`);
  }
}

describe('package lint', { skip: !existsSync(join(pkgDir, 'package.json')) && `no built package at ${pkgDir}` }, () => {
  it('npx publint: no errors', () => {
    const out = run(bin('publint'), ['run', pkgDir, '--strict']);
    assert.doesNotMatch(out, /error/i, out);
  });

  it('npx @arethetypeswrong/cli --pack: no problems', () => {
    const out = run(bin('attw'), ['--pack', pkgDir, '--format', 'ascii']);
    assert.match(out, /No problems found/, out);
  });

  it('the .wasm is at most 150 KB gzipped', () => {
    for (const dir of ['node', 'web']) {
      const f = join(pkgDir, 'dist', dir, 'mediahook_wasm_bg.wasm');
      const gz = gzipSync(readFileSync(f), { level: 9 }).length;
      assert.ok(gz <= 150 * 1024, `${f}: ${gz} bytes gzipped`);
      assert.ok(statSync(f).size > 0);
    }
  });
});
