// MAIN-world content script (classic, document_start, all frames), registered by
// background/wasm_guard.js only for the hosts of checked sites (nothing runs anywhere else).
// The WAICT drafts check WebAssembly on "the raw module bytes regardless of how they were
// obtained"; the network checks (a body starting with \0asm is `wasm`) only see fetched bytes. This
// script checks the bytes a page compiles from (built in JS, decoded from fetched data, a made-up
// Response), before the engine sees them:
//   WebAssembly.compile / instantiate (bytes)      the bytes are copied, hashed (SHA-256) and asked
//   compileStreaming / instantiateStreaming        (content/waict_page.js -> background -> host,
//                                                  destination `wasm`): a block refuses the call
//                                                  with a CompileError; the copy is what compiles
//   new WebAssembly.Module (bytes), synchronous    refused (CompileError): no answer can be waited for
//   instantiate(module) / new WebAssembly.Instance a Module this script did not compile after a
//                                                  check (postMessage'd from a worker or a frame) is
//                                                  refused (LinkError)
// The two refusals apply where the site's wasm category is enforced (or its state is not known
// yet); in report/warn mode the call goes ahead and is reported. Both are sent to the background
// (the tab's recent rows and counts). On a frame the background says is not checked, every call
// goes straight to the browser's own functions, with no hash.
// In a Chromium worker of a checked site, background/workers_chromium.js evaluates this file before
// the worker's first script, with a CDP binding (Runtime.addBinding) as the bridge (and again before
// each script: a worker started again has a new global; evaluated with no bridge, it refuses every
// compile). In Firefox,
// background/firefox.js puts it in front of a checked site's dedicated worker script (after that
// script's own check), and the worker asks through its parent: postMessage({__verityWasm}) is
// answered with {__verityWasmAnswer} by the parent's Worker wrapper (below).
// In a frame, the bridge is two synchronous DOM events with string details (they cross worlds in
// both browsers):
//   verity-wasm-q  {id?, op:"state"|"check"|"refused", sha256?, size?, url?, why?}  MAIN -> isolated
//   verity-wasm-a  {op:"state", state:"off"|"enforce"|"lax"|null} or {id, allow, checked, reason}
// Bounds: this guards a page against bytes it did not expect, not against its own (verified) code,
// which could take a fresh WebAssembly from a new frame; workers are covered by their own checks
// (docs/threat-model.md). Event names must equal WASM_Q / WASM_A in content/waict_page.js.
(() => {
  const WA = globalThis.WebAssembly;
  if (!WA || WA.__verityGuard) return;
  const Q = 'verity-wasm-q';
  const A = 'verity-wasm-a';
  const orig = { compile: WA.compile, instantiate: WA.instantiate, Module: WA.Module, Instance: WA.Instance };
  const { CompileError, LinkError } = WA;
  const digest = crypto.subtle.digest.bind(crypto.subtle);
  const dispatch = EventTarget.prototype.dispatchEvent;
  const listen = EventTarget.prototype.addEventListener;
  const CE = globalThis.CustomEvent;
  const U8 = Uint8Array;
  const parse = JSON.parse;
  const str = JSON.stringify;
  const checkedModules = new WeakSet();
  const waiting = new Map();
  let seq = 0;
  let lastState = null;

  const answered = json => {
    let m;
    try { m = parse(String(json)); } catch (_) { return; }
    if (m.op === 'state') { lastState = m.state; return; }
    const w = waiting.get(m.id);
    if (w) { waiting.delete(m.id); w(m); }
  };
  // The bridge: in a worker of a checked site (Chromium), the debugger session's binding and the
  // state it was told at attach; in a frame, the DOM events to content/waict_page.js.
  const binding = globalThis.__verityWasmBinding;
  let send, frameState;
  if (typeof binding === 'function') {
    const workerState = String(globalThis.__verityWasmState);
    delete globalThis.__verityWasmBinding;
    delete globalThis.__verityWasmState;
    Object.defineProperty(globalThis, '__verityWasmAnswer', { value: answered });
    send = m => binding(str(m));
    frameState = () => workerState;
  } else if (globalThis.__verityWasmRelay === true) {
    // A dedicated worker whose script background/firefox.js prefixed with this file: its parent's
    // guard (the Worker wrapper below) relays; its own listener comes before the worker's script's.
    const workerState = String(globalThis.__verityWasmState);
    delete globalThis.__verityWasmRelay;
    delete globalThis.__verityWasmState;
    const post = globalThis.postMessage.bind(globalThis);
    listen.call(globalThis, 'message', e => {
      const d = e.data;
      if (d && typeof d === 'object' && typeof d.__verityWasmAnswer === 'string') { e.stopImmediatePropagation(); answered(d.__verityWasmAnswer); }
    });
    send = m => post({ __verityWasm: str(m) });
    frameState = () => workerState;
  } else if (typeof globalThis.__verityWasmState === 'string') {
    // Evaluated by Verity in a worker of a checked site whose bridge is gone (a worker started
    // again without its binding): nothing can be asked, so every check is a refusal (fail closed).
    const workerState = String(globalThis.__verityWasmState);
    delete globalThis.__verityWasmState;
    send = null;
    frameState = () => workerState;
  } else if (typeof document === 'object' && document) {
    listen.call(document, A, e => answered(e.detail), true);
    send = m => dispatch.call(document, new CE(Q, { detail: str(m) }));
    // 'off' (not checked), 'enforce' (wasm enforced), 'lax' (report/warn) or null (not known
    // yet), read synchronously.
    frameState = () => { lastState = null; send({ op: 'state' }); return lastState; };
  } else {
    return;
  }
  // An answer that does not come within ASK_MS (no relay, background gone) is a refusal.
  const ASK_MS = 15000;
  function ask(m) {
    if (!send) return Promise.resolve({ allow: false, reason: 'verifier_unavailable' });
    return new Promise(resolve => {
      const id = ++seq;
      const timer = setTimeout(() => { waiting.delete(id); resolve({ id, allow: false, reason: 'verifier_unavailable' }); }, ASK_MS);
      waiting.set(id, a => { clearTimeout(timer); resolve(a); });
      send({ ...m, id });
    });
  }
  // true when the call must be refused; reported either way.
  function refuse(why, state) {
    if (send) send({ op: 'refused', why, url: location.href, lax: state === 'lax' });
    return state !== 'lax';
  }

  function copyOf(src) {
    if (src instanceof ArrayBuffer) return new U8(src.slice(0));
    if (ArrayBuffer.isView(src)) return new U8(src.buffer.slice(src.byteOffset, src.byteOffset + src.byteLength));
    if (typeof SharedArrayBuffer === 'function' && src instanceof SharedArrayBuffer) return new U8(new U8(src).slice(0));
    return null;
  }
  // base64 (RFC 4648 §4, padded) of a digest; no btoa: a worker's guard may run before its scope
  // has one.
  const ABC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  function b64(buf) {
    const b = new U8(buf);
    let s = '';
    for (let i = 0; i < b.length; i += 3) {
      const n = (b[i] << 16) | ((b[i + 1] || 0) << 8) | (b[i + 2] || 0);
      s += ABC[n >> 18] + ABC[(n >> 12) & 63] + (i + 1 < b.length ? ABC[(n >> 6) & 63] : '=') + (i + 2 < b.length ? ABC[n & 63] : '=');
    }
    return s;
  }

  // The checked copy of `bytes`, or a rejection. url: where the bytes came from, if known.
  async function checked(bytes, url) {
    const copy = copyOf(bytes);
    if (!copy) return { bytes };                 // not bytes: the browser's own TypeError
    if (frameState() === 'off') return { bytes: copy };
    const sha256 = b64(await digest('SHA-256', copy));
    const a = await ask({ op: 'check', sha256, size: copy.byteLength, url: url || location.href });
    if (a.checked === false) return { bytes: copy };
    if (a.allow === true) return { bytes: copy, verified: true };
    return { error: new CompileError(`Verity: this WebAssembly module is not in the site's manifest (${a.reason || 'blocked'})`) };
  }
  const mark = (m, verified) => { if (verified) checkedModules.add(m); return m; };
  const isModule = v => v instanceof orig.Module;
  function foreign(module) {
    const state = checkedModules.has(module) ? 'off' : frameState();
    if (state === 'off' || !refuse('foreign_module', state)) return null;
    return new LinkError('Verity: a WebAssembly.Module compiled elsewhere (postMessage, another frame or worker) was not checked here');
  }

  // `options`: the JS API's compile options (e.g. builtins), passed on as given.
  async function compile(bytes, ...options) {
    const c = await checked(bytes);
    if (c.error) throw c.error;
    return mark(await orig.compile.call(WA, c.bytes, ...options), c.verified);
  }
  async function instantiate(source, imports, ...options) {
    if (isModule(source)) {
      const e = foreign(source);
      if (e) throw e;
      return orig.instantiate.call(WA, source, imports);
    }
    const c = await checked(source);
    if (c.error) throw c.error;
    const module = mark(await orig.compile.call(WA, c.bytes, ...options), c.verified);
    return { module, instance: await orig.instantiate.call(WA, module, imports) };
  }
  async function fromResponse(source) {
    const r = await source;
    if (!(r instanceof Response)) throw new TypeError('WebAssembly: the argument is not a Response');
    const type = (r.headers.get('content-type') || '').split(';')[0].trim().toLowerCase();
    if (type !== 'application/wasm') throw new TypeError(`WebAssembly: Incorrect response MIME type. Expected 'application/wasm'.`);
    if (!r.ok) throw new TypeError('WebAssembly: HTTP status of the response is not ok');
    return { bytes: await r.arrayBuffer(), url: r.url };
  }
  async function compileStreaming(source, ...options) {
    const { bytes, url } = await fromResponse(source);
    const c = await checked(bytes, url);
    if (c.error) throw c.error;
    return mark(await orig.compile.call(WA, c.bytes, ...options), c.verified);
  }
  async function instantiateStreaming(source, imports, ...options) {
    const module = await compileStreaming(source, ...options);
    return { module, instance: await orig.instantiate.call(WA, module, imports) };
  }
  function Module(bytes, ...options) {
    if (!new.target) throw new TypeError("WebAssembly.Module must be invoked with 'new'");
    const state = frameState();
    if (state === 'off') return Reflect.construct(orig.Module, [bytes, ...options], new.target);
    if (!refuse('sync_compile', state)) return mark(Reflect.construct(orig.Module, [bytes, ...options], new.target), true);   // reported once
    throw new CompileError('Verity: a synchronous WebAssembly.Module cannot be checked on this site; use WebAssembly.compile or instantiate');
  }
  Module.prototype = orig.Module.prototype;
  for (const k of ['exports', 'imports', 'customSections']) Module[k] = orig.Module[k];
  function Instance(module, imports) {
    if (!new.target) throw new TypeError("WebAssembly.Instance must be invoked with 'new'");
    const e = isModule(module) ? foreign(module) : null;
    if (e) throw e;
    return Reflect.construct(orig.Instance, [module, imports], new.target);
  }
  Instance.prototype = orig.Instance.prototype;

  // Firefox: a dedicated worker's guard asks through its Worker object (the relay transport above);
  // this wrapper's listener, added at construction, comes before any of the page's own.
  const OrigWorker = globalThis.Worker;
  function Worker(...args) {
    if (!new.target) throw new TypeError("Worker constructor: 'new' is required");
    const w = Reflect.construct(OrigWorker, args, new.target);
    listen.call(w, 'message', e => {
      const d = e.data;
      if (!d || typeof d !== 'object' || typeof d.__verityWasm !== 'string') return;
      e.stopImmediatePropagation();
      let m;
      try { m = parse(d.__verityWasm); } catch (_) { return; }
      if (m.op === 'refused') { if (send) send({ op: 'refused', why: String(m.why), url: String(m.url), lax: m.lax === true }); return; }
      if (m.op !== 'check') return;
      ask({ op: 'check', sha256: m.sha256, size: m.size, url: m.url })
        .then(a => w.postMessage({ __verityWasmAnswer: str({ ...a, id: m.id }) }));
    });
    return w;
  }
  if (typeof OrigWorker === 'function') {
    Worker.prototype = OrigWorker.prototype;
    Object.defineProperty(globalThis, 'Worker', { value: Worker, writable: true, configurable: true, enumerable: false });
  }

  const define = (k, v) => Object.defineProperty(WA, k, { value: v, writable: true, configurable: true, enumerable: false });
  define('compile', compile);
  define('instantiate', instantiate);
  if (WA.compileStreaming) define('compileStreaming', compileStreaming);
  if (WA.instantiateStreaming) define('instantiateStreaming', instantiateStreaming);
  define('Module', Module);
  define('Instance', Instance);
  Object.defineProperty(WA, '__verityGuard', { value: true });
})();
