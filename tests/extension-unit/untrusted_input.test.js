// The extension's readers of untrusted input (response headers, CSP strings from the host, CSP
// violation fields) on random and mutated input: they never throw, and a bad enforced policy never
// turns into a weaker one. (JS has no libFuzzer here; a seeded generator stands in, same seeds each run.)
import test from 'node:test';
import assert from 'node:assert/strict';
import { parseWaictHeader, parseDictionary } from '../../extension/src/lib/policy_header.js';
import { parsePolicy, policyHeaders, hardenOpaqueSchemes, isInstalledPolicy, STRICT_FALLBACK } from '../../extension/src/lib/csp.js';
import { parseReportingEndpoints } from '../../extension/src/lib/reports.js';
import { categoryOfViolation } from '../../extension/src/lib/categories.js';

function rng(seed) { let x = seed >>> 0; return () => ((x = (x * 1664525 + 1013904223) >>> 0) / 2 ** 32); }
const SEEDS = ['max-age=0, mode-script=enforce, report-to=(a "b"), manifest="/m.json"', 'max-age=0, mode=report, blocked-destinations=(script image), endpoints=(x), manifest="m"',
  "script-src * 'wasm-unsafe-eval'; script-src-elem * 'sha256-AAAA'; style-src-attr 'unsafe-hashes'", 'r="https://a/r", s="/x"'];
const ALPHABET = ' ,;=()"\\:?*-_./\'abcmode-scriptenforcewarn0123456789\t\u00e9\u0000\n';

function mutate(r, s) {
  const a = [...s];
  for (let k = 0, n = 1 + Math.floor(r() * 6); k < n; k++) {
    const i = Math.floor(r() * (a.length + 1)), c = ALPHABET[Math.floor(r() * ALPHABET.length)];
    const op = r();
    if (op < 0.4) a.splice(i, 0, c); else if (op < 0.7) a.splice(i, 1); else a[i] = c;
  }
  return a.join('');
}

test('readers never throw on mutated input; a bad enforced CSP becomes the strict fallback', () => {
  const r = rng(12345);
  for (let n = 0; n < 20000; n++) {
    const s = mutate(r, SEEDS[n % SEEDS.length]);
    const h = parseWaictHeader(s);
    if (h) {
      assert.ok(Number.isInteger(h.maxAge) && h.maxAge >= 0 && typeof h.manifest === 'string' && h.manifest.length > 0, s);
      assert.ok(['enforce', 'warn', 'report'].includes(h.mode), s);
    }
    parseDictionary(s);
    parseReportingEndpoints(s, 'https://app.example/');
    const p = parsePolicy(s);
    const hs = policyHeaders({ enforce: s, report_only: s });
    assert.equal(hs[0].value === STRICT_FALLBACK || p !== null, true, s);
    if (!p) assert.deepEqual(hs, [{ name: 'Content-Security-Policy', value: STRICT_FALLBACK }], s);
    const hard = hardenOpaqueSchemes({ enforce: s }, { 'mode-script': 'enforce' });
    const hp = parsePolicy(hard.enforce);
    assert.ok(hp, 'hardened policy parses: ' + s);
    const sd = Object.fromEntries(hp)['script-src'];
    if (sd) assert.ok(!sd.some(x => /^(data|blob|filesystem):$/i.test(x)), 'data:/blob: left in script-src: ' + s);
    isInstalledPolicy(s, [SEEDS[2]]);
    categoryOfViolation(s, s);
  }
});
