// Content script (classic script, document_start, all frames) for today's WAICT drafts:
//  - CSP violations: `securitypolicyviolation` events (trusted ones only) are kept from the first
//    moment of the document, and sent to the background (Msg.PAGE_CSP_VIOLATION) once it answered
//    that the tab's site is checked; the background keeps only violations of the policy Verity
//    installed (lib/csp.js) and asks the host (`inline_violation`). On any other site nothing is
//    sent: the buffer is dropped and the listener removed after the local "not checked" answer.
//  - The warn notice (top frame only): a small, non-blocking banner when a check of a warn-mode
//    category failed (the page stays usable; it can be dismissed). Shown from the hello answer or
//    from Msg.WARN_NOTICE sent by the background.
//  - The isolated end of content/wasm_guard.js (registered in the MAIN world of checked hosts only):
//    answers its synchronous "is this frame checked?" from the hello answer, and sends the SHA-256 of
//    the bytes it is about to compile to the background (Msg.PAGE_WASM), which asks the host.
// Message strings must equal Msg.PAGE_HELLO / PAGE_CSP_VIOLATION / WARN_NOTICE / PAGE_WASM in
// lib/messages.js.
(() => {
  const api = globalThis.browser || globalThis.chrome;
  const PAGE_HELLO = 'verity/page-hello';
  const PAGE_CSP_VIOLATION = 'verity/page-csp-violation';
  const WARN_NOTICE = 'verity/warn-notice';
  const PAGE_WASM = 'verity/page-wasm';
  const WASM_Q = 'verity-wasm-q';
  const WASM_A = 'verity-wasm-a';
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

  // ---- WebAssembly bytes (content/wasm_guard.js) ----
  let wasmState = null;            // 'off' | 'enforce' | 'lax' (report/warn); null while unknown or when the hello failed
  const helloWaiters = [];
  const answer = m => document.dispatchEvent(new CustomEvent(WASM_A, { detail: JSON.stringify(m) }));
  async function wasmCheck(q) {
    if (wasmState === null) await new Promise(resolve => helloWaiters.push(resolve));
    if (wasmState === 'off') return { checked: false };
    if (wasmState === null) return { allow: false, reason: 'verifier_unavailable' };
    const reply = await api.runtime.sendMessage({ type: PAGE_WASM, op: 'check', sha256: q.sha256, size: q.size, url: q.url }).catch(() => null);
    return reply && reply.ok ? { allow: reply.allow === true, checked: reply.checked, reason: reply.reason } : { allow: false, reason: 'verifier_unavailable' };
  }
  document.addEventListener(WASM_Q, e => {
    let q;
    try { q = JSON.parse(String(e.detail)); } catch (_) { return; }
    if (!q || typeof q !== 'object') return;
    if (q.op === 'state') { answer({ op: 'state', state: wasmState }); return; }
    if (q.op === 'refused') {
      if (wasmState !== 'off') api.runtime.sendMessage({ type: PAGE_WASM, op: 'refused', why: String(q.why), url: String(q.url), lax: q.lax === true }).catch(() => {});
      return;
    }
    if (q.op === 'check' && Number.isInteger(q.id)) wasmCheck(q).then(a => answer({ ...a, id: q.id }));
  }, true);

  api.runtime.sendMessage({ type: PAGE_HELLO }).then(reply => {
    checked = !!(reply && reply.checked);
    wasmState = !checked ? 'off' : reply.wasm === 'enforce' ? 'enforce' : 'lax';
    helloWaiters.splice(0).forEach(f => f());
    if (!checked) { window.removeEventListener('securitypolicyviolation', onViolation, true); buffer = []; return; }
    flush();
    if (reply.warn > 0) showNotice(reply.warn);
  }).catch(() => { checked = false; buffer = []; helloWaiters.splice(0).forEach(f => f()); });
})();
