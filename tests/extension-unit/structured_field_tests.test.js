// The httpwg structured-field-tests (RFC 9651) against the extension's dictionary reader
// (lib/policy_header.js parseDictionary, which the enrollment decision uses). Vectors: the vendored
// tests/vectors/structured-field-tests (vendored).
// The reader is a subset (parameters are skipped, byte sequences are not decoded); checked here:
// every must_fail dictionary is refused, every valid one is read with the same keys in order and
// the same integer/string/token/boolean values.
import test from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseDictionary } from '../../extension/src/lib/policy_header.js';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const dir = repo + 'tests/vectors/structured-field-tests';

function expectedValue(v) {
  if (typeof v === 'number' && Number.isInteger(v)) return { kind: 'int', value: v };
  if (typeof v === 'string') return { kind: 'string', value: v };
  if (typeof v === 'boolean') return { kind: 'bool', value: v };
  if (v && v.__type === 'token') return { kind: 'token', value: v.value };
  return undefined; // decimals, byte sequences, dates, display strings, inner lists: kind only
}

test('httpwg structured-field-tests: dictionaries', { skip: !dir && 'structured-field-tests not found' }, () => {
  let checked = 0;
  const wrong = [];
  for (const f of readdirSync(dir).filter(n => n.endsWith('.json'))) {
    for (const c of JSON.parse(readFileSync(`${dir}/${f}`, 'utf8'))) {
      if (c.header_type !== 'dictionary' || !c.raw) continue;
      checked++;
      const got = parseDictionary(c.raw.join(', '));
      if (c.must_fail) {
        if (got !== null) wrong.push(`${f}: ${c.name}: accepted`);
        continue;
      }
      if (c.can_fail && got === null) continue;
      if (got === null) { wrong.push(`${f}: ${c.name}: refused`); continue; }
      const keys = c.expected.map(([k]) => k);
      if (JSON.stringify([...got.keys()]) !== JSON.stringify(keys)) { wrong.push(`${f}: ${c.name}: keys ${[...got.keys()]}`); continue; }
      for (const [k, [v]] of c.expected) {
        const e = expectedValue(v);
        const g = got.get(k);
        if (Array.isArray(v) ? g.kind !== 'list' : e && (g.kind !== e.kind || g.value !== e.value)) wrong.push(`${f}: ${c.name}: ${k}`);
      }
    }
  }
  assert.ok(checked > 50, `only ${checked} dictionary cases found`);
  // The one known deviation: an empty field is refused (null) rather than read as an empty
  // dictionary. For the WAICT header both mean "no policy" (an empty dictionary has no mode), so
  // the enrollment answer is the same; any other difference fails here.
  assert.deepEqual(wrong, ['dictionary.json: empty dictionary: refused']);
});
