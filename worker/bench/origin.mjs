// The load benchmark's origin, in its own process (as a real origin would be, so that its work
// does not slow the load generator's event loop): answers 204 and counts deliveries per
// webhook-id. The parent (bench.mjs) asks over IPC: 'size' → distinct ids seen, 'dump' → counts.
import http from 'node:http';

const seen = new Map();
const server = http.createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    const id = req.headers['webhook-id'];
    seen.set(id, (seen.get(id) ?? 0) + 1);
    res.writeHead(204).end();
  });
});
server.listen(0, '127.0.0.1', () => process.send({ port: server.address().port }));
process.on('message', (m) => {
  if (m === 'size') process.send({ size: seen.size });
  else if (m === 'dump') process.send({ seen: Object.fromEntries(seen) });
});
process.on('disconnect', () => process.exit(0));
