// Content script (classic script, document_start, all frames) for today's WAICT drafts:
//  - CSP violations: `securitypolicyviolation` events (trusted ones only) are kept from the first
//    moment of the document, and sent to the background (Msg.PAGE_CSP_VIOLATION) once it answered
//    that the tab's site is checked; the background keeps only violations of the policy Verity
//    installed (lib/csp.js) and asks the host (`inline_violation`). On any other site nothing is
//    sent: the buffer is dropped and the listener removed after the local "not checked" answer.
//  - The warn notice (top frame only): a small, non-blocking banner when a check of a warn-mode
//    category failed (the page stays usable; it can be dismissed). Shown from the hello answer or
//    from Msg.WARN_NOTICE sent by the background.
// Message strings must equal Msg.PAGE_HELLO / PAGE_CSP_VIOLATION / WARN_NOTICE in lib/messages.js.
(() => {
  const api = globalThis.browser || globalThis.chrome;
  const PAGE_HELLO = 'verity/page-hello';
  const PAGE_CSP_VIOLATION = 'verity/page-csp-violation';
  const WARN_NOTICE = 'verity/warn-notice';
  const MAX_BUFFER = 200;
  let checked = null;            // null: not answered yet
  let buffer = [];
  let timer = 0;

  function flush() {
    timer = 0;
    if (checked !== true || buffer.length === 0) return;
    const items = buffer.splice(0, 50);
    api.runtime.sendMessage({ type: PAGE_CSP_VIOLATION, items }).catch(() => {});
    if (buffer.length) timer = setTimeout(flush, 0);
  }

  function onViolation(e) {
    if (!e.isTrusted || checked === false) return;
    if (buffer.length >= MAX_BUFFER) return;
    buffer.push({ effectiveDirective: String(e.effectiveDirective || ''), blockedURI: String(e.blockedURI || ''), disposition: String(e.disposition || ''),
      originalPolicy: String(e.originalPolicy || '').slice(0, 65536), documentURI: String(e.documentURI || ''), sample: String(e.sample || '').slice(0, 40) });
    if (checked === true && !timer) timer = setTimeout(flush, 50);
  }
  window.addEventListener('securitypolicyviolation', onViolation, true);

  let notice = null;
  function showNotice(count) {
    if (window !== window.top || !(count > 0)) return;
    const root = document.documentElement;
    if (!root) { document.addEventListener('DOMContentLoaded', () => showNotice(count), { once: true }); return; }
    if (!notice) {
      notice = document.createElement('verity-warn-notice');
      const shadow = notice.attachShadow({ mode: 'closed' });
      shadow.innerHTML = '<style>:host{all:initial;position:fixed;z-index:2147483647;left:12px;bottom:12px;max-width:420px}' +
        'div{font:13px/1.4 system-ui,sans-serif;background:#fff4e5;color:#4a2800;border:1px solid #e65100;border-radius:6px;padding:8px 30px 8px 10px;box-shadow:0 2px 8px rgba(0,0,0,.2)}' +
        'button{position:absolute;top:4px;right:6px;border:0;background:none;font-size:16px;cursor:pointer;color:#4a2800}</style>' +
        '<div role="status"><b>Verity warning:</b> <span></span><button title="Dismiss" aria-label="Dismiss">×</button></div>';
      shadow.querySelector('button').onclick = () => { notice.hidden = true; };
      notice.text = shadow.querySelector('span');
      root.append(notice);
    }
    notice.hidden = false;
    notice.dataset.count = String(count);
    notice.text.textContent = `this site failed ${count} integrity check${count === 1 ? '' : 's'} (warn mode). It was loaded anyway; ` +
      'its code may not be what its operator published.';
  }

  api.runtime.onMessage.addListener((m, sender) => {
    if (!sender || sender.id !== api.runtime.id || sender.tab || !m || m.type !== WARN_NOTICE) return undefined;
    if (checked === true) showNotice(m.warn);
    return undefined;
  });

  api.runtime.sendMessage({ type: PAGE_HELLO }).then(reply => {
    checked = !!(reply && reply.checked);
    if (!checked) { window.removeEventListener('securitypolicyviolation', onViolation, true); buffer = []; return; }
    flush();
    if (reply.warn > 0) showNotice(reply.warn);
  }).catch(() => { checked = false; buffer = []; });
})();
