// TEST ONLY — added to the staged extension by tests/browser (never to extension/manifest.*.json).
// Firefox's WebDriver BiDi may not open moz-extension:// pages, so the tests reach the background
// through this content script: window.postMessage({verityTest:'req', id, op, args}) -> reply
// posted back as {verityTest:'res', id, ok|err}. The background accepts 'verity/test-call' only
// when this script is listed in its own manifest (background/main.js).
window.addEventListener('message', async e => {
  if (e.source !== window || !e.data || e.data.verityTest !== 'req') return;
  let reply;
  try { reply = { ok: await browser.runtime.sendMessage({ type: 'verity/test-call', op: e.data.op, args: e.data.args || [] }) }; }
  catch (err) { reply = { err: String(err) }; }
  window.postMessage({ verityTest: 'res', id: e.data.id, ...reply }, '*');
});
