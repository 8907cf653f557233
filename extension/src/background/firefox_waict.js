// Firefox side of background/waict.js: the synthesised CSP on a checked document's response.

// The response headers of a checked document (top-level, or a frame of the checked origin) with
// the host's CSP appended to the site's own (returned from the blocking onHeadersReceived, so the
// policy is in place before the document parses), or null when there is none to install.
export async function documentResponseHeaders(core, d, origin) {
  const extra = core.waict.documentHeaders(d.tabId, await core.waict.cspFor(origin));
  return extra.length ? [...(d.responseHeaders || []), ...extra] : null;
}
