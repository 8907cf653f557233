import test from 'node:test';
import assert from 'node:assert/strict';
import { enforcementFor, countVerdict, emptyCounts, badgeFor, explainReason, overrideOffered } from '../../extension/src/lib/decisions.js';
import { rowsToCsv, rowsToJson, LOG_COLUMNS } from '../../extension/src/lib/log_export.js';

const enforce = { checked: true, mode: 'enforce' };
const report = { checked: true, mode: 'report' };

test('host verdicts are applied as given', () => {
  assert.deepEqual(enforcementFor(enforce, { ok: true, action: 'allow', reason: 'match' }), { action: 'allow', reason: 'match', detail: '', enforced: 'pass' });
  assert.equal(enforcementFor(enforce, { ok: true, action: 'block', reason: 'no_manifest_match' }).enforced, 'block');
  assert.equal(enforcementFor(report, { ok: true, action: 'report', reason: 'no_manifest_match' }).enforced, 'pass');
});

test('no verdict never allows: enforce blocks, report reports', () => {
  for (const reply of [undefined, null, {}, { ok: true }, { ok: true, action: 'maybe' },
    { ok: false, error: { code: 'host.timeout' } }, { ok: false, error: { code: 'host.disconnected' } }, { ok: false, error: { code: 'host.unavailable' } }]) {
    const e = enforcementFor(enforce, reply);
    assert.equal(e.action, 'block', JSON.stringify(reply));
    assert.equal(e.enforced, 'block');
    assert.equal(e.reason, 'verifier_unavailable');
    assert.equal(enforcementFor(report, reply).action, 'report');
  }
  const err = enforcementFor(enforce, { ok: false, error: { code: 'protocol.bad_field', detail: 'sha256' } });
  assert.equal(err.reason, 'protocol.bad_field');
  assert.equal(err.enforced, 'block');
});

test('an override passes a blocked response but keeps the action', () => {
  const e = enforcementFor(enforce, { ok: true, action: 'block', reason: 'no_manifest_match' }, { overridden: true });
  assert.equal(e.action, 'block'); assert.equal(e.enforced, 'pass');
  assert.equal(enforcementFor(enforce, null, { overridden: true }).enforced, 'pass');
});

test('counters and badge', () => {
  let c = emptyCounts();
  c = countVerdict(countVerdict(countVerdict(c, 'allow'), 'block'), 'bogus');
  assert.deepEqual(c, { allow: 1, block: 1, report: 0, warn: 0 });
  assert.equal(badgeFor(enforce, c, true).text, '1');
  assert.equal(badgeFor(enforce, { allow: 3, block: 0, report: 0 }, true).text, 'ok');
  assert.equal(badgeFor(enforce, { allow: 3, block: 0, report: 2 }, true).text, '2');
  assert.equal(badgeFor(enforce, c, false).text, '!');
  assert.equal(badgeFor({ checked: false }, c, true).text, '');
});

test('reasons in plain words; override offer', () => {
  assert.match(explainReason('no_manifest_match'), /does not match/);
  assert.match(explainReason('verifier_unavailable'), /not running/);
  assert.match(explainReason('weird'), /weird/);
  assert.equal(overrideOffered('no_manifest_match', 'default'), true);
  assert.equal(overrideOffered('no_manifest_match', 'require'), false);
  assert.equal(overrideOffered('verifier_unavailable', 'default'), false);
  assert.equal(overrideOffered('interception_unavailable', 'default'), false);
  assert.match(explainReason('interception_unavailable'), /could not watch/);
  // The command the block page names is the one verity-cli has (tests/tools/trust_cli.sh).
  assert.match(explainReason('transparency.no_trusted_service'), /run as your user: verity-cli trust add-service --name <service> --key <its verifier key> .*restart the browser/);
  assert.doesNotMatch(explainReason('transparency.bad_verifier_key'), /trust add-service/);
});

test('log export: JSON round trip and CSV quoting', () => {
  const rows = [{ seq: 1, time: 2, origin: 'https://a', url: 'https://a/x,"y"', action: 'block', reason: 'r', detail: '=cmd()\nz', kind: 'verdict' }];
  assert.deepEqual(JSON.parse(rowsToJson(rows)), rows);
  const csv = rowsToCsv(rows).split('\r\n');
  assert.equal(csv[0], LOG_COLUMNS.join(','));
  assert.ok(csv[1].includes('"https://a/x,""y"""'));
  assert.ok(csv[1].includes('"\'=cmd()\nz"') || rowsToCsv(rows).includes('"\'=cmd()\nz"'));
});

test('warn: delivered, counted, its own badge; never blocked', () => {
  const rework = { checked: true, mode: 'enforce', modes: { 'mode-script': 'enforce', 'mode-style': 'warn', 'mode-image': 'report' } };
  const w = enforcementFor(rework, { ok: true, action: 'warn', reason: 'no_manifest_match' });
  assert.deepEqual(w, { action: 'warn', reason: 'no_manifest_match', detail: '', enforced: 'pass' });
  const c = countVerdict(countVerdict(emptyCounts(), 'warn'), 'allow');
  assert.deepEqual(c, { allow: 1, block: 0, report: 0, warn: 1 });
  const b = badgeFor(rework, c, true);
  assert.equal(b.text, '!1');
  assert.match(b.title, /warn/);
  assert.notEqual(b.color, badgeFor(rework, { ...c, warn: 0, report: 1 }, true).color, 'warn looks different from report');
  assert.equal(badgeFor(rework, { ...c, block: 2 }, true).text, '2', 'a block outranks warnings');
});

test('no verdict, per-category modes: the destination\'s category mode decides', () => {
  const rework = { checked: true, mode: 'enforce', modes: { 'mode-script': 'enforce', 'mode-style': 'warn', 'mode-image': 'report' } };
  assert.equal(enforcementFor(rework, null, { destination: 'script' }).enforced, 'block');
  assert.equal(enforcementFor(rework, null, { destination: 'xslt' }).action, 'block');
  const s = enforcementFor(rework, null, { destination: 'style' });
  assert.equal(s.action, 'warn'); assert.equal(s.enforced, 'pass'); assert.equal(s.reason, 'verifier_unavailable');
  assert.equal(enforcementFor(rework, null, { destination: 'image' }).action, 'report');
  assert.equal(enforcementFor(rework, null, { destination: 'font' }).action, 'report', 'not covered');
  assert.equal(enforcementFor({ checked: true, mode: 'enforce', modes: { 'mode-object': 'enforce' } }, null, { destination: 'embed' }).action, 'block', 'embed is under mode-object, as in the host');
  assert.equal(enforcementFor(rework, null, { destination: 'fencedframe' }).action, 'block', 'a destination no category names: the site mode');
  assert.equal(enforcementFor({ checked: true, mode: 'report', modes: { 'mode-script': 'report' } }, null, { destination: 'fencedframe' }).action, 'report', 'same, on a report site');
  assert.equal(enforcementFor(rework, null).action, 'block', 'no destination: the site mode');
  assert.equal(enforcementFor({ checked: true, mode: 'enforce' }, null, { destination: 'font' }).action, 'block', 'single-mode site');
});
