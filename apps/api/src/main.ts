// Bootstrap of the negmine API (placeholder until the GraphQL service lands): a health endpoint.
import { createServer } from 'node:http';

const port = Number(process.env['PORT'] ?? 4000);
createServer((_req, res) => {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ status: 'ok', service: 'negmine' }));
}).listen(port, () => process.stderr.write(`negmine listening on http://localhost:${port}\n`));
