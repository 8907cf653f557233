// Chromium side of background/waict.js: the synthesised CSP on a checked document's response.
import { headerArray, policyHeaders, CSP_HEADER } from '../lib/csp.js';
import { base64FromBytes } from '../lib/bytes.js';
import { evalGuardSource, evalHashesOf } from '../lib/eval_guard.js';

// A checked document (top-level or a frame of the checked origin) the verdict lets through: its
// response is delivered with the host's CSP appended to the site's own headers, before the renderer
// parses a byte: Fetch.fulfillRequest with the same status, headers + ours, and the very body that
// was verified (measured in Chromium 156: headers given to Fetch.continueResponse reach the network
// log but a CSP among them is not enforced; fulfillRequest's are). Without a CSP to install:
// pass(). If Chromium refuses, an enforced policy is not silently dropped: the document fails.
export async function continueDocument({ core, send, target, requestId, paused, tabId, origin, res, pass, block }) {
  const csp = res.csp || await core.waict.cspFor(origin);
  // Listed evals (lib/eval_guard.js): the guard goes in before the document exists; if it cannot,
  // the policy stays as the host wrote it (every eval blocked, listed or not).
  const hashes = [...new Set(policyHeaders(csp).flatMap(h => evalHashesOf(h.value)))];
  const guarded = hashes.length > 0 && await installEvalGuard(send, target, tabId, origin, hashes);
  const extra = core.waict.documentHeaders(tabId, csp, { trustedTypesEval: guarded });
  if (!extra.length) return pass();
  const responseHeaders = [...headerArray(paused.responseHeaders || []), ...extra.map(h => ({ name: h.name, value: h.value }))];
  try {
    const body = await send(target, 'Fetch.getResponseBody', { requestId });
    const b64 = body.base64Encoded ? body.body : base64FromBytes(new TextEncoder().encode(body.body));
    await send(target, 'Fetch.fulfillRequest', { requestId, responseCode: paused.responseStatusCode, responsePhrase: paused.responseStatusText || undefined, responseHeaders, body: b64 });
  } catch (e) {
    (globalThis.verityTrace || []).push({ cspInstallError: String(e && e.message || e), url: paused.request.url });
    return extra.some(h => h.name === CSP_HEADER) ? block() : pass();
  }
  return undefined;
}

// The eval guard of the document about to be created in `target` (a tab or a frame's session):
// registered with Page.addScriptToEvaluateOnNewDocument, which runs it in every new document of
// that target before any of the page's scripts (it does nothing outside `origin`); the previous
// one of the target is removed. true when registered.
const guards = new Map();   // `${tabId}|${sessionId}` -> script identifier
async function installEvalGuard(send, target, tabId, origin, hashes) {
  const key = `${tabId}|${target.sessionId || ''}`;
  const old = guards.get(key);
  if (old) await send(target, 'Page.removeScriptToEvaluateOnNewDocument', { identifier: old }).catch(() => {});
  guards.delete(key);
  try {
    const r = await send(target, 'Page.addScriptToEvaluateOnNewDocument', { source: evalGuardSource(origin, hashes) });
    if (!r || !r.identifier) return false;
    guards.set(key, r.identifier);
    if (guards.size > 500) guards.delete(guards.keys().next().value);
    return true;
  } catch (e) {
    (globalThis.verityTrace || []).push({ evalGuardError: String(e && e.message || e), origin });
    return false;
  }
}
