// Shared pieces of the Verity browser tests: test CA + server certificate (openssl), the local
// HTTPS site, the staged extension, the native host wrapper, a tiny test runner.
import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import net from 'node:net';
import crypto from 'node:crypto';

export const here = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
export const repo = path.resolve(here, '..', '..');
export const CHROMIUM_ID = 'mbbdieillpeggimjpelglbnjlbajlfmk';
export const FIREFOX_ID = 'verity@verity-project';
export const HOST_NAME = 'org.verity.host';
export const sleep = ms => new Promise(r => setTimeout(r, ms));

export function mkWork(prefix) {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

// Copies extension/src + manifest.<browser>.json -> DIR (manifest.json). extension/README.md.
// testBridge: also add lib/test_bridge.js as a content script (tests only; see that file).
export function stageExtension(browser, dir, { testBridge = false } = {}) {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  fs.cpSync(path.join(repo, 'extension', 'src'), path.join(dir, 'src'), { recursive: true });
  const manifest = JSON.parse(fs.readFileSync(path.join(repo, 'extension', `manifest.${browser}.json`), 'utf8'));
  if (testBridge) {
    fs.copyFileSync(path.join(here, 'lib', 'test_bridge.js'), path.join(dir, 'test_bridge.js'));
    manifest.content_scripts.push({ matches: ['https://127.0.0.1/*'], js: ['test_bridge.js'], run_at: 'document_start' });
  }
  fs.writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify(manifest, null, 2));
  return dir;
}

// A throwaway CA and a server certificate for IP:127.0.0.1 signed by it.
export function makeTls(dir) {
  fs.mkdirSync(dir, { recursive: true });
  const o = (...a) => execFileSync('openssl', a, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  o('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem',
    '-days', '2', '-subj', '/CN=Verity test CA', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign');
  o('req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=127.0.0.1');
  fs.writeFileSync(path.join(dir, 'ext.cnf'), 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n');
  o('x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.pem', '-days', '2', '-extfile', 'ext.cnf');
  return { ca: path.join(dir, 'ca.pem'), cert: path.join(dir, 'server.pem'), key: path.join(dir, 'server.key') };
}

export async function freePort() {
  return new Promise((res, rej) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => res(p)); });
    s.on('error', rej);
  });
}

// Generates the site and serves it: { origins: {enforce, report, ...}, log: [], stop() }.
// modes: { name: 'enforce' | 'report' | 'none' | ['enforce', dir] } (dir: serve another root;
// a function returning it; 'enforce/86400': that max-age). prepare(root): runs after the site is generated, before serving.
// http2: serve with site/server_h2.mjs (HTTP/2) instead of site/server.py (HTTP/1.0).
export async function startSite(work, tls, modes, { prepare, http2 = false } = {}) {
  const root = path.join(work, 'www');
  execFileSync('python3', [path.join(here, 'site', 'make_site.py'), root], { stdio: 'ignore' });
  if (prepare) prepare(root);
  const ports = {};
  for (const name of Object.keys(modes)) ports[name] = await freePort();
  const specs = Object.entries(modes).map(([name, mode]) => Array.isArray(mode) ? `${ports[name]}:${mode[0]}:${typeof mode[1] === 'function' ? mode[1]() : mode[1]}` : `${ports[name]}:${mode}`);
  const [cmd, script] = http2 ? [process.execPath, 'server_h2.mjs'] : ['python3', 'server.py'];
  const srv = spawn(cmd, [path.join(here, 'site', script), root, tls.cert, tls.key, ...specs], { stdio: ['ignore', 'pipe', 'inherit'] });
  const log = [];
  await new Promise((res, rej) => {
    const t = setTimeout(() => rej(new Error('site server did not start')), 10000);
    srv.stdout.on('data', d => {
      for (const line of String(d).split('\n')) {
        if (line === 'ready') { clearTimeout(t); res(); } else if (line) log.push(line);
      }
    });
    srv.on('exit', c => rej(new Error('site server exited ' + c)));
  });
  const origins = {};
  for (const [name, p] of Object.entries(ports)) origins[name] = `https://127.0.0.1:${p}`;
  return { origins, root, log, stop: () => srv.kill() };
}

// Runs fn() while the site's manifest (ROOT/manifest.json: JSON line + proof line) lists `key`
// with the SHA-256 of `bytes` — as if the operator had published a new version of that resource —
// and puts the manifest back afterwards.
export async function withManifestEntry(root, key, bytes, fn) {
  const file = path.join(root, 'manifest.json');
  const original = fs.readFileSync(file, 'utf8');
  const [json, ...rest] = original.split('\n');
  const m = JSON.parse(json);
  if (!(key in m.hashes)) throw new Error(`manifest has no entry ${key}`);
  m.hashes[key] = crypto.createHash('sha256').update(bytes).digest('base64url');
  fs.writeFileSync(file, [JSON.stringify(m), ...rest].join('\n'));
  try { return await fn(); } finally { fs.writeFileSync(file, original); }
}

// Requests for `p` (path) the site server logged on `origin`'s port.
export function serverHits(site, origin, p) {
  const port = new URL(origin).port;
  return site.log.filter(l => { const [pt, q] = l.split(' '); return pt === port && q === p; }).length;
}

// Chromium flag that makes the test CA's server certificate valid to Chromium (its SPKI hash):
// with --ignore-certificate-errors alone every response carries a certificate error, and the
// HTTP disk cache stores none of them (measured), so no test would see a disk-cache hit.
export function spkiFlag(certFile) {
  const der = execFileSync('openssl', ['x509', '-in', certFile, '-pubkey', '-noout']);
  const spki = execFileSync('openssl', ['pkey', '-pubin', '-outform', 'der'], { input: der });
  return `--ignore-certificate-errors-spki-list=${crypto.createHash('sha256').update(spki).digest('base64')}`;
}

// Browser test case shared by both suites (README.md "Cache"): /c/cached.js is cacheable
// (max-age=3600). After a first page ran it, the site publishes a new version (its manifest entry
// changes); the second page's copy (from the cache or fetched again: expectFetches is how many
// requests for it the server must see) must be checked against the manifest of that moment: it
// no longer matches, so it is blocked and does not run. visit(url) -> { R, verdicts }.
export const CACHEABLE_SCRIPT_CASE = 'cacheable script: its second load (cache or network) is checked against the current manifest';
export async function checkCacheableScript({ visit, site, logFor, expectFetches }) {
  const O = site.origins;
  const res = `${O.enforce}/c/cached.js`;
  const first = await visit(`${O.enforce}/cache-a.html`);
  eq(first.R.cached, 'ran', 'first page runs the listed script');
  const fetches = () => serverHits(site, O.enforce, '/c/cached.js');
  const runs = () => serverHits(site, O.enforce, '/marker/cached-ran');
  await withManifestEntry(site.root, '/c/cached.js', 'window.R.cached = "v2";\n', async () => {
    const before = fetches(), ran = runs();
    const { R, verdicts } = await visit(`${O.enforce}/cache-b.html`);
    eq(fetches() - before, expectFetches, 'requests for /c/cached.js the server saw for the second page');
    eq(R.cached, undefined, 'the old copy ran');
    await sleep(300);
    eq(runs() - ran, 0, 'marker requests of the old copy (it ran)');
    const v = verdicts.find(x => x.url === res);
    assert(v && v.action === 'block' && v.reason === 'no_manifest_match', 'extension verdict: ' + JSON.stringify(v));
  });
  const rows = await logFor(O.enforce, res);
  assert(rows.some(r => r.action === 'allow') && rows.some(r => r.action === 'block' && r.reason === 'no_manifest_match'),
    'host log: ' + JSON.stringify(rows.slice(0, 3)));
}

// The same for a stylesheet (/c/cached.css, max-age=3600, colours #cc rgb(1, 2, 3)): after the site
// publishes a new version, the second page must not get the old copy from any cache of the browser
// unchecked (Firefox reuses style sheets from an in-memory cache with no webRequest event: the
// extension marks a checked tab's style sheets no-store). The old colour must not apply, and the
// verdict for the old bytes is a block.
export const CACHEABLE_STYLE_CASE = 'cacheable stylesheet: after a manifest change the cached old copy never applies';
export async function checkCacheableStyle({ visit, site }) {
  const O = site.origins;
  const first = await visit(`${O.enforce}/cache-css-a.html`);
  eq(first.R.cssColor, 'rgb(1, 2, 3)', 'first page gets the listed stylesheet');
  await withManifestEntry(site.root, '/c/cached.css', '#cc { color: rgb(9, 9, 9); }\n', async () => {
    const { R, verdicts } = await visit(`${O.enforce}/cache-css-b.html`);
    assert(R.cssColor !== 'rgb(1, 2, 3)', 'the old stylesheet applied after the manifest changed: ' + R.cssColor);
    const v = verdicts.find(x => x.url === `${O.enforce}/c/cached.css`);
    assert(v && v.action === 'block' && v.reason === 'no_manifest_match', 'extension verdict: ' + JSON.stringify(v));
  });
}

// A real transparency proof for the site (site/make_transparency.py, made with verity-cli next to
// the host binary or $VERITY_CLI_BIN): returns { good, bad } site folders and writes the host config
// that trusts the proof's service and witnesses into <work>/xdg-config/verity/config.json.
export function makeTransparencySite(work, hostBin, root) {
  const cli = process.env.VERITY_CLI_BIN || path.join(path.dirname(hostBin), 'verity-cli');
  const out = path.join(work, 'transparency');
  execFileSync('python3', [path.join(here, 'site', 'make_transparency.py'), cli, root, out], { stdio: 'ignore' });
  fs.mkdirSync(path.join(work, 'xdg-config', 'verity'), { recursive: true });
  fs.copyFileSync(path.join(out, 'config.json'), path.join(work, 'xdg-config', 'verity', 'config.json'));
  return { good: path.join(out, 'good'), bad: path.join(out, 'bad') };
}

// A signed, cosigned preload list of `domains` made with verity-cli (keygen, preload-build,
// witness-cosign --note), issued at `time` (unix s): { note, config } where config is the host's
// `transparency` config object that trusts it (a list key, one C2SP witness, a service key).
export function makePreloadList(work, hostBin, domains, time) {
  const cli = process.env.VERITY_CLI_BIN || path.join(path.dirname(hostBin), 'verity-cli');
  const dir = fs.mkdtempSync(path.join(work, 'preload-'));
  const run = (...args) => execFileSync(cli, args, { stdio: ['ignore', 'ignore', 'inherit'] });
  const key = (name, type) => { run('keygen', '--name', name, '--type', type, '--out', path.join(dir, `${type}.key`)); return fs.readFileSync(path.join(dir, `${type}.vkey`), 'utf8').trim(); };
  const list = key('preload.test', 'preload'), w1 = key('w1.test', 'witness-c2sp'), svc = key('ts.test', 'service');
  const note = path.join(dir, 'list.note');
  run('preload-build', '--key', path.join(dir, 'preload.key'), ...domains.flatMap(d => ['--domain', d]), '--time', String(time), '--out', note);
  run('witness-cosign', '--note', note, '--preload-vkey', path.join(dir, 'preload.vkey'), '--witness-key', path.join(dir, 'witness-c2sp.key'), '--time', String(time));
  return { note: fs.readFileSync(note, 'utf8'), config: { services: [{ name: 'ts.test', key: svc }],
    witnesses: [{ name: 'w1', key: w1 }], witness_threshold: 1, preload_list_key: list } };
}

// The host manifest points at a wrapper that (1) refuses to start while <work>/host-down exists
// (simulates a missing/crashing verifier), (2) records its pid so a test can kill exactly that
// process, (3) runs the real host with the test's data dir, its own XDG_CONFIG_HOME
// (<work>/xdg-config) and `env` on top.
export function writeHostWrapper(work, hostBin, { env: extra = {} } = {}) {
  const env = { XDG_CONFIG_HOME: path.join(work, 'xdg-config'), ...extra };
  const dataDir = path.join(work, 'host-data');
  fs.mkdirSync(dataDir, { recursive: true });
  const wrapper = path.join(work, 'verity-host-wrapper.sh');
  fs.writeFileSync(wrapper, `#!/bin/sh
[ -e '${work}/host-down' ] && exit 1
echo $$ >> '${work}/host.pids'
${Object.entries(env).map(([k, v]) => `export ${k}='${v}'`).join('\n')}
exec '${hostBin}' --data-dir '${dataDir}' "$@" 2>>'${work}/host.stderr'
`, { mode: 0o755 });
  return { wrapper, dataDir };
}

export function hostManifest(wrapper, browser) {
  const m = { name: HOST_NAME, description: 'Verity native host (test)', path: wrapper, type: 'stdio' };
  if (browser === 'chromium') m.allowed_origins = [`chrome-extension://${CHROMIUM_ID}/`];
  else m.allowed_extensions = [FIREFOX_ID];
  return JSON.stringify(m, null, 2);
}

export function hostPids(work) {
  try {
    return fs.readFileSync(path.join(work, 'host.pids'), 'utf8').split('\n').filter(Boolean).map(Number);
  } catch (_) { return []; }
}

export function alive(pid) {
  try { process.kill(pid, 0); return true; } catch (_) { return false; }
}

// The host's verdict log, read with the host's own CLI (a second process on the same database).
export function exportLog(hostBin, dataDir, origin) {
  const args = ['--data-dir', dataDir, '--export-log', 'json'];
  if (origin) args.push('--origin', origin);
  const out = execFileSync(hostBin, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const j = JSON.parse(out);
  return Array.isArray(j) ? j : (j.rows || []);
}

export async function waitFor(fn, { timeout = 15000, interval = 100, what = 'condition' } = {}) {
  const t0 = Date.now();
  let last;
  while (Date.now() - t0 < timeout) {
    try { last = await fn(); if (last) return last; } catch (e) { last = e; }
    await sleep(interval);
  }
  throw new Error(`timed out waiting for ${what}${last instanceof Error ? ': ' + last.message : ''}`);
}

export function runner(suite) {
  const results = [];
  return {
    results,
    async test(name, fn) {
      const t0 = Date.now();
      try {
        await fn();
        results.push({ name, ok: true });
        console.log(`ok - ${suite}: ${name} (${Date.now() - t0} ms)`);
      } catch (e) {
        results.push({ name, ok: false, error: String(e && e.stack || e) });
        console.log(`not ok - ${suite}: ${name} (${Date.now() - t0} ms)\n  ${String(e && e.stack || e).split('\n').slice(0, 4).join('\n  ')}`);
      }
    },
    summary() {
      const p = results.filter(r => r.ok).length, f = results.length - p;
      console.log(`${suite}: ${p} passed, ${f} failed`);
      return f;
    },
  };
}

// runSuite(t, { work, main }, close): the end of every browser suite. Runs main(); if it throws, the
// suite gets a failing test "setup" with the error. Then close() (the browser, the site), removes the
// work folder (kept, and named, with KEEP=1) and sets the exit code from t.summary().
export async function runSuite(t, { work, main }, close) {
  try {
    await main();
  } catch (e) {
    await t.test('setup', () => { throw e; });
  } finally {
    await close();
    if (!process.env.KEEP) fs.rmSync(work, { recursive: true, force: true }); else console.log('kept', work);
  }
  process.exitCode = t.summary() ? 1 : 0;
}

// benchSetup(workPrefix, defaultN): what bench.mjs and bench_repeat.mjs read from their command line,
// `node BENCH.mjs HOST_BIN [N] [browsers...]`, and environment (BENCH_HTTP2=1: serve over HTTP/2;
// BENCH_BEFORE=DIR: another tree's extension, run by Chromium as configuration "before"), and their
// work folder with its TLS certificate.
export function benchSetup(workPrefix, defaultN) {
  const work = mkWork(workPrefix);
  return {
    hostBin: path.resolve(process.argv[2] || ''),
    N: Number(process.argv[3] || defaultN),
    browsers: process.argv.slice(4).length ? process.argv.slice(4) : ['chromium', 'firefox'],
    work,
    tls: makeTls(path.join(work, 'tls')),
    http2: process.env.BENCH_HTTP2 === '1',
    before: process.env.BENCH_BEFORE ? path.resolve(process.env.BENCH_BEFORE) : null,
  };
}

export function assert(cond, msg) { if (!cond) throw new Error(msg || 'assertion failed'); }
export function eq(a, b, msg) { if (JSON.stringify(a) !== JSON.stringify(b)) throw new Error(`${msg || 'not equal'}: got ${JSON.stringify(a)}, want ${JSON.stringify(b)}`); }

export const CHROMIUM_FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
  '--disable-sync', '--disable-default-apps', '--no-first-run', '--ignore-certificate-errors', '--disable-features=DialMediaRouteProvider'];

// Headless Chromium with (ext set) or without an extension; the host manifest goes into the
// profile's NativeMessagingHosts folder. Returns { ctx, sw }: sw is Verity's service worker, ready,
// or with verity: false (another extension, e.g. floor/), that extension's service worker.
// udd: the profile folder made (kept for a restart, see routes.test.mjs).
export async function launchChromium(chromium, { work, ext, wrapper, verity = true, args: extraArgs = [] }) {
  const udd = fs.mkdtempSync(path.join(work, 'chromium-profile-'));
  if (wrapper) {
    fs.mkdirSync(path.join(udd, 'NativeMessagingHosts'), { recursive: true });
    fs.writeFileSync(path.join(udd, 'NativeMessagingHosts', `${HOST_NAME}.json`), hostManifest(wrapper, 'chromium'));
  }
  const args = [...CHROMIUM_FLAGS, ...extraArgs, ...(ext ? [`--disable-extensions-except=${ext}`, `--load-extension=${ext}`] : [])];
  const ctx = await chromium.launchPersistentContext(udd, { executablePath: process.env.CHROME || '/usr/bin/chromium',
    headless: true, ignoreHTTPSErrors: true, timeout: 60000, args });
  let sw = null;
  if (ext) {
    const prefix = `chrome-extension://${verity ? CHROMIUM_ID + '/' : ''}`;
    sw = ctx.serviceWorkers().find(w => w.url().startsWith(prefix)) || await ctx.waitForEvent('serviceworker', { timeout: 20000 });
    if (verity) await sw.evaluate(() => globalThis.verity.ready);
  }
  return { ctx, sw, udd };
}

export const FIREFOX_UUID = '7e1f2a3b-0000-4000-8000-00000000beef';

// Headless Firefox ESR over WebDriver BiDi, with its own HOME (for the host manifest) and, if
// ext is set, the add-on installed. Returns { browser, call(page, op, ...args) } (test bridge).
export async function launchFirefox(puppeteer, { work, ext, wrapper }) {
  const home = fs.mkdtempSync(path.join(work, 'firefox-home-'));
  if (wrapper) {
    fs.mkdirSync(path.join(home, '.mozilla', 'native-messaging-hosts'), { recursive: true });
    fs.writeFileSync(path.join(home, '.mozilla', 'native-messaging-hosts', `${HOST_NAME}.json`), hostManifest(wrapper, 'firefox'));
  }
  const browser = await puppeteer.launch({ browser: 'firefox', executablePath: process.env.FIREFOX || '/usr/lib/firefox-esr/firefox-esr',
    headless: true, acceptInsecureCerts: true, env: { ...process.env, HOME: home }, protocolTimeout: 60000,
    extraPrefsFirefox: { 'extensions.webextensions.uuids': JSON.stringify({ [FIREFOX_ID]: FIREFOX_UUID }) } });
  if (ext) await browser.installExtension(ext);
  return { browser };
}

// Calls the background through the test bridge content script from a page of a 127.0.0.1 site.
export function bridgeCall(page, op, ...args) {
  return page.evaluate((op, args) => new Promise((res, rej) => {
    const id = Math.random();
    addEventListener('message', function h(e) {
      if (!e.data || e.data.verityTest !== 'res' || e.data.id !== id) return;
      removeEventListener('message', h); e.data.err ? rej(new Error(e.data.err)) : res(e.data.ok);
    });
    postMessage({ verityTest: 'req', id, op, args }, '*');
  }), op, args);
}

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  return n === 0 ? NaN : n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}
