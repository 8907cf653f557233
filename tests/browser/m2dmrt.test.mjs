// M2DMRT hop checks in a real browser (design §4.3, docs/m2dmrt.md): shop.test redirects to
// pay.test (mutual declarations: allowed), one.test (one-sided: blocked) and tamper.test (DNSSEC
// bogus: blocked); links on shop.test to pay.test / one.test (navigation hops: allowed / blocked);
// scripts of a shop.test page from pay.test / one.test (subresource hops: run / blocked);
// a typed navigation away from shop.test is no hop. Everything is real: the DNSSEC test bed of tests/dns/lib.sh (NSD, zones signed
// with ldns, declarations over the TLS keys of the HTTPS servers below), the verity-host binary whose
// config points its libunbound at that NSD, the extension, and the browser.
//   node m2dmrt.test.mjs chromium|firefox HOST_BIN      env: M2DMRT_TESTBED=<test bed WORK dir>,
//   M2DMRT_AUTH_PORT=<NSD port> (tests/browser/run.sh starts the test bed and sets both), KEEP=1
// Host names: Chromium --host-resolver-rules "MAP *.test 127.0.0.1"; Firefox network.dns.forceResolve;
// the host's own TLS probe (Chromium's destination key): config m2dmrt.probe_addresses.
// TLS: one server per host, its certificate issued by a test CA for the key its declarations sign.
// The CA is trusted in the test profile (Chromium: NSS db in the browser's HOME; Firefox: the
// profile's cert9.db, both with certutil), so the browsers run without ignoring certificate errors
// and expose the real certificate; without certutil the suite falls back to ignoring errors (both
// browsers still expose the certificate then) and says so.
import fs from 'node:fs';
import path from 'node:path';
import https from 'node:https';
import { execFileSync } from 'node:child_process';
import { CHROMIUM_ID, FIREFOX_ID, FIREFOX_UUID, HOST_NAME, CHROMIUM_FLAGS, stageExtension, writeHostWrapper, hostManifest,
  exportLog, mkWork, runner, waitFor, assert, eq, bridgeCall } from './lib/harness.mjs';

const [browserName, hostArg] = process.argv.slice(2);
const hostBin = path.resolve(hostArg || process.env.VERITY_HOST_BIN || '');
const bed = process.env.M2DMRT_TESTBED, authPort = process.env.M2DMRT_AUTH_PORT;
const t = runner(`${browserName}-m2dmrt`);
const work = mkWork(`verity-m2dmrt-${browserName}-`);
const HOSTS = ['shop.test', 'pay.test', 'one.test', 'tamper.test'];
const servers = [];
let closeBrowser = async () => {};

// Page scripts of a document whose load is paused never answer: bound every evaluate.
const withTimeout = (p, ms) => Promise.race([p, new Promise((_, rej) => setTimeout(() => rej(new Error('timed out')), ms))]);

function haveCertutil() {
  try { execFileSync('certutil', ['-H'], { stdio: 'ignore' }); return true; } catch (e) { return e.status !== undefined && e.code !== 'ENOENT'; }
}

// Test CA + one certificate per host for the key in the test bed (the key its declarations name).
function makeCerts(dir) {
  fs.mkdirSync(dir, { recursive: true });
  const o = (...a) => execFileSync('openssl', a, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  o('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2',
    '-subj', '/CN=Verity M2DMRT test CA', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign');
  const out = {};
  for (const h of HOSTS) {
    const key = path.join(bed, 'keys', `${h}.key`);
    o('req', '-new', '-key', key, '-subj', `/CN=${h}`, '-out', `${h}.csr`);
    fs.writeFileSync(path.join(dir, `${h}.cnf`), `subjectAltName=DNS:${h}${h === 'shop.test' ? ',IP:127.0.0.1' : ''}\nextendedKeyUsage=serverAuth\n`);
    o('x509', '-req', '-in', `${h}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', `${h}.pem`, '-days', '2', '-extfile', `${h}.cnf`);
    out[h] = { key: fs.readFileSync(key), cert: fs.readFileSync(path.join(dir, `${h}.pem`)) };
  }
  return { ca: path.join(dir, 'ca.pem'), hosts: out };
}

// shop.test enrols itself with a WAICT header (report mode: its own resources are only reported;
// the M2DMRT policy in DNS is what blocks hops) and redirects /go?to=NAME to NAME.test.
async function startServers(certs) {
  const ports = {};
  for (const h of HOSTS) {
    const srv = https.createServer({ key: certs.hosts[h].key, cert: certs.hosts[h].cert }, (req, res) => {
      const u = new URL(req.url, `https://${h}`);
      if (h === 'shop.test' && u.pathname === '/go') {
        res.writeHead(302, { location: `https://${u.searchParams.get('to')}.test:${ports[u.searchParams.get('to') + '.test']}/landing` });
        return res.end();
      }
      if (u.pathname === '/favicon.ico' || u.pathname.startsWith('/.well-known/')) { res.writeHead(404); return res.end(); }
      if (u.pathname.endsWith('.js')) {            // a script that says which host served it, when it runs
        res.writeHead(200, { 'content-type': 'text/javascript', 'cache-control': 'no-store' });
        return res.end(`(window.SUB.ran = window.SUB.ran || []).push(${JSON.stringify(h + u.pathname)});`);
      }
      if (h === 'shop.test' && u.pathname === '/sub') {
        // A page of shop.test that loads two scripts from another host (one question per page and pair).
        const src = `https://${u.searchParams.get('from')}.test:${ports[u.searchParams.get('from') + '.test']}`;
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store',
          'integrity-policy-waict-v1': 'max-age=0, mode=report, manifest="/.well-known/waict/manifest"' });
        return res.end(`<!doctype html><title>shop.test</title><script>window.SUB = { settled: 0 };</script>` +
          ['a', 'b'].map(n => `<script src="${src}/${n}.js" onload="SUB.settled++" onerror="SUB.error = (SUB.error || 0) + 1; SUB.settled++"></script>`).join('') +
          `<script>window.R = { done: true, host: 'shop.test' };</script>`);
      }
      const headers = { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' };
      if (h === 'shop.test') headers['integrity-policy-waict-v1'] = 'max-age=0, mode=report, manifest="/.well-known/waict/manifest"';
      res.writeHead(200, headers);
      const links = h === 'shop.test' ? ['pay', 'one'].map(n => `<a id="to-${n}" href="https://${n}.test:${ports[n + '.test']}/landing?nav">${n}</a>`).join(' ') : '';
      res.end(`<!doctype html><title>${h}</title><p id="who">${h}</p>${links}<script>window.R = { done: true, host: ${JSON.stringify(h)} };</script>`);
    });
    await new Promise(r => srv.listen(0, '127.0.0.1', r));
    ports[h] = srv.address().port;
    servers.push(srv);
  }
  return ports;
}

function hostWithConfig() {
  const xdg = path.join(work, 'xdg');
  fs.mkdirSync(path.join(xdg, 'verity'), { recursive: true });
  fs.writeFileSync(path.join(xdg, 'verity', 'config.json'), JSON.stringify({
    m2dmrt: { trust_anchors_file: path.join(bed, 'keys', 'test.anchor'), stub_zones: { 'test.': `127.0.0.1@${authPort}` },
      probe_addresses: Object.fromEntries(HOSTS.map(h => [h, '127.0.0.1'])) } }));
  return writeHostWrapper(work, hostBin, { env: { XDG_CONFIG_HOME: xdg } });
}

function nssDb(dir, ca) {
  fs.mkdirSync(dir, { recursive: true });
  execFileSync('certutil', ['-N', '-d', `sql:${dir}`, '--empty-password'], { stdio: 'ignore' });
  execFileSync('certutil', ['-A', '-d', `sql:${dir}`, '-n', 'verity-m2dmrt-test-ca', '-t', 'C,,', '-i', ca], { stdio: 'ignore' });
}

// Opens a browser; returns { goto(url), currentUrl(), blockInfo() } over the browser's automation.
async function launch(ext, wrapper, ca, trusted) {
  if (browserName === 'chromium') {
    const { chromium } = await import('playwright-core');
    const udd = path.join(work, 'chromium-profile'), home = path.join(work, 'chromium-home');
    fs.mkdirSync(path.join(udd, 'NativeMessagingHosts'), { recursive: true });
    fs.writeFileSync(path.join(udd, 'NativeMessagingHosts', `${HOST_NAME}.json`), hostManifest(wrapper, 'chromium'));
    if (trusted) nssDb(path.join(home, '.pki', 'nssdb'), ca);
    const flags = CHROMIUM_FLAGS.filter(f => !trusted || f !== '--ignore-certificate-errors');
    const ctx = await chromium.launchPersistentContext(udd, { executablePath: process.env.CHROME || '/usr/bin/chromium', headless: true,
      ignoreHTTPSErrors: !trusted, timeout: 60000, env: { ...process.env, HOME: home },
      args: [...flags, '--host-resolver-rules=MAP *.test 127.0.0.1', `--disable-extensions-except=${ext}`, `--load-extension=${ext}`] });
    const sw = ctx.serviceWorkers().find(w => w.url().startsWith(`chrome-extension://${CHROMIUM_ID}/`)) || await ctx.waitForEvent('serviceworker', { timeout: 20000 });
    await sw.evaluate(() => globalThis.verity.ready);
    const page = ctx.pages()[0] || await ctx.newPage();
    closeBrowser = () => ctx.close();
    return {
      goto: url => page.goto(url, { waitUntil: 'commit', timeout: 20000 }).catch(() => {}),
      click: sel => page.click(sel, { noWaitAfter: true, timeout: 5000 }),
      url: async () => page.url(),
      text: () => page.evaluate(() => document.body && document.body.dataset.ready === '1' && document.getElementById('detail').textContent).catch(() => null),
      loaded: host => withTimeout(page.evaluate(() => window.R && window.R.done && window.R.host), 2000).then(h => h === host, () => false),
      sub: () => withTimeout(page.evaluate(subState), 2000).catch(() => null),
      blockPrefix: `chrome-extension://${CHROMIUM_ID}/src/ui/blocked.html`,
      // A checked site reached from an unchecked one is reloaded through the debugger: settled once a
      // document verdict newer than that reload (and than t0) is in.
      settled: (origin, t0) => sw.evaluate(([origin, t0]) => {
        const reload = Math.max(t0, ...(globalThis.verityTrace || []).filter(x => x.reloadFor && x.reloadFor.startsWith(origin)).map(x => x.time));
        return globalThis.verity.recent.some(r => r.origin === origin && r.destination === 'document' && r.time > reload);
      }, [origin, t0]),
      diag: () => sw.evaluate(() => ({ trace: (globalThis.verityTrace || []).slice(-8), recent: globalThis.verity.recent.slice(-4) })),
      // M2DMRT_SHOTS=DIR (scripts/demo.sh): a screenshot of the tab at the outcome of a case.
      shot: name => process.env.M2DMRT_SHOTS ? page.screenshot({ path: path.join(process.env.M2DMRT_SHOTS, name) }).catch(() => {}) : null,
    };
  }
  const { default: puppeteer } = await import('puppeteer-core');
  const home = path.join(work, 'firefox-home'), profile = path.join(work, 'firefox-profile');
  fs.mkdirSync(path.join(home, '.mozilla', 'native-messaging-hosts'), { recursive: true });
  fs.writeFileSync(path.join(home, '.mozilla', 'native-messaging-hosts', `${HOST_NAME}.json`), hostManifest(wrapper, 'firefox'));
  if (trusted) nssDb(profile, ca);
  const browser = await puppeteer.launch({ browser: 'firefox', executablePath: process.env.FIREFOX || '/usr/lib/firefox-esr/firefox-esr', headless: true,
    acceptInsecureCerts: !trusted, userDataDir: profile, env: { ...process.env, HOME: home }, protocolTimeout: 60000,
    extraPrefsFirefox: { 'extensions.webextensions.uuids': JSON.stringify({ [FIREFOX_ID]: FIREFOX_UUID }), 'network.dns.forceResolve': '127.0.0.1',
      'network.dns.disableIPv6': true, 'browser.shell.checkDefaultBrowser': false, 'app.update.enabled': false } });
  closeBrowser = () => browser.close();
  eq(await browser.installExtension(ext), FIREFOX_ID, 'installed id');
  const ctl = await browser.newPage();   // test bridge page (https://127.0.0.1/*, shop.test's server)
  const page = await browser.newPage();
  let tabId = null;
  const call = (op, ...args) => bridgeCall(ctl, op, ...args);
  const tabUrl = async () => {
    const tabs = await call('tabs');
    const tab = tabs.find(x => x.id === tabId);
    return tab ? tab.url : '';
  };
  return {
    init: async (ctlUrl) => {
      await ctl.goto(ctlUrl);
      await waitFor(() => call('debugState'), { what: 'test bridge' });
      await page.goto(ctlUrl + '?marker');
      tabId = (await call('tabs')).find(x => x.url.endsWith('?marker')).id;
    },
    goto: url => page.goto(url, { waitUntil: 'load', timeout: 20000 }).catch(() => {}),
    click: sel => page.click(sel),
    url: tabUrl,
    text: async () => { const u = await tabUrl(); return u.startsWith(blockPrefixFx) ? new URL(u).searchParams.get('detail') : null; },
    loaded: host => withTimeout(page.evaluate(() => window.R && window.R.done && window.R.host), 2000).then(h => h === host, () => false),
    sub: () => withTimeout(page.evaluate(subState), 2000).catch(() => null),
    blockPrefix: blockPrefixFx,
    settled: async () => true,
    diag: async () => ({ trace: (await call('trace')).slice(-8), recent: (await call('debugState')).recent.slice(-4) }),
  };
}
// What the /sub page's two scripts did, once both loaded or failed (null before).
const subState = () => window.SUB && window.SUB.settled === 2 ? { ran: (window.SUB.ran || []).slice().sort(), error: window.SUB.error || 0 } : null;
const blockPrefixFx = `moz-extension://${FIREFOX_UUID}/src/ui/blocked.html`;

async function main() {
  if (!bed || !authPort) throw new Error('M2DMRT_TESTBED / M2DMRT_AUTH_PORT not set (run through tests/browser/run.sh)');
  if (!fs.existsSync(hostBin)) throw new Error(`verity-host not found: ${hostBin}`);
  const trusted = !process.env.M2DMRT_IGNORE_CERT_ERRORS && haveCertutil();
  console.log(trusted ? `# ${browserName}: test CA trusted in the profile (certutil); certificate errors are not ignored`
    : `# ${browserName}: certutil missing (libnss3-tools): certificate errors ignored; the browser still exposes the certificate`);
  const certs = makeCerts(path.join(work, 'tls'));
  const ports = await startServers(certs);
  const shop = `https://shop.test:${ports['shop.test']}`;
  const ext = stageExtension(browserName, path.join(work, 'ext'), { testBridge: browserName === 'firefox' });
  const { wrapper, dataDir } = hostWithConfig();
  const b = await launch(ext, wrapper, certs.ca, trusted);
  if (b.init) await b.init(`https://127.0.0.1:${ports['shop.test']}/blank`);
  const hops = () => exportLog(hostBin, dataDir, shop).filter(r => String(r.destination).startsWith('m2dmrt-hop:'));

  const test = (name, fn) => t.test(name, async () => {
    try { await fn(); } catch (e) {
      console.log('# diagnostics: ' + JSON.stringify(await withTimeout(b.diag(), 3000).catch(x => String(x))));
      throw e;
    }
  });
  await test('shop.test is enrolled by its header (first visit, real TLS)', async () => {
    await b.goto(`${shop}/`);
    await waitFor(() => b.loaded('shop.test'), { what: 'shop.test page' });
    // Chromium reloads a site seen for the first time through the debugger: wait for that too.
    await waitFor(async () => exportLog(hostBin, dataDir, shop).some(r => r.destination === 'document'), { what: 'shop.test document verdict' });
  });

  await test('redirect to pay.test (mutual declarations) is allowed', async () => {
    await b.goto(`${shop}/go?to=pay`);
    await waitFor(() => b.loaded('pay.test'), { what: "pay.test page", timeout: 8000 });
    const row = await waitFor(() => hops().find(r => r.url.startsWith(`https://pay.test:${ports['pay.test']}/`)), { what: 'hop log row' });
    eq([row.action, row.reason, row.destination], ['allow', 'm2dmrt_mutual', 'm2dmrt-hop:redirect'], 'logged hop');
    await b.shot?.('m2dmrt-redirect-mutual-allowed.png');
    // Firefox exposes both keys; Chromium's Network.getCertificate does not answer while the
    // destination's response is held, so the host reads that one itself (chromium.js).
    const keys = browserName === 'firefox' ? /; keys observed by browser$/ : /; keys shop\.test observed by browser, pay\.test observed by host$/;
    assert(keys.test(row.detail), 'keys: ' + row.detail);
  });

  const visitShop = async () => {
    const t0 = Date.now();
    await b.goto(`${shop}/`);
    await waitFor(async () => await b.loaded('shop.test') && await b.settled(shop, t0), { what: 'shop.test page' });
  };

  await test('link from shop.test to pay.test (navigation, mutual) is allowed', async () => {
    await visitShop();
    await b.click('#to-pay');
    await waitFor(() => b.loaded('pay.test'), { what: 'pay.test page', timeout: 8000 });
    const row = await waitFor(() => hops().find(r => r.destination === 'm2dmrt-hop:navigation' && r.url.endsWith('/landing?nav')), { what: 'navigation hop row' });
    eq([row.action, row.reason], ['allow', 'm2dmrt_mutual'], 'logged hop');
  });

  await test('link from shop.test to one.test (navigation, one-sided) is blocked', async () => {
    await visitShop();
    await b.click('#to-one');
    const u = await waitFor(async () => { const x = await b.url(); return x.startsWith(b.blockPrefix) ? x : null; }, { what: 'block page' });
    eq(new URL(u).searchParams.get('m2dmrt'), 'ONE_SIDED', 'state on the block page');
    await b.shot?.('m2dmrt-link-one-sided-blocked.png');
    const row = hops().find(r => r.destination === 'm2dmrt-hop:navigation' && r.url.startsWith('https://one.test:'));
    eq(row && [row.action, row.reason], ['block', 'm2dmrt_one_sided'], 'logged hop');
  });

  // Subresource hosts of a checked site: the scripts' results as the page saw them, once both settled.
  const loadSub = async from => {
    const t0 = Date.now();
    await b.goto(`${shop}/sub?from=${from}`);
    await waitFor(async () => await b.loaded('shop.test') && await b.settled(shop, t0), { what: 'shop.test /sub page' });
    return waitFor(() => b.sub(), { what: 'both scripts settled', timeout: 8000 });
  };
  const subHops = host => hops().filter(r => r.destination === 'm2dmrt-hop:subresource' && r.url.startsWith(`https://${host}:`));

  await test('scripts from pay.test (subresource, mutual) run; one question per page', async () => {
    const before = subHops('pay.test').length;
    const sub = await loadSub('pay');
    eq([sub.ran, sub.error], [['pay.test/a.js', 'pay.test/b.js'], 0], 'both scripts ran');
    const rows = subHops('pay.test');
    eq(rows.length - before, 1, 'one m2dmrt_check for two scripts of the same page and host');
    const row = rows[rows.length - 1];
    eq([row.action, row.reason], ['allow', 'm2dmrt_mutual'], 'logged hop');
    // Firefox: both keys from its own connections; Chromium: the held script's host is probed by the
    // host (the origin's key is the browser's once read, else probed too).
    const keys = browserName === 'firefox' ? /; keys observed by browser$/ : /; keys (shop\.test observed by browser, pay\.test )?observed by host$/;
    assert(keys.test(row.detail), 'keys: ' + row.detail);
  });

  await test('scripts from one.test (subresource, one-sided) are blocked and did not run', async () => {
    const sub = await loadSub('one');
    // Chromium fails both requests. Firefox cancels them in onHeadersReceived, but every
    // subresource request of a checked tab has a stream filter (attached in onBeforeRequest to see
    // a service worker's answers, workers_firefox.js), and a cancelled response with a filter reaches
    // the page as an empty body (the script element fires load), as every blocked subresource in
    // Firefox does. What counts is the same in both: neither script ran (each pushes to SUB.ran).
    eq(sub.ran, [], 'neither script ran');
    if (browserName === 'chromium') eq(sub.error, 2, 'both requests failed');
    const rows = subHops('one.test');
    eq(rows.length, 1, 'one m2dmrt_check for the page');
    eq([rows[0].action, rows[0].reason], ['block', 'm2dmrt_one_sided'], 'logged hop with its state');
    assert(/shop\.test is not declared by one\.test/.test(rows[0].detail), 'plain words: ' + rows[0].detail);
  });

  await test('typing another host while on shop.test is not a hop (nothing sent)', async () => {
    await visitShop();
    const before = hops().length;
    await b.goto(`https://pay.test:${ports['pay.test']}/landing?typed`);
    await waitFor(() => b.loaded('pay.test'), { what: 'pay.test page', timeout: 8000 });
    eq(hops().length, before, 'no hop logged for typed navigations');
  });

  for (const [name, state, words] of [['one', 'ONE_SIDED', /shop\.test is not declared by one\.test/], ['tamper', 'BOGUS', /failed DNSSEC validation/]]) {
    await test(`redirect to ${name}.test (${state}) is blocked with the state in plain words`, async () => {
      await visitShop();
      await b.goto(`${shop}/go?to=${name}`);
      const u = await waitFor(async () => { const x = await b.url(); return x.startsWith(b.blockPrefix) ? x : null; }, { what: 'block page' });
      const q = new URL(u).searchParams;
      eq([q.get('site'), q.get('m2dmrt'), q.get('url')], [shop, state, `https://${name}.test:${ports[name + '.test']}/landing`], 'block page');
      const text = await waitFor(() => b.text(), { what: 'block page detail' });
      assert(words.test(text), `plain words: ${text}`);
      await b.shot?.(`m2dmrt-redirect-${name}-${state.toLowerCase()}-blocked.png`);
      const row = hops().find(r => r.url.startsWith(`https://${name}.test:`));
      eq(row && [row.action, row.reason], ['block', `m2dmrt_${state.toLowerCase()}`], 'logged hop');
      assert(!(await b.loaded(`${name}.test`)), `${name}.test content must not have run`);
    });
  }
}

try {
  await main();
} catch (e) {
  console.log(`not ok - ${browserName}-m2dmrt: setup\n  ${String(e && e.stack || e).split('\n').slice(0, 4).join('\n  ')}`);
  t.results.push({ name: 'setup', ok: false });
}
await closeBrowser().catch(() => {});
for (const s of servers) s.close();
if (!process.env.KEEP) fs.rmSync(work, { recursive: true, force: true });
const failed = t.summary();
process.exit(failed ? 1 : 0);
