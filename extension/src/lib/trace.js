// Diagnostic trace of the interception modules, for the browser tests only.
//
//   const trace = createTrace(testBuild);  trace.push({ url, destination, status });
// In a test build the entries (URLs included) are kept in a ring of the last `cap` entries and
// published as globalThis.verityTrace (tests/browser read it); in a shipped build push() keeps
// nothing, so no URL of any site stays in memory for this.
export const TRACE_CAP = 500;

export function createTrace(enabled, { cap = TRACE_CAP, target = globalThis } = {}) {
  if (!enabled) return { entries: null, push() {} };
  const entries = [];
  target.verityTrace = entries;
  return {
    entries,
    push(entry) {
      entries.push(entry);
      if (entries.length > cap) entries.splice(0, entries.length - cap);
    },
  };
}
