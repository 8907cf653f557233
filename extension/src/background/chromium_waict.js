// Chromium side of background/waict.js: the synthesised CSP on a checked document's response.
import { headerArray, CSP_HEADER } from '../lib/csp.js';
import { base64FromBytes } from '../lib/bytes.js';

// A checked document (top-level or a frame of the checked origin) the verdict lets through: its
// response is delivered with the host's CSP appended to the site's own headers, before the renderer
// parses a byte: Fetch.fulfillRequest with the same status, headers + ours, and the very body that
// was verified (measured in Chromium 156: headers given to Fetch.continueResponse reach the network
// log but a CSP among them is not enforced; fulfillRequest's are). Without a CSP to install:
// pass(). If Chromium refuses, an enforced policy is not silently dropped: the document fails.
export async function continueDocument({ core, send, target, requestId, paused, tabId, origin, res, pass, block }) {
  const csp = res.csp || await core.waict.cspFor(origin);
  const extra = core.waict.documentHeaders(tabId, csp);
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
