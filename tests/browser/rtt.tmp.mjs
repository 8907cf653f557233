import puppeteer from 'puppeteer-core';
import { chromium } from 'playwright-core';
import path from 'node:path';
import { stageExtension, makeTls, startSite, writeHostWrapper, mkWork, launchFirefox, launchChromium, bridgeCall, median, waitFor } from './lib/harness.mjs';
const hostBin = path.resolve('../../build/verity-host');
const work = mkWork('verity-rtt-');
const tls = makeTls(path.join(work, 'tls'));
const site = await startSite(work, tls, { plain: 'none' });
const { wrapper } = writeHostWrapper(work, hostBin);
const which = process.argv[2];
const probe = async (evalFn) => {
  const seqT = await evalFn(async () => { const ts = []; for (let i = 0; i < 200; i++) { const t0 = performance.now(); await globalThis.verity.ask({ type: 'hello', browser: 'x', extension_version: '0' }, 5000); ts.push(performance.now() - t0); } ts.sort((a, b) => a - b); return ts[100]; });
  const parT = await evalFn(async () => { const t0 = performance.now(); await Promise.all(Array.from({ length: 50 }, () => globalThis.verity.ask({ type: 'hello', browser: 'x', extension_version: '0' }, 5000))); return performance.now() - t0; });
  console.log(which, 'sequential median ms', seqT.toFixed(3), '50 parallel total ms', parT.toFixed(1));
};
if (which === 'firefox') {
  const ext = stageExtension('firefox', path.join(work, 'ext'), { testBridge: true });
  const { browser } = await launchFirefox(puppeteer, { work, ext, wrapper });
  const ctl = await browser.newPage();
  await ctl.goto(`${site.origins.plain}/blank.html`);
  await waitFor(() => bridgeCall(ctl, 'debugState'), { what: 'bridge' });
  // evaluate via bridge 'ask' one at a time from node (includes bridge cost) -- instead time inside the extension is not reachable; measure bridge round trips
  const ts = [];
  for (let i = 0; i < 50; i++) { const t0 = performance.now(); await bridgeCall(ctl, 'ask', { type: 'hello', browser: 'x', extension_version: '0' }, 5000); ts.push(performance.now() - t0); }
  console.log('firefox bridge+host median ms', median(ts).toFixed(2));
  const ts2 = [];
  for (let i = 0; i < 50; i++) { const t0 = performance.now(); await bridgeCall(ctl, 'debugState'); ts2.push(performance.now() - t0); }
  console.log('firefox bridge only median ms', median(ts2).toFixed(2));
  await browser.close();
} else {
  const ext = stageExtension('chromium', path.join(work, 'ext'));
  const { ctx, sw } = await launchChromium(chromium, { work, ext, wrapper });
  await probe(fn => sw.evaluate(fn));
  await ctx.close();
}
site.stop();
