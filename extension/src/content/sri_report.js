// Content script (classic script, document_start, all frames). Reports the integrity attributes of
// <script src> and <link href> elements to the background, which computes the SHA-384/512 digests
// the host needs to check SRI. It first asks the background whether the tab's site is checked (a
// local answer from the extension's cache; nothing reaches the host): on any other site it does
// nothing more. Message strings must equal Msg.PAGE_HELLO / Msg.PAGE_SRI in lib/messages.js.
(() => {
  const api = globalThis.browser || globalThis.chrome;
  const PAGE_HELLO = 'verity/page-hello';
  const PAGE_SRI = 'verity/page-sri';
  const seen = new Set();
  let queue = [];
  let flushTimer = 0;

  function collect(el) {
    if (!el || el.nodeType !== 1) return;
    const tag = el.localName;
    if (tag !== 'script' && tag !== 'link') return;
    const integrity = el.getAttribute('integrity');
    if (!integrity) return;
    const ref = tag === 'script' ? el.src : el.href;
    if (!ref || seen.has(ref + ' ' + integrity)) return;
    seen.add(ref + ' ' + integrity);
    queue.push({ url: ref, integrity });
    if (!flushTimer) flushTimer = setTimeout(flush, 0);
  }

  function flush() {
    flushTimer = 0;
    if (queue.length === 0) return;
    const items = queue;
    queue = [];
    api.runtime.sendMessage({ type: PAGE_SRI, items }).catch(() => {});
  }

  api.runtime.sendMessage({ type: PAGE_HELLO }).then(reply => {
    if (!reply || !reply.checked) return;
    document.querySelectorAll('script[integrity], link[integrity]').forEach(collect);
    new MutationObserver(records => {
      for (const r of records) {
        if (r.type === 'attributes') collect(r.target);
        for (const n of r.addedNodes || []) {
          collect(n);
          if (n.querySelectorAll) n.querySelectorAll('script[integrity], link[integrity]').forEach(collect);
        }
      }
    }).observe(document, { childList: true, subtree: true, attributes: true, attributeFilter: ['integrity', 'src', 'href'] });
  }).catch(() => {});
})();
