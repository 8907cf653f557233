// The integrity rework's categories (Frosne/waict-integrity-spec, branch `rework`, 51ec49a,
// "Response Header" table; continued in rozbb/waict-integrity-draft): which Fetch destinations each
// `mode-*` key covers, and the strictness order of modes. Pure data + lookups.
//
// Category keys are spelled as in the header and in the host's site_state `modes` (/work protocol:
// docs/protocol.md): 'mode-script', ...
//   categoryOf('xslt')            -> 'mode-script'  (mode-script covers script, xslt)
//   categoryOf('audioworklet')    -> 'mode-worker'
//   categoryOf('json')            -> null           (no category: the rework dropped `json`)
//   modeFor({modes:{'mode-script':'warn'}}, 'script') -> 'warn'
//   strongestMode(['report', 'warn']) -> 'warn'   (report < warn < enforce)

export const MODES = Object.freeze(['report', 'warn', 'enforce']);

// category -> destinations (rework table); wasm, inline-js and inline-css have no fetch destination
// of their own (`wasm` is Verity's destination for Content-Type application/wasm responses).
export const CATEGORY_DESTINATIONS = Object.freeze({
  'mode-document': ['document'],
  'mode-frame': ['frame', 'iframe'],
  'mode-script': ['script', 'xslt'],
  'mode-object': ['object', 'embed'], // embed: as the host's headers/category.cc (Verity's reading)
  'mode-worker': ['worker', 'serviceworker', 'sharedworker', 'audioworklet', 'paintworklet'],
  'mode-style': ['style'],
  'mode-image': ['image'],
  'mode-font': ['font'],
  'mode-media': ['audio', 'video'],
  'mode-wasm': ['wasm'],
  'mode-inline-js': [],
  'mode-inline-css': [],
});
export const CATEGORIES = Object.freeze(Object.keys(CATEGORY_DESTINATIONS));

const BY_DESTINATION = new Map();
for (const [cat, dests] of Object.entries(CATEGORY_DESTINATIONS)) for (const d of dests) BY_DESTINATION.set(d, cat);

export function categoryOf(destination) {
  return BY_DESTINATION.get(destination) ?? null;
}

export function modeRank(mode) {
  return MODES.indexOf(mode);
}

// The strictest of `modes` (an array of mode strings; unknown ones ignored), or null.
export function strongestMode(modes) {
  let best = null;
  for (const m of modes || []) if (modeRank(m) >= 0 && (best === null || modeRank(m) > modeRank(best))) best = m;
  return best;
}

// The mode that governs `category` for a site state: its per-category record when the state has
// one (rework), else the site's single mode (v2, Firefox format, user settings). null: not covered.
export function modeForCategory(state, category) {
  if (!state) return null;
  if (state.modes && typeof state.modes === 'object') return MODES.includes(state.modes[category]) ? state.modes[category] : null;
  return state.mode ?? null;
}

export function modeFor(state, destination) {
  if (!state) return null;
  if (state.modes && typeof state.modes === 'object') {
    const cat = categoryOf(destination);
    return cat ? modeForCategory(state, cat) : null;
  }
  return state.mode ?? null;
}

// The category a CSP violation of the synthesised policy falls under (rework "Reporting": the
// governing key of an inline_violation), from the event's effectiveDirective and blockedURI; the
// host's answer names it too and wins. null: not one of ours.
export function categoryOfViolation(directive, blockedURI = '') {
  const opaque = /^(data|blob|filesystem):/i.test(blockedURI);
  if (directive === 'script-src' || directive === 'script-src-elem' || directive === 'script-src-attr') return opaque ? 'mode-script' : 'mode-inline-js';
  if (directive === 'style-src' || directive === 'style-src-elem' || directive === 'style-src-attr') return 'mode-inline-css';
  if (directive === 'frame-src' || directive === 'child-src') return 'mode-frame';
  if (directive === 'object-src') return 'mode-object';
  if (directive === 'worker-src') return 'mode-worker';
  return null;
}
