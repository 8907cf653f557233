// Differential test of the two URL canonicalisers through the real host (issue #12): random request
// URLs (seeded), each one the extension's lib/canonical_url.js is sure of becomes a manifest key
// (its JS canonical form c, hash SHA-256(c)); the host must then answer allow/match for the request
// URL itself with that hash (so its own canonical form of the URL is c too), and the decision table
// it hands out must release exactly those (URL, hash) pairs in the extension's lookup.
//   node tests/e2e/url_differential.test.mjs HOST_BIN [COUNT] [SEED]      (CTest: e2e.url_differential)
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import assert from 'node:assert/strict';
import { canonicalUrl } from '../../extension/src/lib/canonical_url.js';
import { tableFromManifestReply } from '../../extension/src/lib/decision_table.js';
import { hostPipe } from './host_pipe.mjs';

const hostBin = process.argv[2];
const COUNT = Number(process.argv[3] || 3000);
let seed = Number(process.argv[4] || 12);
// mulberry32 (32-bit integer arithmetic only, so a seed always gives the same URLs).
const rnd = n => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) % n;
};
const pick = a => a[rnd(a.length)];

const SCHEMES = ['https', 'https', 'https', 'http', 'HTTPS', 'HtTp', 'ftp', 'https:', 'data'];
const HOSTS = ['app.example', 'app.example', 'app.example', 'App.EXAMPLE', 'cdn.app-example.test', '127.0.0.1', '10.0.0.255', '1.2.3', '0x7f.1', '01.2.3.4',
  'a_b.example', 'x.example.', '', 'user@app.example', '[::1]', 'b\u00fccher.example', '999.1.1.1', 'example.123'];
const PORTS = ['', '', '', ':443', ':80', ':8443', ':1', ':65535', ':0', ':65536', ':', ':0443', ':4x'];
const PIECES = ['a', 'b.js', 'x', 'a', 'b.js', 'x', 'app', '-', '_', '.', '..', '%2e', '%2E%2e', '.%2e', '...', 'a..b', '', '%41', '%zz', '{', '}', '^', '`', '"', '<', '>', "'",
  '~', '!', '$', '&', '(', ')', '*', '+', ',', ';', '=', ':', '@', '|', '[', ']', '?', '#', '\u00e9', ' ', '\\', '\t', '%'];

function randomUrl() {
  let u = `${pick(SCHEMES)}://${pick(HOSTS)}${pick(PORTS)}`;
  const n = rnd(5);
  for (let i = 0; i < n; i++) u += '/' + Array.from({ length: 1 + rnd(3) }, () => pick(PIECES)).join('');
  if (rnd(3) === 0) u += '?' + Array.from({ length: rnd(4) }, () => pick(PIECES)).join('');
  if (rnd(5) === 0) u += '#' + pick(PIECES);
  return u;
}

const b64 = s => createHash('sha256').update(s).digest('base64');
const b64url = s => b64(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');

function startHost() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'verity-urldiff-'));
  const env = { ...process.env, HOME: dir, XDG_DATA_HOME: path.join(dir, 'data'), XDG_CONFIG_HOME: path.join(dir, 'config') };
  const p = spawn(hostBin, ['chrome-extension://differential/'], { env, stdio: ['pipe', 'pipe', 'ignore'] });
  const call = hostPipe(p);
  return { call, stop: () => { p.stdin.end(); fs.rmSync(dir, { recursive: true, force: true }); } };
}

const O = 'https://app.example';
const host = startHost();
try {
  const urls = Array.from({ length: COUNT }, randomUrl);
  const sure = urls.map(u => [u, canonicalUrl(u)]).filter(([, c]) => c !== null);
  const keys = [...new Set(sure.map(([, c]) => c))];
  assert.ok(sure.length >= COUNT / 10, `only ${sure.length} of ${COUNT} URLs were canonicalised by the extension`);
  const hashes = Object.fromEntries(keys.map(c => [c, b64url(c)]));
  const st = await host.call({ type: 'site_state', origin: O, headers: { 'integrity-policy-waict-v1': 'max-age=0, mode=enforce, manifest="/m"' } });
  assert.equal(st.checked, true);
  const m = await host.call({ type: 'manifest', origin: O, url: `${O}/m`, status: 200, table: true, body: JSON.stringify({ hashes }) + '\n\n' });
  assert.equal(m.state, 'integrity_only', JSON.stringify(m).slice(0, 300));
  // The host's table lists every key exactly as the extension spelled it.
  assert.deepEqual(new Set(m.decision_table.entries.map(e => e.url)), new Set(keys));
  const table = tableFromManifestReply(m);
  const bad = [];
  for (let i = 0; i < sure.length; i += 256) {
    const part = sure.slice(i, i + 256);
    const r = await host.call({ type: 'batch', requests: part.map(([u, c], k) => ({ id: k + 1, type: 'verdict', origin: O, url: u, destination: 'script', sha256: b64(c) })) });
    part.forEach(([u, c], k) => {
      const v = r.replies[k];
      if (!(v.ok && v.action === 'allow' && v.reason === 'match')) bad.push({ url: u, js: c, host: `${v.action}/${v.reason}: ${v.detail}` });
      else if (!table.allows(u, 'script', b64(c))) bad.push({ url: u, js: c, host: 'match, but the extension table lookup missed' });
    });
  }
  assert.deepEqual(bad.slice(0, 5), [], `${bad.length} URLs canonicalised differently`);
  console.log(`url differential: ${COUNT} URLs, ${sure.length} canonicalised by the extension (${keys.length} keys), all answered match by the host`);
} finally {
  host.stop();
}
