// The host's m2dmrt_check message end to end: the real verity-host over native-messaging pipes,
// its DNS pointed (config m2dmrt.*) at the NSD of the DNSSEC test bed (tests/dns/lib.sh).
//   node tests/dns/host_check.mjs HOST_BIN TESTBED_WORK AUTH_PORT
// Prints one line per case and "m2dmrt-host: N passed, N failed"; exit 1 on any failure.
import { spawn, execFileSync } from 'node:child_process';
import https from 'node:https';
import fs from 'node:fs';
import path from 'node:path';
import { hostPipe } from '../e2e/host_pipe.mjs';

const [hostBin, work, authPort] = process.argv.slice(2);
const tmp = fs.mkdtempSync(path.join(work, 'host-'));
fs.mkdirSync(path.join(tmp, 'xdg', 'verity'), { recursive: true });
fs.writeFileSync(path.join(tmp, 'xdg', 'verity', 'config.json'), JSON.stringify({
  m2dmrt: { trust_anchors_file: path.join(work, 'keys', 'test.anchor'), stub_zones: { 'test.': `127.0.0.1@${authPort}` },
    probe_addresses: { 'pay.test': '127.0.0.1' } },
}));

const der = (args) => execFileSync('openssl', args, { stdio: ['ignore', 'pipe', 'ignore'] }).toString('base64');
const spki = h => der(['pkey', '-in', path.join(work, 'keys', `${h}.key`), '-pubout', '-outform', 'DER']);
// A certificate for pay.test's key (self-signed: the check looks at the key, not at the Web PKI).
const payCert = der(['req', '-x509', '-key', path.join(work, 'keys', 'pay.test.key'), '-subj', '/CN=pay.test', '-days', '1', '-outform', 'DER']);

// TLS servers for the host's own probe of pay.test (config probe_addresses): one with pay.test's
// key, one with another key (tamper.test's) under the same name.
const pem = (key, cn) => execFileSync('openssl', ['req', '-x509', '-key', key, '-subj', `/CN=${cn}`, '-days', '1'], { stdio: ['ignore', 'pipe', 'ignore'] });
const serve = async (host) => {
  const key = path.join(work, 'keys', `${host}.key`);
  const s = https.createServer({ key: fs.readFileSync(key), cert: pem(key, 'pay.test') }, (q, r) => r.end('ok'));
  await new Promise(r => s.listen(0, '127.0.0.1', r));
  s.unref();
  return s.address().port;
};
const payPort = await serve('pay.test'), fakePort = await serve('tamper.test');

const host = spawn(hostBin, ['--data-dir', path.join(tmp, 'data'), 'chrome-extension://test/'], {
  env: { ...process.env, XDG_CONFIG_HOME: path.join(tmp, 'xdg') }, stdio: ['pipe', 'pipe', 'inherit'] });
const ask = hostPipe(host);

let passed = 0, failed = 0;
function expect(what, reply, want) {
  const bad = Object.entries(want).filter(([k, v]) => (v instanceof RegExp ? !v.test(String(reply[k])) : reply[k] !== v));
  if (bad.length === 0) { passed++; console.log(`ok   ${what}: ${reply.action} ${reply.state ?? ''} ${reply.reason} — ${reply.detail}`); } else {
    failed++; console.log(`FAIL ${what}: ${bad.map(([k, v]) => `${k}=${JSON.stringify(reply[k])} want ${v}`).join(', ')}\n     ${JSON.stringify(reply)}`);
  }
}
const hop = (origin, destHostPort, extra = {}, dest = destHostPort.split(':')[0]) => ask({ type: 'm2dmrt_check', origin: `https://${origin}`, dest: `https://${destHostPort}/next`, kind: 'redirect',
  ...('origin_spki' in extra ? {} : { origin_spki: spki(origin) }), ...('dest_spki' in extra ? {} : { dest_spki: spki(dest) }), ...extra });

const hello = await ask({ type: 'hello', browser: 'chromium' });
expect('config accepted', hello, { ok: true });
if (!hello.config || !hello.config.ok) { failed++; console.log('FAIL config: ' + JSON.stringify(hello.config)); }

// Not enrolled: answered without any DNS (the site is not checked by Verity).
expect('shop.test not enrolled', await hop('shop.test', 'pay.test'), { ok: true, action: 'allow', reason: 'not_checked', state: null, policy: null });
await ask({ type: 'set_site', origin: 'https://shop.test', setting: 'verify' });
expect('mutual', await hop('shop.test', 'pay.test'), { action: 'allow', state: 'MUTUAL', policy: 'enforce', reason: 'm2dmrt_mutual', keys: 'observed by browser', dns: 'validated locally (libunbound)' });
expect('mutual, destination key from a certificate', await hop('shop.test', 'pay.test', { dest_spki: undefined, dest_cert: payCert }), { action: 'allow', state: 'MUTUAL' });
expect('mutual declarations, wrong key observed for the destination', await hop('shop.test', 'pay.test', { dest_spki: spki('solo.test') }),
  { action: 'block', state: 'NONE', reason: 'm2dmrt_none', detail: /pay\.test is not declared by shop\.test/ });
expect('one-sided', await hop('shop.test', 'one.test'), { action: 'block', state: 'ONE_SIDED', detail: /^shop\.test is not declared by one\.test/ });
expect('tampered zone', await hop('shop.test', 'tamper.test'), { action: 'block', state: 'BOGUS', reason: 'm2dmrt_bogus' });
expect('expired RRSIGs', await hop('shop.test', 'old.test'), { action: 'block', state: 'BOGUS' });
expect('unsigned zone', await hop('shop.test', 'insecure.test'), { action: 'block', state: 'UNVERIFIABLE' });
expect('expired declarations', await hop('shop.test', 'late.test'), { action: 'block', state: 'NONE' });
expect('no key from the browser', await hop('shop.test', 'pay.test', { dest_spki: undefined }),
  { action: 'block', state: 'UNVERIFIABLE', detail: /browser did not expose the TLS key of pay\.test/ });
expect('host probe that cannot reach the destination', await hop('shop.test', 'nowhere.test', { dest_spki: undefined, key_source: 'host_probe' }),
  { action: 'block', state: 'UNVERIFIABLE', detail: /host could not reach nowhere\.test/ });
expect('host probe sees pay.test\'s key', await hop('shop.test', `pay.test:${payPort}`, { dest_spki: undefined, key_source: 'host_probe' }),
  { action: 'allow', state: 'MUTUAL', detail: /keys shop\.test observed by browser, pay\.test observed by host$/ });
expect('host probe sees another key under pay.test', await hop('shop.test', `pay.test:${fakePort}`, { dest_spki: undefined, key_source: 'host_probe' }),
  { action: 'block', state: 'NONE' });
expect('same host', await hop('shop.test', 'shop.test'), { action: 'allow', reason: 'same_host', state: null });
await ask({ type: 'set_site', origin: 'https://cli.test', setting: 'verify' });
expect('report policy: one-sided is reported', await hop('cli.test', 'one.test', { origin_spki: der(['pkey', '-in', path.join(work, 'keys', 'cli.test.key'), '-pubout', '-outform', 'DER']) }),
  { action: 'report', policy: 'report', state: 'NONE' });
await ask({ type: 'set_site', origin: 'https://pay.test', setting: 'verify' });
expect('no policy record: allowed, not checked further', await hop('pay.test', 'solo.test'), { action: 'allow', reason: 'm2dmrt_no_policy', policy: 'none', state: null });
expect('malformed key', await hop('shop.test', 'pay.test', { dest_spki: 'not base64!' }), { ok: false });
expect('bad kind', await hop('shop.test', 'pay.test', { kind: 'teleport' }), { ok: false });
await ask({ type: 'set_site', origin: 'https://shop.test', setting: 'off' });
expect('switched off', await hop('shop.test', 'tamper.test'), { action: 'allow', reason: 'user_off', state: null });

const log = await ask({ type: 'log_query', origin: 'https://shop.test', limit: 100 });
const hops = (log.rows || []).filter(r => r.destination === 'm2dmrt-hop:redirect');
expect('every answer is in the verdict log', { action: hops.length, rows: hops.map(r => r.action + ':' + r.reason).join(' ') },
  { action: 15, rows: /block:m2dmrt_bogus.*allow:m2dmrt_mutual allow:not_checked$/ });
host.stdin.end();
console.log(`m2dmrt-host: ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
