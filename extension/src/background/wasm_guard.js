// Keeps content/wasm_guard.js registered for exactly the hosts of the checked sites
// (lib/wasm_guard.js): updated when the site cache or the preload list changes, and awaited before
// a page of a site that has just become checked may load (core.onSitesChecked). No checked site:
// nothing registered, so nothing runs in any page.
import { api, contentScripts } from '../compat.js';
import { isCheckedLocally } from '../lib/site_state.js';
import { GUARD_SCRIPT_FILE, GUARD_SCRIPT_ID, guardPatterns, checkedOrigins, guardRegistration } from '../lib/wasm_guard.js';

// The guard's source text, read once from the packaged file: evaluated in Chromium workers
// (workers_chromium.js) and written in front of Firefox worker scripts (firefox.js).
let source = null;
export const guardSource = () => (source ||= fetch(api.runtime.getURL(GUARD_SCRIPT_FILE)).then(r => r.text()));

export function installWasmGuard(core) {
  let applied = null;                 // JSON of the registered patterns; null: not read yet
  let chain = Promise.resolve();
  async function apply() {
    const want = guardPatterns(checkedOrigins(core.cache, core.preloaded, isCheckedLocally));
    if (applied === null) {
      const regs = await contentScripts.registered([GUARD_SCRIPT_ID]).catch(() => []);
      applied = JSON.stringify(regs.length ? [...regs[0].matches].sort() : []);
    }
    const key = JSON.stringify(want);
    if (key === applied) return;
    if (applied !== '[]') await contentScripts.unregister([GUARD_SCRIPT_ID]).catch(() => {});
    applied = '[]';
    if (want.length) await contentScripts.register([guardRegistration(want)]);
    applied = key;
  }
  const sync = () => {
    chain = chain.then(apply).catch(e => { applied = null; globalThis.verityTrace?.push({ wasmGuardError: String(e && e.message || e) }); });
    return chain;
  };
  core.onCacheChanged(() => { sync(); });
  core.onSitesChecked(() => sync());
  core.ready.then(sync);
  return { sync };
}
