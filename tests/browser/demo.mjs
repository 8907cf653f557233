// scripts/demo.sh: serves the local HTTPS demo site (valid + tampered twin), opens it in headless
// Chromium with the extension and the host, prints the verdicts, saves screenshots of the page,
// the popup and the block page into artifacts/demo/.
import { chromium } from 'playwright-core';
import fs from 'node:fs';
import path from 'node:path';
import { CHROMIUM_ID, stageExtension, makeTls, startSite, writeHostWrapper, mkWork, launchChromium, waitFor, sleep, repo } from './lib/harness.mjs';

const hostBin = path.resolve(process.argv[2] || '');
const out = process.env.ARTIFACTS || path.join(repo, 'artifacts', 'demo');
fs.mkdirSync(out, { recursive: true });
const work = mkWork('verity-demo-');
const tls = makeTls(path.join(work, 'tls'));
// The twin: the same site and manifest, but app.js changed after publication.
const twin = path.join(work, 'twin');
let site, ctx;
try {
  site = await startSite(work, tls, { valid: 'enforce', twin: ['enforce', twin] });
  fs.cpSync(site.root, twin, { recursive: true });
  fs.writeFileSync(path.join(twin, 'app.js'), 'window.R.script = "ran"; window.R.evil = true; /* injected */\n');
  const { wrapper } = writeHostWrapper(work, hostBin);
  const ext = stageExtension('chromium', path.join(work, 'ext'));
  ({ ctx } = await launchChromium(chromium, { work, ext, wrapper }));
  const sw = ctx.serviceWorkers().find(w => w.url().startsWith(`chrome-extension://${CHROMIUM_ID}/`));
  const page = ctx.pages()[0] || await ctx.newPage();
  await page.setViewportSize({ width: 900, height: 600 });
  const show = async (title, url, shot) => {
    const s0 = await sw.evaluate(() => globalThis.verity.verdictSeq);
    await page.goto(url).catch(() => {});
    await sleep(2500);   // first sight: the extension attaches and reloads
    await waitFor(() => page.url().startsWith('chrome-extension:') || page.evaluate(() => window.R && window.R.done), { timeout: 20000, what: title }).catch(() => {});
    const vs = await sw.evaluate(s => globalThis.verity.recent.filter(r => r.seq > s), s0);
    console.log(`\n== ${title}: ${url}`);
    for (const v of vs) console.log(`  ${v.action.padEnd(6)} ${v.reason.padEnd(22)} ${v.destination.padEnd(9)} ${v.url}`);
    if (!page.url().startsWith('chrome-extension:')) console.log('  page state:', JSON.stringify(await page.evaluate(() => window.R)));
    else console.log('  -> block page:', new URL(page.url()).searchParams.get('reason'));
    await page.screenshot({ path: path.join(out, shot) });
  };
  await show('valid site', `${site.origins.valid}/index.html`, 'page-valid.png');
  await show('tampered twin (app.js changed)', `${site.origins.twin}/index.html`, 'page-twin.png');
  await show('tampered document', `${site.origins.valid}/tampered-doc.html`, 'block-page.png');
  await page.goto(`${site.origins.twin}/index.html`); await sleep(1500);
  const tabId = await sw.evaluate(u => chrome.tabs.query({}).then(ts => ts.find(t => t.url === u).id), `${site.origins.twin}/index.html`);
  const popup = await ctx.newPage();
  await popup.setViewportSize({ width: 600, height: 640 });
  await popup.goto(`chrome-extension://${CHROMIUM_ID}/src/ui/popup.html?tab=${tabId}`);
  await waitFor(() => popup.evaluate(() => document.body.dataset.ready === '1'), { what: 'popup' });
  await popup.screenshot({ path: path.join(out, 'popup.png') });
  console.log(`\nscreenshots: ${out}/{page-valid,page-twin,block-page,popup}.png`);
} finally {
  if (ctx) await ctx.close().catch(() => {});
  if (site) site.stop();
  fs.rmSync(work, { recursive: true, force: true });
}
