// Issue #9, worker routes of routes.test.mjs: service workers (registration, update, importScripts,
// one installed while the site was switched off), a dedicated worker started by a worker, a shared
// worker's importScripts. Same pairs as there: the good twin's marker is seen, the tampered twin's
// never (site/make_routes.py section 8 and 7).
import fs from 'node:fs';
import path from 'node:path';
import { assert, eq, sleep, waitFor, withManifestEntry } from './lib/harness.mjs';

// c: { test, browserName, site, drv(), open(url), pair(opts), markerCount, evilMarkers, hostRows, setSite }
export async function workerRoutes(c) {
  const { test, browserName, site, open, pair, markerCount, evilMarkers, hostRows } = c;
  // A blocked script: Chromium fails the response (the registration or update is refused); Firefox's
  // stream filter withholds the body (an empty worker registers: none of the tampered code runs).
  const refused = r => browserName !== 'chromium' || String(r).startsWith('error');
  const E = site.origins.enforce;
  const R = o => { if (!o || !o.R) throw new Error(`no page result: ${JSON.stringify(o)}`); return o.R; };
  const blocks = (origin, p) => hostRows(origin, `${origin}${p}`).filter(r => r.action === 'block');

  await test('service worker script tampered at registration: never runs', async () => {
    const { go, eo } = await pair({ origin: E, good: '/r/swreg-good.html', evil: '/r/swreg-evil.html', goodMarker: 'good-swreg',
      blockedUrl: '/sw/reg-evil/sw.js', reason: 'no_manifest_match', load: open, settle: 1000 });
    eq([go.R && go.R.reg, !!(eo.R && refused(eo.R.reg))], ['ok', true], `registrations (good ok, tampered refused): ${JSON.stringify(eo)}`);
  });

  await test('a listed service worker that importScripts() a tampered file: the file never runs', () =>
    pair({ origin: E, good: '/r/swimp-good.html', evil: '/r/swimp-evil.html', goodMarker: 'good-swimp',
      blockedUrl: '/sw/imp-evil.js', reason: 'no_manifest_match', load: open, settle: 1000 }));

  // Update: the good twin publishes v2 (file and manifest entry) and loads the page again, which
  // updates the worker or registers it anew (Firefox removes a checked site's workers at each
  // top-level navigation, Chromium once no tab shows the site: workers_*.js). The tampered twin's v2 is fetched by
  // registration.update() from the page that registered v1 (no navigation), then by the page loaded
  // again and by a navigation in scope.
  await test('service worker tampered at update (registration.update(), page loaded again, a navigation in scope): the new version never runs', async () => {
    const v2 = JSON.parse(fs.readFileSync(path.join(site.root, 'sw-update-v2.json'), 'utf8'));
    const file = which => path.join(site.root, 'sw', `upd-${which}`, 'sw.js');
    const g0 = site.log.length;
    eq(R(await open(`${E}/r/swupd-good.html`)).upd, 'registered', 'good v1');
    assert(markerCount(g0, 'good-swv1-good') >= 1, 'good v1 ran');
    await withManifestEntry(site.root, '/sw/upd-good/sw.js', v2.good, async () => {
      fs.writeFileSync(file('good'), v2.good);
      const upd = R(await open(`${E}/r/swupd-good.html`)).upd;
      assert(upd === 'updated' || upd === 'registered', `good update: ${upd}`);
      await sleep(1000);
    });
    assert(markerCount(g0, 'good-swupd') >= 1, 'the published v2 ran');
    const e0 = site.log.length;
    const url = `${E}/r/swupd-evil.html`;
    const tab = await c.drv().newTab(url);
    eq(R(await c.drv().outcome(tab, url)).upd, 'registered', 'v1 of the tampered twin');
    assert(markerCount(e0, 'good-swv1-evil') >= 1, 'v1 of the tampered twin ran');
    fs.writeFileSync(file('evil'), v2.evil);              // served tampered from now on, manifest unchanged
    const e1 = site.log.length;
    const same = await tab.evaluate(() => navigator.serviceWorker.getRegistration('/sw/upd-evil/')
      .then(r => r.update()).then(() => 'updated', e => `error: ${e.message}`));
    await sleep(1500);
    await tab.close().catch(() => {});
    const again = await open(url);
    await open(`${E}/sw/upd-evil/in-scope.html`);
    await sleep(2000);
    eq(evilMarkers(e1), [], 'requests to evil markers the server saw');
    assert(refused(same) && refused(R(again).upd), `update refused: ${JSON.stringify({ same, again })}`);
    assert(blocks(E, '/sw/upd-evil/sw.js').some(r => r.reason === 'no_manifest_match'), 'host log block for the update');
  });

  await test('a dedicated worker started by a worker, tampered: never runs', () =>
    pair({ origin: E, good: '/r/nested-good.html', evil: '/r/nested-evil.html', goodMarker: 'good-inner',
      blockedUrl: '/r/inner-evil.js', reason: 'no_manifest_match', load: open, settle: 2500 }));

  await test('a listed shared worker that importScripts() a tampered file: the file never runs', () =>
    pair({ origin: E, good: '/r/shared-good.html', evil: '/r/shared-evil.html', goodMarker: 'good-import',
      blockedUrl: '/r/imp-evil.js', reason: 'no_manifest_match', load: open, settle: 1000 }));

  // A listed service worker that fetches a WebAssembly module and instantiates it itself. Chromium:
  // the worker's fetch pauses in its Fetch session and the module is checked by its bytes. Firefox
  // shows that fetch to no listener that can hold it (background/firefox.js), so a checked site's
  // service worker gets a policy without WebAssembly or eval (lib/csp.js): fail closed, the listed
  // module is refused there too (docs/threat-model.md).
  await test('a listed service worker that fetches and instantiates WebAssembly itself: the unlisted module never runs', async () => {
    const g0 = site.log.length;
    eq(R(await open(`${E}/r/swwasm-good.html`)).reg, 'ok', 'registration of the good twin');
    await sleep(1500);
    if (browserName === 'chromium') {
      assert(markerCount(g0, 'good-swwasm') >= 1, `the listed module ran in the worker: ${JSON.stringify(site.log.slice(g0))}`);
    } else {
      eq([markerCount(g0, 'good-swwasm'), markerCount(g0, 'note-swwasm-refused-good') >= 1], [0, true],
        `Firefox, fail closed: the listed module was refused in the worker (server: ${JSON.stringify(site.log.slice(g0))})`);
    }
    const e0 = site.log.length;
    eq(R(await open(`${E}/r/swwasm-evil.html`)).reg, 'ok', 'registration of the tampered twin (its script is listed)');
    await sleep(1500);
    eq(evilMarkers(e0), [], 'requests to evil markers the server saw');
    assert(markerCount(e0, 'note-swwasm-refused-evil') >= 1, `the worker ran and its module was refused: ${JSON.stringify(site.log.slice(e0))}`);
    if (browserName === 'chromium') {
      assert(blocks(E, '/octet/sw-evil.bin').some(r => r.reason === 'wasm_hash_mismatch'), 'host log block for the module');
    } else {
      const sw = hostRows(E, `${E}/sw/wasm-evil/sw.js`);
      assert(sw.some(r => r.action === 'allow'), `the worker's listed script was checked: ${JSON.stringify(sw.slice(0, 2))}`);
    }
  });

  // A listed service worker, installed while the site is checked, answers /sw/made/app.js and
  // /sw/made/doc.html with responses it makes up: none of them reaches a checked page.
  await test('a listed service worker answering a script and a document with made-up responses: they never run', async () => {
    eq(R(await open(`${E}/sw/made/reg.html`)).reg, 'ok', 'registration of the listed worker');
    const m0 = site.log.length;
    const app = await open(`${E}/sw/made/page.html`);
    const doc = await open(`${E}/sw/made/doc.html`);
    await sleep(1000);
    eq(evilMarkers(m0), [], `requests to evil markers the server saw (${JSON.stringify({ app, doc })})`);
    assert(markerCount(m0, 'good-madejs') + markerCount(m0, 'good-madedoc') >= 1 || (doc.blocked && app.blocked),
      `the network's copies ran, or the pages were blocked: ${JSON.stringify({ app, doc })}`);
  });

  // The listed worker claims the page that registered it, which then loads /sw/made/app.js (the
  // worker answers it with made-up code: marker evil-madejs) and /sw/made/cached.js (the worker
  // stored the listed bytes at install and answers from Cache Storage: marker good-madecache).
  // Chromium: the checked tab bypasses service workers (the network's listed copies run). Firefox:
  // the worker's answers are checked by their bytes (a stream filter attached in onBeforeRequest,
  // workers_firefox.js): the made-up one is blocked, the cached listed one runs.
  await test('a listed service worker claims the page that registered it: its made-up answer to a later script never runs', async () => {
    const m0 = site.log.length;
    const out = await open(`${E}/sw/made/claim.html`);
    await sleep(500);
    eq([R(out).ctl, R(out).cached], [true, 'ran'], `the page is controlled by the worker; the cached listed script ran (${JSON.stringify(out)}; server: ${JSON.stringify(site.log.slice(m0))})`);
    eq(evilMarkers(m0), [], 'requests to evil markers the server saw');
    assert(markerCount(m0, 'good-madecache') >= 1, 'the listed script (from the worker\'s cache in Firefox) ran');
    if (browserName === 'chromium') assert(markerCount(m0, 'good-madejs') >= 1, 'the listed network copy ran');
    else assert(blocks(E, '/sw/made/app.js').some(r => r.reason === 'no_manifest_match'), 'host log block for the worker\'s made-up answer');
  });

  // A service worker installed while the user had the site switched off answers /sw/pre/app.js and
  // /sw/pre/doc.html itself. Once the site is switched on, none of its answers reach a page.
  await test('a service worker installed while the site was off answers a script and a document: once on, its answers never run', async () => {
    const P = site.origins.swpre;
    const g0 = site.log.length;
    await open(`${P}/sw/pre/page.html`);                     // enrols the site (first sight)
    assert(markerCount(g0, 'good-prejs') >= 1, 'the listed script ran');
    await c.setSite(P, 'off');
    eq((await open(`${P}/sw/pre/reg.html`)).R.reg, 'ok', 'registration while off');
    const a0 = site.log.length;
    await open(`${P}/sw/pre/page.html`);
    await sleep(500);
    assert(markerCount(a0, 'evil-prejs') >= 1, `while off the service worker answers the script (the attack is real): ${JSON.stringify(site.log.slice(a0))}`);
    await c.setSite(P, 'default');
    const m0 = site.log.length;
    const app = await open(`${P}/sw/pre/page.html`);
    const doc = await open(`${P}/sw/pre/doc.html`);
    await sleep(1000);
    eq(evilMarkers(m0), [], 'requests to evil markers the server saw');
    assert(markerCount(m0, 'good-prejs') >= 1 && markerCount(m0, 'good-predoc') >= 1,
      `the network's listed copies ran: ${JSON.stringify({ app, doc })}`);
  });
}

// Chromium: the debugger session of a checked tab ends (the user cancels the infobar, the target
// closes). Headless Chromium has no infobar: the test ends the extension's session itself
// (chrome.debugger.detach, a real detach) and hands the same event to the extension's handler
// (chrome.debugger.onDetach fires only for detaches the extension did not ask for). The page loads
// a script 2 s after its load: the tampered one must never run; the tab is re-attached and reloaded.
export async function detachRoutes(c) {
  const { test, site, drv, markerCount, evilMarkers } = c;
  const E = site.origins.enforce;
  for (const reason of ['canceled_by_user', 'target_closed']) {
    await test(`debugger detached (${reason}) from a checked tab: the tab is held and re-attached, a later tampered script never runs`, async () => {
      const run = async which => {
        const url = `${E}/r/late-${which}.html`;
        const tab = await drv().newTab(url);
        await drv().outcome(tab, url);
        await drv().detachTab(url, reason);
        await sleep(4000);
        const out = await drv().outcome(tab, url);
        await tab.close().catch(() => {});
        return out;
      };
      const g0 = site.log.length;
      await run('good');
      assert(markerCount(g0, 'good-js') >= 1, 'the late listed script ran after re-attach');
      const e0 = site.log.length;
      await run('evil');
      eq(evilMarkers(e0), [], 'requests to evil markers the server saw');
      assert(site.log.slice(e0).filter(l => l.split(' ')[1] === '/r/late-evil.html').length >= 2, 'the page was loaded again after the detach');
    });
  }
}

// A service worker installed before the site sent its header (nothing was checked: Verity saw
// nothing of it) answers /sw/pre/app.js itself; then the site starts sending its header. Firefox
// holds the first visit (its worker removed before the page loads); Chromium's first sight of a
// site is checked only from the reload after it (the known first-visit gap): its negative starts
// after that first visit.
export async function lateHeaderRoute(c) {
  const { test, browserName, site, open, markerCount, evilMarkers } = c;
  await test('a service worker installed before the site sent its header: once the site is checked, its answers never run', async () => {
    const L = site.origins.swlate;
    const flag = path.join(site.root, `.noheader-${new URL(L).port}`);
    fs.writeFileSync(flag, '');
    try {
      eq((await open(`${L}/sw/pre/reg.html`)).R.reg, 'ok', 'registration before the header');
      const a0 = site.log.length;
      await open(`${L}/sw/pre/page.html`);
      await sleep(500);
      assert(markerCount(a0, 'evil-prejs') >= 1, 'before the header the service worker answers the script (the attack is real)');
    } finally { fs.rmSync(flag, { force: true }); }
    const m0 = site.log.length;
    const first = await open(`${L}/sw/pre/page.html`);          // first sight of the header
    await sleep(500);
    const m1 = site.log.length;
    const app = await open(`${L}/sw/pre/page.html`);
    const doc = await open(`${L}/sw/pre/doc.html`);
    await sleep(1000);
    const firstVisit = evilMarkers(m0).length - evilMarkers(m1).length;
    console.log(`# ${browserName}: evil markers during the first (enrolling) visit: ${firstVisit}`);
    // The pages are done; their fire-and-forget marker requests may still be on the way (under
    // load): wait for the listed copies' markers, then look for evil ones (any late one counts too).
    const ran = () => markerCount(m1, 'good-prejs') >= 1 && markerCount(m1, 'good-predoc') >= 1;
    await waitFor(() => ran() || null, { timeout: 5000, what: 'the listed copies\' markers' }).catch(() => {});
    eq(evilMarkers(browserName === 'firefox' ? m0 : m1), [], `requests to evil markers the server saw (${JSON.stringify({ first, app, doc })})`);
    assert(ran(), `the network's listed copies ran: ${JSON.stringify({ app, doc })}`);
  });
}
