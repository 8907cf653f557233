// One table of Integrity-Policy-WAICT-v1 cases (tests/vectors/verity-headers/cases.json) that the
// extension's enrollment reader (lib/policy_header.js) and the host's (headers/waict_policy.h, test
// tests/unit/headers/header_cases_test.cc) must answer alike: if they diverge, the extension would
// not ask the host about a site the host would check (or the reverse).
import test from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseWaictHeader } from '../../extension/src/lib/policy_header.js';

const file = fileURLToPath(new URL('../vectors/verity-headers/cases.json', import.meta.url));
const cases = JSON.parse(readFileSync(file, 'utf8'));

test('shared header table: every case as the table says (the C++ reader runs the same table)', () => {
  assert.ok(cases.length >= 20);
  for (const c of cases) {
    const h = parseWaictHeader(c.header);
    assert.equal(h !== null, c.enrolls, `enrolls: ${c.header}`);
    if (!c.enrolls) continue;
    assert.equal(h.dialect, c.dialect, c.header);
    assert.equal(h.mode, c.mode, c.header);
    assert.equal(h.maxAge, c.max_age, c.header);
    assert.equal(h.manifest, c.manifest, c.header);
    assert.deepEqual(h.modes, c.modes || null, c.header);
    assert.deepEqual(h.blockedDestinations, c.blocked_destinations || null, c.header);
    assert.deepEqual(h.reportTo, c.report_to || [], c.header);
  }
});
