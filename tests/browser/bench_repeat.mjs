// Repeat-visit benchmark (scripts/bench-repeat.sh): a realistic app page (site/make_site.py
// /c/app.html: one 1.5 MB script bundle, 30 module scripts, 20 stylesheets, 40 images, all listed,
// all `Cache-Control: max-age=3600`), loaded once per configuration to fill the caches, then N more
// times in interleaved rounds (verify, none, floor, verify, ...), each a new navigation in the same
// tab (second and later visits). Prints medians, ratios, how many requests reached the server per
// visit (the HTTP cache at work), the verdicts per verifying visit (every active resource must still
// be checked: 1 document + 1 bundle + 30 modules + 20 styles = 52, plus 40 listed images), and the
// verdict latency (extension's view: queue + host round trip) median / p95.
//   node bench_repeat.mjs HOST_BIN [N] [browsers...]     env BENCH_HTTP2=1: serve over HTTP/2
// env BENCH_BEFORE=DIR (a tree with extension/ of an earlier commit, e.g. from git archive): Chromium
// also runs that extension as configuration "before", in the same interleaved rounds.
// env BENCH_SITE=noimg: serve site/make_site.py's second root, whose manifest lists the same page's
// scripts and styles but none of its 40 images (issue #12 item 2: Chromium need not pause them).
import { chromium } from 'playwright-core';
import puppeteer from 'puppeteer-core';
import fs from 'node:fs';
import path from 'node:path';
import { launchChromiumFloor, launchFirefoxFloor, stageExtensionFrom } from './lib/bench_floor.mjs';
import { stageExtension, startSite, writeHostWrapper, launchChromium, launchFirefox, bridgeCall, median, waitFor, sleep, spkiFlag, benchSetup } from './lib/harness.mjs';

const { hostBin, N, browsers, work, tls, http2, before } = benchSetup('verity-bench-repeat-', 10);
const mode = process.env.BENCH_SITE ? ['enforce', path.join(work, 'www', process.env.BENCH_SITE)] : 'enforce';
const site = await startSite(work, tls, { verify: mode, before: mode, none: mode, floor: mode }, { http2 });
const { wrapper } = writeHostWrapper(work, hostBin);
const spki = [spkiFlag(tls.cert)];  // a valid certificate to Chromium: its disk cache stores nothing with a cert error
const url = name => `${site.origins[name]}/c/app.html`;
const hits = name => { const port = new URL(site.origins[name]).port; return site.log.filter(l => l.startsWith(port + ' ')).length; };
const results = {};

async function timeLoad(page, u) {
  const t0 = performance.now();
  await page.goto(u, { waitUntil: 'load', timeout: 60000 });
  await waitFor(() => page.evaluate(() => window.R && window.R.done && window.R.bundle === 1 && window.R.m === 30), { timeout: 30000, interval: 10, what: 'app page' });
  return performance.now() - t0;
}

// verdicts: { config: () => { seq, recent } } of the verifying browsers, to count and time each visit's verdicts.
async function rounds(configs, n, verdicts) {
  const out = Object.fromEntries(Object.keys(configs).map(k => [k, { ms: [], requests: [] }]));
  for (const k of ['verify', 'before']) if (out[k]) { out[k].verdicts = []; out[k].hostMs = []; }
  for (const [name, { page }] of Object.entries(configs)) { await timeLoad(page, url(name)); await sleep(300); }   // first visit: fills the caches
  for (let i = 0; i < n; i++) {
    for (const [name, { page }] of Object.entries(configs)) {
      const h0 = hits(name);
      const counted = verdicts[name];
      const v0 = counted ? (await counted()).seq : 0;
      out[name].ms.push(await timeLoad(page, `${url(name)}`));
      await sleep(200);
      out[name].requests.push(hits(name) - h0);
      if (counted) {
        const v = await counted();
        const mine = v.recent.filter(r => r.seq > v0);
        out[name].verdicts.push(v.seq - v0);
        out[name].hostMs.push(...mine.map(r => r.hostMs));
        out[name].nonAllow = (out[name].nonAllow || 0) + mine.filter(r => r.action !== 'allow').length;
      }
    }
  }
  return out;
}

const p95 = xs => { const s = [...xs].sort((a, b) => a - b); return s.length ? s[Math.min(s.length - 1, Math.floor(0.95 * s.length))] : NaN; };
try {
  for (const b of browsers) {
    if (b === 'chromium') {
      const ext = stageExtension('chromium', path.join(work, 'ext-chromium'));
      const v = await launchChromium(chromium, { work, ext, wrapper, args: spki });
      const verify = v.ctx.pages()[0] || await v.ctx.newPage();
      await verify.goto(url('verify')); await sleep(3000);                    // enrol (first sight reloads)
      const bare = await launchChromium(chromium, { work, args: spki });
      const none = bare.ctx.pages()[0] || await bare.ctx.newPage();
      const fl = await launchChromiumFloor(chromium, work, url('floor'), spki);
      const floor = fl.page;
      const configs = { verify: { page: verify }, none: { page: none }, floor: { page: floor } };
      const counters = { verify: () => v.sw.evaluate(() => ({ seq: globalThis.verity.verdictSeq, recent: globalThis.verity.recent })) };
      let old = null;
      if (before) {
        const oext = stageExtensionFrom(before, path.join(work, 'ext-before'));
        old = await launchChromium(chromium, { work, ext: oext, wrapper, args: spki });
        const page = old.ctx.pages()[0] || await old.ctx.newPage();
        await page.goto(url('before')); await sleep(3000);
        configs.before = { page };
        counters.before = () => old.sw.evaluate(() => ({ seq: globalThis.verity.verdictSeq, recent: globalThis.verity.recent }));
      }
      results[b] = await rounds(configs, N, counters);
      await v.ctx.close(); await bare.ctx.close(); await fl.ctx.close();
      if (old) await old.ctx.close();
    } else if (b === 'firefox') {
      const ext = stageExtension('firefox', path.join(work, 'ext-firefox'), { testBridge: true });
      const { browser } = await launchFirefox(puppeteer, { work, ext, wrapper });
      const verify = await browser.newPage();
      await verify.goto(url('verify'));
      await waitFor(() => bridgeCall(verify, 'debugState'), { what: 'test bridge' });
      const bare = await launchFirefox(puppeteer, { work });
      const none = await bare.browser.newPage();
      const fl = await launchFirefoxFloor(puppeteer, work, url('floor'));
      const floor = fl.page;
      results[b] = await rounds({ verify: { page: verify }, none: { page: none }, floor: { page: floor } }, N,
        { verify: async () => { const s = await bridgeCall(verify, 'debugState'); return { seq: Math.max(0, ...s.recent.map(r => r.seq)), recent: s.recent }; } });
      await browser.close(); await bare.browser.close(); await fl.browser.close();
    }
  }
} finally {
  site.stop();
  fs.rmSync(work, { recursive: true, force: true });
}

const f = x => x.toFixed(1);
console.log(`\nRepeat visits of /c/app.html (1.5 MB bundle + 30 modules + 20 styles + 40 images, max-age=3600, ${process.env.BENCH_SITE ? 'images unlisted (' + process.env.BENCH_SITE + ')' : 'all listed'}), local HTTPS over ${http2 ? 'HTTP/2' : 'HTTP/1.0'}, N=${N} interleaved rounds after one filling visit, median ms:`);
console.log('| browser | no extension | floor | verifying | verify / none | floor / none | verify / floor | requests per visit (none / floor / verify) | verdicts per verifying visit (min–max) | non-allow verdicts | verdict latency median / p95 (ms) |');
console.log('|---|---|---|---|---|---|---|---|---|---|---|');
for (const [b, r] of Object.entries(results)) {
  const m = { none: median(r.none.ms), floor: median(r.floor.ms), verify: median(r.verify.ms) };
  const x = (a, c) => `${(a / c).toFixed(2)}x`;
  const req = k => median(r[k].requests);
  console.log(`| ${b} | ${f(m.none)} | ${f(m.floor)} | ${f(m.verify)} | ${x(m.verify, m.none)} | ${x(m.floor, m.none)} | ${x(m.verify, m.floor)} | ${req('none')} / ${req('floor')} / ${req('verify')} | ${Math.min(...r.verify.verdicts)}–${Math.max(...r.verify.verdicts)} | ${r.verify.nonAllow || 0} | ${f(median(r.verify.hostMs))} / ${f(p95(r.verify.hostMs))} |`);
  if (r.before) {
    const o = r.before;
    console.log(`| ${b}, before (BENCH_BEFORE extension) | | | ${f(median(o.ms))} | ${x(median(o.ms), m.none)} | | | requests ${median(o.requests)} | ${Math.min(...o.verdicts)}–${Math.max(...o.verdicts)} | ${o.nonAllow || 0} | ${f(median(o.hostMs))} / ${f(p95(o.hostMs))} |`);
  }
}
console.log('\nJSON ' + JSON.stringify(results));
