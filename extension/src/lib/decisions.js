// Pure decisions the background applies to each response of a checked site.
//
// enforcementFor(state, hostReply|error, { overridden, destination }) -> { action, reason, detail, enforced }
//   action   what the host decided (allow | block | report | warn), or what the extension decides
//            when the host cannot be asked, by the mode that governs `destination` (per-category
//            modes of a rework site, lib/categories.js; else the site's mode): enforce -> block
//            "verifier_unavailable", warn -> warn, report or not covered -> report.
//            warn (rework "Warn Mode"): the response failed its check but is delivered; the user
//            sees it (badge, popup, in-page notice), never a block page.
//   enforced what the extension does with the response: 'pass' or 'block'. A user override
//            (granted by the host, per site, for this session) turns block into pass but keeps the
//            host's action for the counters and badge.

import { Action, Reason, isExtensionCode } from './messages.js';
import { categoryOf, modeFor } from './categories.js';

const HOST_ACTIONS = [Action.ALLOW, Action.BLOCK, Action.REPORT, Action.WARN];

// What the extension does without a verdict, by the mode governing the destination.
// A category of a per-category site with no mode of its own is not checked: report. A destination
// no category names (json, manifest, or one Verity does not know) takes the site's strongest mode,
// so an enforced site fails closed (issue #9: an unknown destination is active). No state: block.
function fallbackAction(state, destination) {
  const perCategory = !!(state && state.modes) && destination !== undefined && categoryOf(destination) !== null;
  const mode = perCategory ? modeFor(state, destination) : state && state.mode;
  if (mode === 'warn') return Action.WARN;
  if (mode === 'report' || (perCategory && !mode)) return Action.REPORT;
  return Action.BLOCK;
}

export function enforcementFor(state, reply, { overridden = false, destination } = {}) {
  let action, reason, detail;
  if (reply && reply.ok === true && HOST_ACTIONS.includes(reply.action)) {
    ({ action, reason, detail } = reply);
  } else {
    // No usable verdict: host missing, crashed, timed out, or answered an error. Never allow.
    const code = reply && reply.error && reply.error.code;
    reason = reply && reply.ok === false && code && !isExtensionCode(code) ? code : Reason.VERIFIER_UNAVAILABLE;
    detail = (reply && reply.error && reply.error.detail) || 'the Verity verifier did not answer';
    action = fallbackAction(state, destination);
  }
  let enforced = action === Action.BLOCK ? 'block' : 'pass';
  if (enforced === 'block' && overridden) enforced = 'pass';
  return { action, reason: reason || '', detail: detail || '', enforced };
}

// Per-tab counters shown by the popup and the badge.
export function emptyCounts() { return { allow: 0, block: 0, report: 0, warn: 0 }; }

export function countVerdict(counts, action) {
  const next = { ...counts };
  if (action in next) next[action] += 1;
  return next;
}

// Toolbar badge: text + color from the tab's site state and counters.
export function badgeFor(state, counts, hostUp) {
  if (!state || !state.checked) return { text: '', color: '#777777', title: 'Verity: site not checked' };
  if (!hostUp) return { text: '!', color: '#b00020', title: 'Verity: verifier unavailable' };
  if (counts.block > 0) return { text: String(Math.min(counts.block, 999)), color: '#b00020', title: `Verity: ${counts.block} blocked` };
  if (counts.warn > 0) return { text: `!${Math.min(counts.warn, 999)}`, color: '#e65100', title: `Verity: warning, ${counts.warn} failed integrity check${counts.warn === 1 ? '' : 's'} (warn mode, loaded anyway)` };
  if (counts.report > 0) return { text: String(Math.min(counts.report, 999)), color: '#c77700', title: `Verity: ${counts.report} reported` };
  return { text: 'ok', color: '#1b7f3b', title: `Verity: ${state.mode || 'checked'}, ${counts.allow} allowed` };
}

// Plain-words explanation of a reason for the block page and popup.
const REASON_TEXT = {
  no_manifest_match: 'The file is listed in the site\'s integrity manifest, but its content does not match the published hash.',
  missing_from_manifest: 'The file is not listed in the site\'s integrity manifest, so it may not run.',
  wasm_hash_mismatch: 'This WebAssembly module is not one the site published.',
  manifest_unavailable: 'The site\'s integrity manifest could not be fetched, so nothing can be checked.',
  invalid_manifest: 'The site\'s integrity manifest is malformed.',
  invalid_transparency_proof: 'The site\'s manifest is not backed by a valid transparency proof.',
  'transparency.unverified': 'The site\'s manifest has not been verified against the transparency log.',
  'transparency.no_trusted_service': 'The site requires a transparency proof, but Verity trusts no transparency service yet, so it cannot check it. To trust one, run as your user: verity-cli trust add-service --name <service> --key <its verifier key>  (the service publishes both; add its witnesses with verity-cli trust add-witness), then restart the browser.',
  'transparency.bad_verifier_key': 'A transparency key in Verity\'s configuration is unusable (verity-cli trust list shows which), so this site cannot be checked.',
  'config.invalid': 'Verity\'s configuration is invalid, so it cannot check this site.',
  interception_unavailable: 'Verity could not watch this tab (another debugger, such as DevTools, may be attached), so the page could not be checked before it ran.',
  m2dmrt_one_sided: 'This site sent you to another host, but only one of the two declares the other as a provider (M2DMRT). The site requires both to declare each other.',
  m2dmrt_none: 'This site sent you to another host that it has not declared as a provider with the TLS key seen (M2DMRT).',
  m2dmrt_unverifiable: 'This site sent you to another host, and their provider declarations (M2DMRT) could not be verified: the DNS records are not DNSSEC-signed, could not be looked up, or a TLS key was not seen.',
  m2dmrt_bogus: 'This site sent you to another host, and the DNS answers about their provider declarations (M2DMRT) failed DNSSEC validation: someone may be tampering with DNS.',
  verifier_unavailable: 'The Verity verifier (the native host) is not running or did not answer in time. Enforced sites are blocked until it is back.',
};
export function explainReason(reason) {
  return REASON_TEXT[reason] || `The response failed Verity's checks (${reason || 'unknown reason'}).`;
}

// Whether the block page may offer "continue anyway": never while the verifier is unavailable and
// never for sites the user set to "require"; the host has the final word (override reply).
export function overrideOffered(reason, setting) {
  return reason !== Reason.VERIFIER_UNAVAILABLE && reason !== Reason.INTERCEPTION_UNAVAILABLE && setting !== 'require';
}
