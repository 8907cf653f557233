// Client of the native host over one long-lived port (docs/protocol.md, design §3).
//  - request(msg, timeoutMs) assigns the id, sends, resolves with the host's reply object
//    ({ok:true,...} or {ok:false,error:{code,detail}}). It never rejects: transport failures resolve
//    to {ok:false, error:{code:'host.unavailable'|'host.timeout'|'host.disconnected'}}, so callers
//    branch on the code only and fail closed.
//  - The port is opened lazily and reopened after the host exits, with a backoff between attempts
//    (min..max ms, doubling; reset by any reply). Requests during the backoff fail at once.
// `connect` is injected (runtime.connectNative in the extension, a fake in unit tests).

export class HostClient {
  constructor({ connect, now = () => Date.now(), setTimer = (f, ms) => setTimeout(f, ms), clearTimer = h => clearTimeout(h),
                minBackoffMs = 200, maxBackoffMs = 3000, onStatus = () => {} }) {
    this.connect = connect;
    this.now = now;
    this.setTimer = setTimer;
    this.clearTimer = clearTimer;
    this.minBackoffMs = minBackoffMs;
    this.maxBackoffMs = maxBackoffMs;
    this.onStatus = onStatus;
    this.port = null;
    this.seq = 0;
    this.pending = new Map();
    this.backoffMs = 0;
    this.retryAt = 0;
    this.up = null;           // null: never tried; true: last reply ok; false: last attempt failed
    this.lastError = null;
    this.connects = 0;
  }

  available() { return this.up !== false; }

  ensurePort() {
    if (this.port) return this.port;
    if (this.now() < this.retryAt) return null;
    let port;
    try {
      port = this.connect();
    } catch (e) {
      this.failed(String(e && e.message || e));
      return null;
    }
    this.connects += 1;
    this.port = port;
    port.onMessage.addListener(m => this.onMessage(port, m));
    port.onDisconnect.addListener(p => this.onDisconnect(port, p));
    return port;
  }

  onMessage(port, m) {
    if (port !== this.port || !m || typeof m !== 'object') return;
    this.backoffMs = 0;
    this.retryAt = 0;
    this.setUp(true, null);
    const p = this.pending.get(m.id);
    if (!p) return; // framing-level error (id null) or a reply after its timeout
    this.pending.delete(m.id);
    this.clearTimer(p.timer);
    p.resolve(m);
  }

  onDisconnect(port, p) {
    if (port !== this.port) return;
    const err = (p && p.error && p.error.message) || (globalThis.chrome && chrome.runtime && chrome.runtime.lastError && chrome.runtime.lastError.message) || 'native host exited';
    this.port = null;
    this.failed(err);
    for (const [id, q] of this.pending) {
      this.clearTimer(q.timer);
      q.resolve({ id, ok: false, error: { code: 'host.disconnected', detail: err } });
    }
    this.pending.clear();
  }

  failed(err) {
    this.backoffMs = this.backoffMs ? Math.min(this.backoffMs * 2, this.maxBackoffMs) : this.minBackoffMs;
    this.retryAt = this.now() + this.backoffMs;
    this.setUp(false, err);
  }

  setUp(up, err) {
    const changed = this.up !== up;
    this.up = up;
    this.lastError = err;
    if (changed) this.onStatus(up, err);
  }

  request(msg, timeoutMs = 5000) {
    const id = ++this.seq;
    return new Promise(resolve => {
      const port = this.ensurePort();
      if (!port) {
        resolve({ id, ok: false, error: { code: 'host.unavailable', detail: this.lastError || 'native host unavailable' } });
        return;
      }
      const timer = this.setTimer(() => {
        if (!this.pending.has(id)) return;
        this.pending.delete(id);
        resolve({ id, ok: false, error: { code: 'host.timeout', detail: `no reply to ${msg.type} within ${timeoutMs} ms` } });
      }, timeoutMs);
      this.pending.set(id, { resolve, timer });
      try {
        port.postMessage({ ...msg, id });
      } catch (e) {
        this.pending.delete(id);
        this.clearTimer(timer);
        this.port = null;
        this.failed(String(e && e.message || e));
        resolve({ id, ok: false, error: { code: 'host.unavailable', detail: String(e && e.message || e) } });
      }
    });
  }

  disconnect() {
    if (this.port) { try { this.port.disconnect(); } catch (_) {} }
    this.onDisconnect(this.port, { error: { message: 'disconnected by the extension' } });
  }
}
