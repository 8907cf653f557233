import test from 'node:test';
import assert from 'node:assert/strict';
import { guardPatterns, checkedOrigins, guardRegistration, GUARD_SCRIPT_FILE } from '../../extension/src/lib/wasm_guard.js';
import { isCheckedLocally } from '../../extension/src/lib/site_state.js';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

test('guard patterns: one per host and scheme, without port, sorted; not-origins dropped', () => {
  assert.deepEqual(guardPatterns(['https://app.example', 'https://app.example:8443', 'http://10.0.0.1:8080', 'https://b.example/path', 'ftp://x.example', 'nonsense']),
    ['http://10.0.0.1/*', 'https://app.example/*']);
  assert.deepEqual(guardPatterns([]), []);
  assert.deepEqual(guardPatterns(['https://[::1]:9000']), ['https://[::1]/*']);
});

test('checked origins: enrolled and preloaded sites, never ones switched off or not checked', () => {
  const cache = {
    'https://a.example': { checked: true, setting: 'default' },
    'https://b.example': { checked: false, setting: 'default' },
    'https://c.example': { checked: true, setting: 'off' },
    'https://p.example': { checked: false, setting: 'off' },
  };
  const preloaded = new Set(['p.example', 'q.example']);
  assert.deepEqual(checkedOrigins(cache, preloaded, isCheckedLocally).sort(), ['https://a.example', 'https://q.example']);
  assert.deepEqual(checkedOrigins({}, new Set(), isCheckedLocally), []);
});

test('the registration is the MAIN-world guard at document_start in every frame, and the file exists', () => {
  const r = guardRegistration(['https://a.example/*']);
  assert.deepEqual([r.world, r.runAt, r.allFrames, r.js], ['MAIN', 'document_start', true, [GUARD_SCRIPT_FILE]]);
  assert.ok(readFileSync(fileURLToPath(new URL('../../extension/' + GUARD_SCRIPT_FILE, import.meta.url)), 'utf8').includes('WebAssembly'));
});

test('guard mode: enforce only where the site enforces wasm and no override is in force', async () => {
  const { guardMode } = await import('../../extension/src/lib/wasm_guard.js');
  assert.equal(guardMode({ checked: true, mode: 'enforce' }, false), 'enforce');
  assert.equal(guardMode({ checked: true, mode: 'enforce' }, true), 'lax');
  assert.equal(guardMode({ checked: true, mode: 'report' }, false), 'lax');
  assert.equal(guardMode({ checked: true, modes: { 'mode-wasm': 'enforce', 'mode-script': 'report' } }, false), 'enforce');
  assert.equal(guardMode({ checked: true, modes: { 'mode-script': 'enforce' } }, false), 'lax');   // wasm not covered
  assert.equal(guardMode({ checked: true, modes: { 'mode-wasm': 'warn' } }, false), 'lax');
});

test('worker prefix: the relay transport and the mode on their own line, then the guard, then a new line', async () => {
  const { workerPrefix } = await import('../../extension/src/lib/wasm_guard.js');
  const p = workerPrefix('GUARD();', 'enforce');
  assert.equal(p, 'globalThis.__verityWasmRelay = true; globalThis.__verityWasmState = "enforce";\nGUARD();\n');
  assert.match(workerPrefix('x', 'lax'), /__verityWasmState = "lax";/);
});
