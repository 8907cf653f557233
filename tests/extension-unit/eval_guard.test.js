import test from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { evalHashesOf, withTrustedTypesEval, hexOfBase64, installEvalGuard, evalGuardSource } from '../../extension/src/lib/eval_guard.js';
import { parsePolicy } from '../../extension/src/lib/csp.js';

const b64 = s => crypto.createHash('sha256').update(s).digest('base64');
const hex = s => crypto.createHash('sha256').update(s).digest('hex');
const ABC = 'ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=';   // SHA-256("abc"), the module header's example

// A page global with Trusted Types as far as the guard uses them; returns the policy it created.
function page(origin, { createPolicy } = {}) {
  const made = {};
  globalThis.self = { location: { origin }, trustedTypes: { createPolicy: createPolicy || ((name, o) => { made[name] = o; return o; }) } };
  return made;
}

test('the eval hashes of a policy: only script-src\'s eval-sha256 sources', () => {
  assert.deepEqual(evalHashesOf(`script-src * 'wasm-unsafe-eval' 'eval-sha256-${ABC}'; script-src-elem * 'sha256-${ABC}'`), [ABC]);
  assert.deepEqual(evalHashesOf(`script-src-elem * 'eval-sha256-${ABC}'`), [], 'not script-src');
  assert.deepEqual(evalHashesOf("script-src * 'wasm-unsafe-eval'"), []);
  assert.deepEqual(evalHashesOf("script-src 'eval-sha256-not base64!'"), []);
  assert.deepEqual(evalHashesOf(''), []);
  assert.deepEqual(evalHashesOf(null), []);
});

test('with eval hashes, the policy gates eval by Trusted Types; without, it is unchanged', () => {
  const pol = `script-src * 'wasm-unsafe-eval' 'eval-sha256-${ABC}'; script-src-elem * 'sha256-x'`;
  const d = Object.fromEntries(parsePolicy(withTrustedTypesEval(pol)));
  assert.deepEqual(d['script-src'], ['*', "'wasm-unsafe-eval'", `'eval-sha256-${ABC}'`, "'unsafe-eval'"]);
  assert.deepEqual(d['require-trusted-types-for'], ["'script'"]);
  assert.deepEqual(d['trusted-types'], ['default'], 'no policy of the page\'s own');
  assert.deepEqual(d['script-src-elem'], ['*', "'sha256-x'"]);
  const plain = "script-src * 'wasm-unsafe-eval'; script-src-elem *";
  assert.equal(withTrustedTypesEval(plain), plain, 'no listed eval: eval stays blocked, no Trusted Types');
  assert.equal(withTrustedTypesEval(null), null);
});

test('base64 and base64url hashes become hex', () => {
  assert.equal(hexOfBase64(ABC), hex('abc'));
  assert.equal(hexOfBase64(ABC.replace(/\+/g, '-').replace(/\//g, '_').replace(/=$/, '')), hex('abc'));
  assert.equal(hexOfBase64('a b'), null);
});

test('the guard lets through exactly the listed strings (SHA-256 of their UTF-8), and HTML / script URLs unchanged', () => {
  const listed = ['', 'abc', 'R.eval = "ran"', 'x'.repeat(55), 'x'.repeat(56), 'y'.repeat(64), 'é€😀', 'a\ud800b', 'z'.repeat(5000)];
  const made = page('https://a.test');
  assert.equal(installEvalGuard('https://a.test', listed.map(hex)), 'installed');
  const p = made.default;
  for (const s of listed) assert.equal(p.createScript(s), s, JSON.stringify(s.slice(0, 12)));
  // Mutated twins: one character changed, added or removed, a lone surrogate made a pair.
  for (const s of ['abd', 'abc ', 'ab', 'R.eval = "run"', 'x'.repeat(57), 'é€😁', 'a\ud800\udc00b', 'z'.repeat(4999)]) assert.equal(p.createScript(s), null, JSON.stringify(s.slice(0, 12)));
  assert.equal(p.createScript(undefined), null);
  assert.equal(p.createHTML('<b>x</b>'), '<b>x</b>');
  assert.equal(p.createScriptURL('/a.js'), '/a.js');
});

test('the page cannot change the guard\'s answer by replacing intrinsics after it was installed', () => {
  const made = page('https://a.test');
  installEvalGuard('https://a.test', [hex('abc')]);
  const saved = { cc: String.prototype.charCodeAt, U8: globalThis.Uint8Array, U32: globalThis.Uint32Array, floor: Math.floor, call: Function.prototype.call };
  try {
    String.prototype.charCodeAt = () => 97;
    globalThis.Uint8Array = function () { return [0]; };
    globalThis.Uint32Array = function () { return [0]; };
    Math.floor = () => 0;
    assert.equal(made.default.createScript('evil()'), null);
    assert.equal(made.default.createScript('abc'), 'abc');
  } finally {
    String.prototype.charCodeAt = saved.cc; globalThis.Uint8Array = saved.U8; globalThis.Uint32Array = saved.U32; Math.floor = saved.floor;
  }
});

test('another origin: nothing; no Trusted Types or a default policy already there: failed (eval stays closed)', () => {
  const made = page('https://other.test');
  assert.equal(installEvalGuard('https://a.test', [hex('abc')]), 'skipped');
  assert.deepEqual(made, {});
  globalThis.self = { location: { origin: 'https://a.test' } };
  assert.equal(installEvalGuard('https://a.test', []), 'failed: no Trusted Types');
  page('https://a.test', { createPolicy: () => { const e = new TypeError('exists'); throw e; } });
  assert.equal(installEvalGuard('https://a.test', []), 'failed: TypeError');
});

test('the page-side source is one self-contained expression that does the same', () => {
  const src = evalGuardSource('https://a.test', [b64('abc'), 'not-a-hash']);
  const made = page('https://a.test');
  assert.equal((0, eval)(src), 'installed');
  assert.equal(made.default.createScript('abc'), 'abc');
  assert.equal(made.default.createScript('abd'), null);
});
