#!/usr/bin/env python3
"""Loopback HTTPS server for tests/browser/drafts.test.mjs (site/make_drafts_site.py).

usage: drafts_server.py ROOT CERT KEY PORT:NAME [PORT:NAME ...]
  One listener per PORT on 127.0.0.1, all serving ROOT; NAME picks the site's headers from
  ROOT/_sites.json ({"sites": {NAME: {"header": <Integrity-Policy-WAICT-v1 value>|null,
  "endpoints": <Reporting-Endpoints value>|null}}}), sent on HTML responses. Everything is
  `Cache-Control: no-store`. /marker/<name> answers 204 (the tests count these requests: code
  that must never run requests them). POST /reports takes a Reporting API batch.
  stdout, one line per event (JSON): {"port", "method", "path", "req", "ch", "dest"} for each
  request (req / ch: the Integrity-Policy-WAICT-v1-Req and Sec-CH-WAICT request headers or null),
  {"port", "report": <parsed body>, "type": <Content-Type>} for each POST to /reports; "ready" first."""
import http.server, json, ssl, sys, threading, functools, os

root, cert, key = sys.argv[1:4]
with open(os.path.join(root, '_sites.json')) as f:
    SITES = json.load(f)['sites']
lock = threading.Lock()


def emit(obj):
    with lock:
        print(json.dumps(obj), flush=True)


class Handler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map, '.wasm': 'application/wasm', '.js': 'text/javascript',
                      '.json': 'application/json', '.wav': 'audio/wav'}
    site = {}

    def log_request(self, *args):
        emit({'port': self.server.server_address[1], 'method': self.command, 'path': self.path,
              'req': self.headers.get('Integrity-Policy-WAICT-v1-Req'), 'ch': self.headers.get('Sec-CH-WAICT'), 'dest': self.headers.get('Sec-Fetch-Dest')})

    def log_message(self, *args):
        pass

    def end_headers(self):
        self.send_header('Cache-Control', 'no-store')
        if self.path.split('?')[0].endswith('.html'):
            if self.site.get('header'):
                self.send_header('Integrity-Policy-WAICT-v1', self.site['header'])
            if self.site.get('endpoints'):
                self.send_header('Reporting-Endpoints', self.site['endpoints'])
        super().end_headers()

    def do_GET(self):
        if self.path.startswith('/marker/'):
            self.send_response(204)
            self.end_headers()
            return
        super().do_GET()

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get('Content-Length') or 0))
        if self.path == '/reports':
            try:
                parsed = json.loads(body)
            except ValueError:
                parsed = None
            emit({'port': self.server.server_address[1], 'report': parsed, 'type': self.headers.get('Content-Type')})
        self.send_response(204)
        self.end_headers()


class Server(http.server.ThreadingHTTPServer):
    def handle_error(self, request, client_address):
        pass


ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(cert, key)
for spec in sys.argv[4:]:
    port, name = spec.split(':', 1)
    h = type('H', (Handler,), {'site': SITES[name]})
    srv = Server(('127.0.0.1', int(port)), functools.partial(h, directory=root))
    srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
print('ready', flush=True)
threading.Event().wait()
