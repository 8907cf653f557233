// Pure decisions the background applies to each response of a checked site.
//
// enforcementFor(state, hostReply|error, override) -> { action, reason, detail, enforced }
//   action   what the host decided (allow | block | report), or what the extension decides when
//            the host cannot be asked: enforce -> block "verifier_unavailable", report -> report.
//   enforced what the extension does with the response: 'pass' or 'block'. A user override
//            (granted by the host, per site, for this session) turns block into pass but keeps the
//            host's action for the counters and badge.

import { Action, Reason } from './messages.js';

export function enforcementFor(state, reply, { overridden = false } = {}) {
  let action, reason, detail;
  if (reply && reply.ok === true && (reply.action === 'allow' || reply.action === 'block' || reply.action === 'report')) {
    ({ action, reason, detail } = reply);
  } else {
    // No usable verdict: host missing, crashed, timed out, or answered an error. Never allow.
    const code = reply && reply.error && reply.error.code;
    reason = reply && reply.ok === false && code && !code.startsWith('host.') && code !== 'timeout' ? code : Reason.VERIFIER_UNAVAILABLE;
    detail = (reply && reply.error && reply.error.detail) || 'the Verity verifier did not answer';
    action = state && state.mode === 'report' ? Action.REPORT : Action.BLOCK;
  }
  let enforced = action === Action.BLOCK ? 'block' : 'pass';
  if (enforced === 'block' && overridden) enforced = 'pass';
  return { action, reason: reason || '', detail: detail || '', enforced };
}

// Per-tab counters shown by the popup and the badge.
export function emptyCounts() { return { allow: 0, block: 0, report: 0 }; }

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
  'transparency.no_trusted_service': 'The site requires a transparency proof, but Verity trusts no transparency service (see its configuration), so it cannot check it.',
  'transparency.bad_verifier_key': 'A transparency key in Verity\'s configuration is unusable, so this site cannot be checked.',
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
