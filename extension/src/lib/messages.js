// Message type constants. Two families:
//  - HostType: the extension <-> verity-host protocol (docs/protocol.md), sent over the native port.
//  - Msg: internal runtime messages between the background, content scripts and extension pages.
//    The router (background/router.js) accepts each Msg only from the sender kind listed in MsgFrom.
// Content scripts are classic scripts and cannot import this file; content/sri_report.js repeats
// the two strings it needs, and tests/extension-unit/messages.test.js checks they stay equal (and
// that ExtCode and Reason below are the ones docs/protocol.md "Appendix: extension codes" lists).

export const HOST_NAME = 'org.verity.host';
export const PROTOCOL_VERSION = 1;

export const HostType = Object.freeze({
  HELLO: 'hello',
  SITE_STATE: 'site_state',
  MANIFEST: 'manifest',
  VERDICT: 'verdict',
  LOG_QUERY: 'log_query',
  SET_SITE: 'set_site',
  OVERRIDE: 'override',
  STATUS: 'status',
  M2DMRT_CHECK: 'm2dmrt_check',
  INLINE_VIOLATION: 'inline_violation',  // a CSP violation of the synthesised policy (background/waict.js)
  REPORT_SENT: 'report_sent',            // one waict-violation report POST, logged as an event
});

export const Msg = Object.freeze({
  // content script -> background
  PAGE_HELLO: 'verity/page-hello',       // "is this page's top-level site checked?" (local answer only)
  PAGE_SRI: 'verity/page-sri',           // integrity attributes of <script>/<link> elements
  PAGE_CSP_VIOLATION: 'verity/page-csp-violation', // securitypolicyviolation events (content/waict_page.js)
  PAGE_WASM: 'verity/page-wasm',         // WebAssembly bytes a page compiles (content/wasm_guard.js via waict_page.js)
  // extension pages (popup, block page) -> background
  POPUP_STATE: 'verity/popup-state',
  SET_SITE: 'verity/set-site',
  LOG_QUERY: 'verity/log-query',
  OVERRIDE: 'verity/override',
  DEBUG_STATE: 'verity/debug-state',     // tests and the demo: in-memory counters, host status
  SET_REPORTING: 'verity/set-reporting', // popup: waict-violation reports to sites on/off
  // background -> content script (tabs.sendMessage; not routed): show the in-page warn notice
  WARN_NOTICE: 'verity/warn-notice',
  TEST_CALL: 'verity/test-call',         // test builds only (tests/browser/lib/test_bridge.js)
});

// Who may send each internal message: 'content' = a content script in a web page tab of this
// extension; 'page' = one of this extension's own pages (popup, block page).
export const MsgFrom = Object.freeze({
  [Msg.PAGE_HELLO]: 'content',
  [Msg.PAGE_SRI]: 'content',
  [Msg.PAGE_CSP_VIOLATION]: 'content',
  [Msg.PAGE_WASM]: 'content',
  [Msg.POPUP_STATE]: 'page',
  [Msg.SET_SITE]: 'page',
  [Msg.LOG_QUERY]: 'page',
  [Msg.OVERRIDE]: 'page',
  [Msg.DEBUG_STATE]: 'page',
  [Msg.SET_REPORTING]: 'page',
  [Msg.TEST_CALL]: 'content',            // accepted only when the test bridge is in the manifest
});

// The staged test extension lists this content script; the shipped manifests never do.
export const TEST_BRIDGE_SCRIPT = 'test_bridge.js';

export const Action = Object.freeze({ ALLOW: 'allow', BLOCK: 'block', REPORT: 'report', WARN: 'warn' });

// Error codes the extension itself answers when the host cannot (lib/host_client.js): a reply
// {ok:false, error:{code}} with one of these never came from the host. Every other code is the
// host's (docs/protocol.md "Appendix: error codes").
export const ExtCode = Object.freeze({
  HOST_UNAVAILABLE: 'host.unavailable',   // the port could not be opened, or the host is in backoff
  HOST_TIMEOUT: 'host.timeout',           // no reply within the request's time limit
  HOST_DISCONNECTED: 'host.disconnected', // the host exited with the request in flight
  HOST_BAD_REPLY: 'host.bad_reply',       // a batch reply without an entry for the request
});
export const isExtensionCode = code => Object.values(ExtCode).includes(code);

// Reasons the extension itself produces (the host produces the others; see docs/protocol.md).
export const Reason = Object.freeze({
  VERIFIER_UNAVAILABLE: 'verifier_unavailable',
  INTERCEPTION_UNAVAILABLE: 'interception_unavailable', // Chromium: the debugger could not be attached
  NOT_CHECKED: 'not_checked',
  OVERRIDDEN: 'user_override',
  WASM_SYNC_COMPILE: 'wasm_sync_compile',       // content/wasm_guard.js refused new WebAssembly.Module(bytes)
  WASM_FOREIGN_MODULE: 'wasm_foreign_module',   // ... refused to instantiate a Module it did not check
});

export const Setting = Object.freeze({ DEFAULT: 'default', OFF: 'off', VERIFY: 'verify', REQUIRE: 'require' });
export const SETTINGS = Object.freeze(['default', 'off', 'verify', 'require']);

export const WAICT_HEADER = 'integrity-policy-waict-v1';
export const W3C_HEADER = 'integrity-policy';
