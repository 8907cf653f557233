// Today's WAICT drafts in a real browser (issue #10): the integrity rework's per-category modes
// (a test per category group), inline code under the synthesised CSP, warn mode, waict-violation
// reports, the request headers, the Firefox format. Site: site/make_drafts_site.py served by
// site/drafts_server.py, which logs every request (with the WAICT request headers) and every
// report POST; code that must never run would request /marker/<name>, and the tests assert the
// server saw no such request (a good twin of each runs).
//   node drafts.test.mjs chromium|firefox HOST_BIN      (env: CHROME, FIREFOX, ARTIFACTS, KEEP=1)
import fs from 'node:fs';
import path from 'node:path';
import { spawn, execFileSync } from 'node:child_process';
import { CHROMIUM_ID, FIREFOX_UUID, stageExtension, makeTls, freePort, writeHostWrapper, launchChromium, launchFirefox, bridgeCall, exportLog,
  mkWork, runner, waitFor, assert, eq, sleep, here, repo } from './lib/harness.mjs';

const [browserName, hostArg] = process.argv.slice(2);
const hostBin = path.resolve(hostArg || process.env.VERITY_HOST_BIN || '');
const artifacts = process.env.ARTIFACTS || path.join(repo, 'artifacts', 'browser');
fs.mkdirSync(artifacts, { recursive: true });
const t = runner(`${browserName}-drafts`);
const work = mkWork(`verity-drafts-${browserName}-`);
const SITES = ['rw', 'rwwarn', 'rwreport', 'example', 'ff', 'plain'];
const CATS = ['document', 'frame', 'script', 'object', 'worker', 'style', 'image', 'font', 'media', 'wasm', 'inline-js', 'inline-css'];
let server, closeBrowser = async () => {};

async function startServer(tls) {
  const root = path.join(work, 'www');
  execFileSync('python3', [path.join(here, 'site', 'make_drafts_site.py'), root], { stdio: 'ignore' });
  const ports = {};
  for (const s of SITES) ports[s] = await freePort();
  const proc = spawn('python3', [path.join(here, 'site', 'drafts_server.py'), root, tls.cert, tls.key, ...SITES.map(s => `${ports[s]}:${s}`)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const events = [];
  let buf = '';
  await new Promise((res, rej) => {
    const timer = setTimeout(() => rej(new Error('drafts server did not start')), 10000);
    proc.stdout.on('data', d => {
      buf += d;
      let i;
      while ((i = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, i); buf = buf.slice(i + 1);
        if (line === 'ready') { clearTimeout(timer); res(); } else if (line) events.push(JSON.parse(line));
      }
    });
    proc.on('exit', c => rej(new Error('drafts server exited ' + c)));
  });
  const O = Object.fromEntries(SITES.map(s => [s, `https://127.0.0.1:${ports[s]}`]));
  return { O, ports, events, root, stop: () => proc.kill() };
}

// The browser behind one small interface: call(op, ...args) reaches the background (Chromium: its
// service worker; Firefox: the test bridge), goto(url), pageEval(fn), badge(tabId).
async function launch(ext, wrapper) {
  if (browserName === 'chromium') {
    const { chromium } = await import('playwright-core');
    const { ctx, sw } = await launchChromium(chromium, { work, ext, wrapper });
    closeBrowser = () => ctx.close();
    const page = ctx.pages()[0] || await ctx.newPage();
    const call = (op, ...args) => sw.evaluate(([op, args]) => {
      const v = globalThis.verity;
      const ops = { debugState: () => v.debugState(), ask: (m, ms) => v.ask(m, ms), setReporting: on => v.waict.setReporting(on),
        trace: () => globalThis.verityTrace || [], tabs: () => chrome.tabs.query({}).then(ts => ts.map(x => ({ id: x.id, url: x.url }))),
        badge: id => chrome.action.getBadgeText({ tabId: id }) };
      return ops[op](...args);
    }, [op, args]);
    return { page, call, ctx, blockPrefix: `chrome-extension://${CHROMIUM_ID}/src/ui/blocked.html`, goto: url => page.goto(url, { waitUntil: 'commit', timeout: 20000 }) };
  }
  const puppeteer = (await import('puppeteer-core')).default;
  const { browser } = await launchFirefox(puppeteer, { work, ext, wrapper });
  closeBrowser = () => browser.close();
  const ctl = await browser.newPage();
  const page = await browser.newPage();
  const call = (op, ...args) => bridgeCall(ctl, op, ...args);
  return { page, call, ctl, blockPrefix: `moz-extension://${FIREFOX_UUID}/src/ui/blocked.html`, goto: url => page.goto(url, { waitUntil: 'load', timeout: 20000 }) };
}

async function main() {
  if (!hostBin || !fs.existsSync(hostBin)) throw new Error(`verity-host not found: ${hostBin}`);
  const ext = stageExtension(browserName, path.join(work, 'ext'), { testBridge: browserName === 'firefox' });
  const tls = makeTls(path.join(work, 'tls'));
  server = await startServer(tls);
  const { O, events } = server;
  const { wrapper, dataDir } = writeHostWrapper(work, hostBin);
  const B = await launch(ext, wrapper);
  if (browserName === 'firefox') {
    await B.ctl.goto(`${O.plain}/blank.html`);
    await waitFor(() => B.call('debugState'), { what: 'test bridge' });
  }
  const { page, call } = B;
  const withTimeout = (p, ms) => Promise.race([p, new Promise((_, rej) => setTimeout(() => rej(new Error('timed out')), ms))]);
  const pageEval = fn => withTimeout(page.evaluate(fn), 5000);
  const seq = async () => (await call('debugState')).recent.reduce((m, r) => Math.max(m, r.seq), 0);
  const recentSince = async s => (await call('debugState')).recent.filter(r => r.seq > s);
  const lastReload = async url => Math.max(0, ...(await call('trace')).filter(x => x.reloadFor === url).map(x => x.time));
  const hostLog = origin => exportLog(hostBin, dataDir, origin);
  const hits = name => events.filter(e => e.path === `/marker/${name}`).length;
  const reportsFrom = port => events.filter(e => e.report !== undefined && e.port === port);

  // Navigate, wait for the document's verdict and the page's results (R.done); a first visit in
  // Chromium is attached and reloaded: only a document that started after the reload counts.
  async function visit(url, { expectBlock = false, timeout = 20000 } = {}) {
    const s0 = await seq();
    await B.goto(url).catch(() => {});
    if (expectBlock) {
      const tab = await waitFor(async () => (await call('tabs')).find(x => x.url.startsWith(B.blockPrefix) && new URL(x.url).searchParams.get('url') === url),
        { timeout, what: 'block page' });
      await sleep(300);
      return { verdicts: await recentSince(s0), block: Object.fromEntries(new URL(tab.url).searchParams) };
    }
    await waitFor(async () => (await recentSince(s0)).some(r => r.url === url && r.destination === 'document'), { timeout, what: `document verdict for ${url}` });
    const after = await lastReload(url);
    let R;
    try {
      R = await waitFor(() => page.evaluate(a => (window.R && window.R.done && performance.timeOrigin > a ? window.R : null), after), { timeout, what: `page results of ${url}` });
    } catch (e) {
      const dump = { url, state: await call('debugState').catch(x => String(x)), log: (() => { try { return hostLog(new URL(url).origin); } catch (x) { return String(x); } })(), trace: (await call('trace').catch(x => String(x))), events: events.slice(-80),
        res: await pageEval(() => ({ R: window.R, entries: performance.getEntriesByType('resource').map(x => [x.name, x.responseEnd]) })).catch(x => String(x)) };
      fs.writeFileSync(path.join(artifacts, `hang-${Date.now()}.json`), JSON.stringify(dump, null, 1));
      throw e;
    }
    await sleep(400);   // the last verdicts and violations reach the background
    return { R, verdicts: await recentSince(s0) };
  }
  const V = (vs, suffix) => vs.find(v => v.url.endsWith(suffix));
  const never = (names, before) => { for (const n of names) eq(hits(n) - (before[n] || 0), 0, `requests to /marker/${n} (code that must not run)`); };
  const snapshot = names => Object.fromEntries(names.map(n => [n, hits(n)]));

  await t.test('the rework\'s own example header enrolls a site: checked, per-category modes in site_state', async () => {
    const header = JSON.parse(fs.readFileSync(path.join(server.root, '_sites.json'), 'utf8')).sites.example.header;
    const st = await call('ask', { type: 'site_state', origin: O.example, headers: { 'integrity-policy-waict-v1': header } }, 10000);
    assert(st.ok && st.checked === true, 'site_state: ' + JSON.stringify(st));
    eq(st.modes, { 'mode-document': 'enforce', 'mode-frame': 'enforce', 'mode-script': 'enforce', 'mode-object': 'enforce', 'mode-worker': 'enforce',
      'mode-style': 'warn', 'mode-image': 'report', 'mode-font': 'report', 'mode-media': 'report', 'mode-wasm': 'warn', 'mode-inline-js': 'report', 'mode-inline-css': 'report' }, 'modes');
    eq(st.report_to, ['foo-reports'], 'report_to');
    // max-age=90 asks for transparency; the example manifest has no proof (and the test host trusts
    // no transparency service): the enforced document is blocked.
    const { block } = await visit(`${O.example}/blank.html`, { expectBlock: true });
    assert(['invalid_transparency_proof', 'transparency.no_trusted_service'].includes(block.reason), 'block page reason: ' + block.reason);
  });

  await t.test('document/frame (rework, enforce): listed frame runs; tampered frame and document never run', async () => {
    const before = snapshot(['tampered-frame', 'tampered-doc']);
    const { R, verdicts } = await visit(`${O.rw}/frames.html`);
    eq(R.frame, 'ran', 'listed frame ran');
    const v = V(verdicts, '/t/frame.html');
    assert(v && v.action === 'block' && v.reason === 'no_manifest_match', 'frame verdict: ' + JSON.stringify(v));
    const { block } = await visit(`${O.rw}/t/doc.html`, { expectBlock: true });
    eq(block.reason, 'no_manifest_match', 'document block page');
    await sleep(500);
    never(['tampered-frame', 'tampered-doc'], before);
  });

  await t.test('object (rework, enforce): a listed <object> document runs; a tampered one never runs', async () => {
    const before = snapshot(['tampered-object']);
    const { R, verdicts } = await visit(`${O.rw}/objects.html`);
    eq(R.obj, 'ran', 'listed object document ran');
    const v = V(verdicts, '/t/obj.html');
    assert(v && v.action === 'block' && v.reason === 'no_manifest_match', 'object verdict: ' + JSON.stringify(v));
    await sleep(500);
    never(['tampered-object'], before);
  });

  await t.test('script/worker (rework, enforce): listed run; tampered script and worker never run', async () => {
    const before = snapshot(['tampered-script', 'tampered-worker']);
    const { R, verdicts } = await visit(`${O.rw}/script.html`);
    eq([R.good, R.script, R.worker], ['load', 'ran', 'worker-ok'], 'listed script and worker');
    // Chromium fails a blocked response (error event); Firefox delivers it empty (load event).
    assert(R.bad === (browserName === 'chromium' ? 'error' : 'load') && !R.evil && R.badWorker !== 'worker-evil', 'tampered: ' + JSON.stringify(R));
    for (const s of ['/t/script.js', '/t/worker.js']) { const v = V(verdicts, s); assert(v && v.action === 'block' && v.reason === 'no_manifest_match', s + ': ' + JSON.stringify(v)); }
    never(['tampered-script', 'tampered-worker'], before);
    assert(hostLog(O.rw).some(r => r.url === `${O.rw}/t/script.js` && r.action === 'block'), 'host log row');
  });

  await t.test('style (rework, enforce): listed applies; tampered stylesheet never applies', async () => {
    const before = snapshot(['tampered-style']);
    const { R, verdicts } = await visit(`${O.rw}/style.html`);
    eq([R.good, R.width, R.bad, R.width2], ['load', '42px', browserName === 'chromium' ? 'error' : 'load', '42px'], 'style results');
    assert(V(verdicts, '/t/style.css').action === 'block', 'verdict');
    never(['tampered-style'], before);
  });

  await t.test('image/media (rework, enforce): listed and unlisted load; listed with a wrong hash blocked', async () => {
    const { R, verdicts } = await visit(`${O.rw}/passive.html`);
    eq([R.img, R.badImg, R.freeImg, R.audio], [4, 'error', 4, 'ok'], 'passive results');
    assert(R.badAudio !== 'ok', 'tampered audio played: ' + R.badAudio);
    eq(V(verdicts, '/t/img.png').reason, 'no_manifest_match', 'tampered image');
    eq(V(verdicts, '/t/a.wav').action, 'block', 'tampered audio');
    eq(V(verdicts, '/free.png').action, 'allow', 'unlisted image (passive)');
    eq(V(verdicts, '/a.wav').destination, 'audio', 'media destination');
  });

  await t.test('wasm (rework, enforce): listed module runs; tampered module never runs', async () => {
    const before = snapshot(['tampered-wasm']);
    const { R, verdicts } = await visit(`${O.rw}/wasm.html`);
    eq([R.wasm, R.badWasm], [42, 'error'], 'wasm results');
    eq(V(verdicts, '/t/m.wasm').reason, 'wasm_hash_mismatch', 'verdict');
    never(['tampered-wasm'], before);
  });

  const INLINE_MARKERS = ['inline-script', 'inline-handler', 'inline-style', 'inline-style-attr', 'inline-eval'];
  await t.test('inline-js/inline-css (rework, enforce): listed inline script, handler, style, style attribute run; unlisted never run; eval blocked', async () => {
    const before = snapshot(INLINE_MARKERS);
    const { R } = await visit(`${O.rw}/inline.html`);
    eq([R.inline, R.handler, R.s1, R.a1], ['ran', 'ran', '42px', '7px'], 'listed inline code');
    assert(!R.evilInline && !R.evilHandler && !R.evilEval && R.s2 !== '666px' && R.a2 !== '666px', 'unlisted inline code ran: ' + JSON.stringify(R));
    // No browser here checks 'eval-sha256-…' sources: eval is blocked even when listed (docs/formats.md §11).
    assert(R.eval === undefined && R.evalError === 'EvalError' && R.badEvalError === 'EvalError', 'eval: ' + JSON.stringify(R));
    await sleep(500);
    never(INLINE_MARKERS, before);
    const rows = await waitFor(() => { const r = hostLog(O.rw).filter(x => x.reason === 'inline_violation'); return r.length >= 5 ? r : null; }, { what: 'inline_violation rows' });
    assert(rows.every(r => r.action === 'block'), 'rows: ' + JSON.stringify(rows.slice(0, 3)));
    // The eval refusals are rows too (effective directive script-src), in both browsers.
    for (const d of ['script-src-elem', 'script-src-attr', 'style-src-elem', 'style-src-attr', 'script-src'])
      assert(rows.some(r => (r.destination || '') === `inline:${d}`), `a row for ${d}: ` + JSON.stringify(rows.map(r => r.destination)));
  });

  await t.test('inline code (rework, report): everything runs, unlisted pieces logged inline_violation', async () => {
    const before = snapshot(INLINE_MARKERS);
    const { R } = await visit(`${O.rwreport}/inline.html`);
    eq([R.inline, R.handler, R.eval, R.evilInline, R.evilHandler, R.evilEval, R.s2], ['ran', 'ran', 'ran', true, true, true, '666px'], 'all ran');
    await sleep(500);
    for (const n of INLINE_MARKERS) assert(hits(n) > (before[n] || 0), `the unlisted piece ran (${n})`);
    const rows = await waitFor(() => { const r = hostLog(O.rwreport).filter(x => x.reason === 'inline_violation'); return r.length >= 5 ? r : null; }, { what: 'inline_violation rows' });
    assert(rows.every(r => r.action === 'report'), 'report rows: ' + JSON.stringify(rows.slice(0, 3)));
  });

  await t.test('warn mode: the page loads, the notice shows, rows say warn, never a block page', async () => {
    const before = snapshot(['tampered-script', 'inline-script']);
    const { R, verdicts } = await visit(`${O.rwwarn}/script.html`);
    assert(R.bad === 'load' && R.evil === true, 'tampered script delivered in warn mode: ' + JSON.stringify(R));
    assert(hits('tampered-script') > before['tampered-script'], 'the warned script ran');
    eq(V(verdicts, '/t/script.js').action, 'warn', 'verdict action');
    assert(!(await call('tabs')).some(x => x.url.startsWith(B.blockPrefix)), 'no block page');
    const count = await waitFor(() => pageEval(() => { const n = document.querySelector('verity-warn-notice'); return n && !n.hidden ? Number(n.dataset.count) : null; }), { what: 'warn notice' });
    assert(count >= 2, 'notice count ' + count);
    await page.screenshot({ path: path.join(artifacts, `${browserName}-warn-notice.png`) }).catch(() => {});
    const rows = hostLog(O.rwwarn).filter(r => r.action === 'warn');
    assert(rows.some(r => r.url === `${O.rwwarn}/t/script.js`), 'warn rows: ' + JSON.stringify(rows.slice(0, 3)));
    if (browserName === 'chromium') {
      const tab = (await call('tabs')).find(x => x.url === `${O.rwwarn}/script.html`);
      await waitFor(async () => /^!\d+$/.test(await call('badge', tab.id)), { what: 'warn badge' });
    }
    const inl = await visit(`${O.rwwarn}/inline.html`);
    assert(inl.R.evilInline === true && hits('inline-script') > before['inline-script'], 'unlisted inline script ran in warn mode');
    await waitFor(() => hostLog(O.rwwarn).some(r => r.reason === 'inline_violation' && r.action === 'warn'), { what: 'inline_violation warn row' });
  });

  await t.test('violation reports reach the site\'s report-to endpoint in the draft\'s shape, batched; a log event per report sent', async () => {
    const reps = await waitFor(() => { const r = reportsFrom(server.ports.rw); return r.length ? r : null; }, { what: 'report POSTs', timeout: 10000 });
    assert(reps.every(r => r.type === 'application/reports+json' && Array.isArray(r.report)), 'content type / body');
    const all = reps.flatMap(r => r.report);
    assert(all.every(x => x.type === 'waict-violation' && x.body && x.body.reason && x.body.disposition && x.body.effectiveDirective), 'shape: ' + JSON.stringify(all[0]));
    assert(all.some(x => x.body.reason === 'no_manifest_match' && x.body.effectiveDirective === 'mode-script' && x.body.disposition === 'enforce' && x.body.blockedURL === `${O.rw}/t/script.js`),
      'script report: ' + JSON.stringify(all.map(x => x.body)).slice(0, 600));
    assert(all.some(x => x.body.reason === 'inline_violation' && x.body.effectiveDirective === 'mode-inline-js'), 'inline report');
    assert(reps.some(r => r.report.length > 1), 'at least one batch of several reports');
    const sent = (await call('debugState')).waict.sent.filter(s => s.origin === O.rw && s.ok);
    eq(sent.reduce((n, s) => n + s.count, 0), all.length, 'one extension log event per POST, counting every report');
    assert(sent.every(s => s.url === `${O.rw}/reports` && s.status === 204 && s.reasons.length > 0), 'events: ' + JSON.stringify(sent.slice(0, 2)));
    // The host logs one event row per POST (docs/protocol.md report_sent), counting every report.
    const rows = await waitFor(() => {
      const r = hostLog(O.rw).filter(x => x.action === 'report_sent' && x.reason === 'sent');
      return r.length >= sent.length ? r : null;
    }, { what: 'report_sent rows in the host log', timeout: 10000 });
    eq(rows.reduce((n, r) => n + Number((/^(\d+) waict-violation report/.exec(r.detail) || [0, 0])[1]), 0), all.length,
      'host report_sent rows count every report');
  });

  // The popup's checkbox sends Msg.SET_REPORTING (Chromium opens the popup page; BiDi cannot open
  // moz-extension:// pages, so Firefox flips the same setting through the test bridge).
  async function setReporting(on) {
    if (browserName !== 'chromium') return (await call('setReporting', on)).reporting;
    const tab = (await call('tabs')).find(x => x.url.startsWith('https://'));
    const popup = await B.ctx.newPage();
    await popup.goto(`chrome-extension://${CHROMIUM_ID}/src/ui/popup.html?tab=${tab.id}`);
    await waitFor(() => popup.evaluate(() => document.body.dataset.ready === '1'), { what: 'popup ready' });
    if ((await popup.isChecked('#reporting')) !== on) await popup.click('#reporting');
    await waitFor(() => popup.evaluate(() => /reports (on|off)/.test(document.getElementById('reporting-msg').textContent)), { what: 'saved' });
    if (!on) await popup.screenshot({ path: path.join(artifacts, 'chromium-popup-reporting-off.png') }).catch(() => {});
    await popup.close();
    return (await call('debugState')).waict.reporting;
  }

  await t.test('reporting switched off (popup setting): nothing is sent; unchecked site: nothing ever', async () => {
    eq(await setReporting(false), false, 'setting');
    const n0 = reportsFrom(server.ports.rw).length;
    await visit(`${O.rw}/script.html`);
    await sleep(2000);
    eq(reportsFrom(server.ports.rw).length, n0, 'report POSTs while off');
    eq(await setReporting(true), true, 'back on');
    await B.goto(`${O.plain}/script.html`).catch(() => {});
    await waitFor(() => page.evaluate(() => window.R && window.R.done), { what: 'unchecked page ran' });
    await sleep(1500);
    eq(reportsFrom(server.ports.plain).length, 0, 'reports to an unchecked site');
  });

  await t.test('request headers: Integrity-Policy-WAICT-v1-Req and Sec-CH-WAICT on checked sites only (server-side)', async () => {
    const p = server.ports;
    const on = events.filter(e => e.port === p.rw && e.method === 'GET');
    const js = on.filter(e => e.path === '/app.js');
    assert(js.length >= 1 && js.every(e => e.req === '"/manifest-rw.json"' && e.ch === '1'), 'subresource: ' + JSON.stringify(js.slice(-2)));
    const docs = on.filter(e => e.path === '/script.html');
    assert(docs.length >= 2 && docs[docs.length - 1].req === '"/manifest-rw.json"' && docs[docs.length - 1].ch === '1', 'known site\'s navigation: ' + JSON.stringify(docs.slice(-2)));
    const off = events.filter(e => e.port === p.plain && e.method);
    assert(off.length > 0 && off.every(e => e.req === null && e.ch === null), 'unchecked site: ' + JSON.stringify(off.filter(e => e.req || e.ch).slice(0, 2)));
  });

  await t.test('Firefox format (blocked-destinations=(script), {"hashes"}): unlisted HTML, style, image load; listed script runs; tampered and SRI-only scripts never run', async () => {
    const before = snapshot(['ff-tampered', 'ff-sri']);
    const { R, verdicts } = await visit(`${O.ff}/ff.html`);
    eq([R.style, R.width, R.img, R.good, R.ffScript], ['load', '42px', 4, 'load', 'ran'], 'page results');
    assert(R.bad !== undefined && !R.ffEvil && R.sri !== undefined && !R.ffSri, 'blocked scripts: ' + JSON.stringify(R));
    assert(V(verdicts, '/ff.html').action === 'allow' && V(verdicts, '/ff/style.css').action === 'allow', 'uncovered document and style allowed');
    eq(V(verdicts, '/ff/t.js').reason, 'no_manifest_match', 'tampered listed script');
    eq(V(verdicts, '/ff/sri.js').reason, 'missing_from_manifest', 'script with a server-made integrity= but unlisted');
    await sleep(300);
    never(['ff-tampered', 'ff-sri'], before);
  });

  await fontCases({ O, visit, V, hostLog });
}

// mode-font (issue #10): a listed font loads (FontFace status and the measured width of 'XXXXX' at
// 40px: 400px in it); its tampered twin, a valid font too (40px wide), is blocked under
// mode-font=enforce (refused: the fallback's width) with a host-log reason, and loads, logged, under
// report and warn. A font cannot run code: the measured width shows whether its bytes were used.
async function fontCases({ O, visit, V, hostLog }) {
  await t.test('font (rework, enforce): a listed font loads; its tampered twin is refused, no_manifest_match in the host log', async () => {
    const { R, verdicts } = await visit(`${O.rw}/font.html`);
    eq(R.font, { status: 'loaded', width: 400 }, 'listed font');
    assert(R.fallback.width !== 400 && R.fallback.width !== 40, 'the fallback font is neither: ' + JSON.stringify(R));
    eq(R.badFont, { status: 'error', width: R.fallback.width }, 'tampered font refused (the fallback is used)');
    eq([V(verdicts, '/font.ttf').destination, V(verdicts, '/font.ttf').action], ['font', 'allow'], 'listed font verdict');
    eq([V(verdicts, '/t/font.ttf').action, V(verdicts, '/t/font.ttf').reason], ['block', 'no_manifest_match'], 'tampered font verdict');
    const row = await waitFor(() => hostLog(O.rw).find(r => r.url === `${O.rw}/t/font.ttf`), { what: 'host log row of the tampered font' });
    eq([row.action, row.reason], ['block', 'no_manifest_match'], 'host log row');
  });
  for (const [site, mode] of [['rwreport', 'report'], ['rwwarn', 'warn']]) {
    await t.test(`font (rework, ${mode}): the tampered font loads and is logged ${mode}`, async () => {
      const { R, verdicts } = await visit(`${O[site]}/font.html`);
      eq([R.font, R.badFont], [{ status: 'loaded', width: 400 }, { status: 'loaded', width: 40 }], 'both fonts load');
      eq((V(verdicts, '/t/font.ttf') || {}).action, mode, 'tampered font verdict');
      const row = await waitFor(() => hostLog(O[site]).find(r => r.url === `${O[site]}/t/font.ttf`), { what: 'host log row' });
      eq([row.action, row.reason], [mode, 'no_manifest_match'], 'host log row');
    });
  }
}

try {
  await main();
} catch (e) {
  await t.test('setup', () => { throw e; });
} finally {
  await closeBrowser().catch(() => {});
  if (server) server.stop();
  if (!process.env.KEEP) fs.rmSync(work, { recursive: true, force: true }); else console.log('kept', work);
}
process.exitCode = t.summary() ? 1 : 0;
