#!/usr/bin/env python3
"""Writes the site of tests/browser/drafts.test.mjs (issue #10, today's WAICT drafts) into OUT_DIR.

One folder, served by site/drafts_server.py on several ports, each with its own header
(_sites.json: name -> Integrity-Policy-WAICT-v1 value + Reporting-Endpoints):
  rw        the integrity rework, every category `enforce`, report-to=(verity-reports)
  rwwarn    every category `warn`;  rwreport  every category `report`
  example   the rework draft's own example header, verbatim (its manifest URL is served)
  ff        the Firefox format: mode=enforce, blocked-destinations=(script), plain {"hashes": ...}
  plain     no header (not checked)
Rework manifest (manifest-rw.json, `url_hashes` + the inline lists of the newest rework text):
every listed page, script, style, worker, frame, image, font, audio file and wasm module; the inline
script, event handler, eval string, <style> and style attribute of /inline.html that are LISTED.
Tampered/unlisted twins whose only effect, if they ran, is a request to /marker/<name> (counted by
the server): /t/script.js, /t/worker.js, /t/style.css (a background url), /t/frame.html (an image),
/t/doc.html (an image), the unlisted inline pieces of /inline.html, /ff/t.js, /ff/sri.js (a
server-made integrity= attribute, absent from the Firefox manifest). Pages set window.R and R.done.
usage: make_drafts_site.py OUT_DIR"""
import base64, hashlib, json, os, struct, sys, zlib

OUT = sys.argv[1]
files = {}
rw_listed = {}       # path -> bytes listed in manifest-rw.json
ff_listed = {}       # path -> bytes listed in ff-manifest.json
inline = {'inline_js_hashes': [], 'event_handler_hashes': [], 'eval_hashes': [], 'inline_css_hashes': [], 'style_attr_hashes': []}
wasm_listed = []


def b64u(b):
    return base64.urlsafe_b64encode(hashlib.sha256(b).digest()).rstrip(b'=').decode()


def as_bytes(x):
    return x.encode() if isinstance(x, str) else x


def add(path, body, rw='same', ff=None):
    # rw / ff: what manifest-rw.json / ff-manifest.json list for path ('same' bytes, other bytes, None).
    files[path] = as_bytes(body)
    for table, how in ((rw_listed, rw), (ff_listed, ff)):
        if how is not None:
            table[path] = files[path] if how == 'same' else as_bytes(how)


def png(rgb):
    # A 4x4 PNG of one colour (IHDR, one zlib IDAT, IEND).
    def chunk(kind, data):
        return b''.join([struct.pack('>I', len(data)), kind, data, struct.pack('>I', zlib.crc32(kind + data) & 0xffffffff)])
    rows = (b'\x00' + bytes(rgb) * 4) * 4
    return b'\x89PNG\r\n\x1a\n' + b''.join(chunk(k, d) for k, d in ((b'IHDR', struct.pack('>IIBBBBB', 4, 4, 8, 2, 0, 0, 0)), (b'IDAT', zlib.compress(rows)), (b'IEND', b'')))


def wav(tone):
    data = bytes([128 + tone]) * 800
    return b'RIFF' + struct.pack('<I', 36 + len(data)) + b'WAVEfmt ' + struct.pack('<IHHIIHH', 16, 1, 1, 8000, 8000, 1, 8) + b'data' + struct.pack('<I', len(data)) + data


def wasm(answer):
    return bytes([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 1, 5, 1, 0x60, 0, 1, 0x7f, 3, 2, 1, 0, 7, 0x0a, 1, 6]) + b'answer' + bytes([0, 0, 0x0a, 6, 1, 4, 0, 0x41, answer, 0x0b])


def marker(name):
    return f'/marker/{name}'


HEAD = '<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,">'


def page(path, title, body, script, **kw):
    # The harness (/lib/r.js) and the page's logic are external, listed scripts: pages of a site
    # whose inline scripts are enforced need no inline code of their own.
    add(path, f'{HEAD}<title>{title}</title><script src="/lib/r.js"></script><body><h1>{title}</h1><div id="probe">probe</div>{body}'
              f'<script src="{script}"></script></body>', **kw)


add('/lib/r.js', 'window.R = {}; window.done = () => { R.done = true; document.title = "done"; };\n'
    'window.settle = (p, ms) => Promise.race([p, new Promise(r => setTimeout(() => r("timeout"), ms))]);\n'
    'window.loadScript = src => settle(new Promise(res => { const s = document.createElement("script"); s.src = src; s.onload = () => res("load"); s.onerror = () => res("error"); document.head.append(s); }), 4000);\n'
    'window.loadStyle = href => settle(new Promise(res => { const l = document.createElement("link"); l.rel = "stylesheet"; l.href = href; l.onload = () => res("load"); l.onerror = () => res("error"); document.head.append(l); }), 4000);\n'
    'window.loadImg = src => settle(new Promise(res => { const i = new Image(); i.onload = () => res(i.naturalWidth); i.onerror = () => res("error"); i.src = src; }), 4000);\n'
    'window.loadAudio = src => settle(new Promise(res => { const a = new Audio(); a.oncanplaythrough = () => res("ok"); a.onerror = () => res("error"); a.src = src; a.load(); }), 4000);\n'
    'window.runWorker = src => settle(new Promise(res => { try { const w = new Worker(src); w.onmessage = e => res(e.data); w.onerror = () => res("error"); } catch (e) { res("throw"); } }), 4000);\n'
    'window.runWasm = async src => { try { const r = await fetch(src); const { instance } = await WebAssembly.instantiate(await r.arrayBuffer()); return instance.exports.answer(); } catch (e) { return "error"; } };\n',
    ff='same')

# --- script / worker ---
add('/app.js', 'R.script = "ran";\n')
add('/t/script.js', f'R.evil = true; fetch("{marker("tampered-script")}");\n', rw='R.script = "ran";\n')
add('/worker.js', 'postMessage("worker-ok");\n')
add('/t/worker.js', f'fetch("{marker("tampered-worker")}").finally(() => postMessage("worker-evil"));\n', rw='postMessage("worker-ok");\n')
add('/p/script.js', '(async () => { R.good = await loadScript("/app.js"); R.worker = await runWorker("/worker.js"); R.bad = await loadScript("/t/script.js");'
    ' R.badWorker = await runWorker("/t/worker.js"); await new Promise(r => setTimeout(r, 300)); done(); })();\n')
page('/script.html', 'script and worker', '', '/p/script.js')

# --- style ---
add('/style.css', '#probe { width: 42px; }\n')
add('/t/style.css', f'#probe {{ width: 666px; background: url({marker("tampered-style")}); }}\n', rw='#probe { width: 42px; }\n')
add('/p/style.js', '(async () => { R.good = await loadStyle("/style.css"); R.width = getComputedStyle(probe).width; R.bad = await loadStyle("/t/style.css");'
    ' R.width2 = getComputedStyle(probe).width; getComputedStyle(probe).backgroundImage; await new Promise(r => setTimeout(r, 300)); done(); })();\n')
page('/style.html', 'style', '', '/p/style.js')

# --- image / media (passive classes: listed with a wrong hash -> blocked; unlisted -> loads) ---
add('/img.png', png((0, 128, 0)))
add('/t/img.png', png((255, 0, 0)), rw=png((0, 128, 0)))
add('/free.png', png((0, 0, 255)), rw=None)
add('/a.wav', wav(10))
add('/t/a.wav', wav(90), rw=wav(10))
add('/p/passive.js', '(async () => { R.img = await loadImg("/img.png"); R.badImg = await loadImg("/t/img.png"); R.freeImg = await loadImg("/free.png");'
    ' R.audio = await loadAudio("/a.wav"); R.badAudio = await loadAudio("/t/a.wav"); done(); })();\n')
page('/passive.html', 'image and media', '', '/p/passive.js')

# --- font (mode-font): a font made here (no font file is vendored), listed; its tampered twin is a
# valid font too, with another advance width, so a pass would show: 'XXXXX' at 40px measures
# 400px in the listed font, 40px in the tampered one, the fallback's width if the font is refused.
def ttf(advance, family='Verity Test'):
    """A minimal valid TrueType font: .notdef (empty) and one glyph, a box, mapped from 'X', whose
    advance width (units per em 1000) is `advance`. Two calls with other advances give fonts that
    differ in bytes and both load."""
    upem = 1000
    glyph = struct.pack('>hhhhh', 1, 100, 0, 500, 700) + struct.pack('>H', 3) + struct.pack('>H', 0) + bytes([1, 1, 1, 1]) \
        + struct.pack('>hhhh', 100, 0, 400, 0) + struct.pack('>hhhh', 0, 700, 0, -700)
    glyf = glyph + b'\0' * (len(glyph) % 2)
    loca = struct.pack('>HHH', 0, 0, len(glyf) // 2)
    head = struct.pack('>IIIIHHqqhhhhHHhhh', 0x00010000, 0x00010000, 0, 0x5F0F3CF5, 0x000B, upem, 0, 0,
                       100, 0, 500, 700, 0, 8, 2, 0, 0)
    hhea = struct.pack('>IhhhHhhhhhh4hhH', 0x00010000, 800, -200, 0, max(advance, 500), 0, 0, 500, 1, 0, 0, 0, 0, 0, 0, 0, 2)
    maxp = struct.pack('>IHHHHHHHHHHHHHH', 0x00010000, 2, 4, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0)
    hmtx = struct.pack('>HhHh', 500, 0, advance, 100)
    # cmap: (3,1) format 4, segments [X..X] -> glyph 1 and the final 0xFFFF
    ends, starts, deltas = [0x58, 0xFFFF], [0x58, 0xFFFF], [1 - 0x58, 1]
    seg = len(ends)
    sr = 2 * (1 << (seg.bit_length() - 1))
    sub = struct.pack('>HHHHHHH', 4, 0, 0, seg * 2, sr, (seg.bit_length() - 1), seg * 2 - sr) \
        + struct.pack(f'>{seg}H', *ends) + b'\0\0' + struct.pack(f'>{seg}H', *starts) \
        + struct.pack(f'>{seg}h', *deltas) + struct.pack(f'>{seg}H', 0, 0)
    sub = sub[:2] + struct.pack('>H', len(sub)) + sub[4:]
    cmap = struct.pack('>HHHHI', 0, 1, 3, 1, 12) + sub
    os2 = struct.pack('>HhHHH10hh10sIIII4sHHHhhhHHIIhhHHH', 4, (500 + advance) // 2, 400, 5, 0,
                      650, 700, 0, 140, 650, 700, 0, 480, 50, 250, 0, b'\0' * 10, 1, 0, 0, 0, b'VRTY',
                      0x40, 0x58, 0x58, 800, -200, 0, 800, 200, 1, 0, 500, 700, 0, 0x58, 1)
    names = {1: family, 2: 'Regular', 3: f'{family} {advance}', 4: family, 6: family.replace(' ', '') + '-Regular'}
    recs, strings = b'', b''
    for nid, text in sorted(names.items()):
        s = text.encode('utf-16-be')
        recs += struct.pack('>HHHHHH', 3, 1, 0x409, nid, len(s), len(strings))
        strings += s
    name = struct.pack('>HHH', 0, len(names), 6 + len(recs)) + recs + strings
    post = struct.pack('>IIhhIIIII', 0x00030000, 0, -100, 50, 0, 0, 0, 0, 0)
    tables = {b'OS/2': os2, b'cmap': cmap, b'glyf': glyf, b'head': head, b'hhea': hhea, b'hmtx': hmtx,
              b'loca': loca, b'maxp': maxp, b'name': name, b'post': post}

    def checksum(b):
        b += b'\0' * (-len(b) % 4)
        return sum(struct.unpack(f'>{len(b) // 4}I', b)) & 0xFFFFFFFF
    n = len(tables)
    es = n.bit_length() - 1
    out = struct.pack('>IHHHH', 0x00010000, n, 16 << es, es, n * 16 - (16 << es))
    offset = 12 + 16 * n
    body = b''
    for tag, data in sorted(tables.items()):
        out += struct.pack('>4sIII', tag, checksum(data), offset + len(body), len(data))
        body += data + b'\0' * (-len(data) % 4)
    font = bytearray(out + body)
    adj = (0xB1B0AFBA - checksum(bytes(font))) & 0xFFFFFFFF
    head_at = offset + body.index(head)    # checkSumAdjustment: bytes 8..12 of head
    font[head_at + 8:head_at + 12] = struct.pack('>I', adj)
    return bytes(font)


add('/font.ttf', ttf(2000))
add('/t/font.ttf', ttf(200), rw=ttf(2000))
add('/p/font.js', '(async () => {\n'
    '  const probe = async (family, url) => {\n'
    '    const f = new FontFace(family, url ? `url(${url})` : "local(NoSuchFontVerity)");\n'
    '    if (url) { await settle(f.load(), 4000).catch(() => {}); document.fonts.add(f); }\n'
    '    const s = document.createElement("span"); s.style.font = `40px "${family}", monospace`; s.textContent = "XXXXX"; document.body.append(s);\n'
    '    await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));\n'
    '    return { status: url ? f.status : "none", width: Math.round(s.getBoundingClientRect().width) };\n'
    '  };\n'
    '  R.fallback = await probe("VerityNone"); R.font = await probe("VerityListed", "/font.ttf"); R.badFont = await probe("VerityTampered", "/t/font.ttf"); done();\n'
    '})();\n')
page('/font.html', 'font', '', '/p/font.js')

# --- wasm (the page code reports what the module answered; 43 would be the tampered one) ---
files['/m.wasm'] = wasm(42); wasm_listed.append(wasm(42))
files['/t/m.wasm'] = wasm(43)
add('/p/wasm.js', f'(async () => {{ R.wasm = await runWasm("/m.wasm"); R.badWasm = await runWasm("/t/m.wasm"); if (R.badWasm === 43) fetch("{marker("tampered-wasm")}"); done(); }})();\n')
page('/wasm.html', 'wasm', '', '/p/wasm.js')

# --- document / frame / object: an embedded listed document runs parent.R.<kind> = "ran"; its
# tampered twin only requests a marker. `create` makes element `e` for `src` and resolves `res`.
def embedded(kind, title, page_name, create, wait_ms):
    good = f'{HEAD}<title>{title}</title><script src="/p/{kind}-in.js"></script>'
    add(f'/{kind}.html', good)
    add(f'/p/{kind}-in.js', f'parent.R.{kind} = "ran";\n')
    add(f'/t/{kind}.html', f'{HEAD}<title>tampered {title}</title><img src="{marker("tampered-" + title)}">', rw=good)
    add(f'/p/{page_name}.js', '(async () => { const f = src => settle(new Promise(res => { ' + create + ' document.body.append(e); }), 4000);'
        f' R.good = await f("/{kind}.html"); R.bad = await f("/t/{kind}.html"); await new Promise(r => setTimeout(r, {wait_ms})); done(); }})();\n')
    page(f'/{page_name}.html', page_name, '', f'/p/{page_name}.js')


embedded('frame', 'frame', 'frames', 'const e = document.createElement("iframe"); e.src = src; e.onload = () => res("load");', 300)
# mode-object: an <object type=text/html>
embedded('obj', 'object', 'objects', 'const e = document.createElement("object"); e.type = "text/html"; e.data = src; e.onload = () => res("load"); e.onerror = () => res("error");', 500)
add('/t/doc.html', f'{HEAD}<title>tampered document</title><img src="{marker("tampered-doc")}">', rw=f'{HEAD}<title>the published document</title>')

# --- inline code (mode-inline-js / mode-inline-css) ---
def listed(kind, text):
    inline[kind].append(b64u(text.encode()))
    return text


ok_script = listed('inline_js_hashes', 'R.inline = "ran";')
ok_handler = listed('event_handler_hashes', "R.handler = 'ran'")
ok_eval = listed('eval_hashes', 'R.eval = "ran"')
ok_style = listed('inline_css_hashes', '#s1 { width: 42px; }')
ok_attr = listed('style_attr_hashes', 'width: 7px')
page('/inline.html', 'inline code',
     f'<script>{ok_script}</script>'
     f'<script>R.evilInline = true; fetch("{marker("inline-script")}");</script>'
     f'<img id="h1" src="/img.png" onload="{ok_handler}">'
     f'<img id="h2" src="/img.png" onload="R.evilHandler = true; fetch(\'{marker("inline-handler")}\')">'
     f'<style>{ok_style}</style>'
     f'<style>#s2 {{ width: 666px; background: url({marker("inline-style")}); }}</style>'
     f'<div id="s1">a</div><div id="s2">b</div>'
     f'<div id="a1" style="{ok_attr}">c</div><div id="a2" style="width: 666px; background: url({marker("inline-style-attr")})">d</div>',
     '/p/inline.js')
add('/p/inline.js', '(async () => {\n'
    f'  try {{ eval({json.dumps(ok_eval)}); }} catch (e) {{ R.evalError = String(e.name); }}\n'
    f'  try {{ eval({json.dumps("R.evilEval = true; fetch(" + json.dumps(marker("inline-eval")) + ")")}); }} catch (e) {{ R.badEvalError = String(e.name); }}\n'
    '  await new Promise(r => setTimeout(r, 500));\n'
    '  const w = id => getComputedStyle(document.getElementById(id)).width;\n'
    '  R.s1 = w("s1"); R.s2 = w("s2"); R.a1 = w("a1"); R.a2 = w("a2");\n'
    '  done();\n})();\n')

# --- the Firefox format: only scripts covered ---
add('/ff/app.js', 'R.ffScript = "ran";\n', rw=None, ff='same')
add('/ff/t.js', f'R.ffEvil = true; fetch("{marker("ff-tampered")}");\n', rw=None, ff='R.ffScript = "ran";\n')
FF_SRI = f'R.ffSri = true; fetch("{marker("ff-sri")}");\n'
add('/ff/sri.js', FF_SRI, rw=None)
sri = 'sha256-' + base64.b64encode(hashlib.sha256(FF_SRI.encode()).digest()).decode()
add('/ff/style.css', '#probe { width: 42px; }\n', rw=None)
add('/ff/p.js', '(async () => { R.style = await loadStyle("/ff/style.css"); R.width = getComputedStyle(probe).width; R.img = await loadImg("/free.png");'
    ' R.good = await loadScript("/ff/app.js"); R.bad = await loadScript("/ff/t.js");'
    f' R.sri = await settle(new Promise(res => {{ const s = document.createElement("script"); s.src = "/ff/sri.js"; s.integrity = "{sri}"; s.onload = () => res("load"); s.onerror = () => res("error"); document.head.append(s); }}), 4000);'
    ' done(); })();\n', rw=None, ff='same')
page('/ff.html', 'Firefox format', '', '/ff/p.js', rw=None)

add('/blank.html', f'{HEAD}<title>blank</title><script src="/lib/r.js"></script><script src="/p/blank.js"></script>')
add('/p/blank.js', 'R.blank = "ran"; done();\n')

manifest_rw = {'url_hashes': {p: b64u(b) for p, b in sorted(rw_listed.items())}, 'wasm_hashes': sorted(b64u(b) for b in wasm_listed),
               **{k: sorted(v) for k, v in inline.items()}}
files['/manifest-rw.json'] = (json.dumps(manifest_rw, separators=(',', ':')) + '\n\n').encode()
EXAMPLE_MANIFEST = '/.well-known/waict/manifests/baz_manifest_5X_MjpjR0bpBpP3dEF6-hA'
files[EXAMPLE_MANIFEST] = files['/manifest-rw.json']
# Firefox's manifests are plain JSON with standard base64 hashes.
manifest_ff = {'hashes': {p: base64.b64encode(hashlib.sha256(b).digest()).decode() for p, b in sorted(ff_listed.items())}}
files['/ff-manifest.json'] = (json.dumps(manifest_ff, separators=(',', ':')) + '\n\n').encode()

CATS = ['document', 'frame', 'script', 'object', 'worker', 'style', 'image', 'font', 'media', 'wasm', 'inline-js', 'inline-css']
rework = lambda mode: 'max-age=0, ' + ', '.join(f'mode-{c}={mode}' for c in CATS) + ', report-to=(verity-reports), manifest="/manifest-rw.json"'
sites = {
    'rw': {'header': rework('enforce'), 'endpoints': 'verity-reports="/reports"'},
    'rwwarn': {'header': rework('warn'), 'endpoints': 'verity-reports="/reports"'},
    'rwreport': {'header': rework('report'), 'endpoints': 'verity-reports="/reports"'},
    'example': {'header': 'max-age=90, mode-document=enforce, mode-frame=enforce, mode-script=enforce, mode-object=enforce, mode-worker=enforce, mode-style=warn, mode-image=report, mode-font=report, mode-media=report, mode-wasm=warn, mode-inline-js=report, mode-inline-css=report, preload=?0, report-to=(foo-reports), manifest="/.well-known/waict/manifests/baz_manifest_5X_MjpjR0bpBpP3dEF6-hA"', 'endpoints': None},
    'ff': {'header': 'max-age=0, mode=enforce, blocked-destinations=(script), manifest="/ff-manifest.json"', 'endpoints': None},
    'plain': {'header': None, 'endpoints': 'verity-reports="/reports"'},
}
files['/_sites.json'] = json.dumps({'sites': sites, 'inline': {k: v for k, v in inline.items()}}).encode()

for rel, data in files.items():
    target = os.path.join(OUT, *rel.lstrip('/').split('/'))
    os.makedirs(os.path.dirname(target), exist_ok=True)
    open(target, 'wb').write(data)
print(f'{len(files)} files -> {OUT}')
