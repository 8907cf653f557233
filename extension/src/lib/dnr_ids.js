// Every declarativeNetRequest rule id the extension uses, in one table, so that two features never
// overwrite each other's rules (an updateSessionRules with an id already in use replaces that rule).
//   dynamic rules: the Chromium network gate (lib/gate.js), ids GATE_BASE.. (one per checked origin),
//                  FIRST_SIGHT_RULE_ID (enforcing WAICT header on a top-level response), OFF_BASE.. (switched off)
//   session rules: PASS_RULE_ID           the gate's "let this tab through" rule (lib/gate.js)
//                  DETACHED_RULE_ID       blocks the subresources of checked tabs whose debugger detached (lib/workers.js)
//                  ORIGIN_HEADERS_BASE..  WAICT request headers, one per checked origin
//                  TAB_HEADERS_BASE+tabId WAICT request headers, one per tab on a checked site
//                  NO_STORE_BASE..        Chromium's no-store response rules (lib/nostore.js, issue #12)
export const DNR_IDS = Object.freeze({
  GATE_BASE: 1,
  GATE_MAX: 1999999,
  FIRST_SIGHT_RULE_ID: 2000000,
  OFF_BASE: 2000001,
  OFF_MAX: 1000,
  PASS_RULE_ID: 1,
  DETACHED_RULE_ID: 2,
  ORIGIN_HEADERS_BASE: 100,
  ORIGIN_HEADERS_MAX: 5000,
  TAB_HEADERS_BASE: 1000000,
  NO_STORE_BASE: 3000000,
});
