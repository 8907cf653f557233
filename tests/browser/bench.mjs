// Page-load benchmark (scripts/bench-pageload.sh): loads bench.html (1 document + 50 listed
// resources) N times per configuration and prints medians and overhead ratios.
//   node bench.mjs HOST_BIN [N] [browsers...]       env BENCH_HTTP2=1: serve over HTTP/2
// env BENCH_BEFORE=DIR (a tree with extension/src): each browser also runs that extension (in a
// browser of its own, same host binary), same rounds.
// Configurations per browser: "verify" (extension + host, site enforced), "off" (extension
// installed, site switched off in the popup setting), "none" (a second browser without the
// extension), "floor" (a third browser with only the interception mechanism, floor/README.md),
// measured in interleaved rounds.
import { chromium } from 'playwright-core';
import puppeteer from 'puppeteer-core';
import fs from 'node:fs';
import path from 'node:path';
import { launchChromiumFloor, launchFirefoxFloor, stageExtensionFrom } from './lib/bench_floor.mjs';
import { stageExtension, startSite, writeHostWrapper, launchChromium, launchFirefox, bridgeCall, median, waitFor, sleep, benchSetup } from './lib/harness.mjs';

const { hostBin, N, browsers, work, tls, http2, before } = benchSetup('verity-bench-', 15);
const site = await startSite(work, tls, { verify: 'enforce', before: 'enforce', off: 'enforce', none: 'enforce', floor: 'enforce', plain: 'none' }, { http2 });
const { wrapper } = writeHostWrapper(work, hostBin);
const results = {};

// One timed load: from goto to the page's own "all 25 scripts ran" signal.
async function timeLoad(page, url) {
  const t0 = performance.now();
  await page.goto(url, { waitUntil: 'load', timeout: 60000 });
  await waitFor(() => page.evaluate(() => window.R && window.R.done && window.R.n === 25), { timeout: 30000, interval: 10, what: 'bench page' });
  return performance.now() - t0;
}

// The configurations are interleaved (verify, off, none, floor, verify, ...), so that load on the
// machine falls on all alike; 2 warm-up rounds are not counted.
async function timeRounds(configs, n) {
  const out = Object.fromEntries(Object.keys(configs).map(k => [k, []]));
  for (let i = 0; i < n + 2; i++) {
    for (const [name, { page, url }] of Object.entries(configs)) {
      const ms = await timeLoad(page, url);
      if (i >= 2) out[name].push(ms);
    }
  }
  return out;
}

const url = name => `${site.origins[name]}/bench.html`;

try {
  for (const b of browsers) {
    if (b === 'chromium') {
      const ext = stageExtension('chromium', path.join(work, 'ext-chromium'));
      const { ctx, sw } = await launchChromium(chromium, { work, ext, wrapper });
      const r = await sw.evaluate(o => globalThis.verity.setSite(o, 'off'), site.origins.off);
      if (!r.ok) throw new Error('set_site failed ' + JSON.stringify(r));
      const verify = ctx.pages()[0] || await ctx.newPage();
      const off = await ctx.newPage();
      // enroll (first sight reloads), then measure
      await verify.goto(url('verify')); await sleep(3000);
      const bare = await launchChromium(chromium, { work });
      const none = bare.ctx.pages()[0] || await bare.ctx.newPage();
      const fl = await launchChromiumFloor(chromium, work, url('floor'));
      const configs = { verify: { page: verify, url: url('verify') }, off: { page: off, url: url('off') }, none: { page: none, url: url('none') }, floor: { page: fl.page, url: url('floor') } };
      let old = null;
      if (before) {
        old = await launchChromium(chromium, { work, ext: stageExtensionFrom(before, path.join(work, 'ext-before')), wrapper });
        const page = old.ctx.pages()[0] || await old.ctx.newPage();
        await page.goto(url('before')); await sleep(3000);
        configs.before = { page, url: url('before') };
      }
      try {
        results[b] = await timeRounds(configs, N);
      } catch (e) {
        console.log(JSON.stringify(await sw.evaluate(() => globalThis.verityTrace.filter(x => !x.rt))));
        throw e;
      }
      results[b].hostMs = await sw.evaluate(() => globalThis.verity.recent.map(r => r.hostMs));
      results[b].rows = await sw.evaluate(() => globalThis.verity.recent.map(r => ({ hostMs: r.hostMs, fast: !!r.fast, noticeMs: r.noticeMs })));
      if (old) { results[b].beforeHostMs = await old.sw.evaluate(() => globalThis.verity.recent.map(r => r.hostMs)); await old.ctx.close(); }
      await ctx.close();
      await bare.ctx.close();
      await fl.ctx.close();
    } else if (b === 'firefox') {
      const ext = stageExtension('firefox', path.join(work, 'ext-firefox'), { testBridge: true });
      const { browser } = await launchFirefox(puppeteer, { work, ext, wrapper });
      const ctl = await browser.newPage();
      await ctl.goto(`${site.origins.plain}/blank.html`);
      await waitFor(() => bridgeCall(ctl, 'debugState'), { what: 'test bridge' });
      const r = await bridgeCall(ctl, 'setSite', site.origins.off, 'off');
      if (!r.ok) throw new Error('set_site failed ' + JSON.stringify(r));
      const verify = await browser.newPage();
      const off = await browser.newPage();
      const bare = await launchFirefox(puppeteer, { work });
      const none = await bare.browser.newPage();
      const fl = await launchFirefoxFloor(puppeteer, work, url('floor'));
      const floor = fl.page;
      const configs = { verify: { page: verify, url: url('verify') }, off: { page: off, url: url('off') }, none: { page: none, url: url('none') }, floor: { page: floor, url: url('floor') } };
      let old = null;
      if (before) {
        old = await launchFirefox(puppeteer, { work, ext: stageExtensionFrom(before, path.join(work, 'ext-before-firefox'), 'firefox', { testBridge: true }), wrapper });
        old.ctl = await old.browser.newPage();
        await old.ctl.goto(`${site.origins.plain}/blank.html`);
        await waitFor(() => bridgeCall(old.ctl, 'debugState'), { what: 'test bridge (before)' });
        configs.before = { page: await old.browser.newPage(), url: url('before') };
      }
      results[b] = await timeRounds(configs, N);
      const recent = (await bridgeCall(ctl, 'debugState')).recent;
      results[b].hostMs = recent.map(r => r.hostMs);
      results[b].rows = recent.map(r => ({ hostMs: r.hostMs, fast: !!r.fast, noticeMs: r.noticeMs }));
      if (old) { results[b].beforeHostMs = (await bridgeCall(old.ctl, 'debugState')).recent.map(r => r.hostMs); await old.browser.close(); }
      await browser.close();
      await bare.browser.close();
      await fl.browser.close();
    }
  }
} finally {
  site.stop();
  fs.rmSync(work, { recursive: true, force: true });
}

const f = x => x.toFixed(1);
console.log(`\nPage load of bench.html (1 document + 25 scripts + 25 stylesheets, all listed), local HTTPS over ${http2 ? 'HTTP/2 (site/server_h2.mjs)' : 'HTTP/1.0 (site/server.py)'}, N=${N} interleaved rounds, median ms:`);
console.log('| browser | no extension | extension, site off | interception floor | extension verifying | verify / none | off / none | floor / none | verify / floor | verdict round trip (median, ms) |');
console.log('|---|---|---|---|---|---|---|---|---|---|');
for (const [b, r] of Object.entries(results)) {
  const m = { none: median(r.none), off: median(r.off), floor: median(r.floor), verify: median(r.verify) };
  const x = (a, c) => `${(a / c).toFixed(2)}x`;
  console.log(`| ${b} | ${f(m.none)} | ${f(m.off)} | ${f(m.floor)} | ${f(m.verify)} | ${x(m.verify, m.none)} | ${x(m.off, m.none)} | ${x(m.floor, m.none)} | ${x(m.verify, m.floor)} | ${f(median(r.hostMs))} |`);
  if (r.before) console.log(`| ${b}, before (BENCH_BEFORE) | | | | ${f(median(r.before))} | ${x(median(r.before), m.none)} | | | ${x(median(r.before), m.floor)} | ${f(median(r.beforeHostMs))} |`);
}
// Verdict latency as the extension sees it (recent rows' hostMs: from the digest to the verdict in
// hand; 0 for a response the decision table released) and, for those, the notice's round trip
// (off the critical path).
const p95 = v => { const a = [...v].sort((x, y) => x - y); return a.length ? a[Math.min(a.length - 1, Math.ceil(0.95 * a.length) - 1)] : NaN; };
console.log('\n| browser | verdicts | by the table | verdict wait median / p95 (ms) | notice round trip median / p95 (ms) |');
console.log('|---|---|---|---|---|');
for (const [b, r] of Object.entries(results)) {
  const rows = r.rows || [];
  const w = rows.map(x => x.hostMs).filter(Number.isFinite), n = rows.map(x => x.noticeMs).filter(Number.isFinite);
  console.log(`| ${b} | ${rows.length} | ${rows.filter(x => x.fast).length} | ${f(median(w))} / ${f(p95(w))} | ${n.length ? `${f(median(n))} / ${f(p95(n))}` : '-'} |`);
}
console.log('\nJSON ' + JSON.stringify(results));
