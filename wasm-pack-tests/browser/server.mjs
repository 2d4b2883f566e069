// A tiny static server for the demo page, bound to 127.0.0.1 only.
//   /                      → this folder (index.html, app.mjs, style.css)
//   /node_modules/mediahook/… → the installed package (MEDIAHOOK_PKG_DIR or the argument)
// Run alone: node browser/server.mjs <package dir> [port]
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
};
const PKG_PREFIX = '/node_modules/mediahook/';

function inside(root, rel) {
  const path = normalize(join(root, rel));
  return path === root || path.startsWith(root + sep) ? path : null;
}

/** Starts the server on 127.0.0.1 (port 0 = any free port); resolves to { url, close }. */
export function startServer(pkgDir, port = 0) {
  const pkgRoot = resolve(pkgDir);
  const server = createServer(async (req, res) => {
    const url = new URL(req.url, 'http://127.0.0.1');
    let file = null;
    if (url.pathname.startsWith(PKG_PREFIX)) file = inside(pkgRoot, url.pathname.slice(PKG_PREFIX.length));
    else file = inside(here, url.pathname === '/' ? 'index.html' : url.pathname.slice(1));
    if (!file || req.method !== 'GET') {
      res.writeHead(404).end('not found');
      return;
    }
    try {
      const data = await readFile(file);
      res.writeHead(200, { 'content-type': TYPES[extname(file)] || 'application/octet-stream', 'cache-control': 'no-store' });
      res.end(data);
    } catch {
      res.writeHead(404).end('not found');
    }
  });
  return new Promise((ok, fail) => {
    server.once('error', fail);
    server.listen(port, '127.0.0.1', () => {
      const { port: p } = server.address();
      ok({
        url: `http://127.0.0.1:${p}/`,
        close: () => new Promise((done) => { server.closeAllConnections(); server.close(() => done()); }),
      });
    });
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const pkg = process.argv[2] || process.env.MEDIAHOOK_PKG_DIR;
  if (!pkg) {
    console.error('usage: node browser/server.mjs <mediahook package dir> [port]');
    process.exit(2);
  }
  const { url } = await startServer(pkg, Number(process.argv[3] || 8099));
  console.log(`demo page at ${url}`);
}
