import test from 'node:test';
import assert from 'node:assert/strict';
import { findCycles, importsOf } from '../lint/check_imports.mjs';

test('the circular-import check finds a cycle and its chain, and passes a tree', () => {
  const g = new Map([['/a.js', ['/b.js']], ['/b.js', ['/c.js']], ['/c.js', ['/a.js']], ['/d.js', ['/a.js']]]);
  assert.deepEqual(findCycles(g), [['/a.js', '/b.js', '/c.js', '/a.js']]);
  assert.deepEqual(findCycles(new Map([['/a.js', ['/b.js']], ['/b.js', []], ['/c.js', ['/a.js', '/b.js']]])), []);
  assert.deepEqual(findCycles(new Map([['/a.js', ['/a.js']]])), [['/a.js', '/a.js']]);
});

test('imports and re-exports are read; bare specifiers and strings in code are not', () => {
  const text = [
    "import { a } from './a.js';",
    "import './side.js';",
    "export { b } from '../lib/b.js';",
    "import x from 'node:fs';",
    "const s = \"import y from './not.js'\";",
    "import {\n  c,\n  d,\n} from './multi.js';",
  ].join('\n');
  assert.deepEqual(importsOf('/r/src/m.js', text), ['/r/src/a.js', '/r/src/side.js', '/r/lib/b.js', '/r/src/multi.js']);
});
