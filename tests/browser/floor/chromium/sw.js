// Benchmark floor (README.md): the interception Verity's Chromium path needs, with no work on top
// (the same mechanism as extension/src/background/chromium.js and lib/nostore.js's TAB rule).
const attached = new Set();
const send = (target, method, params = {}) => chrome.debugger.sendCommand(target, method, params);

// Attaches to every https tab (the benchmark calls this once, after its first load).
globalThis.floorAttachAll = async () => {
  for (const tab of await chrome.tabs.query({})) {
    if (!/^https:/.test(tab.url || '') || attached.has(tab.id)) continue;
    const target = { tabId: tab.id };
    await chrome.debugger.attach(target, '1.3');
    // As Verity (issue #12): one-shot memory-cache eviction, HTTP cache on, Blink sees no-store;
    // Network stays enabled (Verity needs it for certificates).
    await send(target, 'Network.setCacheDisabled', { cacheDisabled: true });
    await send(target, 'Network.setCacheDisabled', { cacheDisabled: false });
    await send(target, 'Network.enable', { maxTotalBufferSize: 0, maxResourceBufferSize: 0 });
    await send(target, 'Fetch.enable', { patterns: [{ urlPattern: '*', requestStage: 'Response' }] });
    attached.add(tab.id);
  }
  await chrome.declarativeNetRequest.updateSessionRules({ removeRuleIds: [2], addRules: [{ id: 2, priority: 1,
    action: { type: 'modifyHeaders', responseHeaders: [{ header: 'cache-control', operation: 'set', value: 'no-store' }] },
    condition: { tabIds: [...attached], resourceTypes: ['stylesheet', 'script', 'image', 'font', 'object', 'xmlhttprequest', 'media', 'other'] } }] });
  return attached.size;
};

chrome.debugger.onEvent.addListener(async (source, method, p) => {
  if (method !== 'Fetch.requestPaused') return;
  const target = source.sessionId ? { tabId: source.tabId, sessionId: source.sessionId } : { tabId: source.tabId };
  const status = p.responseStatusCode;
  if (status !== undefined && !(status >= 300 && status < 400) && status !== 204 && status !== 304) {
    await send(target, 'Fetch.getResponseBody', { requestId: p.requestId }).catch(() => {});
  }
  await send(target, 'Fetch.continueResponse', { requestId: p.requestId })
    .catch(() => send(target, 'Fetch.continueRequest', { requestId: p.requestId }).catch(() => {}));
});
