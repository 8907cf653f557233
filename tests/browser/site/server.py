#!/usr/bin/env python3
"""Loopback HTTPS server for the Verity browser tests and demo.

usage: server.py ROOT CERT KEY PORT:MODE[:DIR] [PORT:MODE[:DIR] ...]
  One listener per PORT on 127.0.0.1, serving DIR (default ROOT). MODE is enforce | report | none,
  optionally with a max-age (enforce/86400, default 0): HTML responses carry
  `Integrity-Policy-WAICT-v1: max-age=MAX_AGE, mode=MODE, manifest="/manifest.json"` (none: no header).
  A max-age > 0 makes the manifest's transparency proof required. Every response is
  `Cache-Control: no-store` but those under /c/ (`max-age=3600`: cacheable, for the cache tests).
  Prints "ready" when listening.
  Each request is logged to stdout as "<port> <path> dest=<Sec-Fetch-Dest>".
  Route fixtures (site/make_routes.py): /marker/* answers 204 (the tests count these requests);
  /s3xx/NNN/* is served with status NNN and `Location: /r/good.html`; /redir/<path> answers 302 to
  /<path>; /lp/NAME.html carries `Link: </r/held-lp-NAME.js>; rel=preload; as=script`; /octet/* as
  application/octet-stream, /wasmct/* as application/wasm. While ROOT/.noheader-PORT exists, PORT
  sends no WAICT header (a site that starts sending it later); while ROOT/.header-PORT exists, PORT
  sends its content as the header (a site that changes or downgrades it)."""
import http.server, os, ssl, sys, threading, functools

root, cert, key = sys.argv[1:4]


class Handler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map,
                      '.wasm': 'application/wasm', '.js': 'text/javascript', '.json': 'application/json'}
    mode = 'none'
    max_age = '0'

    def do_GET(self):
        if self.path.startswith('/marker/'):
            self.send_response(204)
            self.send_header('Content-Length', '0')
            self.end_headers()
            return
        super().do_GET()

    def send_head(self):
        if self.path.startswith('/redir/'):           # /redir/<path>: 302 to /<path>
            self.send_response(302)
            self.send_header('Location', self.path[len('/redir'):])
            self.send_header('Content-Length', '0')
            self.end_headers()
            return None
        return super().send_head()

    def send_response(self, code, message=None):
        parts = self.path.split('/')
        if code == 200 and len(parts) > 3 and parts[1] == 's3xx' and parts[2].isdigit():
            super().send_response(int(parts[2]), 'Body')
            self.send_header('Location', '/r/good.html')
            return
        super().send_response(code, message)
        if code == 200 and len(parts) == 3 and parts[1] == 'lp' and parts[2].endswith('.html'):
            # /lp/NAME.html preloads /r/held-lp-NAME.js by a Link header
            self.send_header('Link', f'</r/held-lp-{parts[2][:-5]}.js>; rel=preload; as=script')

    def send_header(self, keyword, value):
        if keyword.lower() == 'content-type':
            if self.path.startswith('/octet/'):
                value = 'application/octet-stream'
            elif self.path.startswith('/wasmct/'):
                value = 'application/wasm'
        super().send_header(keyword, value)

    def end_headers(self):
        self.send_header('Cache-Control', 'max-age=3600' if self.path.startswith('/c/') else 'no-store')
        port = self.server.server_address[1]
        late = os.path.exists(os.path.join(root, f'.noheader-{port}'))
        forced = os.path.join(root, f'.header-{port}')
        if self.mode != 'none' and not late and self.path.split('?')[0].endswith('.html'):
            if os.path.exists(forced):
                with open(forced) as f:
                    self.send_header('Integrity-Policy-WAICT-v1', f.read().strip())
            else:
                self.send_header('Integrity-Policy-WAICT-v1', f'max-age={self.max_age}, mode={self.mode}, manifest="/manifest.json"')
        super().end_headers()

    def log_message(self, fmt, *args):
        # One write per line: print() writes the text and the newline apart, so two threads' lines
        # could run together.
        sys.stdout.write(f'{self.server.server_address[1]} {self.path} dest={self.headers.get("Sec-Fetch-Dest")}\n')
        sys.stdout.flush()


class Server(http.server.ThreadingHTTPServer):
    def handle_error(self, request, client_address):
        pass  # browsers drop connections (aborted loads, blocked responses): not worth a traceback


ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(cert, key)
servers = []
for spec in sys.argv[4:]:
    port, mode, *d = spec.split(':', 2)
    mode, _, max_age = mode.partition('/')
    h = type('H', (Handler,), {'mode': mode, 'max_age': max_age or '0'})
    srv = Server(('127.0.0.1', int(port)), functools.partial(h, directory=d[0] if d else root))
    srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
    servers.append(srv)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
print('ready', flush=True)
threading.Event().wait()
