// Shared by the benchmarks (bench.mjs, bench_repeat.mjs): the browsers with the floor extension
// (floor/README.md), ready to measure, and the "before" extension (env BENCH_BEFORE).
import fs from 'node:fs';
import path from 'node:path';
import { launchChromium, launchFirefox, stageExtension, waitFor } from './harness.mjs';

export const floorExt = b => path.join(path.dirname(new URL(import.meta.url).pathname), '..', 'floor', b);

// Firefox with the floor add-on, its page on `url` once the add-on is seen to hold responses
// (its marker comment in the page). Returns { browser, page }.
export async function launchFirefoxFloor(puppeteer, work, url) {
  const { browser } = await launchFirefox(puppeteer, { work, ext: floorExt('firefox') });
  const page = await browser.newPage();
  await page.goto(url);
  const marked = () => page.evaluate(() => [...document.childNodes, ...document.documentElement.childNodes].some(n => n.nodeType === 8 && n.data === 'verity-floor'));
  await waitFor(async () => { await page.reload(); return marked(); }, { timeout: 20000, interval: 200, what: 'floor extension in Firefox' });
  return { browser, page };
}

// Chromium with the floor extension, attached to its page after a first load of `url`. Returns { ctx, page }.
export async function launchChromiumFloor(chromium, work, url, args = []) {
  const { ctx, sw } = await launchChromium(chromium, { work, ext: floorExt('chromium'), verity: false, args });
  const page = ctx.pages()[0] || await ctx.newPage();
  await page.goto(url);
  if (await sw.evaluate(() => globalThis.floorAttachAll()) < 1) throw new Error('floor extension did not attach');
  return { ctx, page };
}

// The extension of another tree (BENCH_BEFORE=DIR with extension/src, e.g. from
// `git archive <commit> extension`), staged with this tree's manifest into dir.
export function stageExtensionFrom(tree, dir, browser = 'chromium', opts = {}) {
  stageExtension(browser, dir, opts);
  fs.rmSync(path.join(dir, 'src'), { recursive: true });
  fs.cpSync(path.join(tree, 'extension', 'src'), path.join(dir, 'src'), { recursive: true });
  return dir;
}
