#!/usr/bin/env python3
"""Adds the route fixtures of tests/browser/routes.test.mjs (issue #9) to a site made by make_site.py
and merges their entries into its manifest (ROOT/manifest.json: JSON line + proof line).

Every tampered twin's only effect is a request to /marker/<name> (server.py logs it; the tests
assert the server saw none), and every good twin requests /marker/good-<name> (the tests assert it
ran). A "tampered" resource is listed with the hash of its good twin and served with other bytes.

  /r/good.html /r/good.js                 a listed page and script (marker good-js)
  /r/evil-script.html -> /r/evil.js       listed good, served tampered (marker evil-js)
  /r/evil-doc.html                        document listed with another hash (marker evil-doc)
  /r/links.html, /r/open.html             pages of the unenrolled site with links / window.open
  /s3xx/NNN/...                           served with status NNN and a Location header (server.py)
  /r/s3xx-*.html                          top-level / frame / script bodies of 300 and 399 responses
  /r/embed-*.html /r/emb-*.html /r/e.svg  <embed type=text/html> and <embed type=image/svg+xml>
  /octet/*.bin                            WebAssembly served as application/octet-stream (server.py)
  /octet/*.b64, /r/wasmjs-*.html          WebAssembly built in JS from base64 text (compile, instantiate,
                                          instantiateStreaming of a made-up Response, sync Module, a
                                          Module posted by a worker)
  /wasmct/ok.js                           a listed script served as application/wasm
  /r/spec-*.html                          speculation rules (prerender) of a tampered page
  /r/nested-*.html, /r/shared-*.html      a worker started by a worker; a shared worker's importScripts
  /r/held-*, /lp/*.html                   routes already held (dynamic import, modulepreload, Link
                                          preload header, redirect to an unlisted script, audio
                                          worklet, worker importScripts, shared worker main script,
                                          module worker import)
  /sw/*, /r/sw*.html                      service workers: registration, update, importScripts, one
                                          installed while the site was off (sw-update-v2.json: update bytes),
                                          one that instantiates WebAssembly it fetched itself
usage: make_routes.py ROOT"""
import base64, hashlib, json, os, sys

ROOT = sys.argv[1]
files, listed, wasm_listed = {}, {}, []


SAME = object()
enc = lambda b: b.encode() if isinstance(b, str) else b


def add(path, served, listed_as=SAME):
    """Serve `served` at path; the manifest lists path with the hash of listed_as (SAME: of served; None: unlisted)."""
    files[path] = enc(served)
    if listed_as is not None:
        listed[path] = files[path] if listed_as is SAME else enc(listed_as)


HEAD = '<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,">'
PRELUDE = ('<script>window.R = {}; const done = () => { R.done = true; document.title = "done"; };'
           'const M = n => fetch("/marker/" + n, { cache: "no-store" }).catch(() => {});</script>')
MARK = 'fetch("/marker/{0}", {{ cache: "no-store" }}).catch(() => {{}});'


def page(title, body, script='done();'):
    return f'{HEAD}<title>{title}</title>{PRELUDE}<body><h1>{title}</h1>{body}<script>{script}</script></body>'


def js(name):
    return f'window.R = window.R || {{}}; window.R.js = "{name}"; ' + MARK.format(name) + '\n'


def twin(path, good_name, evil_name, make):
    """A resource listed with the bytes of make(good_name) and served as make(evil_name)."""
    add(path, make(evil_name), listed_as=make(good_name))


# 1. fresh tabs, links, restart
add('/r/good.js', js('good-js'))
twin('/r/evil.js', 'good-js', 'evil-js', js)
add('/r/good.html', page('good', '<script src="/r/good.js"></script>', 'addEventListener("load", done);'))
add('/r/evil-script.html', page('evil script', '<script src="/r/evil.js" onerror="R.scriptError = true"></script>',
                                'addEventListener("load", done);'))
twin('/r/evil-doc.html', 'good-doc', 'evil-doc', lambda n: page('doc', '', MARK.format(n) + 'done();'))
# pages of the unenrolled site (served by the `plain` origin): links to ?to=URL
add('/r/links.html', page('links', '<a id="a" href="#">same tab</a> <a id="b" target="_blank" href="#">new tab</a>',
                          'const to = new URLSearchParams(location.search).get("to"); a.href = to; b.href = to; done();'), None)

# 2. 3xx bodies: /s3xx/NNN/<file> is served with status NNN and `Location: /r/good.html`
DOC3 = lambda n: page('3xx body', '', MARK.format(n) + 'done();')
for code in ('300', '399'):
    add(f'/s3xx/{code}/good.html', DOC3(f'good-{code}'))
    twin(f'/s3xx/{code}/evil.html', f'good-{code}', f'evil-{code}', DOC3)
    add(f'/s3xx/{code}/good.js', js(f'good-js-{code}'))
    twin(f'/s3xx/{code}/evil.js', f'good-js-{code}', f'evil-js-{code}', js)
    add(f'/r/s3xx-frame-good-{code}.html', page('frame', f'<iframe src="/s3xx/{code}/good.html"></iframe>', 'setTimeout(done, 1500);'))
    add(f'/r/s3xx-frame-evil-{code}.html', page('frame', f'<iframe src="/s3xx/{code}/evil.html"></iframe>', 'setTimeout(done, 1500);'))
    add(f'/r/s3xx-script-good-{code}.html', page('script', f'<script src="/s3xx/{code}/good.js"></script>', 'setTimeout(done, 500);'))
    add(f'/r/s3xx-script-evil-{code}.html', page('script', f'<script src="/s3xx/{code}/evil.js"></script>', 'setTimeout(done, 500);'))

# 3. <embed> of a document and of an SVG image with script
EMB = lambda n: page('embedded', '', MARK.format(n))
add('/r/emb-good.html', EMB('good-embed'))
twin('/r/emb-evil.html', 'good-embed', 'evil-embed', EMB)
SVG = lambda n: (f'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>{MARK.format(n)}</script>'
                 '<rect width="10" height="10"/></svg>')
add('/r/good.svg', SVG('good-svg'))
twin('/r/evil.svg', 'good-svg', 'evil-svg', SVG)
for kind, src, typ in (('html', 'emb-{}.html', 'text/html'), ('svg', '{}.svg', 'image/svg+xml')):
    for which in ('good', 'evil'):
        add(f'/r/embed-{kind}-{which}.html', page('embed', f'<embed type="{typ}" src="/r/{src.format(which)}" width="50" height="50">',
                                                  'setTimeout(done, 1500);'))


# 4. WebAssembly by its bytes: (module (import "env" NAME (func)) (start 0)): its code calls env.NAME
def wasm_calling(name):
    n = name.encode()
    imp = bytes([0x01, 0x03]) + b'env' + bytes([len(n)]) + n + bytes([0x00, 0x00])
    return (b'\x00asm\x01\x00\x00\x00' + bytes([0x01, 0x04, 0x01, 0x60, 0x00, 0x00]) +
            bytes([0x02, len(imp)]) + imp + bytes([0x03, 0x02, 0x01, 0x00]) + bytes([0x08, 0x01, 0x01]) +
            bytes([0x0a, 0x06, 0x01, 0x04, 0x00, 0x10, 0x00, 0x0b]))


GOOD_WASM, EVIL_WASM = wasm_calling('good'), wasm_calling('evil')
add('/octet/good.bin', GOOD_WASM, None); wasm_listed.append(GOOD_WASM)
add('/octet/evil.bin', EVIL_WASM, None)                          # not in wasm_hashes
WASM_PAGE = '''(async () => {{
  const env = {{ good: () => M("good-wasm"), evil: () => M("evil-wasm") }};
  try {{ const r = await fetch("{0}"); await WebAssembly.instantiate(await r.arrayBuffer(), {{ env }}); R.wasm = "ran"; }}
  catch (e) {{ R.wasm = "error"; }}
  setTimeout(done, 300);
}})();'''
for which in ('good', 'evil'):
    add(f'/r/wasm-{which}.html', page('wasm', '', WASM_PAGE.format(f'/octet/{which}.bin')))
# 4b. WebAssembly from bytes never fetched as a module: base64 text (not \0asm, so no network check
# sees a module) decoded in JS and compiled by each API form; the guard (content/wasm_guard.js)
# checks the decoded bytes. A Module compiled in a worker and posted to the page is refused there.
add('/octet/good.b64', base64.b64encode(GOOD_WASM), None)
add('/octet/evil.b64', base64.b64encode(EVIL_WASM), None)
WASMJS_PAGE = '''(async () => {{
  const env = {{ good: () => M("good-wasmjs-{1}"), evil: () => M("evil-wasmjs-{1}") }};
  try {{
    const b64 = await (await fetch("/octet/{0}.b64", {{ cache: "no-store" }})).text();
    const bytes = Uint8Array.from(atob(b64), c => c.charCodeAt(0));
    {2}
    R.wasm = "ran";
  }} catch (e) {{ R.wasm = "error"; R.err = String(e); }}
  setTimeout(done, 300);
}})();'''
WASMJS_FORMS = {
    'inst': 'await WebAssembly.instantiate(bytes, { env });',
    'comp': 'await WebAssembly.instantiate(await WebAssembly.compile(bytes), { env });',
    'stream': 'await WebAssembly.instantiateStreaming(new Response(bytes, { headers: { "content-type": "application/wasm" } }), { env });',
    'sync': 'new WebAssembly.Instance(new WebAssembly.Module(bytes), { env });',
}
for form, call in WASMJS_FORMS.items():
    for which in ('good', 'evil'):
        add(f'/r/wasmjs-{form}-{which}.html', page('wasm from bytes', '', WASMJS_PAGE.format(which, form, call)))
add('/r/wasmw.js', '''onmessage = async e => {
  try { const b64 = await (await fetch(e.data, { cache: "no-store" })).text();
        postMessage(await WebAssembly.compile(Uint8Array.from(atob(b64), c => c.charCodeAt(0)))); }
  catch (err) { postMessage(String(err)); }
};
''')
WASMW_PAGE = '''const env = {{ good: () => M("good-wasmjs-posted"), evil: () => M("evil-wasmjs-posted") }};
const w = new Worker("/r/wasmw.js");
w.onmessage = async e => {{
  R.posted = e.data instanceof WebAssembly.Module ? "module" : String(e.data);
  try {{ await WebAssembly.instantiate(e.data, {{ env }}); R.wasm = "ran"; }} catch (err) {{ R.wasm = "error"; R.err = String(err); }}
  setTimeout(done, 300);
}};
w.postMessage("/octet/{0}.b64");'''
for which in ('good', 'evil'):
    add(f'/r/wasmjs-posted-{which}.html', page('posted module', '', WASMW_PAGE.format(which)))
# the same decoded bytes instantiated inside a dedicated worker (Chromium: the guard runs there too)
add('/r/wasmjsw.js', '''onmessage = async e => {
  const mark = n => fetch("/marker/" + n, { cache: "no-store" }).catch(() => {});
  const env = { good: () => mark("good-wasmjs-worker"), evil: () => mark("evil-wasmjs-worker") };
  try { const b64 = await (await fetch(e.data, { cache: "no-store" })).text();
        await WebAssembly.instantiate(Uint8Array.from(atob(b64), c => c.charCodeAt(0)), { env }); postMessage("ran"); }
  catch (err) { postMessage("error: " + err); }
};
''')
WASMJSW_PAGE = '''const w = new Worker("/r/wasmjsw.js");
w.onmessage = e => {{ R.wasm = e.data === "ran" ? "ran" : "error"; R.err = String(e.data); setTimeout(done, 300); }};
w.postMessage("/octet/{0}.b64");'''
for which in ('good', 'evil'):
    add(f'/r/wasmjs-worker-{which}.html', page('wasm in a worker', '', WASMJSW_PAGE.format(which)))
# ... and inside a shared worker
WASMJSS = '''onconnect = c => { const port = c.ports[0]; port.onmessage = async e => {
  const mark = n => fetch("/marker/" + n, { cache: "no-store" }).catch(() => {});
  const env = { good: () => mark("good-wasmjs-shared"), evil: () => mark("evil-wasmjs-shared") };
  try { const b64 = await (await fetch(e.data, { cache: "no-store" })).text();
        await WebAssembly.instantiate(Uint8Array.from(atob(b64), c => c.charCodeAt(0)), { env }); port.postMessage("ran"); }
  catch (err) { port.postMessage("error: " + err); }
}; };
'''
add('/r/wasmjss.js', WASMJSS)   # both twins start it (the second page's worker is a new one of the same URL)
WASMJSS_PAGE = '''const w = new SharedWorker("/r/wasmjss.js");
w.port.onmessage = e => {{ R.wasm = e.data === "ran" ? "ran" : "error"; R.err = String(e.data); setTimeout(done, 300); }};
w.port.postMessage("/octet/{0}.b64");'''
for which in ('good', 'evil'):
    add(f'/r/wasmjs-shared-{which}.html', page('wasm in a shared worker', '', WASMJSS_PAGE.format(which)))
# ... inside a module worker, by a module it imports (imports run before the main module's body)
for which in ('good', 'evil'):
    add(f'/r/wasmjsm-lib-{which}.js', f'''const mark = n => fetch("/marker/" + n, {{ cache: "no-store" }}).catch(() => {{}});
const env = {{ good: () => mark("good-wasmjs-modw"), evil: () => mark("evil-wasmjs-modw") }};
let out;
try {{ const b64 = await (await fetch("/octet/{which}.b64", {{ cache: "no-store" }})).text();
      await WebAssembly.instantiate(Uint8Array.from(atob(b64), c => c.charCodeAt(0)), {{ env }}); out = "ran"; }}
catch (err) {{ out = "error: " + err; }}
export default out;
''')
    add(f'/r/wasmjsm-{which}.js', f'import out from "/r/wasmjsm-lib-{which}.js";\npostMessage(out);\n')
    add(f'/r/wasmjs-modw-{which}.html', page('wasm in a module worker\'s import', '', f'''const w = new Worker("/r/wasmjsm-{which}.js", {{ type: "module" }});
w.onmessage = e => {{ R.wasm = e.data === "ran" ? "ran" : "error"; R.err = String(e.data); setTimeout(done, 300); }};
w.onerror = e => {{ R.wasm = "error"; R.err = "worker error: " + (e.message || e); setTimeout(done, 300); }};'''))
# ... inside a service worker the browser stopped and started again (the test stops it): on a
# message it decodes the bytes named by the message and instantiates them; `started` tells one run
# of the worker from the next
add('/sw/wasmjs/sw.js', '''const started = String(Date.now()) + "-" + Math.random();
const mark = n => fetch("/marker/" + n, { cache: "no-store" }).catch(() => {});
const env = { good: () => mark("good-wasmjs-swr"), evil: () => mark("evil-wasmjs-swr") };
self.addEventListener("install", () => self.skipWaiting());
self.addEventListener("activate", e => e.waitUntil(self.clients.claim()));
self.addEventListener("message", e => e.waitUntil((async () => {
  let out = "ping";
  if (e.data !== "ping") {
    try { const b64 = await (await fetch(e.data, { cache: "no-store" })).text();
          await WebAssembly.instantiate(Uint8Array.from(atob(b64), c => c.charCodeAt(0)), { env }); out = "ran"; }
    catch (err) { out = "error: " + err; }
  }
  e.source.postMessage({ started, out });
})()));
''')
add('/sw/wasmjs/page.html', page('service worker, stopped and started again', '', '''window.ask = what => new Promise(res => {
  navigator.serviceWorker.addEventListener("message", function h(e) { navigator.serviceWorker.removeEventListener("message", h); res(e.data); });
  navigator.serviceWorker.getRegistration("/sw/wasmjs/").then(r => (r.active || r.waiting || r.installing).postMessage(what));
});
(async () => {
  try { await navigator.serviceWorker.register("/sw/wasmjs/sw.js"); await navigator.serviceWorker.ready; R.reg = "ok"; }
  catch (e) { R.reg = "error: " + e.message; }
  done();
})();'''))
add('/wasmct/ok.js', js('good-wasmct'))                         # a listed script served as application/wasm
add('/r/wasmct.html', page('wasm content type', '<script src="/wasmct/ok.js"></script>', 'addEventListener("load", done);'))

# 5. speculation rules: prerender a tampered same-origin page, then follow the link
SPEC = lambda n: page('prerendered', '', MARK.format(n) + 'done();')
add('/r/spec-target-good.html', SPEC('good-spec'))
twin('/r/spec-target-evil.html', 'good-spec', 'evil-spec', SPEC)
for which in ('good', 'evil'):
    rules = json.dumps({'prerender': [{'source': 'list', 'urls': [f'/r/spec-target-{which}.html']}],
                        'prefetch': [{'source': 'list', 'urls': [f'/r/spec-target-{which}.html']}]})
    add(f'/r/spec-{which}.html', page('speculation', f'<script type="speculationrules">{rules}</script>'
                                      f'<a id="go" href="/r/spec-target-{which}.html">next</a>', 'setTimeout(done, 1500);'))

# 7. a dedicated worker started by a worker; a shared worker that importScripts()
WJS = lambda n: MARK.format(n) + '\n'
add('/r/inner-good.js', WJS('good-inner'))
twin('/r/inner-evil.js', 'good-inner', 'evil-inner', WJS)
add('/r/imp-good.js', WJS('good-import'))
twin('/r/imp-evil.js', 'good-import', 'evil-import', WJS)
for which in ('good', 'evil'):
    add(f'/r/outer-{which}.js', f'new Worker("/r/inner-{which}.js"); postMessage("outer");\n')
    add(f'/r/nested-{which}.html', page('nested worker', '', f'new Worker("/r/outer-{which}.js"); setTimeout(done, 1500);'))
    add(f'/r/shw-{which}.js', f'try {{ importScripts("/r/imp-{which}.js"); }} catch (e) {{}}\nonconnect = e => e.ports[0].postMessage("shared");\n')
    add(f'/r/shared-{which}.html', page('shared worker', '', f'new SharedWorker("/r/shw-{which}.js").port.start(); setTimeout(done, 1500);'))

# 8. service workers (each in its own folder: its default scope). A SW's top-level code sends its marker.
SW = lambda n, extra='': extra + MARK.format(n) + '\n'
REG = '''(async () => {{
  try {{ await navigator.serviceWorker.register("{0}"); R.reg = "ok"; }} catch (e) {{ R.reg = "error: " + e.message; }}
  setTimeout(done, 1000);
}})();'''
add('/sw/reg-good/sw.js', SW('good-swreg'))                              # registration
twin('/sw/reg-evil/sw.js', 'good-swreg', 'evil-swreg', SW)
add('/sw/imp-good.js', WJS('good-swimp'))                                 # importScripts of a listed SW
twin('/sw/imp-evil.js', 'good-swimp', 'evil-swimp', WJS)
for which in ('good', 'evil'):
    add(f'/r/swreg-{which}.html', page('sw registration', '', REG.format(f'/sw/reg-{which}/sw.js')))
    add(f'/sw/imp-{which}/sw.js', f'try {{ importScripts("/sw/imp-{which}.js"); }} catch (e) {{}}\n')
    add(f'/r/swimp-{which}.html', page('sw importScripts', '', REG.format(f'/sw/imp-{which}/sw.js')))
    # update: the test rewrites /sw/upd-WHICH/sw.js (and, for the good twin, its manifest entry), then
    # this page calls registration.update() (or registers the first version)
    add(f'/sw/upd-{which}/sw.js', SW(f'good-swv1-{which}'))
    add(f'/sw/upd-{which}/in-scope.html', page('in scope', '', 'setTimeout(done, 300);'))
    add(f'/r/swupd-{which}.html', page('sw update', '', f'''(async () => {{
  const r = await navigator.serviceWorker.getRegistration("/sw/upd-{which}/");
  try {{ if (r) {{ await r.update(); R.upd = "updated"; }} else {{ await navigator.serviceWorker.register("/sw/upd-{which}/sw.js"); R.upd = "registered"; }} }}
  catch (e) {{ R.upd = "error: " + e.message; }}
  setTimeout(done, 1000);
}})();'''))
UPD = {'good': SW('good-swupd', '// v2\n'), 'evil': SW('evil-swupd', '// v2\n')}   # the bytes the test writes
# installed while the site was switched off (or before it sent its header): answers /sw/pre/app.js
# and /sw/pre/doc.html itself; the network's copies are listed and send good-pre* markers. The same
# worker, listed, in /sw/made/ (registered while the site is checked; markers *-made*)
PRE_SW = ('''self.addEventListener("install", () => self.skipWaiting());
self.addEventListener("activate", e => e.waitUntil(clients.claim()));
self.addEventListener("fetch", e => {
  const p = new URL(e.request.url).pathname;
  if (p === "/sw/pre/app.js") e.respondWith(new Response('fetch("/marker/evil-prejs", { cache: "no-store" }); window.R.app = "sw";',
    { headers: { "content-type": "text/javascript" } }));
  else if (p === "/sw/pre/doc.html") e.respondWith(new Response('<!doctype html><title>sw doc</title><script>fetch("/marker/evil-predoc",'
    + ' { cache: "no-store" }); window.R = { done: true, doc: "sw" };</script>', { headers: { "content-type": "text/html" } }));
});
''')
# the listed worker's good side: at install it stores the listed /sw/made/cached.js in Cache
# Storage and answers it from there (its answer is the listed bytes: it must run)
MADE_CACHE = ('''self.addEventListener("install", e => e.waitUntil(caches.open("made").then(c => c.add("/sw/made/cached.js"))));
self.addEventListener("fetch", e => {
  if (new URL(e.request.url).pathname === "/sw/made/cached.js")
    e.respondWith(caches.match(e.request).then(r => r || new Response("window.R.cached = 'not in cache';", { headers: { "content-type": "text/javascript" } })));
});
''')
for d, tag in (('pre', 'pre'), ('made', 'made')):
    add(f'/sw/{d}/sw.js', PRE_SW.replace('/sw/pre/', f'/sw/{d}/').replace('-pre', f'-{tag}') + (MADE_CACHE if d == 'made' else ''))
add('/sw/pre/app.js', js('good-prejs'))
add('/sw/pre/page.html', page('pre app', '<script src="/sw/pre/app.js"></script>', 'addEventListener("load", () => setTimeout(done, 300));'))
add('/sw/pre/doc.html', page('pre doc', '', MARK.format('good-predoc') + 'done();'))
add('/sw/made/app.js', js('good-madejs'))
add('/sw/made/cached.js', 'window.R.cached = "ran"; ' + MARK.format('good-madecache') + '\n')
add('/sw/made/page.html', page('made app', '<script src="/sw/made/app.js"></script>', 'addEventListener("load", () => setTimeout(done, 300));'))
add('/sw/made/doc.html', page('made doc', '', MARK.format('good-madedoc') + 'done();'))
# a page that registers the listed worker, is claimed by it, then loads /sw/made/app.js
add('/sw/made/claim.html', page('claimed', '', '''(async () => {
  try {
    await navigator.serviceWorker.register("/sw/made/sw.js"); await navigator.serviceWorker.ready;
    if (!navigator.serviceWorker.controller) await new Promise(r => navigator.serviceWorker.addEventListener("controllerchange", r));
    R.ctl = !!navigator.serviceWorker.controller;
    const load = src => new Promise(res => { const s = document.createElement("script"); s.src = src; s.onload = s.onerror = res; document.body.append(s); });
    await load("/sw/made/app.js"); await load("/sw/made/cached.js"); setTimeout(done, 500);
  } catch (e) { R.reg = "error: " + e.message; done(); }
})();'''))
for d in ('pre', 'made'):
    add(f'/sw/{d}/reg.html', page('registration', '', f'''(async () => {{
  try {{ await navigator.serviceWorker.register("/sw/{d}/sw.js"); await navigator.serviceWorker.ready; R.reg = "ok"; }}
  catch (e) {{ R.reg = "error: " + e.message; }}
  setTimeout(done, 500);
}})();'''))

# a listed service worker that fetches a WebAssembly module itself and instantiates it in the worker
# (its fetch is outside any tab: Firefox type xmlhttprequest); /octet/sw-good.bin is the listed
# module, /octet/sw-evil.bin an unlisted one. The module calls env.good / env.evil; a refused fetch
# or compile sends note-swwasm-refused-WHICH.
add('/octet/sw-good.bin', GOOD_WASM, None)
add('/octet/sw-evil.bin', EVIL_WASM, None)
for which in ('good', 'evil'):
    add(f'/sw/wasm-{which}/sw.js', f'''const M = n => fetch("/marker/" + n, {{ cache: "no-store" }}).catch(() => {{}});
const env = {{ good: () => M("good-swwasm"), evil: () => M("evil-swwasm") }};
self.addEventListener("install", e => e.waitUntil((async () => {{
  try {{ const r = await fetch("/octet/sw-{which}.bin", {{ cache: "no-store" }}); await WebAssembly.instantiate(await r.arrayBuffer(), {{ env }}); }}
  catch (err) {{ await M("note-swwasm-refused-{which}"); }}
}})()));
''')
    add(f'/r/swwasm-{which}.html', page('sw wasm', '', REG.format(f'/sw/wasm-{which}/sw.js')))

# 10. scripts a page loads after the background restarted (listed / tampered)
add('/r/bg-good.js', js('good-bgjs'))
twin('/r/bg-evil.js', 'good-bgjs', 'evil-bgjs', js)

# 11. routes already held, each a pair (issue #9: "keep them held, with tests"): the tampered twin is
# listed with the good twin's bytes (or, for the redirect, not listed at all) and its only effect is
# a request to /marker/evil-held-NAME
WMARK = lambda n: f'fetch("/marker/{n}", {{ cache: "no-store" }}).catch(() => {{}});\n'   # no window in workers
HELD_DONE = 'addEventListener("load", () => setTimeout(done, 800));'
for which in ('good', 'evil'):
    # dynamic import() of a module
    add(f'/r/held-dyn-{which}.html', page('dynamic import', '', f'import("/r/held-dyn-{which}.js").then(() => {{ R.ok = 1; }}, () => {{ R.err = 1; }}).finally(() => setTimeout(done, 500));'))
    # <link rel=modulepreload>, then the module used
    add(f'/r/held-mp-{which}.html', page('modulepreload', f'<link rel="modulepreload" href="/r/held-mp-{which}.js"><script type="module" src="/r/held-mp-{which}.js"></script>', HELD_DONE))
    # a Link: rel=preload response header (server.py), then the script used
    add(f'/lp/{which}.html', page('Link preload header', f'<script src="/r/held-lp-{which}.js"></script>', HELD_DONE))
    # a script whose URL redirects (302) to a listed / an unlisted script
    add(f'/r/held-redir-{which}.html', page('redirect', f'<script src="/redir/r/held-redir-{which}.js"></script>', HELD_DONE))
    # an audio worklet module (no fetch in a worklet: its processor posts to the page, which marks)
    add(f'/r/held-aw-{which}.html', page('audio worklet', '', f"""(async () => {{
  try {{ const ac = new OfflineAudioContext(1, 256, 44100); await ac.audioWorklet.addModule("/r/held-aw-{which}.js");
        const node = new AudioWorkletNode(ac, "held"); node.port.onmessage = e => M(e.data); node.connect(ac.destination);
        await ac.startRendering(); R.aw = "ran"; }}
  catch (e) {{ R.aw = "error: " + e; }}
  setTimeout(done, 500);
}})();"""))
    # a dedicated worker whose listed main script importScripts() the file
    add(f'/r/held-dwi-main-{which}.js', f'try {{ importScripts("/r/held-dwi-{which}.js"); postMessage("ran"); }} catch (e) {{ postMessage("error: " + e); }}\n')
    add(f'/r/held-dwi-{which}.html', page('worker importScripts', '', f'const w = new Worker("/r/held-dwi-main-{which}.js"); w.onmessage = e => {{ R.w = e.data; setTimeout(done, 300); }}; w.onerror = () => {{ R.w = "error"; setTimeout(done, 300); }};'))
    # a shared worker's main script
    add(f'/r/held-shm-{which}.html', page('shared worker main script', '', f'const w = new SharedWorker("/r/held-shm-{which}.js"); w.onerror = () => {{ R.w = "error"; }}; setTimeout(done, 1500);'))
    # a module worker's imported module (fetched, checked by the network)
    add(f'/r/held-mwi-main-{which}.js', f'import "/r/held-mwi-{which}.js";\npostMessage("ran");\n')
    add(f'/r/held-mwi-{which}.html', page('module worker import', '', f'const w = new Worker("/r/held-mwi-main-{which}.js", {{ type: "module" }}); w.onmessage = e => {{ R.w = e.data; setTimeout(done, 300); }}; w.onerror = () => {{ R.w = "error"; setTimeout(done, 300); }};'))
for name in ('dyn', 'mp', 'lp'):
    add(f'/r/held-{name}-good.js', js(f'good-held-{name}'))
    twin(f'/r/held-{name}-evil.js', f'good-held-{name}', f'evil-held-{name}', js)
add('/r/held-redir-good.js', js('good-held-redir'))
add('/r/held-redir-evil.js', js('evil-held-redir'), None)                 # not listed
AW = lambda n: f'registerProcessor("held", class extends AudioWorkletProcessor {{ constructor() {{ super(); this.port.postMessage("{n}"); }} process() {{ return false; }} }});\n'
add('/r/held-aw-good.js', AW('good-held-aw'))
twin('/r/held-aw-evil.js', 'good-held-aw', 'evil-held-aw', AW)
for name in ('dwi', 'shm', 'mwi'):
    add(f'/r/held-{name}-good.js', WMARK(f'good-held-{name}'))
    twin(f'/r/held-{name}-evil.js', f'good-held-{name}', f'evil-held-{name}', WMARK)

# 9. a page that loads a script late (after the test detached the debugger): listed / tampered
for which in ('good', 'evil'):
    add(f'/r/late-{which}.html', page('late script', '', 'addEventListener("load", () => { done(); setTimeout(() => {'
                                      f' const s = document.createElement("script"); s.src = "/r/{which}.js"; document.body.append(s); }}, 2000); }});'))


def b64(b):
    return base64.urlsafe_b64encode(hashlib.sha256(b).digest()).rstrip(b'=').decode()


for p, b in files.items():
    dst = os.path.join(ROOT, p.lstrip('/'))
    os.makedirs(os.path.dirname(dst), exist_ok=True)
    with open(dst, 'wb') as f:
        f.write(b)
mf = os.path.join(ROOT, 'manifest.json')
with open(mf, 'rb') as f:
    first, rest = f.read().split(b'\n', 1)
m = json.loads(first)
m['hashes'].update({p: b64(b) for p, b in listed.items()})
m['wasm_hashes'] = sorted(set(m.get('wasm_hashes', [])) | {b64(b) for b in wasm_listed})
m['hashes'] = dict(sorted(m['hashes'].items()))
with open(os.path.join(ROOT, 'sw-update-v2.json'), 'w') as f:      # the bytes the update test writes
    json.dump(UPD, f)
with open(mf, 'wb') as f:
    f.write(json.dumps(m, separators=(',', ':')).encode() + b'\n' + rest)
print(f'{len(files)} route fixtures -> {ROOT}')
