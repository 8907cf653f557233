// Issue #9: no unverified code runs on an enforced site, by any route. Each case is a pair: the
// good twin's code runs (the server sees its /marker/good-* request), the tampered twin in enforce
// mode is blocked with a reason in the host log and its code never ran: the server saw no request
// to its /marker/evil-* URL (site/make_routes.py, site/server.py).
// usage: node routes.test.mjs chromium|firefox HOST_BIN   (env: CHROME, FIREFOX, KEEP=1, ONLY=regex)
import fs from 'node:fs';
import path from 'node:path';
import https from 'node:https';
import { execFileSync, spawn } from 'node:child_process';
import { CHROMIUM_ID, CHROMIUM_FLAGS, FIREFOX_UUID, here, stageExtension, makeTls, startSite, makeTransparencySite, writeHostWrapper, launchChromium, launchFirefox,
  bridgeCall, exportLog, mkWork, runner, waitFor, assert, eq, sleep, runSuite } from './lib/harness.mjs';
import { detachRoutes, lateHeaderRoute, workerRoutes } from './routes_workers.mjs';

const browserName = process.argv[2];
const hostBin = path.resolve(process.argv[3] || process.env.VERITY_HOST_BIN || '');
const t = runner(`${browserName}-routes`);
const work = mkWork(`verity-routes-${browserName}-`);
const only = process.env.ONLY ? new RegExp(process.env.ONLY) : null;
const test = (name, fn) => (only && !only.test(name) ? undefined : t.test(name, fn));
let site, drv;

// ---- browser drivers: the same small surface over Playwright (Chromium) and puppeteer/BiDi (Firefox)
async function chromiumDriver({ ext, wrapper }) {
  const { chromium } = await import('playwright-core');
  const { ctx, sw, udd } = await launchChromium(chromium, { work, ext, wrapper });
  const blockPrefix = `chrome-extension://${CHROMIUM_ID}/src/ui/blocked.html`;
  const pageOf = url => ctx.pages().find(p => p.url() === url || (p.url().startsWith(blockPrefix) && new URL(p.url()).searchParams.get('url') === url));
  // Verity's service worker now: after a restart (restartBackground) it is another worker object.
  let sw0 = sw;
  let closed = false;
  const watch = w => w.once('close', () => { if (w === sw0) closed = true; });
  watch(sw);
  const cur = async () => {
    const ours = w => w.url().startsWith(`chrome-extension://${CHROMIUM_ID}/`);
    let live = ctx.serviceWorkers().find(w => ours(w) && w !== sw0);
    if (!live && closed) live = await ctx.waitForEvent('serviceworker', { predicate: ours, timeout: 20000 });
    if (live && live !== sw0) { sw0 = live; closed = false; watch(live); await live.evaluate(() => globalThis.verity.ready); }
    return sw0;
  };
  const inSw = async (fn, arg) => (await cur()).evaluate(fn, arg);
  return {
    udd, ctx,
    ext: (fn, arg) => inSw(fn, arg),
    recent: () => inSw(() => globalThis.verity.recent),
    setSite: (origin, setting) => inSw(([o, s]) => globalThis.verity.setSite(o, s), [origin, setting]),
    trace: () => inSw(() => globalThis.verityTrace || []),
    started: () => inSw(() => globalThis.verity.debugState().started),
    // Stops every service worker of the profile, Verity's included (CDP ServiceWorker.stopAllWorkers
    // through the test's own DevTools session): the next event the extension listens for starts a
    // new background, with nothing of the old one's memory.
    async restartBackground(page) {
      const cdp = await ctx.newCDPSession(page);
      const gone = new Promise(r => sw0.once('close', r));
      try { await cdp.send('ServiceWorker.enable'); await cdp.send('ServiceWorker.stopAllWorkers'); } finally { await cdp.detach().catch(() => {}); }
      await Promise.race([gone, sleep(5000)]);
    },
    // Ends the extension's debugger session of the tab showing url, then delivers onDetach to
    // detach_chromium.js (routes_workers.mjs).
    detachTab: (url, reason) => inSw(async ([u, why]) => {
      const [tab] = (await chrome.tabs.query({})).filter(t => t.url === u);
      await globalThis.verityChromium.detach(tab.id);   // what chromium.js does on onDetach, and a real detach
      await globalThis.verityDetach.onDetach({ tabId: tab.id }, why);
    }, [url, reason]),
    async newTab(url) { const p = await ctx.newPage(); p.goto(url, { waitUntil: 'commit' }).catch(() => {}); return p; },
    async fromPage(page, how, url) {
      const opened = how === 'same-tab' ? null : ctx.waitForEvent('page', { timeout: 15000 });
      if (how === 'window.open') await page.evaluate(u => { window.open(u); }, url);
      else await page.click(how === 'same-tab' ? '#a' : '#b');
      return opened ? await opened : page;
    },
    pageOf,
    // Stops the running service workers of the page's origin (CDP ServiceWorker.stopWorker, through
    // the test's own DevTools session; stopAllWorkers would stop the extension's too); the next event
    // starts them again.
    async stopServiceWorkers(page) {
      const origin = new URL(page.url()).origin;
      const cdp = await ctx.newCDPSession(page);
      const versions = new Map();
      cdp.on('ServiceWorker.workerVersionUpdated', e => { for (const v of e.versions) versions.set(v.versionId, v); });
      try {
        await cdp.send('ServiceWorker.enable');
        const running = () => [...versions.values()].filter(v => v.scriptURL.startsWith(origin + '/') && v.runningStatus === 'running');
        await waitFor(() => running().length > 0, { timeout: 5000, what: 'a running service worker of the page' });
        for (const v of running()) await cdp.send('ServiceWorker.stopWorker', { versionId: v.versionId });
        await waitFor(() => !running().length, { timeout: 5000, what: 'the service worker stopped' });
      } finally { await cdp.detach().catch(() => {}); }
    },
    pageOf,
    // { blocked: searchParams } once the tab shows the block page for url, { R } once the page is done
    async outcome(page, url, timeout = 20000) {
      return waitFor(async () => {
        const u = page.url();
        if (u.startsWith(blockPrefix) && new URL(u).searchParams.get('url') === url) return { blocked: Object.fromEntries(new URL(u).searchParams) };
        if (u !== url) return null;
        const R = await page.evaluate(() => (window.R && window.R.done ? window.R : null)).catch(() => null);
        return R ? { R } : null;
      }, { timeout, what: `outcome of ${url}` });
    },
    close: () => ctx.close(),
  };
}

// A browser restart: Chromium started by hand on the same profile with one page of the site as its
// startup page (a command-line URL, which Playwright's launcher refuses; headless takes one). No
// automation is attached: what ran is read from the server's log and the host's log only.
async function restartChromium({ ext, udd, url, until }) {
  // The browser before was ended by a signal: mark its exit clean so no crash recovery replaces the startup page.
  const prefsFile = path.join(udd, 'Default', 'Preferences');
  const prefs = JSON.parse(fs.readFileSync(prefsFile, 'utf8'));
  prefs.profile = { ...(prefs.profile || {}), exit_type: 'Normal', exited_cleanly: true };
  fs.writeFileSync(prefsFile, JSON.stringify(prefs));
  const proc = spawn(process.env.CHROME || '/usr/bin/chromium', [...CHROMIUM_FLAGS, '--headless', `--user-data-dir=${udd}`,
    `--disable-extensions-except=${ext}`, `--load-extension=${ext}`, ...(process.env.DEBUG_PORT ? [`--remote-debugging-port=${process.env.DEBUG_PORT}`] : []), url],
  { stdio: ['ignore', 'ignore', process.env.DEBUG_PORT ? 'inherit' : 'ignore'] });
  try {
    const l0 = site.log.length;
    await waitFor(until, { timeout: 30000, what: `outcome of the startup page ${url}` })
      .catch(async e => {
        const targets = process.env.DEBUG_PORT ? await fetch(`http://127.0.0.1:${process.env.DEBUG_PORT}/json/list`).then(r => r.text(), () => '') : '';
        if (targets) fs.writeFileSync("/tmp/routes-targets.json", targets);
        if (process.env.HOLD) await sleep(Number(process.env.HOLD));
        throw new Error(`${e.message}; server saw ${JSON.stringify(site.log.slice(l0, l0 + 12))}`);
      });
    await sleep(1500);
  } finally {
    proc.kill();
    await new Promise(r => (proc.exitCode !== null ? r() : proc.on('exit', r)));
  }
}

async function firefoxDriver({ ext, wrapper }) {
  const puppeteer = (await import('puppeteer-core')).default;
  const { browser } = await launchFirefox(puppeteer, { work, ext, wrapper });
  const ctl = await browser.newPage();
  await ctl.goto(`${site.origins.plain}/blank.html`);
  const call = (op, ...args) => bridgeCall(ctl, op, ...args);
  await waitFor(() => call('debugState'), { what: 'test bridge' });
  const blockPrefix = `moz-extension://${FIREFOX_UUID}/src/ui/blocked.html`;
  return {
    browser,
    recent: async () => (await call('debugState')).recent,
    started: async () => (await call('debugState')).started,
    // Firefox ends an idle event page after extensions.background.idle.timeout (30 s by default);
    // the caller checks whether it did.
    async restartBackground() { await sleep(40000); },
    setSite: (origin, setting) => call('setSite', origin, setting),
    trace: () => call('trace'),
    async newTab(url) { const p = await browser.newPage(); p.goto(url, { waitUntil: 'commit' }).catch(() => {}); return p; },
    async fromPage(page, how, url) {
      if (how === 'same-tab') { await page.click('#a'); return page; }
      const before = new Set(await browser.pages());
      if (how === 'window.open') await page.evaluate(u => { window.open(u); }, url);
      else await page.click('#b');
      return waitFor(async () => (await browser.pages()).find(p => !before.has(p)), { what: 'new tab' });
    },
    // Firefox offers automation no way to stop a service worker: it stops one itself once it has been
    // idle for dom.serviceWorkers.idle_timeout (30 s by default); the caller checks it did.
    async stopServiceWorkers() { await sleep(36000); },
    async outcome(page, url, timeout = 20000) {
      return waitFor(async () => {
        // BiDi does not report navigations to moz-extension:// pages: ask the add-on for the tabs.
        const tab = (await call('tabs')).find(x => x.url.startsWith(blockPrefix) && new URL(x.url).searchParams.get('url') === url);
        if (tab) return { blocked: Object.fromEntries(new URL(tab.url).searchParams) };
        if (page.url() !== url) return null;
        const R = await page.evaluate(() => (window.R && window.R.done ? window.R : null)).catch(() => null);
        return R ? { R } : null;
      }, { timeout, what: `outcome of ${url}` });
    },
    close: () => browser.close(),
  };
}

// ---- markers: requests the server saw
const markerCount = (from, name) => site.log.slice(from).filter(l => l.split(' ')[1] === `/marker/${name}`).length;
const evilMarkers = from => site.log.slice(from).map(l => l.split(' ')[1]).filter(p => p && p.startsWith('/marker/evil'));
let hostDataDir;
const hostRows = (origin, url) => exportLog(hostBin, hostDataDir, origin).filter(r => r.url === url);

// A pair: loads `good` and `evil` (paths on origin) with load(url) -> outcome; asserts the good
// marker, no evil marker, and a block in the host log for `blockedUrl` with `reason`.
async function pair({ origin, good, evil, goodMarker, blockedUrl, reason, load, settle = 500 }) {
  const g0 = site.log.length;
  const go = await load(`${origin}${good}`);
  await sleep(settle);
  assert(markerCount(g0, goodMarker) >= 1, `good twin ran (marker ${goodMarker}); outcome ${JSON.stringify(go)}`);
  const e0 = site.log.length;
  const eo = await load(`${origin}${evil}`);
  await sleep(settle);
  eq(evilMarkers(e0), [], 'requests to evil markers the server saw');
  const rows = hostRows(origin, `${origin}${blockedUrl}`);
  assert(rows.some(r => r.action === 'block' && (!reason || r.reason === reason)), `host log for ${blockedUrl}: ${JSON.stringify(rows.slice(0, 3))}; outcome ${JSON.stringify(eo)}`);
  return { go, eo };
}

async function main() {
  if (!hostBin || !fs.existsSync(hostBin)) throw new Error(`verity-host not found: ${hostBin}`);
  const ext = stageExtension(browserName, path.join(work, 'ext'), { testBridge: browserName === 'firefox' || !!process.env.TRACE });
  const tls = makeTls(path.join(work, 'tls'));
  let tsite;
  site = await startSite(work, tls, { enforce: 'enforce', plain: 'none', swpre: 'enforce', swlate: 'enforce', tgood: ['enforce/86400', () => tsite.good],
    firsta: 'enforce', firstb: 'enforce', firstc: 'enforce' }, {
    prepare: root => {
      execFileSync('python3', [path.join(here, 'site', 'make_routes.py'), root], { stdio: 'ignore' });
      tsite = makeTransparencySite(work, hostBin, root);
    },
  });
  const hw = writeHostWrapper(work, hostBin);
  hostDataDir = hw.dataDir;
  const O = site.origins;
  const mk = browserName === 'chromium' ? chromiumDriver : firefoxDriver;
  drv = await mk({ ext, wrapper: hw.wrapper });
  // Enrol the site once (first sight), as a user who visited it before.
  const first = await drv.newTab(`${O.enforce}/r/good.html`);
  await drv.outcome(first, `${O.enforce}/r/good.html`);
  await first.close();

  // The visit on which a site enrolls (never seen, not preloaded; its header says enforce): three
  // origins the browser has never loaded, so each visit is a first sight.
  await test('first visit of a site that sends an enforcing header: tampered code never runs, the good page runs', async () => {
    const m0 = site.log.length;
    const outs = {};
    for (const [name, p] of [['firsta', '/r/evil-script.html'], ['firstb', '/r/evil-doc.html'], ['firstc', '/r/good.html']]) {
      const url = `${O[name]}${p}`;
      const tab = await drv.newTab(url);
      outs[name] = await drv.outcome(tab, url);
      await tab.close().catch(() => {});
    }
    await sleep(1000);
    eq(evilMarkers(m0), [], 'requests to evil markers the server saw');
    eq(markerCount(m0, 'good-js'), 1, 'the good first visit ran');
    eq(outs.firstb.blocked && outs.firstb.blocked.reason, 'no_manifest_match', 'tampered document: block page');
    assert(outs.firsta.R && outs.firsta.R.js === undefined, `tampered script: ${JSON.stringify(outs.firsta)}`);
    for (const [name, p] of [['firsta', '/r/evil.js'], ['firstb', '/r/evil-doc.html']])
      assert(hostRows(O[name], `${O[name]}${p}`).some(x => x.action === 'block' && x.reason === 'no_manifest_match'), `host log block for ${name}${p}`);
  });

  await test('fresh tabs (new tab + URL, window.open, target=_blank; 15 tabs): tampered code never runs, good pages run', async () => {
    const opener = await drv.newTab(`${O.plain}/r/links.html?to=x`);
    await waitFor(() => opener.evaluate(() => window.R && window.R.done).catch(() => false), { what: 'opener' });
    const cases = ['/r/good.html', '/r/evil-script.html', '/r/evil-doc.html', '/r/evil-script.html', '/r/evil-doc.html'];
    const m0 = site.log.length;
    const results = [];
    for (const how of ['new tab', 'window.open', 'target=_blank']) {
      for (const p of cases) {
        const url = `${O.enforce}${p}`;
        let tab;
        if (how === 'new tab') tab = await drv.newTab(url);
        else {
          if (how === 'target=_blank') {
            await opener.goto(`${O.plain}/r/links.html?to=${encodeURIComponent(url)}`);
            await waitFor(() => opener.evaluate(() => window.R && window.R.done).catch(() => false), { what: 'links page' });
          }
          tab = await drv.fromPage(opener, how, url);
        }
        results.push({ how, p, tab, url });
      }
    }
    for (const r of results) r.out = await drv.outcome(r.tab, r.url);
    await sleep(1000);
    eq(evilMarkers(m0), [], 'requests to evil markers the server saw');
    eq(markerCount(m0, 'good-js'), 3, 'good pages whose script ran');
    for (const r of results) {
      if (r.p === '/r/evil-doc.html') eq(r.out.blocked && r.out.blocked.reason, 'no_manifest_match', `${r.how} ${r.p}: block page`);
      if (r.p === '/r/evil-script.html') assert(r.out.R && r.out.R.js === undefined, `${r.how} ${r.p}: ${JSON.stringify(r.out)}`);
    }
    for (const p of ['/r/evil.js', '/r/evil-doc.html'])
      assert(hostRows(O.enforce, `${O.enforce}${p}`).filter(x => x.action === 'block' && x.reason === 'no_manifest_match').length >= 6, `host log blocks for ${p}`);
    for (const r of results) await r.tab.close().catch(() => {});
    await opener.close();
  });

  await test('links from an unenrolled site in the same tab (5 links): tampered code never runs', async () => {
    const m0 = site.log.length;
    for (const p of ['/r/good.html', '/r/evil-script.html', '/r/evil-doc.html', '/r/evil-script.html', '/r/evil-doc.html']) {
      const url = `${O.enforce}${p}`;
      const tab = await drv.newTab(`${O.plain}/r/links.html?to=${encodeURIComponent(url)}`);
      await waitFor(() => tab.evaluate(() => window.R && window.R.done).catch(() => false), { what: 'links page' });
      await drv.fromPage(tab, 'same-tab', url);
      const out = await drv.outcome(tab, url);
      if (p === '/r/evil-doc.html') eq(out.blocked && out.blocked.reason, 'no_manifest_match', 'block page');
      await tab.close();
    }
    await sleep(1000);
    eq(evilMarkers(m0), [], 'requests to evil markers the server saw');
    eq(markerCount(m0, 'good-js'), 1, 'the good page ran');
  });

  // One page in a fresh tab: its outcome, the tab closed after.
  const open = async url => { const tab = await drv.newTab(url); try { return await drv.outcome(tab, url); } finally { await tab.close().catch(() => {}); } };
  const E = O.enforce;

  // 3xx bodies: a 300 or 399 with a Location that the browser renders or runs as content is
  // checked; only what the browser follows as a redirect is exempt.
  for (const code of ['300', '399']) {
    await test(`status ${code} with Location rendered as content: tampered top-level document blocked`, async () => {
      const { eo } = await pair({ origin: E, good: `/s3xx/${code}/good.html`, evil: `/s3xx/${code}/evil.html`, goodMarker: `good-${code}`,
        blockedUrl: `/s3xx/${code}/evil.html`, reason: 'no_manifest_match', load: open });
      eq(eo.blocked && eo.blocked.reason, 'no_manifest_match', 'block page');
    });
    await test(`status ${code} with Location rendered as content: tampered same-origin frame document blocked`, () =>
      pair({ origin: E, good: `/r/s3xx-frame-good-${code}.html`, evil: `/r/s3xx-frame-evil-${code}.html`, goodMarker: `good-${code}`,
        blockedUrl: `/s3xx/${code}/evil.html`, reason: 'no_manifest_match', load: open }));
  }
  if (browserName === 'chromium') {
    await test('status 399 with Location: a script body Chromium runs is checked', () =>
      pair({ origin: E, good: '/r/s3xx-script-good-399.html', evil: '/r/s3xx-script-evil-399.html', goodMarker: 'good-js-399',
        blockedUrl: '/s3xx/399/evil.js', reason: 'no_manifest_match', load: open }));
  }

  // <embed> of a listed document / SVG image with script, served tampered.
  for (const kind of ['html', 'svg']) {
    await test(`<embed type=${kind === 'html' ? 'text/html' : 'image/svg+xml'}> of a tampered document is blocked`, () =>
      pair({ origin: E, good: `/r/embed-${kind}-good.html`, evil: `/r/embed-${kind}-evil.html`, goodMarker: kind === 'html' ? 'good-embed' : 'good-svg',
        blockedUrl: kind === 'html' ? '/r/emb-evil.html' : '/r/evil.svg', reason: 'no_manifest_match', load: open }));
  }

  // WebAssembly by its bytes: served as application/octet-stream and compiled from an ArrayBuffer.
  await test('WebAssembly served as application/octet-stream, instantiated from bytes: unlisted module blocked', async () => {
    const { go, eo } = await pair({ origin: E, good: '/r/wasm-good.html', evil: '/r/wasm-evil.html', goodMarker: 'good-wasm',
      blockedUrl: '/octet/evil.bin', reason: 'wasm_hash_mismatch', load: open });
    eq([go.R && go.R.wasm, eo.R && eo.R.wasm], ['ran', 'error'], 'in-page results');
    const v = (await drv.recent()).filter(r => r.url === `${E}/octet/good.bin`).pop();
    eq(v && [v.destination, v.action], ['wasm', 'allow'], 'the listed module is checked as wasm');
  });
  // WebAssembly from bytes no network check saw as a module (content/wasm_guard.js).
  for (const [form, how] of [['inst', 'WebAssembly.instantiate(bytes)'], ['comp', 'WebAssembly.compile(bytes)'],
    ['stream', 'instantiateStreaming(new Response(bytes))']]) {
    await test(`WebAssembly built in JS from fetched text, ${how}: the unlisted module never runs`, async () => {
      const { go, eo } = await pair({ origin: E, good: `/r/wasmjs-${form}-good.html`, evil: `/r/wasmjs-${form}-evil.html`, goodMarker: `good-wasmjs-${form}`,
        blockedUrl: `/r/wasmjs-${form}-evil.html`, reason: 'wasm_hash_mismatch', load: open });
      eq([go.R && go.R.wasm, eo.R && eo.R.wasm], ['ran', 'error'], `in-page results (${eo.R && eo.R.err})`);
      const rows = hostRows(E, `${E}/r/wasmjs-${form}-good.html`).filter(r => r.destination === 'wasm');
      assert(rows.some(r => r.action === 'allow' && r.reason === 'wasm_match'), `host row for the listed bytes: ${JSON.stringify(rows)}`);
    });
  }
  // The guard runs in the worker too: Chromium evaluates it before the worker's first script
  // (workers_chromium.js); Firefox puts it in front of the checked worker script (firefox.js).
  await test('WebAssembly built in JS inside a dedicated worker: the unlisted module never runs', async () => {
    const { go, eo } = await pair({ origin: E, good: '/r/wasmjs-worker-good.html', evil: '/r/wasmjs-worker-evil.html', goodMarker: 'good-wasmjs-worker',
      blockedUrl: '/r/wasmjsw.js', reason: 'wasm_hash_mismatch', load: open });
    eq([go.R && go.R.wasm, eo.R && eo.R.wasm], ['ran', 'error'], `in-worker results (${eo.R && eo.R.err})`);
  });
  await test('WebAssembly built in JS inside a shared worker (one URL, started again for the tampered twin): the unlisted module never runs', async () => {
    const o = {};
    for (const which of ['good', 'evil']) {
      const m0 = site.log.length;
      o[which] = await open(`${E}/r/wasmjs-shared-${which}.html`);
      await sleep(300);
      o[which].marks = [markerCount(m0, 'good-wasmjs-shared'), markerCount(m0, 'evil-wasmjs-shared')];
    }
    eq(o.evil.marks, [0, 0], `tampered twin's markers (${o.evil.R && o.evil.R.err})`);
    eq(o.evil.R && o.evil.R.wasm, 'error', 'in-worker result of the tampered twin');
    if (browserName === 'firefox') {
      // Firefox fetches a shared worker's script outside any tab, as a service worker's: it gets the
      // outside-tab policy (no WebAssembly where the site's is enforced), so the listed module is
      // refused too (fail closed; docs/threat-model.md).
      eq([o.good.marks, o.good.R && o.good.R.wasm], [[0, 0], 'error'], `the listed module is refused too (${o.good.R && o.good.R.err})`);
      assert(/CSP/.test(o.evil.R.err), `refused by the policy: ${o.evil.R.err}`);
      return;
    }
    eq([o.good.marks, o.good.R && o.good.R.wasm], [[1, 0], 'ran'], `the listed module runs (${o.good.R && o.good.R.err})`);
    assert(hostRows(E, `${E}/r/wasmjss.js`).some(r => r.action === 'block' && r.reason === 'wasm_hash_mismatch'), 'host row for the tampered bytes');
  });
  // Routes the issue found held in both browsers, kept held with a pair each.
  for (const [name, what, reason] of [['dyn', 'a module loaded by dynamic import()', 'no_manifest_match'],
    ['mp', 'a module preloaded by <link rel=modulepreload>, then used', 'no_manifest_match'],
    ['redir', 'a script whose URL redirects (302) to an unlisted script', null],
    ['aw', 'an audio worklet module', 'no_manifest_match'],
    ['dwi', 'a file a dedicated worker importScripts()', 'no_manifest_match'],
    ['shm', 'a shared worker\'s main script', 'no_manifest_match'],
    ['mwi', 'a module a module worker imports', 'no_manifest_match']]) {
    await test(`held: ${what}, tampered: never runs`, () =>
      pair({ origin: E, good: `/r/held-${name}-good.html`, evil: `/r/held-${name}-evil.html`, goodMarker: `good-held-${name}`,
        blockedUrl: `/r/held-${name}-evil.js`, reason, load: open, settle: 800 }));
  }
  await test('held: a script preloaded by a Link: rel=preload response header, then used, tampered: never runs', () =>
    pair({ origin: E, good: '/lp/good.html', evil: '/lp/evil.html', goodMarker: 'good-held-lp',
      blockedUrl: '/r/held-lp-evil.js', reason: 'no_manifest_match', load: open, settle: 800 }));

  // Header downgrades on a remembered site (max-age=86400, real proof): whatever the server's later
  // header says, the remembered enforce stays; a tampered script never runs.
  await test('held: header downgrades of a remembered site (report, invalid, dropped, another manifest, max-age=0): tampered code never runs', async () => {
    const T = O.tgood, port = new URL(T).port;
    const tab0 = await drv.newTab(`${T}/r/good.html`);                // remembered (enrolled with its proof)
    await drv.outcome(tab0, `${T}/r/good.html`);
    await tab0.close().catch(() => {});
    const forced = path.join(site.root, `.header-${port}`), dropped = path.join(site.root, `.noheader-${port}`);
    const blocks = () => ['/r/evil.js', '/r/evil-script.html'].map(p => hostRows(T, `${T}${p}`).filter(r => r.action === 'block').length).reduce((a, b) => a + b, 0);
    const cases = [['report', 'max-age=86400, mode=report, manifest="/manifest.json"'], ['invalid', 'mode=enforce;;; manifest=='],
      ['dropped', null], ['another manifest', 'max-age=86400, mode=enforce, manifest="/r/other-manifest.json"'], ['max-age=0', 'max-age=0, mode=enforce, manifest="/manifest.json"']];
    try {
      for (const [what, header] of cases) {
        if (header === null) fs.writeFileSync(dropped, ''); else fs.writeFileSync(forced, header);
        const sent = await new Promise((res, rej) => https.get(`${T}/r/evil-script.html`, { rejectUnauthorized: false }, r => { r.resume(); res(r.headers['integrity-policy-waict-v1'] ?? null); }).on('error', rej));
        eq(sent, header, `the header the server now sends (${what})`);
        const m0 = site.log.length, b0 = blocks();
        const o = await open(`${T}/r/evil-script.html`);
        await sleep(500);
        fs.rmSync(forced, { force: true }); fs.rmSync(dropped, { force: true });
        eq(evilMarkers(m0), [], `requests to evil markers the server saw (${what})`);
        assert(blocks() > b0, `a new block in the host log (${what}): ${JSON.stringify(o)}`);
      }
    } finally { fs.rmSync(forced, { force: true }); fs.rmSync(dropped, { force: true }); }
  });

  // The background restarted while checked tabs are open (Chromium: its service worker stopped;
  // Firefox: its event page left idle): scripts the open pages load afterwards are still checked.
  // One tab of a remembered site (max-age) and one of a site whose header has no max-age (the host
  // forgets it with its process; the tab's state is kept in session storage).
  await test('the background restarted (Chromium; Firefox: its event page idle 40 s, not ended) with checked tabs open: scripts the pages load afterwards are checked, the tampered ones never run', async () => {
    const tabs = [];
    try {
      for (const o of [O.tgood, O.enforce]) {
        const url = `${o}/r/good.html`;
        const tab = await drv.newTab(url);
        tabs.push({ o, url, tab, port: new URL(o).port });
        await drv.outcome(tab, url);
      }
      const s0 = await drv.started();
      await drv.restartBackground(tabs[0].tab);
      const m0 = site.log.length;
      const insert = ({ tab }, w) => tab.evaluate(w => { const s = document.createElement('script'); s.src = `/r/bg-${w}.js`; document.body.append(s); }, w).catch(() => 'navigated');
      for (const t of tabs) { await insert(t, 'evil'); await insert(t, 'good'); }
      await sleep(3000);
      // The restarted background may have loaded the pages again: once more on the page now shown.
      const m1 = site.log.length;
      for (const t of tabs) { await drv.outcome(t.tab, t.url); await insert(t, 'evil'); await insert(t, 'good'); }
      await sleep(2000);
      const s1 = await drv.started();
      console.log(`# ${browserName}: background ${s1 !== s0 ? 'restarted' : 'not restarted'}`);
      if (browserName === 'chromium') assert(s1 !== s0, 'the background was started again');
      eq(evilMarkers(m0), [], 'requests to evil markers the server saw');
      for (const t of tabs) {
        const good = site.log.slice(m1).filter(l => l.split(' ')[0] === t.port && l.split(' ')[1] === '/marker/good-bgjs').length;
        assert(good >= 1, `the listed script ran on ${t.o}: ${JSON.stringify(site.log.slice(m0).filter(l => l.startsWith(t.port)))}`);
      }
    } finally { for (const t of tabs) await t.tab.close().catch(() => {}); }
  });
  // A module worker: its main module imports a module that compiles the bytes at its top level, which
  // runs before the main module's own body (Firefox puts the guard in front of every script the
  // worker loads, its imports included; Chromium evaluates it before the worker's first script).
  await test('WebAssembly built in JS by a module a module worker imports: the unlisted module never runs', async () => {
    const { go, eo } = await pair({ origin: E, good: '/r/wasmjs-modw-good.html', evil: '/r/wasmjs-modw-evil.html', goodMarker: 'good-wasmjs-modw',
      blockedUrl: '/r/wasmjsm-evil.js', reason: 'wasm_hash_mismatch', load: open });
    eq([go.R && go.R.wasm, eo.R && eo.R.wasm], ['ran', 'error'], `in-worker results (${go.R && go.R.err} / ${eo.R && eo.R.err})`);
  });
  // A service worker the browser stopped and started again: a new global in the same worker (in
  // Chromium the same DevTools session), so the guard must be put in place again before its script.
  await test('WebAssembly built in JS inside a service worker stopped and started again: the unlisted module never runs', async () => {
    const url = `${E}/sw/wasmjs/page.html`;
    const tab = await drv.newTab(url);
    try {
      const o = await drv.outcome(tab, url);
      eq(o.R && o.R.reg, 'ok', `registration of the listed worker: ${JSON.stringify(o)}`);
      const ask = what => tab.evaluate(w => Promise.race([window.ask(w), new Promise(r => setTimeout(() => r({ out: 'no answer' }), 15000))]), what);
      const first = await ask('ping');
      await drv.stopServiceWorkers(tab);
      const m0 = site.log.length;
      const evil = await ask('/octet/evil.b64');
      assert(first.started && evil.started && evil.started !== first.started, `the worker was started again: ${JSON.stringify({ first, evil })}`);
      await sleep(500);
      eq(evilMarkers(m0), [], `requests to evil markers the server saw (${evil.out})`);
      assert(String(evil.out).startsWith('error'), `the tampered module was refused: ${evil.out}`);
      const good = await ask('/octet/good.b64');
      await sleep(500);
      if (browserName === 'firefox') {
        // A checked site's service worker gets no WebAssembly where the site's is enforced (fail closed).
        eq([markerCount(m0, 'good-wasmjs-swr'), /CSP|Content Security/i.test(good.out)], [0, true], `Firefox: the listed module is refused too (${good.out})`);
      } else {
        eq([good.out, markerCount(m0, 'good-wasmjs-swr')], ['ran', 1], 'the listed module ran in the started-again worker');
        assert(hostRows(E, `${E}/sw/wasmjs/sw.js`).some(r => r.action === 'block' && r.reason === 'wasm_hash_mismatch'), 'host row for the tampered bytes');
      }
    } finally { await tab.close().catch(() => {}); }
  });
  for (const [form, reason, what] of [['sync', 'wasm_sync_compile', 'a synchronous new WebAssembly.Module(bytes)'],
    ['posted', 'wasm_foreign_module', 'a Module compiled by a worker and posted to the page']]) {
    await test(`${what} is refused on an enforced site, listed or not (fail closed)`, async () => {
      for (const which of ['good', 'evil']) {
        const m0 = site.log.length;
        const url = `${E}/r/wasmjs-${form}-${which}.html`;
        const o = await open(url);
        await sleep(300);
        eq([markerCount(m0, `good-wasmjs-${form}`), markerCount(m0, `evil-wasmjs-${form}`)], [0, 0], `markers of ${which}`);
        eq(o.R && o.R.wasm, 'error', `in-page result of ${which}`);
        // The worker's guard already refuses the tampered bytes in the worker; the listed module
        // compiles there, and the page refuses it (it did not check it itself).
        if (form === 'posted' && which === 'evil') {
          assert(String(o.R.posted).startsWith('CompileError'), `the worker's compile was refused: ${o.R.posted}`);
          assert(hostRows(E, `${E}/r/wasmw.js`).some(r => r.action === 'block' && r.reason === 'wasm_hash_mismatch'), 'host row for the worker\'s bytes');
          continue;
        }
        if (form === 'posted') eq(o.R.posted, 'module', 'the worker posted a Module');
        const v = (await drv.recent()).filter(r => r.url === url && r.destination === 'wasm').pop();
        eq(v && [v.action, v.reason], ['block', reason], `recent row of ${which} (${JSON.stringify(o)})`);
      }
    });
  }
  // The guard loads on every port of a checked host (match patterns have no port): on an
  // unchecked origin it must leave WebAssembly alone, with nothing asked.
  await test('an unchecked origin of a checked host: WebAssembly from bytes, sync Module and a posted Module run untouched', async () => {
    const P = site.origins.plain;
    for (const form of ['inst', 'sync', 'posted']) {
      const m0 = site.log.length;
      const o = await open(`${P}/r/wasmjs-${form}-evil.html`);
      await sleep(300);
      eq([o.R && o.R.wasm, markerCount(m0, `evil-wasmjs-${form}`)], ['ran', 1], `${form} on the unchecked origin (${o.R && o.R.err})`);
    }
    eq(exportLog(hostBin, hostDataDir, P).length, 0, 'host log rows of the unchecked origin');
    eq((await drv.recent()).filter(r => r.origin === P).length, 0, 'extension verdicts for the unchecked origin');
  });
  await test('a listed script served as application/wasm is checked as a script, not blocked as a wasm mismatch', async () => {
    const m0 = site.log.length;
    await open(`${E}/r/wasmct.html`);
    const v = (await drv.recent()).filter(r => r.url === `${E}/wasmct/ok.js`).pop();
    eq(v && [v.destination, v.action], ['script', 'allow'], 'verdict');
    eq(markerCount(m0, 'good-wasmct'), 1, 'the script ran');
  });

  // Speculation rules (Chromium): the verified page prerenders/prefetches a tampered same-origin
  // page, then the user follows the link. Firefox has no speculation rules.
  if (browserName === 'chromium') {
    await test('speculation rules prerender/prefetch of a tampered same-origin page: its code never runs', async () => {
      const follow = async url => {
        const tab = await drv.newTab(url);
        try {
          await drv.outcome(tab, url);
          await sleep(1500);                              // time for the prerender
          const target = url.replace('/r/spec-', '/r/spec-target-');
          await tab.click('#go');
          return await drv.outcome(tab, target);
        } finally { await tab.close().catch(() => {}); }
      };
      const { eo } = await pair({ origin: E, good: '/r/spec-good.html', evil: '/r/spec-evil.html', goodMarker: 'good-spec',
        blockedUrl: '/r/spec-target-evil.html', reason: 'no_manifest_match', load: follow });
      eq(eo.blocked && eo.blocked.reason, 'no_manifest_match', 'block page after the click');
    });
  }

  // Workers and service workers (routes_workers.mjs).
  await workerRoutes({ test, browserName, site, drv: () => drv, open, pair, markerCount, evilMarkers, hostRows, setSite: (o, s) => drv.setSite(o, s) });
  await lateHeaderRoute({ test, browserName, site, open, markerCount, evilMarkers });
  if (browserName === 'chromium') await detachRoutes({ test, site, drv: () => drv, markerCount, evilMarkers });
  if (process.env.TRACE) fs.writeFileSync(path.join(process.env.ARTIFACTS || '/tmp', `routes-trace-${browserName}.json`), JSON.stringify(await drv.trace(), null, 1));

  if (browserName === 'chromium') {
    await test('browser restart with the site (max-age=86400, real proof) as startup page: tampered code blocked (Chromium: see residual risk)', async () => {
      // Enrol the proven site in this profile, then restart the browser with its pages as startup pages.
      const tab = await drv.newTab(`${O.tgood}/r/good.html`);
      await drv.outcome(tab, `${O.tgood}/r/good.html`);
      const udd = drv.udd;
      await drv.close();
      // Headless Chromium takes one startup URL: one restart per page.
      drv = null;
      const m0 = site.log.length;
      const blocked = p => () => hostRows(O.tgood, `${O.tgood}${p}`).some(r => r.action === 'block' && r.reason === 'no_manifest_match');
      // A restart whose startup page shows no outcome in time (seen once under load: the held first
      // navigation was not re-opened) is tried once more; the negative below covers every attempt.
      const restart = async args => {
        try { await restartChromium(args); } catch (e) { console.log(`# restart retried: ${e.message}`); await restartChromium(args); }
      };
      await restart({ ext, udd, url: `${O.tgood}/r/good.html`, until: () => markerCount(m0, 'good-js') >= 1 });
      const m1 = site.log.length;
      await restart({ ext, udd, url: `${O.tgood}/r/evil-script.html`, until: blocked('/r/evil.js') });
      await restart({ ext, udd, url: `${O.tgood}/r/evil-doc.html`, until: blocked('/r/evil-doc.html') });
      assert(site.log.slice(m1).some(l => l.split(' ')[1] === '/r/evil-script.html'), 'the tampered startup page was loaded');
      // Residual risk (docs/threat-model.md, "Chromium network gate"): Chromium finishes loading a
      // command-line extension (the only way this suite can load it) asynchronously, so its rules may
      // come after the startup page's request; that first load is unchecked and the background then
      // blocks the tab (waited for above through the host rows). Printed, not counted, so that the gap
      // stays visible in every run. The package's policy install is held: tests/install/deb.sh
      // restarts it with the tampered twin as startup page and counts the markers.
      const ran = evilMarkers(m0);
      if (ran.length) console.log(`# RESIDUAL RISK (not counted): tampered startup code ran before the gate was in force: ${JSON.stringify(ran)}`);
    });
  }
}

await runSuite(t, { work, main }, async () => {
  if (drv) await drv.close().catch(() => {});
  if (site) site.stop();
});
