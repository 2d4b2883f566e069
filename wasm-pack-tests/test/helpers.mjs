// Shared helpers of the Node tests: the packed-and-installed package, and the vectors.
//
// scripts/test-wasm.sh builds the package, packs it (`npm pack`), installs the tarball into a
// fresh temp project and passes that project's path as MEDIAHOOK_TEST_PROJECT. Run alone
// (`node --test test/`), a test builds its own project the same way (slow: a release build).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const testsDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const repoDir = resolve(testsDir, '..');
export const vectorsDir = process.env.MEDIAHOOK_VECTORS
  ? resolve(process.env.MEDIAHOOK_VECTORS)
  : resolve(repoDir, 'testdata', 'vectors');

let project;

/** Creates a fresh consumer project with the packed tarball installed; returns its path. */
export function makeProject(tarball) {
  const dir = mkdtempSync(join(tmpdir(), 'mediahook-consumer-'));
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'mediahook-consumer', private: true, version: '0.0.0' }));
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', tarball], { cwd: dir, stdio: 'inherit' });
  return dir;
}

/** The consumer project (with `node_modules/mediahook` installed from the packed tarball). */
export function consumerProject() {
  if (project) return project;
  if (process.env.MEDIAHOOK_TEST_PROJECT) {
    project = process.env.MEDIAHOOK_TEST_PROJECT;
  } else {
    const out = join(testsDir, 'out');
    mkdirSync(out, { recursive: true });
    const tarball = execFileSync('bash', [join(repoDir, 'scripts', 'build-npm.sh'), '--pack', out], { encoding: 'utf8' })
      .trim().split('\n').pop();
    project = makeProject(tarball);
  }
  if (!existsSync(join(project, 'node_modules', 'mediahook', 'package.json'))) {
    throw new Error(`mediahook is not installed in ${project}`);
  }
  return project;
}

/** `require('mediahook')` as seen from the consumer project (CJS resolution, `require` condition). */
export function requireMediahook() {
  return createRequire(join(consumerProject(), 'index.cjs'))('mediahook');
}

/** `import('mediahook')` as seen from the consumer project (ESM resolution, `import` condition). */
export async function importMediahook() {
  const dir = consumerProject();
  const entry = join(dir, 'esm-entry.mjs');
  if (!existsSync(entry)) writeFileSync(entry, "export * from 'mediahook';\n");
  return import(pathToFileURL(entry).href);
}

/** The cases of one shared vector file (fails clearly when the folder is missing). */
export function loadVectors(file) {
  const path = join(vectorsDir, file);
  if (!existsSync(path)) throw new Error(`shared vectors not found at ${path} (set MEDIAHOOK_VECTORS)`);
  const cases = JSON.parse(readFileSync(path, 'utf8'));
  if (!Array.isArray(cases) || cases.length === 0) throw new Error(`${file} has no cases`);
  return cases;
}

/** "ok", or the `.kind` of the MediahookError thrown by `fn` (anything else is rethrown). */
export function outcome(fn, MediahookError) {
  try {
    fn();
    return 'ok';
  } catch (e) {
    if (e instanceof MediahookError) return e.kind;
    throw e;
  }
}
