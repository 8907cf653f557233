import test from 'node:test';
import assert from 'node:assert/strict';
import { parsePolicy, installablePolicy, hardenOpaqueSchemes, outsideTabWorkerPolicy, OUTSIDE_TAB_WORKER_POLICY, policyHeaders, withPolicies, headerArray, isInstalledPolicy, STRICT_FALLBACK, CSP_HEADER, CSP_REPORT_ONLY_HEADER } from '../../extension/src/lib/csp.js';

const ENF = "script-src * data: blob: 'wasm-unsafe-eval'; script-src-elem * 'unsafe-hashes' 'sha256-AAAA'; script-src-attr 'unsafe-hashes' 'sha256-BBBB'";
const RO = "style-src-elem * 'sha256-CCCC'; style-src-attr 'unsafe-hashes'";

test('the host policies become one more enforcing and one more report-only header', () => {
  assert.deepEqual(policyHeaders({ enforce: ENF, report_only: RO }), [{ name: CSP_HEADER, value: ENF }, { name: CSP_REPORT_ONLY_HEADER, value: RO }]);
  assert.deepEqual(policyHeaders({ enforce: null, report_only: RO }), [{ name: CSP_REPORT_ONLY_HEADER, value: RO }]);
  assert.deepEqual(policyHeaders(undefined), []);
  assert.deepEqual(policyHeaders({}), []);
});

test('the site\'s own policies stay: ours are appended, never replace', () => {
  const site = [{ name: 'Content-Type', value: 'text/html' }, { name: 'Content-Security-Policy', value: "script-src 'unsafe-inline' 'nonce-x'" }];
  const out = withPolicies(site, { enforce: ENF });
  assert.deepEqual(out.slice(0, 2), site);
  assert.deepEqual(out[2], { name: CSP_HEADER, value: ENF });
  assert.equal(site.length, 2, 'input not mutated');
});

test('malformed enforced policy: strict fallback (never fail open); malformed report-only: dropped', () => {
  for (const bad of ['', 'script-src *, script-src \'unsafe-inline\'', 'script-src *\nx', 'script-src\u00e9 *', 'x'.repeat(70000), 42, ';;', 'bad_name *'])
    assert.deepEqual(policyHeaders({ enforce: bad }), [{ name: CSP_HEADER, value: STRICT_FALLBACK }], String(bad).slice(0, 30));
  assert.deepEqual(policyHeaders({ report_only: 'a, b' }), []);
  // The fallback itself allows no inline code.
  const fb = Object.fromEntries(parsePolicy(STRICT_FALLBACK));
  const sources = Object.values(fb).flat();
  assert.ok(!sources.includes("'unsafe-inline'") && !sources.includes("'unsafe-eval'") && !sources.some(x => x.startsWith("'sha") || x.startsWith("'nonce")), sources.join(' '));
  assert.deepEqual(fb['script-src-attr'], ["'none'"]);
});

test('reporting directives are dropped: the browser sends no report of its own', () => {
  assert.equal(installablePolicy("script-src *; report-uri https://evil.example/r; report-to x"), 'script-src *');
  assert.deepEqual(policyHeaders({ enforce: 'report-uri /r' }), [{ name: CSP_HEADER, value: STRICT_FALLBACK }]);
});

test('parsePolicy: directive names lower-cased, repeats ignored as CSP3 says', () => {
  assert.deepEqual(parsePolicy("Script-Src 'self';  ; script-src *"), [['script-src', ["'self'"]]]);
});

test('headerArray accepts CDP arrays and objects', () => {
  assert.deepEqual(headerArray([{ name: 'A', value: '1', extra: 1 }]), [{ name: 'A', value: '1' }]);
  assert.deepEqual(headerArray({ 'Set-Cookie': 'a\nb' }), [{ name: 'Set-Cookie', value: 'a' }, { name: 'Set-Cookie', value: 'b' }]);
});

test('a violation is ours when its policy has our directives in our order', () => {
  assert.equal(isInstalledPolicy(ENF.toUpperCase().replace(/'SHA256-AAAA'/, ''), [ENF, RO]), true);
  assert.equal(isInstalledPolicy(RO, [ENF, RO]), true);
  assert.equal(isInstalledPolicy("script-src 'self'", [ENF, RO]), false);
  assert.equal(isInstalledPolicy('', [ENF]), false);
  assert.equal(isInstalledPolicy(ENF, []), false);
});

test('data:/blob: as active content: removed from enforced categories\' directives, never added', () => {
  const host = { enforce: "script-src * data: blob: 'wasm-unsafe-eval'; script-src-elem * data: blob: 'sha256-AAAA'", report_only: null };
  const h = hardenOpaqueSchemes(host, { 'mode-script': 'enforce', 'mode-frame': 'enforce', 'mode-inline-js': 'enforce' });
  const d = Object.fromEntries(parsePolicy(h.enforce));
  assert.deepEqual(d['script-src'], ['*', "'wasm-unsafe-eval'"]);
  assert.deepEqual(d['script-src-elem'], ['*', "'sha256-AAAA'"]);
  assert.deepEqual(d['frame-src'], ['*'], 'added for an enforced mode-frame');
  assert.equal(hardenOpaqueSchemes(host, { 'mode-script': 'report' }), host, 'report: unchanged');
  // No policy from the host (inline categories not in force): one that only blocks opaque schemes.
  const only = Object.fromEntries(parsePolicy(hardenOpaqueSchemes(null, { 'mode-script': 'enforce', 'mode-worker': 'enforce' }).enforce));
  assert.deepEqual(only['script-src'], ['*', "'unsafe-inline'", "'unsafe-eval'", "'wasm-unsafe-eval'"]);
  assert.deepEqual(only['worker-src'], ['*']);
  assert.equal(only['script-src-elem'], undefined);
  assert.equal(hardenOpaqueSchemes({ enforce: 'a, b' }, { 'mode-object': 'enforce' }).enforce, STRICT_FALLBACK);
});

test('a checked site\'s worker outside any tab (Firefox): no WebAssembly or eval where its WebAssembly is enforced', () => {
  assert.equal(outsideTabWorkerPolicy({ checked: true, mode: 'enforce' }), OUTSIDE_TAB_WORKER_POLICY);
  assert.equal(outsideTabWorkerPolicy({ checked: true, modes: { 'mode-wasm': 'enforce', 'mode-script': 'report' } }), OUTSIDE_TAB_WORKER_POLICY);
  assert.equal(outsideTabWorkerPolicy({ checked: true, modes: { 'mode-wasm': 'warn', 'mode-script': 'enforce' } }), null);
  assert.equal(outsideTabWorkerPolicy({ checked: true, modes: { 'mode-script': 'enforce' } }), null, 'wasm not covered');
  assert.equal(outsideTabWorkerPolicy({ checked: true, mode: 'report' }), null);
  assert.equal(outsideTabWorkerPolicy({ checked: false, mode: 'enforce' }), null);
  assert.equal(outsideTabWorkerPolicy(null), null);
  // The policy: one directive, remote scripts only; no source that lets WebAssembly compile or
  // eval run (CSP3: 'unsafe-eval' allows both), and no opaque scheme.
  const d = parsePolicy(OUTSIDE_TAB_WORKER_POLICY);
  assert.deepEqual(d, [['script-src', ['*']]]);
  for (const s of d[0][1]) assert.ok(!/eval|inline|data:|blob:|filesystem:/i.test(s), s);
});
