// Client of the native host over one long-lived port (docs/protocol.md, design §3).
//  - request(msg, timeoutMs) assigns the id, sends, resolves with the host's reply object
//    ({ok:true,...} or {ok:false,error:{code,detail}}). It never rejects: transport failures resolve
//    to {ok:false, error:{code:'host.unavailable'|'host.timeout'|'host.disconnected'}}, so callers
//    branch on the code only and fail closed.
//  - The port is opened lazily and reopened after the host exits, with a backoff between attempts
//    (min..max ms, doubling; reset by any reply). Requests during the backoff fail at once.
//  - requestVerdict(msg, timeoutMs) is request() for verdicts, gathered (docs/protocol.md "batch"):
//    sent alone when no verdict message is in flight, else queued and sent as one `batch` when the
//    one in flight is answered. An idle page pays no delay; a burst of responses pays one round
//    trip per batch instead of one per response. Only once the host announced `batchMax` (hello).
// `connect` is injected (compat.js connectNative in the extension, a fake in unit tests); why a port
// closed is read from port.error only (compat.js puts Chromium's runtime.lastError there).

import { ExtCode } from './messages.js';

// Most verdicts one batch may carry, whatever the host announces (its kMaxBatchRequests).
export const BATCH_MAX_CAP = 256;

export class HostClient {
  constructor({ connect, now = () => Date.now(), setTimer = (f, ms) => setTimeout(f, ms), clearTimer = h => clearTimeout(h),
                minBackoffMs = 200, maxBackoffMs = 3000, onStatus = () => {}, batchTimeoutMs = 5000 }) {
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
    this.batchMax = 0;        // set from the host's hello reply (batch_max); 0: no batching
    this.batchTimeoutMs = batchTimeoutMs;
    this.queue = [];          // verdict messages (with ids) waiting for the one in flight
    this.inFlight = null;     // { id, members: [ids], timer } of the verdict message in flight
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
    const batch = this.inFlight && this.inFlight.id === m.id ? this.inFlight : null;
    if (batch) { this.clearTimer(batch.timer); this.inFlight = null; }
    if (batch && batch.members.length > 1) {
      if (m.ok === true && Array.isArray(m.replies)) {
        for (const r of m.replies) if (r && typeof r === 'object' && batch.members.includes(r.id)) this.settle(r.id, r);
      }
      // A refused batch, or an entry the host did not answer: each member fails on its own.
      const error = (m.ok === false && m.error) || { code: ExtCode.HOST_BAD_REPLY, detail: 'no reply for this entry of the batch' };
      for (const id of batch.members) this.settle(id, { id, ok: false, error });
    } else {
      this.settle(m.id, m);  // a framing-level error (id null) or a reply after its timeout: no-op
    }
    if (batch) this.pump();
  }

  // Registers request `id` as waiting for its reply; it resolves with host.timeout after timeoutMs
  // (and leaves the verdict queue, if it is still there). Returns the timer.
  pend(id, msg, timeoutMs, resolve) {
    const timer = this.setTimer(() => {
      if (!this.pending.has(id)) return;
      this.pending.delete(id);
      this.queue = this.queue.filter(q => q.id !== id);
      resolve({ id, ok: false, error: { code: ExtCode.HOST_TIMEOUT, detail: `no reply to ${msg.type} within ${timeoutMs} ms` } });
    }, timeoutMs);
    this.pending.set(id, { resolve, timer });
    return timer;
  }

  settle(id, reply) {
    const p = this.pending.get(id);
    if (!p) return;
    this.pending.delete(id);
    this.clearTimer(p.timer);
    p.resolve(reply);
  }

  onDisconnect(port, p) {
    if (port !== this.port) return;
    const err = (p && p.error && p.error.message) || 'native host exited'; // compat.js fills p.error in
    this.port = null;
    this.failed(err);
    this.queue = [];
    if (this.inFlight) { this.clearTimer(this.inFlight.timer); this.inFlight = null; }
    for (const [id, q] of this.pending) {
      this.clearTimer(q.timer);
      q.resolve({ id, ok: false, error: { code: ExtCode.HOST_DISCONNECTED, detail: err } });
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

  // The reply a request gets when the host cannot be reached.
  unavailable(id, detail = this.lastError || 'native host unavailable') {
    return { id, ok: false, error: { code: ExtCode.HOST_UNAVAILABLE, detail } };
  }

  // Posts `out`; if the port refuses it, drops the port (backoff) and returns the error text.
  post(port, out) {
    try {
      port.postMessage(out);
      return null;
    } catch (e) {
      const err = String(e && e.message || e);
      this.port = null;
      this.failed(err);
      return err;
    }
  }

  request(msg, timeoutMs = 5000) {
    const id = ++this.seq;
    return new Promise(resolve => {
      const port = this.ensurePort();
      if (!port) { resolve(this.unavailable(id)); return; }
      this.pend(id, msg, timeoutMs, resolve);
      const err = this.post(port, { ...msg, id });
      if (err) this.settle(id, this.unavailable(id, err));
    });
  }

  requestVerdict(msg, timeoutMs = 5000) {
    if (!this.batchMax) return this.request(msg, timeoutMs);
    const id = ++this.seq;
    return new Promise(resolve => {
      this.pend(id, msg, timeoutMs, resolve);
      this.queue.push({ ...msg, id });
      this.pump();
    });
  }

  // Sends the queued verdicts (one alone, several as a batch) unless a verdict message is in flight.
  pump() {
    if (this.inFlight || this.queue.length === 0) return;
    const port = this.ensurePort();
    const items = this.queue.splice(0, port ? this.batchMax : this.queue.length);
    if (!port) {
      for (const it of items) this.settle(it.id, this.unavailable(it.id));
      return;
    }
    const out = items.length === 1 ? items[0] : { type: 'batch', id: ++this.seq, requests: items };
    // Should the host never answer, the members time out on their own and the next batch goes.
    const timer = this.setTimer(() => { if (this.inFlight && this.inFlight.id === out.id) { this.inFlight = null; this.pump(); } }, this.batchTimeoutMs);
    this.inFlight = { id: out.id, members: items.map(it => it.id), timer };
    const err = this.post(port, out);
    if (err) {
      this.clearTimer(timer);
      this.inFlight = null;
      for (const it of items) this.settle(it.id, this.unavailable(it.id, err));
      this.pump();   // the rest of the queue fails now too (backoff), not at its timeout
    }
  }

  disconnect() {
    if (this.port) { try { this.port.disconnect(); } catch (_) {} }
    this.onDisconnect(this.port, { error: { message: 'disconnected by the extension' } });
  }
}
