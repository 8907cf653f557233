// Chromium side of background/waict.js: the synthesised CSP on a checked document's response.
import { headerArray, CSP_HEADER } from '../lib/csp.js';

// A checked document (top-level or a frame of the checked origin) the verdict lets through: its
// response goes on with the host's CSP appended to the site's own headers (Fetch.continueResponse
// with responseHeaders, before the renderer parses a byte). Without a CSP to install: pass().
// If Chromium refuses the headers, an enforced policy is not silently dropped: the document fails.
export async function continueDocument({ core, send, target, requestId, paused, tabId, origin, res, pass, block }) {
  const csp = res.csp || await core.waict.cspFor(origin);
  const extra = core.waict.documentHeaders(tabId, csp);
  if (!extra.length) return pass();
  const responseHeaders = [...headerArray(paused.responseHeaders || []), ...extra.map(h => ({ name: h.name, value: h.value }))];
  try {
    await send(target, 'Fetch.continueResponse', { requestId, responseCode: paused.responseStatusCode, responseHeaders });
  } catch (e) {
    (globalThis.verityTrace || []).push({ cspInstallError: String(e && e.message || e), url: paused.request.url });
    return extra.some(h => h.name === CSP_HEADER) ? block() : pass();
  }
  return undefined;
}
