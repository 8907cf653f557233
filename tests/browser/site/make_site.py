#!/usr/bin/env python3
"""Writes the local demo/test site into OUT_DIR (default: ./www):

  every page and resource, a WAICT v2 manifest (manifest.json: JSON line + empty proof line) that
  lists them by SHA-256 (base64url, no padding), and twins served with other bytes than listed:
    /t/script.js /t/style.css /t/worker.js /t/m.wasm /t/img.png  listed with the hash of the good
    file, served tampered;  /tampered-doc.html listed with a wrong hash;  /u/extra.js not listed;
    /free.png not listed (passive: allowed).
  bench.html loads 50 listed resources (for scripts/bench-pageload.sh).
  /noimg/ is a second site root whose manifest lists no image (see below).
  /cache-a.html and /cache-b.html both load /c/cached.js, which server.py serves cacheable (the
  tests change its manifest entry between the two pages: the second copy comes from the cache).

Pages record what ran in window.R and set R.done when finished; tests read it.
usage: make_site.py [OUT_DIR]"""
import base64, hashlib, json, os, struct, sys, zlib

OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)), 'www')
files = {}      # path -> bytes served
listed = {}     # path -> bytes whose hash the manifest lists (None: not listed)
wasm_listed = []


def png(r, g, b):
    raw = b''.join(b'\x00' + bytes([r, g, b]) * 4 for _ in range(4))
    def chunk(t, d):
        return struct.pack('>I', len(d)) + t + d + struct.pack('>I', zlib.crc32(t + d) & 0xffffffff)
    return (b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', 4, 4, 8, 2, 0, 0, 0)) +
            chunk(b'IDAT', zlib.compress(raw)) + chunk(b'IEND', b''))


def wasm(answer):
    # (module (func (export "answer") (result i32) i32.const <answer>))
    return bytes([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
                  0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7f,
                  0x03, 0x02, 0x01, 0x00,
                  0x07, 0x0a, 0x01, 0x06]) + b'answer' + bytes([0x00, 0x00,
                  0x0a, 0x06, 0x01, 0x04, 0x00, 0x41, answer, 0x0b])


def add(path, body, listed_as='same'):
    body = body.encode() if isinstance(body, str) else body
    files[path] = body
    if listed_as == 'same':
        listed[path] = body
    elif listed_as is not None:
        listed[path] = listed_as.encode() if isinstance(listed_as, str) else listed_as


HEAD = '<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,">'
PRELUDE = '<script>window.R = {}; const done = () => { R.done = true; document.title = "done"; };</script>'


def page(title, body, script):
    return (f'{HEAD}<title>{title}</title>{PRELUDE}<body><h1>{title}</h1><div id="probe">probe</div>{body}'
            f'<script>{script}</script></body>')


GOOD_JS = 'window.R.script = "ran";\n'
EVIL_JS = 'window.R.script = "ran"; window.R.evil = true;\n'
GOOD_CSS = '#probe { width: 42px; }\n'
EVIL_CSS = '#probe { width: 666px; }\n'
GOOD_WORKER = 'postMessage("worker-ok");\n'
EVIL_WORKER = 'postMessage("worker-evil");\n'
GOOD_PNG, EVIL_PNG = png(0, 128, 0), png(255, 0, 0)

# Shared page logic: load a script, a stylesheet, a worker, a wasm module, images; record results.
def app_script(js, css, worker, wasm_url, img, extra_img=None):
    return f'''
(async () => {{
  const settle = (p, ms) => Promise.race([p, new Promise(r => setTimeout(() => r("timeout"), ms))]);
  await settle(new Promise(res => {{ const s = document.createElement("script"); s.src = "{js}";
    s.onload = () => res(); s.onerror = () => {{ R.scriptError = true; res(); }}; document.head.append(s); }}), 4000);
  await settle(new Promise(res => {{ const l = document.createElement("link"); l.rel = "stylesheet"; l.href = "{css}";
    l.onload = () => res(); l.onerror = () => {{ R.styleError = true; res(); }}; document.head.append(l); }}), 4000);
  R.width = getComputedStyle(document.getElementById("probe")).width;
  R.worker = await settle(new Promise(res => {{ try {{ const w = new Worker("{worker}");
    w.onmessage = e => res(e.data); w.onerror = () => res("error"); }} catch (e) {{ res("throw"); }} }}), 3000);
  try {{ const r = await fetch("{wasm_url}"); const {{ instance }} = await WebAssembly.instantiate(await r.arrayBuffer());
    R.wasm = instance.exports.answer(); }} catch (e) {{ R.wasm = "error"; }}
  const loadImg = src => settle(new Promise(res => {{ const i = new Image(); i.onload = () => res(i.naturalWidth); i.onerror = () => res("error"); i.src = src; }}), 3000);
  R.img = await loadImg("{img}");
  {f'R.freeImg = await loadImg("{extra_img}");' if extra_img else ''}
  done();
}})();'''


# Good resources
add('/app.js', GOOD_JS)
add('/style.css', GOOD_CSS)
add('/worker.js', GOOD_WORKER)
add('/m.wasm', wasm(42), listed_as=None); wasm_listed.append(wasm(42))
add('/img.png', GOOD_PNG)
add('/free.png', png(0, 0, 255), listed_as=None)          # unlisted passive: allowed
# Tampered twins: listed with the good bytes' hash, served with other bytes
add('/t/script.js', EVIL_JS, listed_as=GOOD_JS)
add('/t/style.css', EVIL_CSS, listed_as=GOOD_CSS)
add('/t/worker.js', EVIL_WORKER, listed_as=GOOD_WORKER)
add('/t/m.wasm', wasm(43), listed_as=None)                # not in wasm_hashes
add('/t/img.png', EVIL_PNG, listed_as=GOOD_PNG)
add('/u/extra.js', 'window.R.extra = "ran";\n', listed_as=None)   # unlisted active: missing_from_manifest

add('/index.html', page('Verity test: valid', '', app_script('/app.js', '/style.css', '/worker.js', '/m.wasm', '/img.png', '/free.png')))
add('/blank.html', page('blank', '', 'done();'))
add('/tampered-script.html', page('tampered script', '', app_script('/t/script.js', '/style.css', '/worker.js', '/m.wasm', '/img.png')))
add('/tampered-style.html', page('tampered style', '', app_script('/app.js', '/t/style.css', '/worker.js', '/m.wasm', '/img.png')))
add('/tampered-worker.html', page('tampered worker', '', app_script('/app.js', '/style.css', '/t/worker.js', '/m.wasm', '/img.png')))
add('/tampered-wasm.html', page('tampered wasm', '', app_script('/app.js', '/style.css', '/worker.js', '/t/m.wasm', '/img.png')))
add('/bad-image.html', page('bad image', '', app_script('/app.js', '/style.css', '/worker.js', '/m.wasm', '/t/img.png', '/free.png')))
add('/unlisted-script.html', page('unlisted script', '', app_script('/u/extra.js', '/style.css', '/worker.js', '/m.wasm', '/img.png')))
add('/tampered-doc.html', page('tampered document', '', 'R.docRan = true; done();'),
    listed_as=page('the published document', '', 'done();'))
# SRI: a parser-inserted script with an integrity attribute (SHA-384): the extension must send
# sha384 + integrity with the verdict.
SRI_JS = 'window.R.sri = "ran";\n'
add('/sri.js', SRI_JS)
sri384 = 'sha384-' + base64.b64encode(hashlib.sha384(SRI_JS.encode()).digest()).decode()
add('/sri.html', f'{HEAD}<title>sri</title>{PRELUDE}<body><script src="/sri.js" integrity="{sri384}" crossorigin="anonymous"></script>'
    '<script>window.addEventListener("load", done);</script></body>')
# Cache: /c/ is served with `Cache-Control: max-age=3600` (server.py); the browser tests change the
# manifest entry of /c/cached.js between the two pages, so the copy the second page gets from the
# browser's cache must still be checked against the manifest of that moment.
# Running it also requests /marker/cached-ran (server.py answers 204): the tests count these.
add('/c/cached.js', 'window.R.cached = "ran"; fetch("/marker/cached-ran", { cache: "no-store" }).catch(() => {});\n')
for name in ('cache-a', 'cache-b'):
    add(f'/{name}.html', f'{HEAD}<title>{name}</title>{PRELUDE}<body><script src="/c/cached.js"></script>'
        '<script>window.addEventListener("load", done);</script></body>')
# The same for a stylesheet (Firefox keeps style sheets in an in-memory cache it reuses with no
# webRequest event): /c/cached.css colours #cc; the pages report the colour they got.
add('/c/cached.css', '#cc { color: rgb(1, 2, 3); }\n')
for name in ('cache-css-a', 'cache-css-b'):
    add(f'/{name}.html', f'{HEAD}<title>{name}</title><link rel="stylesheet" href="/c/cached.css">{PRELUDE}<body><p id="cc">x</p>'
        '<script>window.addEventListener("load", () => { R.cssColor = getComputedStyle(document.getElementById("cc")).color; done(); });</script></body>')
# 50-resource page for the page-load benchmark
bench_res = []
for i in range(25):
    add(f'/b/s{i}.js', f'window.R.n = (window.R.n || 0) + 1; /* {i} */\n'); bench_res.append(f'<script src="/b/s{i}.js"></script>')
    add(f'/b/c{i}.css', f'.c{i} {{ color: rgb({i}, 0, 0); }}\n'); bench_res.append(f'<link rel="stylesheet" href="/b/c{i}.css">')
add('/bench.html', f'{HEAD}<title>bench</title>{PRELUDE}{"".join(bench_res)}<body><script>window.addEventListener("load", done);</script></body>')
# Repeat-visit app page (scripts/bench-repeat.sh): everything under /c/ (max-age=3600), all listed:
# one 1.5 MB script bundle, 30 module scripts, 20 stylesheets, 40 images.
app = ['<script src="/c/app/bundle.js"></script>']
pad = ('/* ' + 'x' * 1020 + ' */\n') * 1500
add('/c/app/bundle.js', 'window.R.bundle = (window.R.bundle || 0) + 1;\n' + pad)
for i in range(30):
    add(f'/c/app/m{i}.js', f'window.R.m = (window.R.m || 0) + 1; export const v{i} = {i};\n'); app.append(f'<script type="module" src="/c/app/m{i}.js"></script>')
for i in range(20):
    add(f'/c/app/s{i}.css', f'.a{i} {{ color: rgb(0, {i}, 0); }}\n'); app.append(f'<link rel="stylesheet" href="/c/app/s{i}.css">')
for i in range(40):
    add(f'/c/app/i{i}.png', png(i, 64, 128)); app.append(f'<img src="/c/app/i{i}.png">')
add('/c/app.html', f'{HEAD}<title>app</title>{PRELUDE}{"".join(app)}<body><script type="module">window.addEventListener("load", done); if (document.readyState === "complete") done();</script></body>')


def b64sha(b):
    return base64.urlsafe_b64encode(hashlib.sha256(b).digest()).rstrip(b'=').decode()


manifest = {'hashes': {p: b64sha(b) for p, b in sorted(listed.items())}, 'wasm_hashes': [b64sha(b) for b in wasm_listed]}
files['/manifest.json'] = (json.dumps(manifest, separators=(',', ':')) + '\n\n').encode()

# A second site, served from OUT/noimg/ (issue #12 item 2: Fetch patterns from coverage): its
# manifest lists only documents and scripts, so Chromium need not pause its images. /free.png is
# unlisted (passive: allowed); /t/script.js is listed with GOOD_JS's hash and served tampered: it
# would request /marker/noimg-evil.
NOIMG_EVIL_JS = 'window.R.evil = true; fetch("/marker/noimg-evil", { cache: "no-store" }).catch(() => {});\n'


def noimg_page(title, js):
    return page(title, '', f'''
(async () => {{
  const settle = (p, ms) => Promise.race([p, new Promise(r => setTimeout(() => r("timeout"), ms))]);
  await settle(new Promise(res => {{ const s = document.createElement("script"); s.src = "{js}";
    s.onload = () => res(); s.onerror = () => {{ R.scriptError = true; res(); }}; document.head.append(s); }}), 4000);
  R.img = await settle(new Promise(res => {{ const i = new Image(); i.onload = () => res(i.naturalWidth); i.onerror = () => res("error"); i.src = "/free.png"; }}), 3000);
  done();
}})();''')


noimg_files = {'/app.js': GOOD_JS.encode(), '/t/script.js': NOIMG_EVIL_JS.encode(), '/free.png': png(0, 0, 255),
               '/page.html': noimg_page('no image listed', '/app.js').encode(),
               '/tampered.html': noimg_page('no image listed, tampered script', '/t/script.js').encode()}
# /kinds.html makes many kinds of requests (the browser suite checks that each one the server sees
# that is not an image, font or media request paused): all listed but the passive ones.
kinds = {
    '/k/style.css': '@import "/k/imported.css"; @font-face { font-family: k; src: url(/k/font.woff2); } '
                    'body { background-image: url(/k/bg.png); font-family: k; }\n',
    '/k/imported.css': '#probe { color: rgb(1, 1, 1); }\n',
    '/k/classic.js': 'window.R.classic = 1;\n',
    '/k/mod.mjs': 'import { v } from "/k/dep.mjs"; window.R.mod = v;\n',
    '/k/dep.mjs': 'export const v = 2;\n',
    '/k/prefetched.js': 'window.R.prefetched = 1;\n',
    '/k/object.html': '<!doctype html><title>object</title>\n',
    '/k/embed.html': '<!doctype html><title>embed</title>\n',
    '/k/frame.html': '<!doctype html><title>frame</title><link rel="stylesheet" href="/k/frame.css">\n',
    '/k/frame.css': 'p { color: rgb(2, 2, 2); }\n',
    '/k/data.json': '{"a":1}\n',
    '/k/xhr.json': '{"b":2}\n',
    '/k/worker.js': 'importScripts("/k/imported.js"); fetch("/k/worker.json").then(r => r.text()).then(() => postMessage("w"));\n',
    '/k/imported.js': 'self.imported = 1;\n',
    '/k/worker.json': '{"c":3}\n',
    '/k/app.webmanifest': '{"name":"k"}\n',
}
noimg_files.update({p: b.encode() for p, b in kinds.items()})
noimg_files['/k/font.woff2'] = b'not a font'     # unlisted passive (the font fails to decode)
noimg_files['/k/bg.png'] = png(9, 9, 9)          # unlisted passive
noimg_files['/kinds.html'] = (f'{HEAD}<title>kinds</title>{PRELUDE}<link rel="stylesheet" href="/k/style.css">'
    '<link rel="prefetch" href="/k/prefetched.js"><link rel="manifest" href="/k/app.webmanifest">'
    '<script src="/k/classic.js"></script><script type="module" src="/k/mod.mjs"></script>'
    '<body><div id="probe">probe</div><img src="/free.png"><object data="/k/object.html"></object><embed src="/k/embed.html">'
    '<iframe src="/k/frame.html"></iframe><video src="/k/clip.mp4" preload="auto"></video><script>'
    'const x = new XMLHttpRequest(); x.open("GET", "/k/xhr.json"); x.send();'
    'Promise.all([fetch("/k/data.json").then(r => r.text()), new Promise(res => { const w = new Worker("/k/worker.js"); w.onmessage = res; w.onerror = res; }),'
    ' new Promise(res => { const e = new EventSource("/marker/es"); e.onerror = () => { e.close(); res(); }; setTimeout(res, 2000); }),'
    ' new Promise(res => window.addEventListener("load", res))])'
    '.then(() => { navigator.sendBeacon("/marker/beacon", "x"); setTimeout(done, 500); });</script></body>').encode()
# The repeat-visit app page (below /c/, cacheable) with its 40 images unlisted (BENCH_SITE=noimg
# scripts/bench-repeat.sh: what Chromium gains by not pausing them).
noimg_files.update({p: b for p, b in files.items() if p == '/c/app.html' or p.startswith('/c/app/')})
noimg_listed = {p: b for p, b in noimg_files.items() if not p.endswith(('.png', '.woff2', '.mp4')) and p != '/t/script.js'}
noimg_listed['/t/script.js'] = GOOD_JS.encode()
noimg_manifest = {'hashes': {p: b64sha(b) for p, b in sorted(noimg_listed.items())}}
noimg_files['/manifest.json'] = (json.dumps(noimg_manifest, separators=(',', ':')) + '\n\n').encode()
for p, b in noimg_files.items():
    files['/noimg' + p] = b

for p, b in files.items():
    dst = os.path.join(OUT, p.lstrip('/'))
    os.makedirs(os.path.dirname(dst), exist_ok=True)
    with open(dst, 'wb') as f:
        f.write(b)
print(f'{len(files)} files, {len(manifest["hashes"])} manifest entries -> {OUT}')
