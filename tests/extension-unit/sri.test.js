import test from 'node:test';
import assert from 'node:assert/strict';
import { hashAlgorithmsFor, requestedAlgorithms, scanIntegrityAttributes, stripFragment } from '../../extension/src/lib/sri.js';

test('SHA-256 is always computed; stronger ones on request', () => {
  assert.deepEqual(hashAlgorithmsFor(undefined), ['SHA-256']);
  assert.deepEqual(hashAlgorithmsFor(''), ['SHA-256']);
  assert.deepEqual(hashAlgorithmsFor('sha384-abc'), ['SHA-256', 'SHA-384']);
  assert.deepEqual(hashAlgorithmsFor(' sha512-x?foo\tSHA384-y\nmd5-z '), ['SHA-256', 'SHA-384', 'SHA-512']);
});

test('unknown and malformed tokens are skipped', () => {
  assert.deepEqual([...requestedAlgorithms('md5-abc sha1-x -sha512 sha512')], []);
  assert.deepEqual([...requestedAlgorithms('sha256-a')], ['sha256']);
});

test('integrity attributes are found in HTML and resolved', () => {
  const html = `<script src="/a.js" integrity="sha384-AAA"></script>
    <link rel=stylesheet href='s.css#x' integrity='sha512-BBB'>
    <SCRIPT integrity=sha256-CCC SRC=https://cdn.example/c.js></SCRIPT>
    <script src="/no-sri.js"></script>
    <img src="/i.png" integrity="sha256-DDD">`;
  const m = scanIntegrityAttributes(html, 'https://app.example/dir/index.html');
  assert.equal(m.get('https://app.example/a.js'), 'sha384-AAA');
  assert.equal(m.get('https://app.example/dir/s.css'), 'sha512-BBB');
  assert.equal(m.get('https://cdn.example/c.js'), 'sha256-CCC');
  assert.equal(m.has('https://app.example/no-sri.js'), false);
  assert.equal(m.size, 3);
});

test('stripFragment', () => {
  assert.equal(stripFragment('https://a/b#c'), 'https://a/b');
  assert.equal(stripFragment('https://a/b'), 'https://a/b');
});
