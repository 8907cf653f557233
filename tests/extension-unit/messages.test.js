import test from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Msg, ExtCode, Reason, isExtensionCode } from '../../extension/src/lib/messages.js';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const read = path => readFileSync(repo + path, 'utf8');

test('the content script repeats the two message types it sends, spelled alike', () => {
  const src = read('extension/src/content/sri_report.js');
  assert.match(src, new RegExp(`const PAGE_HELLO = '${Msg.PAGE_HELLO}';`));
  assert.match(src, new RegExp(`const PAGE_SRI = '${Msg.PAGE_SRI}';`));
});

test('the page agent and the WebAssembly guard spell their messages and events alike', () => {
  const page = read('extension/src/content/waict_page.js');
  const guard = read('extension/src/content/wasm_guard.js');
  assert.match(page, new RegExp(`const PAGE_WASM = '${Msg.PAGE_WASM}';`));
  for (const [name, value] of [['WASM_Q', 'verity-wasm-q'], ['WASM_A', 'verity-wasm-a']]) {
    assert.match(page, new RegExp(`const ${name} = '${value}';`));
    assert.match(guard, new RegExp(`const ${name.slice(5)} = '${value}';`));
  }
  for (const why of ['sync_compile', 'foreign_module']) {
    assert.match(guard, new RegExp(`refuse\\('${why}'`));
    assert.ok(Object.values(Reason).includes(`wasm_${why}`), why);
  }
});

test('docs/protocol.md lists exactly the extension codes and reasons of messages.js', () => {
  const doc = read('docs/protocol.md');
  const at = doc.indexOf('## Appendix: extension codes');
  assert.ok(at >= 0, 'appendix missing');
  const rows = doc.slice(at).split('\n## ')[0].split('\n').filter(l => l.startsWith('| `'));
  const listed = rows.map(l => { const [, code, kind] = l.split('|').map(c => c.trim()); return `${code.replaceAll('`', '')}:${kind}`; });
  const expected = [...Object.values(ExtCode).map(c => `${c}:error`), ...Object.values(Reason).map(r => `${r}:reason`)];
  assert.deepEqual(listed.sort(), expected.sort());
});

test('extension codes are told apart from host codes', () => {
  for (const c of Object.values(ExtCode)) assert.equal(isExtensionCode(c), true, c);
  for (const c of ['protocol.bad_field', 'timeout', 'host', 'host.', 'policy.store_unavailable', undefined, ''])
    assert.equal(isExtensionCode(c), false, String(c));
});
