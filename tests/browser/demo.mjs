// scripts/demo.sh: the story of Verity in headless Chromium with the extension and the host, printed
// step by step, with a screenshot of each step in artifacts/demo/ (story.txt repeats the story):
//   1. integrity: a valid app (allowed), its tampered twin (app.js changed: blocked), a tampered
//      document (block page), the popup
//   2. transparency, no trusted service yet: the proven site is blocked
//      (transparency.no_trusted_service) and the block page says which command to run
//   3. trust set-up with that command: verity-cli trust add-service / add-witness (k = 2), list
//   4. transparency (browser restarted, the host reads its config): the manifest's proof, cosigned
//      by two witnesses (C2SP and WAICT forms), is verified; the same site with a broken proof is
//      blocked; a newer publication is verified; the older one served again is a rollback
//      (blocked); a fresh tombstone, inside its cooldown, is blocked
//   5. the log: exported as JSON (artifacts/demo/verity-log.json) and counted
// Every publication is made with verity-cli (chain-append, tree-build, witness-cosign,
// manifest-response), as an operator, a transparency service and two witnesses would.
//   6. the same integrity and transparency steps in Firefox ESR (its own host data: no rollback
//      memory from Chromium's run), with screenshots
//   7. (scripts/demo.sh, after this file) M2DMRT hops against the DNSSEC test bed, through
//      tests/browser/m2dmrt.test.mjs with screenshots, when the bed can start.
import { chromium } from 'playwright-core';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { CHROMIUM_ID, FIREFOX_UUID, stageExtension, makeTls, startSite, writeHostWrapper, exportLog, mkWork, launchChromium, launchFirefox,
  bridgeCall, waitFor, sleep, repo } from './lib/harness.mjs';

const hostBin = path.resolve(process.argv[2] || '');
const cli = process.env.VERITY_CLI_BIN || path.join(path.dirname(hostBin), 'verity-cli');
const out = process.env.ARTIFACTS || path.join(repo, 'artifacts', 'demo');
fs.mkdirSync(out, { recursive: true });
const story = [];
const say = (line = '') => { console.log(line); story.push(line); };
const work = mkWork('verity-demo-');
const tls = makeTls(path.join(work, 'tls'));
const twin = path.join(work, 'twin');
const run = (...args) => execFileSync(cli, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

// ---- publications (operator, transparency service ts.test, witnesses w1 c2sp + w2 waict) -------
const T = path.join(work, 'transparency'), K = path.join(T, 'keys'), S = path.join(T, 'state');
const pubDirs = {};
function publish(root) {
  fs.mkdirSync(K, { recursive: true });
  run('keygen', '--name', 'ts.test', '--type', 'service', '--out', path.join(K, 'ts.key'));
  run('keygen', '--name', 'w1.test', '--type', 'witness-c2sp', '--out', path.join(K, 'w1.key'));
  run('keygen', '--name', 'w2.test', '--type', 'witness-waict', '--out', path.join(K, 'w2.key'));
  const v1 = path.join(T, 'manifest-v1.json'), v2 = path.join(T, 'manifest-v2.json');
  const json = fs.readFileSync(path.join(root, 'manifest.json'), 'utf8').split('\n')[0];
  fs.writeFileSync(v1, json + '\n');
  const m2 = JSON.parse(json);
  m2.hashes['/release-notes-v2.txt'] = 'n4bQgYhMfWWaL-qgxVrQFaO_TxsrC4Is0V1sFbDwCgg';  // v2 lists one file more
  fs.writeFileSync(v2, JSON.stringify(m2) + '\n');
  const tree = () => {
    run('tree-build', '--state', S, '--service-key', path.join(K, 'ts.key'));
    for (const w of ['w1', 'w2']) {
      run('witness-cosign', '--state', S, '--service-vkey', path.join(K, 'ts.vkey'), '--witness-key', path.join(K, `${w}.key`),
        '--witness-state', path.join(T, `${w}-state`));
    }
  };
  const response = (name, manifest, ...extra) => {
    const file = path.join(T, `${name}.response`);
    run('manifest-response', '--state', S, '--domain', '127.0.0.1', '--manifest', manifest, '--min-cosignatures', '2', '--out', file, ...extra);
    const dir = path.join(T, name);
    fs.cpSync(root, dir, { recursive: true });
    fs.copyFileSync(file, path.join(dir, 'manifest.json'));
    pubDirs[name] = dir;
    return file;
  };
  const now = Math.floor(Date.now() / 1000);
  run('chain-append', '--state', S, '--domain', '127.0.0.1', '--manifest', v1, '--time', String(now - 7200));
  tree();
  const r1 = response('v1', v1);
  // The broken twin: v1's response with one byte of the chain node in the proof flipped.
  const [body, proofLine] = fs.readFileSync(r1, 'utf8').slice(0, -1).split(/\n(?=[^\n]*$)/);
  const proof = Buffer.from(proofLine, 'base64url');
  proof[20] ^= 1;
  pubDirs.broken = path.join(T, 'broken');
  fs.cpSync(pubDirs.v1, pubDirs.broken, { recursive: true });
  fs.writeFileSync(path.join(pubDirs.broken, 'manifest.json'), `${body}\n${proof.toString('base64url')}\n`);
  run('chain-append', '--state', S, '--domain', '127.0.0.1', '--manifest', v2, '--time', String(now - 3600));
  tree();
  response('v2', v2);
  pubDirs.rolled = path.join(T, 'rolled');
  fs.cpSync(pubDirs.v1, pubDirs.rolled, { recursive: true });  // the old publication, served again
  run('chain-append', '--state', S, '--domain', '127.0.0.1', '--tombstone', '--time', String(now - 600));
  tree();
  response('tombstone', v2, '--tombstone');
}

let site, ctx, sw, page, ff;
const hw = { wrapper: '', dataDir: '' };
async function browser() {
  ({ ctx, sw } = await launchChromium(chromium, { work, ext, wrapper: hw.wrapper }));
  page = ctx.pages()[0] || await ctx.newPage();
  await page.setViewportSize({ width: 900, height: 640 });
}
// Visits url, prints the verdicts and what the page or the block page shows, saves a screenshot.
async function show(step, title, url, shot, { manifestState = false } = {}) {
  const s0 = await sw.evaluate(() => globalThis.verity.verdictSeq);
  await page.goto(url).catch(() => {});
  await sleep(2500);  // first sight: the extension attaches and reloads
  await waitFor(() => page.url().startsWith('chrome-extension:') || page.evaluate(() => window.R && window.R.done), { timeout: 20000, what: title }).catch(() => {});
  const vs = await sw.evaluate(s => globalThis.verity.recent.filter(r => r.seq > s), s0);
  say(`\n== ${step} ${title}\n   ${url}`);
  for (const v of vs) say(`   ${v.action.padEnd(6)} ${v.reason.padEnd(27)} ${v.destination.padEnd(9)} ${v.url}`);
  let outcome;
  if (page.url().startsWith('chrome-extension:')) {
    const q = new URL(page.url()).searchParams;
    const why = await page.evaluate(() => document.getElementById('why').textContent).catch(() => '');
    outcome = { blocked: q.get('reason'), detail: q.get('detail') || '' };
    const code = (outcome.detail.match(/^[a-z0-9_]+\.[a-z0-9_]+(?=:)/) || [''])[0];
    say(`   -> block page: ${outcome.blocked}${code ? ` (${code})` : ''}`);
    say(`      "${why}"`);
  } else {
    outcome = { R: await page.evaluate(() => window.R) };
    say(`   -> page ran: ${JSON.stringify(outcome.R)}`);
  }
  if (manifestState) {
    const st = await sw.evaluate(o => globalThis.verity.ask({ type: 'site_state', origin: o, headers: {} }, 5000), new URL(url).origin);
    say(`   -> the host's manifest state: ${st.manifest && st.manifest.state} (verified: integrity + transparency proof; integrity_only: no proof needed)`);
    outcome.state = st.manifest && st.manifest.state;
  }
  await page.screenshot({ path: path.join(out, shot) });
  say(`   screenshot: ${shot}`);
  return outcome;
}
async function popup(origin, shot) {
  const tabId = await sw.evaluate(u => chrome.tabs.query({}).then(ts => ts.find(t => t.url.startsWith(u)).id), origin);
  const p = await ctx.newPage();
  await p.setViewportSize({ width: 600, height: 640 });
  await p.goto(`chrome-extension://${CHROMIUM_ID}/src/ui/popup.html?tab=${tabId}`);
  await waitFor(() => p.evaluate(() => document.body.dataset.ready === '1'), { what: 'popup' });
  await p.screenshot({ path: path.join(out, shot) });
  await p.close();
  say(`   popup screenshot: ${shot}`);
}

// Steps 4 and 6: the transparency story, the same in each browser. show(step, title, url, shot, opts)
// -> outcome; afterFirst: run after the first step (Chromium: the popup).
const TRANSPARENCY_STEPS = [
  ['the proof (chain position 0, tree 1, cosigned by w1 c2sp + w2 waict) is verified', 'proven', 'transparency-verified.png', true,
    'proven site verified and runs', r => r.state === 'verified' && r.R && r.R.script === 'ran'],
  ['the same site with one byte of its proof flipped', 'broken', 'transparency-broken.png', false,
    'broken proof blocked', r => r.blocked === 'invalid_transparency_proof'],
  ['a newer publication (position 1, tree 2) is verified', 'newer', 'transparency-newer.png', true,
    'newer publication verified', r => r.state === 'verified'],
  ['rollback: the older publication (position 0) served again', 'rolled', 'transparency-rollback.png', false,
    'rollback blocked', r => r.blocked === 'invalid_transparency_proof' && r.detail.startsWith('transparency.rollback')],
  ['tombstone inside its cooldown (published 10 min ago, cooldown 24 h)', 'leaving', 'transparency-tombstone.png', false,
    'fresh tombstone blocked', r => r.blocked === 'invalid_transparency_proof' && r.detail.startsWith('transparency.tombstone_too_recent')],
];
async function transparencySteps(showFn, O, n, shotPrefix, label, afterFirst) {
  for (const [i, [title, origin, shot, manifestState, what, ok]] of TRANSPARENCY_STEPS.entries()) {
    const r = await showFn(`${n}${'abcdefg'[i]}`, title, `${O[origin]}/index.html`, shotPrefix + shot, { manifestState });
    expect(label + what, ok(r));
    if (i === 0 && afterFirst) await afterFirst();
  }
}

// 6. Firefox ESR: the add-on with the test bridge (WebDriver BiDi cannot open moz-extension:// pages,
// so verdicts and the block page's tab come from the background through a content script).
async function firefoxStory(O) {
  const { default: puppeteer } = await import('puppeteer-core');
  const fwork = path.join(work, 'firefox');
  fs.mkdirSync(fwork, { recursive: true });
  const fw = writeHostWrapper(fwork, hostBin, { env: { XDG_CONFIG_HOME: path.join(work, 'xdg-config') } });  // the same trust set-up
  const fext = stageExtension('firefox', path.join(fwork, 'ext'), { testBridge: true });
  ({ browser: ff } = await launchFirefox(puppeteer, { work: fwork, ext: fext, wrapper: fw.wrapper }));
  const ctl = await ff.newPage();
  await ctl.goto(`${O.plain}/blank.html`);
  const call = (op, ...args) => bridgeCall(ctl, op, ...args);
  await waitFor(() => call('debugState'), { what: 'test bridge', timeout: 30000 });
  const fpage = await ff.newPage();
  await fpage.setViewport({ width: 900, height: 640 });
  const blockPage = `moz-extension://${FIREFOX_UUID}/src/ui/blocked.html`;
  const seq = async () => (await call('debugState')).recent.reduce((m, r) => Math.max(m, r.seq), 0);
  const fshow = async (step, title, url, shot, { manifestState = false } = {}) => {
    const s0 = await seq();
    await fpage.goto(url, { waitUntil: 'load', timeout: 20000 }).catch(() => {});
    const outcome = await waitFor(async () => {
      const tab = (await call('tabs')).find(t => t.url.startsWith(blockPage) && new URL(t.url).searchParams.get('url') === url);
      if (tab) { const q = new URL(tab.url).searchParams; return { blocked: q.get('reason'), detail: q.get('detail') || '' }; }
      const R = await fpage.evaluate(() => window.R && window.R.done ? window.R : null).catch(() => null);
      return R ? { R } : null;
    }, { timeout: 20000, what: title }).catch(() => ({}));
    await sleep(700);
    say(`\n== ${step} ${title}\n   ${url}`);
    for (const v of (await call('debugState')).recent.filter(r => r.seq > s0)) say(`   ${v.action.padEnd(6)} ${v.reason.padEnd(27)} ${String(v.destination).padEnd(9)} ${v.url}`);
    if (outcome.blocked) {
      const code = (outcome.detail.match(/^[a-z0-9_]+\.[a-z0-9_]+(?=:)/) || [''])[0];
      say(`   -> block page: ${outcome.blocked}${code ? ` (${code})` : ''}`);
    } else {
      say(`   -> page ran: ${JSON.stringify(outcome.R)}`);
    }
    if (manifestState) {
      const st = await call('ask', { type: 'site_state', origin: new URL(url).origin, headers: {} }, 5000);
      outcome.state = st && st.manifest && st.manifest.state;
      say(`   -> the host's manifest state: ${outcome.state}`);
    }
    await fpage.screenshot({ path: path.join(out, shot) }).catch(e => say(`   (no screenshot: ${e.message})`));
    say(`   screenshot: ${shot}`);
    return outcome;
  };
  say('\n#### 6. The same in Firefox ESR (the add-on, the same host binary and trust set-up, its own host data)');
  let r = await fshow('6a', 'valid site', `${O.valid}/index.html`, 'firefox-page-valid.png');
  expect('Firefox: valid site runs', r.R && r.R.script === 'ran');
  r = await fshow('6b', 'tampered twin', `${O.twin}/index.html`, 'firefox-page-twin.png');
  expect('Firefox: tampered app.js does not run', !(r.R && r.R.evil));
  await transparencySteps(fshow, O, '6', 'firefox-', 'Firefox: ');
  await ff.close(); ff = null;
}

const ext = stageExtension('chromium', path.join(work, 'ext'));
const checks = [];
const expect = (what, ok) => { checks.push({ what, ok }); if (!ok) say(`   !! unexpected: ${what}`); };
try {
  site = await startSite(work, tls, {
    valid: 'enforce', twin: ['enforce', twin], plain: 'none',
    proven: ['enforce/86400', () => pubDirs.v1], broken: ['enforce/86400', () => pubDirs.broken],
    newer: ['enforce/86400', () => pubDirs.v2], rolled: ['enforce/86400', () => pubDirs.rolled],
    leaving: ['enforce/86400', () => pubDirs.tombstone],
  }, { prepare: root => publish(root) });
  fs.cpSync(site.root, twin, { recursive: true });
  fs.writeFileSync(path.join(twin, 'app.js'), 'window.R.script = "ran"; window.R.evil = true; /* injected */\n');
  Object.assign(hw, writeHostWrapper(work, hostBin));
  const O = site.origins;
  const config = path.join(work, 'xdg-config', 'verity', 'config.json');

  say('Verity demo: every verdict below comes from the installed verity-host; screenshots in ' + out);
  await browser();
  say('\n#### 1. Integrity: the WAICT manifest lists the hash of every file the app may run');
  let r = await show('1a', 'valid site', `${O.valid}/index.html`, 'page-valid.png');
  expect('valid site runs', r.R && r.R.script === 'ran');
  r = await show('1b', 'tampered twin (app.js changed after publication)', `${O.twin}/index.html`, 'page-twin.png');
  expect('tampered app.js does not run', !(r.R && r.R.evil));
  r = await show('1c', 'tampered document', `${O.valid}/tampered-doc.html`, 'block-page.png');
  expect('tampered document gets the block page', !!r.blocked);
  await page.goto(`${O.twin}/index.html`); await sleep(1500);
  await popup(O.twin, 'popup.png');

  say('\n#### 2. Transparency required (max-age > 0), but this host trusts no transparency service yet');
  r = await show('2a', 'site with a cosigned transparency proof, no trusted service', `${O.proven}/index.html`, 'block-no-trusted-service.png');
  expect('blocked with transparency.no_trusted_service', r.blocked === 'transparency.no_trusted_service');
  await ctx.close(); ctx = null;

  say('\n#### 3. Trust set-up: the command the block page names (as the browser\'s user)');
  for (const args of [['add-service', '--key', path.join(K, 'ts.vkey')], ['add-witness', '--name', 'w1', '--key', path.join(K, 'w1.vkey')],
    ['add-witness', '--name', 'w2', '--key', path.join(K, 'w2.vkey'), '--threshold', '2'], ['list']]) {
    say(`$ verity-cli trust ${args.map(a => a.startsWith(work) ? path.basename(a) : a).join(' ')}`);
    for (const line of run('trust', ...args, '--config', config).trim().split('\n')) say(`  ${line.replace(work, '<demo>')}`);
  }

  say('\n#### 4. Transparency with the trusted service and k = 2 witnesses (browser restarted: the host reads its config)');
  await browser();
  await transparencySteps(show, O, '4', '', '', () => popup(O.proven, 'popup-transparency.png'));

  say('\n#### 5. The log (what the popup shows and exports)');
  const rows = exportLog(hostBin, hw.dataDir);
  fs.writeFileSync(path.join(out, 'verity-log.json'), JSON.stringify(rows, null, 2));
  const count = {};
  for (const row of rows) { const k = `${row.action} ${row.reason}`; count[k] = (count[k] || 0) + 1; }
  say(`   ${rows.length} rows exported to verity-log.json:`);
  for (const [k, n] of Object.entries(count).sort()) say(`   ${String(n).padStart(4)}  ${k}`);
  if (process.env.DEMO_FIREFOX !== '0') await firefoxStory(O);
  const bad = checks.filter(c => !c.ok);
  say(`\ndemo: ${checks.length - bad.length} of ${checks.length} story steps as expected${bad.length ? ': ' + bad.map(c => c.what).join('; ') : ''}`);
  fs.writeFileSync(path.join(out, 'story.txt'), story.join('\n') + '\n');
  process.exitCode = bad.length ? 1 : 0;
} finally {
  if (ctx) await ctx.close().catch(() => {});
  if (ff) await ff.close().catch(() => {});
  if (site) site.stop();
  fs.rmSync(work, { recursive: true, force: true });
}
