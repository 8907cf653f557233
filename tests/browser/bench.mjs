// Page-load benchmark (scripts/bench-pageload.sh): loads bench.html (1 document + 50 listed
// resources) N times per configuration and prints medians and overhead ratios.
//   node bench.mjs HOST_BIN [N] [browsers...]
// Configurations per browser: "verify" (extension + host, site enforced), "off" (extension
// installed, site switched off in the popup setting), "none" (no extension).
import { chromium } from 'playwright-core';
import puppeteer from 'puppeteer-core';
import fs from 'node:fs';
import path from 'node:path';
import { stageExtension, makeTls, startSite, writeHostWrapper, mkWork, launchChromium, launchFirefox, bridgeCall, median, waitFor, sleep } from './lib/harness.mjs';

const hostBin = path.resolve(process.argv[2] || '');
const N = Number(process.argv[3] || 15);
const browsers = process.argv.slice(4).length ? process.argv.slice(4) : ['chromium', 'firefox'];
const work = mkWork('verity-bench-');
const tls = makeTls(path.join(work, 'tls'));
const site = await startSite(work, tls, { verify: 'enforce', off: 'enforce', none: 'enforce', plain: 'none' });
const { wrapper } = writeHostWrapper(work, hostBin);
const results = {};

async function timeLoads(page, url, n, before) {
  const ts = [];
  for (let i = 0; i < n + 2; i++) {            // 2 warm-up loads not counted
    if (before) await before();
    const t0 = performance.now();
    await page.goto(url, { waitUntil: 'load', timeout: 60000 });
    await waitFor(() => page.evaluate(() => window.R && window.R.done && window.R.n === 25), { timeout: 30000, interval: 10, what: 'bench page' });
    if (i >= 2) ts.push(performance.now() - t0);
  }
  return ts;
}

try {
  for (const b of browsers) {
    results[b] = {};
    if (b === 'chromium') {
      const ext = stageExtension('chromium', path.join(work, 'ext-chromium'));
      let { ctx, sw } = await launchChromium(chromium, { work, ext, wrapper });
      let page = ctx.pages()[0] || await ctx.newPage();
      // enroll (first sight reloads), then measure
      await page.goto(`${site.origins.verify}/bench.html`); await sleep(3000);
      try {
        results[b].verify = await timeLoads(page, `${site.origins.verify}/bench.html`, N);
      } catch (e) {
        console.log(JSON.stringify(await sw.evaluate(() => globalThis.verityTrace.filter(x => !x.rt))));
        throw e;
      }
      results[b].hostMs = await sw.evaluate(() => globalThis.verity.recent.map(r => r.hostMs));
      const r = await sw.evaluate(o => globalThis.verity.setSite(o, 'off'), site.origins.off);
      if (!r.ok) throw new Error('set_site failed ' + JSON.stringify(r));
      results[b].off = await timeLoads(page, `${site.origins.off}/bench.html`, N);
      await ctx.close();
      ({ ctx } = await launchChromium(chromium, { work }));
      page = ctx.pages()[0] || await ctx.newPage();
      results[b].none = await timeLoads(page, `${site.origins.none}/bench.html`, N);
      await ctx.close();
    } else if (b === 'firefox') {
      const ext = stageExtension('firefox', path.join(work, 'ext-firefox'), { testBridge: true });
      let { browser } = await launchFirefox(puppeteer, { work, ext, wrapper });
      const ctl = await browser.newPage();
      await ctl.goto(`${site.origins.plain}/blank.html`);
      await waitFor(() => bridgeCall(ctl, 'debugState'), { what: 'test bridge' });
      let page = await browser.newPage();
      results[b].verify = await timeLoads(page, `${site.origins.verify}/bench.html`, N);
      results[b].hostMs = (await bridgeCall(ctl, 'debugState')).recent.map(r => r.hostMs);
      const r = await bridgeCall(ctl, 'setSite', site.origins.off, 'off');
      if (!r.ok) throw new Error('set_site failed ' + JSON.stringify(r));
      results[b].off = await timeLoads(page, `${site.origins.off}/bench.html`, N);
      await browser.close();
      ({ browser } = await launchFirefox(puppeteer, { work }));
      page = await browser.newPage();
      results[b].none = await timeLoads(page, `${site.origins.none}/bench.html`, N);
      await browser.close();
    }
  }
} finally {
  site.stop();
  fs.rmSync(work, { recursive: true, force: true });
}

const f = x => x.toFixed(1);
console.log(`\nPage load of bench.html (1 document + 25 scripts + 25 stylesheets, all listed), local HTTPS, N=${N} per configuration, median ms:`);
console.log('| browser | no extension | extension, site off | extension verifying | verify / none | off / none | verdict round trip (median, ms) |');
console.log('|---|---|---|---|---|---|---|');
for (const [b, r] of Object.entries(results)) {
  const m = { none: median(r.none), off: median(r.off), verify: median(r.verify) };
  console.log(`| ${b} | ${f(m.none)} | ${f(m.off)} | ${f(m.verify)} | ${(m.verify / m.none).toFixed(2)}x | ${(m.off / m.none).toFixed(2)}x | ${f(median(r.hostMs))} |`);
}
console.log('\nJSON ' + JSON.stringify(results));
