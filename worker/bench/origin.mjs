// The load benchmark's origin, in its own process (as a real origin would be, so that its work
// does not slow the load generator's event loop): counts deliveries per webhook-id on
// `/hooks` (answers 204 at once), records the first arrival time per id on `/fast` (204 at
// once), and answers `/slow` after 2 s and `/hang` never within the worker's timeout (the
// slow-origin run). The parent (bench.mjs) asks over IPC: 'size' → distinct ids seen on /hooks,
// 'dump' → counts, 'fast' → first arrival (ms) per id on /fast, 'other' → requests seen on
// /slow and /hang.
import http from 'node:http';

const seen = new Map();
const fast = new Map();
let other = 0;
const server = http.createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    const id = req.headers['webhook-id'];
    if (req.url === '/fast') {
      if (!fast.has(id)) fast.set(id, Date.now());
      return res.writeHead(204).end();
    }
    if (req.url === '/slow') {
      other += 1;
      return setTimeout(() => !res.destroyed && res.writeHead(204).end(), 2000);
    }
    if (req.url === '/hang') {
      other += 1;
      return setTimeout(() => !res.destroyed && res.writeHead(204).end(), 60_000);
    }
    seen.set(id, (seen.get(id) ?? 0) + 1);
    res.writeHead(204).end();
  });
});
server.keepAliveTimeout = 5000;
server.listen(0, '127.0.0.1', () => process.send({ port: server.address().port }));
process.on('message', (m) => {
  if (m === 'size') process.send({ size: seen.size });
  else if (m === 'dump') process.send({ seen: Object.fromEntries(seen) });
  else if (m === 'fast') process.send({ fast: Object.fromEntries(fast) });
  else if (m === 'other') process.send({ other });
});
process.on('disconnect', () => { server.closeAllConnections?.(); process.exit(0); });
