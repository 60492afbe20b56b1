// The floor of an HTTP request on this machine: a bare Node HTTP server that reads a POST body and answers
// 200 with a tiny JSON body, nothing else. The load generator times keep-alive POSTs to it.
import { createServer } from 'node:http';
import { childConfig, FloorChildConfigSchema, onParent, toParent } from './messages.js';

const cfg = childConfig(FloorChildConfigSchema);
const server = createServer({ keepAlive: true }, (req, res) => {
  req.resume();
  req.on('end', () => {
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
  });
});
server.listen(cfg.port, '127.0.0.1', () => {
  const a = server.address();
  toParent({ type: 'ready', url: `http://127.0.0.1:${typeof a === 'object' && a ? a.port : cfg.port}` });
});
onParent(() => {});
