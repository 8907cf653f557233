// Run by tests/install/deb.sh inside the machine copy where verity_*.deb is installed, under
// xvfb-run (headed browsers, Xvfb -fbdir so the whole screen can be saved). No extension flags:
// the browsers find Verity only through the package's policies and host manifests.
//
//   node tests/install/policy_browsers.mjs CRX_ID OUT_DIR chromium|firefox|both
//
// Chromium (Playwright over CDP): chrome://policy lists the ExtensionSettings policy; the extension is there with
// chrome.management.getSelf().installType === "admin"; it reaches the installed host (verdict rows
// in the host's log); an enforced site's tampered twin is blocked and its marker request never
// reaches the server, while the same code on an unenrolled origin (the good twin) does send it;
// X screenshots while the checked site loads (no infobar). Firefox ESR: the policy-installed add-on
// blocks the twin (same marker check) and lets the valid site run.
// Prints "ok - ..." / "not ok - ..." lines and "policy-browsers: N passed, N failed".
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { makeTls, startSite, mkWork, waitFor, sleep, freePort, runner, assert, eq } from '../browser/lib/harness.mjs';

// The browser drivers are the pinned npm packages of tests/browser/ (its node_modules).
const require = createRequire(new URL('../browser/package.json', import.meta.url));
const { chromium } = require('playwright-core');
const puppeteer = require('puppeteer-core');

const [crxId, out, which = 'both'] = process.argv.slice(2);
fs.mkdirSync(out, { recursive: true });
const screen = process.env.XVFB_SCREEN;  // DIR/Xvfb_screen0
const here = path.dirname(new URL(import.meta.url).pathname);
const r = runner('policy-browsers');
const shot = name => {
  if (!screen) return;
  execFileSync('python3', [path.join(here, 'xwd2png.py'), screen, path.join(out, name)]);
};

const work = mkWork('verity-policy-');
const tls = makeTls(path.join(work, 'tls'));
// twin/: the site with app.js replaced by code whose only visible effect is a request to a marker
// URL; served enforced (must be blocked) and unenrolled as the good twin (must run).
const twin = path.join(work, 'twin');
const site = await startSite(work, tls, { valid: 'enforce', twin: ['enforce', twin], plain: ['none', twin] });
fs.cpSync(site.root, twin, { recursive: true });
fs.writeFileSync(path.join(twin, 'app.js'), 'fetch("/evil-marker?ran=1"); window.R.script = "ran";\n');
const markers = origin => site.log.filter(l => l.startsWith(`${new URL(origin).port} /evil-marker`)).length;
const hostLog = home => {
  const o = execFileSync('/usr/lib/verity/verity-host', ['--export-log', 'json'], { env: { ...process.env, HOME: home }, encoding: 'utf8' });
  const j = JSON.parse(o);
  return Array.isArray(j) ? j : (j.rows || []);
};

// Runtime.evaluate in another target through the browser session (non-flat sessions: Playwright's
// connectOverCDP does not surface policy-installed extension targets as workers or pages).
function targetEval(cdp, sessionId, expression) {
  const id = Math.floor(Math.random() * 1e9);
  return new Promise((resolve, reject) => {
    const onMessage = e => {
      if (e.sessionId !== sessionId) return;
      const m = JSON.parse(e.message);
      if (m.id !== id) return;
      cdp.off('Target.receivedMessageFromTarget', onMessage);
      if (m.error || m.result.exceptionDetails) reject(new Error(JSON.stringify(m.error || m.result.exceptionDetails)));
      else resolve(m.result.result.value);
    };
    cdp.on('Target.receivedMessageFromTarget', onMessage);
    cdp.send('Target.sendMessageToTarget', { sessionId, message: JSON.stringify({ id, method: 'Runtime.evaluate',
      params: { expression, awaitPromise: true, returnByValue: true } }) }).catch(reject);
  });
}

async function chromiumSuite() {
  const home = fs.mkdtempSync(path.join(work, 'chromium-home-'));
  const udd = path.join(home, 'profile');
  const port = await freePort();
  // Root needs --no-sandbox; the test CA is not in the system store (--ignore-certificate-errors).
  // No extension flag: Chromium finds Verity only through /etc/chromium/policies/managed/.
  const proc = spawn('/usr/bin/chromium', [`--user-data-dir=${udd}`, `--remote-debugging-port=${port}`, '--no-sandbox',
    '--no-first-run', '--no-default-browser-check', '--ignore-certificate-errors', '--window-position=0,0',
    '--window-size=1280,800', 'about:blank'], { env: { ...process.env, HOME: home }, stdio: 'ignore' });
  let browser, installed = false;
  try {
    browser = await waitFor(() => chromium.connectOverCDP(`http://127.0.0.1:${port}`), { timeout: 30000, what: 'Chromium CDP' });
    const ctx = browser.contexts()[0];
    const cdp = await browser.newBrowserCDPSession();
    const targets = async () => (await cdp.send('Target.getTargets')).targetInfos;
    const extUrl = `chrome-extension://${crxId}/`;
    await r.test('Chromium: the extension is installed by policy with no user step, installType "admin"', async () => {
      const sw = await waitFor(async () => (await targets()).find(x => x.type === 'service_worker' && x.url.startsWith(extUrl)),
        { timeout: 90000, interval: 1000, what: `service worker of ${crxId}` });
      const { sessionId } = await cdp.send('Target.attachToTarget', { targetId: sw.targetId, flatten: false });
      const self = await targetEval(cdp, sessionId, 'chrome.management.getSelf()');
      eq(self.installType, 'admin', 'installType');
      eq(self.id, crxId, 'id');
      await targetEval(cdp, sessionId, 'globalThis.verity.ready.then(() => true)');
      installed = true;
    });
    await r.test('Chromium: chrome://policy shows the ExtensionSettings policy', async () => {
      const page = await ctx.newPage();
      await page.goto('chrome://policy');
      // The page is built from web components: collect the text of every shadow root too.
      const deepText = () => page.evaluate(() => {
        const walk = n => (n.shadowRoot ? walk(n.shadowRoot) : '') + [...n.childNodes].map(c => c.nodeType === 3 ? c.textContent : walk(c)).join(' ');
        return walk(document.body);
      });
      const text = await waitFor(async () => { const x = await deepText(); return x.includes('ExtensionSettings') && x; }, { what: 'ExtensionSettings on chrome://policy' });
      assert(text.includes(crxId), 'chrome://policy does not show the extension ID');
      await sleep(500);
      await page.screenshot({ path: path.join(out, 'chromium-policy-page.png') });
      shot('chromium-policy-screen.png');
      await page.close();
    });
    if (!installed) return;
    await r.test('Chromium: an enforced site runs, checked by the installed host (no infobar: chromium-checked-site.png)', async () => {
      const page = await ctx.newPage();
      await page.goto(`${site.origins.valid}/index.html`).catch(() => {});
      await waitFor(() => page.evaluate(() => window.R && window.R.done), { timeout: 30000, what: 'valid site done' });
      shot('chromium-checked-site.png');
      const R = await page.evaluate(() => window.R);
      eq(R && R.script, 'ran', 'app.js ran');
      const rows = await waitFor(() => { const l = hostLog(home); return l.length > 0 && l; }, { what: 'host log rows' });
      const port = new URL(site.origins.valid).port;
      assert(rows.some(x => JSON.stringify(x).includes(`127.0.0.1:${port}`)), 'no row for the site in the host log');
      await page.close();
    });
    await r.test('Chromium: the tampered twin\'s script is blocked, its marker never reaches the server', async () => {
      const page = await ctx.newPage();
      await page.goto(`${site.origins.twin}/index.html`).catch(() => {});
      await waitFor(() => page.evaluate(() => window.R && window.R.done), { timeout: 30000, what: 'twin page done' });
      await sleep(1000);
      shot('chromium-twin-blocked.png');
      const R = await page.evaluate(() => window.R);
      assert(R.script !== 'ran', 'the tampered app.js ran');
      eq(markers(site.origins.twin), 0, 'marker requests from the enforced twin');
      await page.close();
    });
    await r.test('Chromium: a tampered document gets the block page', async () => {
      const page = await ctx.newPage();
      await page.goto(`${site.origins.valid}/tampered-doc.html`).catch(() => {});
      const blocked = await waitFor(async () => (await targets()).find(x => x.type === 'page' && x.url.startsWith(`${extUrl}src/ui/blocked`)),
        { timeout: 30000, what: 'block page' });
      await sleep(1000);
      shot('chromium-block-page.png');
      assert(new URL(blocked.url).pathname.includes('blocked'), `not the block page: ${blocked.url}`);
    });
    await r.test('Chromium: good twin — the same code on an unenrolled origin sends the marker', async () => {
      const page = await ctx.newPage();
      await page.goto(`${site.origins.plain}/index.html`).catch(() => {});
      await waitFor(() => markers(site.origins.plain) > 0, { what: 'marker from the unenrolled twin' });
      await page.close();
    });
  } finally {
    if (browser) await browser.close().catch(() => {});
    proc.kill('SIGTERM');
    await new Promise(res => (proc.exitCode !== null ? res() : proc.on('exit', res)));
  }
  if (installed) await chromiumRestarts(home, udd);
}

// Browser restarts with the enforced twin (remembered from the visit above) as the startup page:
// the policy-installed extension is loaded with the profile, before the first navigation (unlike
// --load-extension, which Chromium finishes asynchronously). Each start: the host blocks the tampered
// app.js and the server never sees its marker.
async function chromiumRestarts(home, udd) {
  await r.test('Chromium: 3 restarts with the tampered twin as startup page: its code never runs', async () => {
    const url = `${site.origins.twin}/index.html`;
    const before = markers(site.origins.twin);
    const blocks = () => hostLog(home).filter(l => l.url === `${site.origins.twin}/app.js` && l.action === 'block').length;
    for (let i = 0; i < 3; i++) {
      const prefsFile = path.join(udd, 'Default', 'Preferences');
      const prefs = JSON.parse(fs.readFileSync(prefsFile, 'utf8'));
      prefs.profile = { ...(prefs.profile || {}), exit_type: 'Normal', exited_cleanly: true };
      fs.writeFileSync(prefsFile, JSON.stringify(prefs));
      const b0 = blocks();
      const proc = spawn('/usr/bin/chromium', [`--user-data-dir=${udd}`, '--no-sandbox', '--no-first-run', '--no-default-browser-check',
        '--ignore-certificate-errors', '--window-position=0,0', '--window-size=1280,800', url], { env: { ...process.env, HOME: home }, stdio: 'ignore' });
      try {
        await waitFor(() => blocks() > b0, { timeout: 60000, interval: 500, what: `host block of the twin's app.js after restart ${i + 1}` });
        await sleep(1500);
        if (i === 0) shot('chromium-restart-startup-page.png');
      } finally {
        proc.kill('SIGTERM');
        await new Promise(res => (proc.exitCode !== null ? res() : proc.on('exit', res)));
      }
    }
    eq(markers(site.origins.twin) - before, 0, 'marker requests from the tampered startup page');
  });
}

async function firefoxSuite() {
  const home = fs.mkdtempSync(path.join(work, 'firefox-home-'));
  let browser;
  try {
    browser = await puppeteer.launch({ browser: 'firefox', executablePath: '/usr/lib/firefox-esr/firefox-esr', headless: false,
      acceptInsecureCerts: true, env: { ...process.env, HOME: home }, protocolTimeout: 60000, args: ['--width=1280', '--height=800'] });
    const page = (await browser.pages())[0] || await browser.newPage();
    const visit = async url => {
      await page.goto(url).catch(() => {});
      await waitFor(() => page.url().startsWith('moz-extension:') || page.evaluate(() => window.R && window.R.done),
        { timeout: 30000, what: url }).catch(() => {});
    };
    await r.test('Firefox ESR: the policy-installed add-on checks an enforced site with the installed host', async () => {
      // The add-on starts a moment after the browser; the first enforced visit may come before it.
      await waitFor(async () => { await visit(`${site.origins.valid}/index.html`); return hostLog(home).length > 0; },
        { timeout: 90000, interval: 2000, what: 'host log rows from Firefox' });
      shot('firefox-checked-site.png');
      const R = await page.evaluate(() => window.R);
      eq(R && R.script, 'ran', 'app.js ran');
    });
    await r.test('Firefox ESR: the tampered twin\'s script is blocked, its marker never reaches the server', async () => {
      const before = markers(site.origins.twin);
      await visit(`${site.origins.twin}/index.html`);
      await sleep(1000);
      shot('firefox-twin-blocked.png');
      const R = await page.evaluate(() => window.R).catch(() => null);
      assert(!R || R.script !== 'ran', 'the tampered app.js ran');
      eq(markers(site.origins.twin) - before, 0, 'marker requests from the enforced twin');
    });
    await r.test('Firefox ESR: a tampered document gets the block page', async () => {
      // WebDriver BiDi does not report a navigation to a moz-extension:// page (page.url() keeps the
      // site's URL), and this add-on has no test bridge: the host's block row for the document and
      // a page whose scripts never ran are the signal; the screenshot shows the block page.
      const url = `${site.origins.valid}/tampered-doc.html`;
      await page.goto(url).catch(() => {});
      await waitFor(() => hostLog(home).some(l => l.url === url && l.action === 'block' && l.destination === 'document'),
        { timeout: 30000, interval: 500, what: 'the host blocking the tampered document' });
      await sleep(1500);
      shot('firefox-block-page.png');
      const R = await page.evaluate(() => window.R).catch(() => null);
      assert(!R, 'the tampered document ran: ' + JSON.stringify(R));
    });
  } finally {
    if (browser) await browser.close().catch(() => {});
  }
}

// Firefox ESR restarts with the tampered twin as startup page, on one persistent profile (the
// package's policy installs the add-on on its first start, which is not counted): each later start
// ends with the host blocking the twin's app.js, and the server never sees its marker.
async function firefoxRestarts() {
  await r.test('Firefox ESR: 3 restarts with the tampered twin as startup page: its code never runs', async () => {
    const home = fs.mkdtempSync(path.join(work, 'firefox-restart-'));
    const prof = path.join(home, 'prof');
    fs.mkdirSync(prof);
    execFileSync('certutil', ['-N', '-d', `sql:${prof}`, '--empty-password']);
    execFileSync('certutil', ['-A', '-d', `sql:${prof}`, '-n', 'verity-test-ca', '-t', 'C,,', '-i', tls.ca]);
    fs.writeFileSync(path.join(prof, 'user.js'), ['browser.sessionstore.resume_from_crash', 'browser.aboutwelcome.enabled',
      'datareporting.policy.dataSubmissionEnabled', 'browser.shell.checkDefaultBrowser']
      .map(k => `user_pref("${k}", false);`).concat(['user_pref("browser.startup.page", 0);', 'user_pref("toolkit.startup.max_resumed_crashes", -1);',
        'user_pref("browser.startup.homepage_override.mstone", "ignore");', 'user_pref("startup.homepage_welcome_url", "");']).join('\n') + '\n');
    const url = `${site.origins.twin}/index.html`;
    const blocks = () => hostLog(home).filter(l => l.url === `${site.origins.twin}/app.js` && l.action === 'block').length;
    const start = async (until, what, shotName) => {
      const proc = spawn('/usr/lib/firefox-esr/firefox-esr', ['--no-remote', '--profile', prof, '--width=1280', '--height=800', url],
        { env: { ...process.env, HOME: home }, stdio: 'ignore' });
      try {
        await waitFor(until, { timeout: 90000, interval: 500, what }).catch(e => { shot('firefox-restart-failed.png'); throw e; });
        await sleep(3000);
        if (shotName) shot(shotName);
      } finally {
        proc.kill('SIGTERM');
        await new Promise(res => (proc.exitCode !== null ? res() : proc.on('exit', res)));
      }
    };
    const addonInstalled = () => { try { return fs.readFileSync(path.join(prof, 'extensions.json'), 'utf8').includes('verity@verity-project'); } catch (_) { return false; } };
    await start(addonInstalled, 'the add-on installed by policy in the profile');
    const before = markers(site.origins.twin);
    for (let i = 0; i < 3; i++) {
      const b0 = blocks();
      await start(() => blocks() > b0, `host block of the twin's app.js after restart ${i + 1}`, i === 0 ? 'firefox-restart-startup-page.png' : null);
    }
    eq(markers(site.origins.twin) - before, 0, 'marker requests from the tampered startup page');
  });
}

try {
  if (which === 'both' || which === 'chromium') await chromiumSuite();
  if (which === 'both' || which === 'firefox') { await firefoxSuite(); await firefoxRestarts(); }
} finally {
  site.stop();
  // A browser child may still be writing its profile: retry, and never let cleanup fail the run.
  try { fs.rmSync(work, { recursive: true, force: true, maxRetries: 10, retryDelay: 300 }); } catch (e) { console.log(`# cleanup of ${work}: ${e.message}`); }
}
process.exit(r.summary() ? 1 : 0);
