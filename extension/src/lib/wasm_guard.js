// Where content/wasm_guard.js is registered (background/wasm_guard.js): the hosts of the checked
// sites, one match pattern each. Match patterns carry no port (Firefox refuses one, Chromium's
// would not cover every port either), so the script also loads on other ports of such a host; there
// it asks whether its frame is checked and, told no, leaves every call to the browser.
//   guardPatterns(['https://app.example', 'https://app.example:8443', 'http://10.0.0.1:8080'])
//     -> ['http://10.0.0.1/*', 'https://app.example/*']
import { originOf } from './site_state.js';
import { modeFor } from './categories.js';

export const GUARD_SCRIPT_ID = 'verity-wasm-guard';
export const GUARD_SCRIPT_FILE = 'src/content/wasm_guard.js';

export function guardPatterns(origins) {
  const out = new Set();
  for (const o of origins) {
    if (originOf(o) !== o) continue;
    const u = new URL(o);
    out.add(`${u.protocol}//${u.hostname}/*`);
  }
  return [...out].sort();
}

// The checked origins of a site cache and a preload list (lib/site_state.js isCheckedLocally).
export function checkedOrigins(cache, preloaded, isChecked) {
  const out = Object.keys(cache).filter(o => isChecked(o, cache, preloaded));
  for (const host of preloaded || []) {
    const o = `https://${host}`;
    if (isChecked(o, cache, preloaded)) out.push(o);
  }
  return out;
}

export function guardRegistration(matches) {
  return { id: GUARD_SCRIPT_ID, matches, js: [GUARD_SCRIPT_FILE], runAt: 'document_start', allFrames: true, world: 'MAIN', persistAcrossSessions: true };
}

// What the guard refuses where it cannot check (content/wasm_guard.js): 'enforce' where the site's
// wasm category is enforced and the user has not overridden a block, else 'lax' (report only).
export function guardMode(state, overridden) {
  return modeFor(state, 'wasm') === 'enforce' && !overridden ? 'enforce' : 'lax';
}

// Firefox: the text put in front of a checked site's dedicated worker script (after its check):
// the guard with the relay transport and the site's mode. One line of its own, so the worker's own
// script starts on a new line.
export function workerPrefix(guardSource, mode) {
  return `globalThis.__verityWasmRelay = true; globalThis.__verityWasmState = ${JSON.stringify(mode)};\n${guardSource}\n`;
}
