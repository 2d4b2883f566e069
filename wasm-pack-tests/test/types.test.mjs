// The package's TypeScript types: a usage file compiled with `tsc --noEmit --strict` against
// the installed package (nodenext for import and require, bundler + DOM), and no `any`.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { consumerProject, testsDir } from './helpers.mjs';

const tsc = join(testsDir, 'node_modules', '.bin', 'tsc');
const fixtures = join(testsDir, 'fixtures');
const FILES = ['usage.mts', 'usage.cts', 'browser-usage.ts', 'handlers-usage.mts', 'handlers-usage.cts', 'handlers-browser.ts', 'frameworks-usage.mts', 'tsconfig.node.json', 'tsconfig.bundler.json', 'tsconfig.frameworks.json'];

function compile(config) {
  const dir = consumerProject();
  for (const f of FILES) copyFileSync(join(fixtures, f), join(dir, f));
  try {
    execFileSync(tsc, ['--noEmit', '--strict', '-p', config], { cwd: dir, encoding: 'utf8', stdio: 'pipe' });
  } catch (e) {
    assert.fail(`tsc -p ${config} failed:\n${e.stdout}${e.stderr}`);
  }
}

/** The test's own framework packages and their types, visible from the consumer project. */
function linkFrameworks() {
  for (const dep of ['express', 'fastify', '@types/express', '@types/node']) {
    const to = join(consumerProject(), 'node_modules', dep);
    if (existsSync(to)) continue;
    mkdirSync(dirname(to), { recursive: true });
    symlinkSync(join(testsDir, 'node_modules', dep), to, 'dir');
  }
}

describe('TypeScript', () => {
  it('mediahook/node fits where Express, Fastify and node:http expect a handler (their own types)', () => {
    linkFrameworks();
    compile('tsconfig.frameworks.json');
  });
  it('usage compiles with --strict under module/moduleResolution nodenext (ESM and CJS)', () => compile('tsconfig.node.json'));
  it('usage compiles with --strict under moduleResolution bundler with the DOM lib', () => compile('tsconfig.bundler.json'));
  it('the public types contain no `any`', () => {
    for (const f of ['index.d.mts', 'index.d.cts', 'handler.d.mts', 'handler.d.cts', 'node.d.mts', 'node.d.cts']) {
      const text = readFileSync(join(consumerProject(), 'node_modules', 'mediahook', 'dist', f), 'utf8');
      const code = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');
      assert.doesNotMatch(code, /\bany\b/, f);
    }
  });
});
