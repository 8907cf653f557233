// Listed `eval`, enforced by Trusted Types (Chromium). Pure.
//
// The integrity rework lets a checked document `eval` a string only when SHA-256 of it is in the
// manifest's `eval_hashes` (Frosne/waict-integrity-spec `rework` 51ec49a, "Inline Scripts, Styles,
// and Dynamic Code"); the host writes them as `'eval-sha256-<base64>'` sources of the synthesised
// `script-src` (policy/inline_csp.h). No browser here checks such sources, so a listed eval would be
// blocked too (the draft: "blocks it outright"). Where the extension can run a script in the page
// before any of the page's own (Chromium: `Page.addScriptToEvaluateOnNewDocument` in the checked
// tab's session, background/chromium_waict.js), it makes listed evals run:
//   - the policy gets `'unsafe-eval'` in `script-src`, `require-trusted-types-for 'script'` and
//     `trusted-types default` (withTrustedTypesEval): every string that reaches eval, `Function`,
//     a string `setTimeout` passes the default Trusted Types policy first;
//   - that policy, created by installEvalGuard before the page runs, lets a string through only when
//     SHA-256 of its UTF-8 bytes is listed; HTML and script URLs pass unchanged (scripts fetched by
//     URL are checked by their bytes). An unlisted string: the browser refuses it (TypeError) and
//     reports a `require-trusted-types-for` violation, which the host logs as `inline_violation`
//     under mode-inline-js (policy/inline_csp.cc).
//   - `trusted-types default`: the page can create no other policy, so no TrustedScript of its own
//     making can carry an unlisted string past the hashes (a site that creates its own Trusted
//     Types policies cannot, while its eval is enforced: fail closed, docs/formats.md §11).
// If the guard is not in place (another default policy came first, no Trusted Types), no string
// reaches eval at all and plain-string HTML sinks throw: closed, never open.
// Firefox installs no guard: its policy keeps eval blocked, listed or not (docs/formats.md §11).
//
//   evalHashesOf("script-src * 'wasm-unsafe-eval' 'eval-sha256-ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0='")
//     -> ['ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=']         (SHA-256 of "abc")
//   withTrustedTypesEval(that) -> "script-src * 'wasm-unsafe-eval' 'eval-sha256-…' 'unsafe-eval';
//     require-trusted-types-for 'script'; trusted-types default"
import { parsePolicy, serializePolicy } from './csp.js';

const EVAL_SOURCE = /^'eval-sha256-([A-Za-z0-9+/_-]+={0,2})'$/;

// The eval hashes (base64 as the host wrote them) of a serialized policy's script-src, or [].
export function evalHashesOf(policyText) {
  const p = policyText ? parsePolicy(policyText) : null;
  const src = p && p.find(([n]) => n === 'script-src');
  if (!src) return [];
  const out = [];
  for (const s of src[1]) { const m = EVAL_SOURCE.exec(s); if (m) out.push(m[1]); }
  return out;
}

// The policy with eval gated by the default Trusted Types policy; unchanged when it lists no eval.
export function withTrustedTypesEval(policyText) {
  const p = policyText ? parsePolicy(policyText) : null;
  if (!p || evalHashesOf(policyText).length === 0) return policyText;
  const dirs = p.map(([n, v]) => [n, [...v]]);
  const src = dirs.find(([n]) => n === 'script-src')[1];
  if (!src.includes("'unsafe-eval'")) src.push("'unsafe-eval'");
  for (const [n, v] of [['require-trusted-types-for', ["'script'"]], ['trusted-types', ['default']]]) {
    const have = dirs.find(([d]) => d === n);
    if (have) have[1] = v; else dirs.push([n, v]);
  }
  return serializePolicy(dirs);
}

// base64 / base64url (any padding) -> lowercase hex of the bytes, or null.
export function hexOfBase64(b64) {
  const s = String(b64).replace(/-/g, '+').replace(/_/g, '/').replace(/=+$/, '');
  if (!/^[A-Za-z0-9+/]*$/.test(s)) return null;
  const A = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  let bits = 0, n = 0, hex = '';
  for (const c of s) {
    bits = (bits << 6) | A.indexOf(c);
    n += 6;
    if (n >= 8) { n -= 8; hex += ((bits >> n) & 0xff).toString(16).padStart(2, '0'); }
  }
  return hex;
}

// Runs in the page (its source is sent as text): self-contained, no closure over this module. It
// takes every intrinsic it uses before the page can replace them. hexes: lowercase hex SHA-256 of
// each listed eval string. Returns 'installed', 'skipped' (another origin) or 'failed: <why>'.
export function installEvalGuard(origin, hexes) {
  if (self.location.origin !== origin) return 'skipped';
  const uncurry = f => Function.prototype.call.bind(f);
  const charCodeAt = uncurry(String.prototype.charCodeAt);
  const U8 = Uint8Array, U32 = Uint32Array, D = '0123456789abcdef';
  const listed = Object.create(null);
  for (let i = 0; i < hexes.length; i++) listed[hexes[i]] = true;
  const K = new U32([0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
    0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7,
    0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb,
    0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f,
    0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2]);
  // UTF-8 of a JS string (lone surrogates as U+FFFD, as TextEncoder), padded for SHA-256.
  const utf8Padded = s => {
    const len = s.length;
    const buf = new U8(len * 3 + 72);
    let n = 0;
    for (let i = 0; i < len; i++) {
      let c = charCodeAt(s, i);
      if (c >= 0xd800 && c <= 0xdbff && i + 1 < len) {
        const d = charCodeAt(s, i + 1);
        if (d >= 0xdc00 && d <= 0xdfff) { c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00); i++; }
      }
      if (c >= 0xd800 && c <= 0xdfff) c = 0xfffd;
      if (c < 0x80) buf[n++] = c;
      else if (c < 0x800) { buf[n++] = 0xc0 | (c >> 6); buf[n++] = 0x80 | (c & 63); }
      else if (c < 0x10000) { buf[n++] = 0xe0 | (c >> 12); buf[n++] = 0x80 | ((c >> 6) & 63); buf[n++] = 0x80 | (c & 63); }
      else { buf[n++] = 0xf0 | (c >> 18); buf[n++] = 0x80 | ((c >> 12) & 63); buf[n++] = 0x80 | ((c >> 6) & 63); buf[n++] = 0x80 | (c & 63); }
    }
    const bitLen = n * 8;
    buf[n] = 0x80;
    const total = (((n + 8) >> 6) + 1) << 6;
    const hi = n >>> 29;                         // bits 32..63 of the bit length
    for (let j = 0; j < 4; j++) { buf[total - 1 - j] = (bitLen >>> (8 * j)) & 0xff; buf[total - 5 - j] = (hi >>> (8 * j)) & 0xff; }
    return { buf, total };
  };
  const sha256Hex = s => {
    const { buf, total } = utf8Padded(s);
    const H = new U32([0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19]);
    const W = new U32(64);
    for (let off = 0; off < total; off += 64) {
      for (let t = 0; t < 16; t++) W[t] = (buf[off + 4 * t] << 24) | (buf[off + 4 * t + 1] << 16) | (buf[off + 4 * t + 2] << 8) | buf[off + 4 * t + 3];
      for (let t = 16; t < 64; t++) {
        const x = W[t - 15], y = W[t - 2];
        const s0 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);
        const s1 = ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10);
        W[t] = W[t - 16] + s0 + W[t - 7] + s1;
      }
      let a = H[0], b = H[1], c = H[2], d = H[3], e = H[4], f = H[5], g = H[6], h = H[7];
      for (let t = 0; t < 64; t++) {
        const S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
        const t1 = (h + S1 + ((e & f) ^ (~e & g)) + K[t] + W[t]) >>> 0;
        const S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
        const t2 = (S0 + ((a & b) ^ (a & c) ^ (b & c))) >>> 0;
        h = g; g = f; f = e; e = (d + t1) >>> 0; d = c; c = b; b = a; a = (t1 + t2) >>> 0;
      }
      H[0] += a; H[1] += b; H[2] += c; H[3] += d; H[4] += e; H[5] += f; H[6] += g; H[7] += h;
    }
    let hex = '';
    for (let i = 0; i < 8; i++) for (let k = 28; k >= 0; k -= 4) hex += D[(H[i] >>> k) & 15];
    return hex;
  };
  if (typeof self.trustedTypes !== 'object' || !self.trustedTypes) return 'failed: no Trusted Types';
  try {
    self.trustedTypes.createPolicy('default', {
      createScript: s => (typeof s === 'string' && listed[sha256Hex(s)] === true ? s : null),
      createHTML: s => s,
      createScriptURL: s => s,
    });
  } catch (e) {
    return 'failed: ' + (e && e.name);
  }
  return 'installed';
}

// The page-side source for `origin` and the policy's eval hashes (base64): one expression.
export function evalGuardSource(origin, hashes) {
  const hexes = hashes.map(hexOfBase64).filter(h => h && h.length === 64);
  return `(${installEvalGuard.toString()})(${JSON.stringify(origin)}, ${JSON.stringify(hexes)});`;
}
