// Toolbar badge writes, coalesced. Every verdict changes a tab's counters, but writing the badge
// costs three browser calls (text, colour, title), each a round trip through the browser process
// that competes with the responses the page is waiting for. BadgeWriter keeps the wanted badge per
// tab and writes it at most once per `delayMs` (trailing: the last state always lands). It writes
// all fields each time: browsers reset a tab's badge when the tab commits a new document, at a
// moment the extension does not see in order, so "already shown" is never assumed.
//
//   const w = new BadgeWriter((tabId, field, value) => ..., { delayMs: 100 });
//   w.set(7, { text: 'ok', color: '#1b7f3b', title: 'Verity: enforce, 3 allowed' });
//   w.forget(7);   // tab closed
export const BADGE_FIELDS = ['text', 'color', 'title'];

export class BadgeWriter {
  constructor(apply, { delayMs = 100, setTimer = (fn, ms) => setTimeout(fn, ms), clearTimer = id => clearTimeout(id) } = {}) {
    this.apply = apply;
    this.delayMs = delayMs;
    this.setTimer = setTimer;       // wrapped: a browser's setTimeout may not be called as a method
    this.clearTimer = clearTimer;
    this.wanted = new Map();   // tabId -> badge not yet written
    this.timers = new Map();   // tabId -> pending timer
  }

  set(tabId, badge) {
    this.wanted.set(tabId, badge);
    if (!this.timers.has(tabId)) this.timers.set(tabId, this.setTimer(() => this.flush(tabId), this.delayMs));
  }

  // Writes the wanted badge of `tabId` now (the timer calls this).
  flush(tabId) {
    this.timers.delete(tabId);
    const badge = this.wanted.get(tabId);
    if (!badge) return;
    this.wanted.delete(tabId);
    for (const field of BADGE_FIELDS) this.apply(tabId, field, badge[field]);
  }

  // The tab is gone: drop its pending write.
  forget(tabId) {
    const timer = this.timers.get(tabId);
    if (timer !== undefined) this.clearTimer(timer);
    this.timers.delete(tabId);
    this.wanted.delete(tabId);
  }
}
