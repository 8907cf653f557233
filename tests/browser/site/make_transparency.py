#!/usr/bin/env python3
"""Gives the test site a real transparency proof, made by the operator CLI (docs/cli.md):

  keys (a transparency service, a C2SP witness, a WAICT-form witness) -> the site's manifest JSON
  appended to the chain of DOMAIN -> tree built and signed -> each witness replays and cosigns ->
  manifest response "manifest LF base64url(ChainHeadWithProof) LF".

Writes, under OUT:
  good/   a copy of WWW whose /manifest.json is that response (the manifest is WWW's own, so its
          tampered twins stay tampered);
  bad/    the same with one byte of the chain node inside the proof flipped (a broken proof);
  config.json  the host config that trusts the service and both witnesses (k = 2).
usage: make_transparency.py VERITY_CLI WWW OUT [DOMAIN]"""
import base64, json, os, shutil, subprocess, sys

cli, www, out = sys.argv[1:4]
domain = sys.argv[4] if len(sys.argv) > 4 else '127.0.0.1'
keys, state = os.path.join(out, 'keys'), os.path.join(out, 'state')
os.makedirs(keys, exist_ok=True)


def run(*args):
    subprocess.run([cli, *args], check=True, stdout=subprocess.DEVNULL)


def vkey(name):
    with open(os.path.join(keys, name + '.vkey')) as f:
        return f.read().strip()


run('keygen', '--name', 'ts.test', '--type', 'service', '--out', os.path.join(keys, 'ts.key'))
run('keygen', '--name', 'w1.test', '--type', 'witness-c2sp', '--out', os.path.join(keys, 'w1.key'))
run('keygen', '--name', 'w2.test', '--type', 'witness-waict', '--out', os.path.join(keys, 'w2.key'))

with open(os.path.join(www, 'manifest.json'), 'rb') as f:
    manifest = f.read().split(b'\n', 1)[0] + b'\n'          # the JSON line, without the empty proof line
manifest_file = os.path.join(out, 'manifest.json')
with open(manifest_file, 'wb') as f:
    f.write(manifest)

run('chain-append', '--state', state, '--domain', domain, '--manifest', manifest_file)
run('tree-build', '--state', state, '--service-key', os.path.join(keys, 'ts.key'))
for w in ('w1', 'w2'):
    run('witness-cosign', '--state', state, '--service-vkey', os.path.join(keys, 'ts.vkey'),
        '--witness-key', os.path.join(keys, w + '.key'), '--witness-state', os.path.join(out, w + '-state'))
response = os.path.join(out, 'response')
run('manifest-response', '--state', state, '--domain', domain, '--manifest', manifest_file,
    '--min-cosignatures', '2', '--out', response)

with open(response, 'rb') as f:
    good = f.read()
body, proof_line = good[:-1].rsplit(b'\n', 1)
proof = bytearray(base64.urlsafe_b64decode(proof_line + b'=' * (-len(proof_line) % 4)))
proof[20] ^= 0x01                                           # time_created of the chain node
bad = body + b'\n' + base64.urlsafe_b64encode(bytes(proof)).rstrip(b'=') + b'\n'

for name, data in (('good', good), ('bad', bad)):
    dst = os.path.join(out, name)
    shutil.rmtree(dst, ignore_errors=True)
    shutil.copytree(www, dst)
    with open(os.path.join(dst, 'manifest.json'), 'wb') as f:
        f.write(data)

config = {'transparency': {'services': [{'name': 'ts.test', 'key': vkey('ts')}],
                           'witnesses': [{'name': 'w1', 'key': vkey('w1')}, {'name': 'w2', 'key': vkey('w2')}],
                           'witness_threshold': 2}}
with open(os.path.join(out, 'config.json'), 'w') as f:
    json.dump(config, f, indent=1)
print(f'transparency: {domain} proof {len(proof)} bytes -> {out}/good, {out}/bad')
