// HTTP/2 twin of server.py (same arguments, same headers, same "ready" line, same request log), for the page-load
// benchmark: real sites that would deploy WAICT serve over HTTP/2 (one TLS connection, many
// streams), while server.py speaks HTTP/1.0 (a new TLS connection per resource, at most six per
// host in Chromium), which makes every held response also hold a connection slot.
//   node server_h2.mjs ROOT CERT KEY PORT:MODE[:DIR] [...]
import http2 from 'node:http2';
import fs from 'node:fs';
import path from 'node:path';

const [root, cert, key, ...specs] = process.argv.slice(2);
const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.json': 'application/json',
  '.wasm': 'application/wasm', '.png': 'image/png', '.txt': 'text/plain' };

function handler(dir, mode, maxAge, port) {
  return (req, res) => {
    console.log(`${port} ${req.url} dest=${req.headers['sec-fetch-dest']}`);   // as server.py logs
    const urlPath = decodeURIComponent(new URL(req.url, 'https://x').pathname);
    const file = path.join(dir, path.normalize(urlPath).replace(/^(\.\.[/\\])+/, ''));
    if (!file.startsWith(dir)) { res.writeHead(403); res.end(); return; }
    fs.readFile(file, (err, body) => {
      if (err) { res.writeHead(404, { 'cache-control': 'no-store' }); res.end(); return; }
      const headers = { 'content-type': TYPES[path.extname(file)] || 'application/octet-stream', 'cache-control': urlPath.startsWith('/c/') ? 'max-age=3600' : 'no-store' };
      if (mode !== 'none' && urlPath.endsWith('.html')) {
        headers['integrity-policy-waict-v1'] = `max-age=${maxAge}, mode=${mode}, manifest="/manifest.json"`;
      }
      res.writeHead(200, headers);
      res.end(body);
    });
  };
}

const tls = { cert: fs.readFileSync(cert), key: fs.readFileSync(key), allowHTTP1: true };
let pending = specs.length;
for (const spec of specs) {
  const [port, modeSpec, ...d] = spec.split(':');
  const [mode, maxAge = '0'] = modeSpec.split('/');
  const dir = path.resolve(d.length ? d.join(':') : root);
  const srv = http2.createSecureServer(tls, handler(dir, mode, maxAge, port));
  srv.on('sessionError', () => {});
  srv.listen(Number(port), '127.0.0.1', () => { if (--pending === 0) console.log('ready'); });
}
