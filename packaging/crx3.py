#!/usr/bin/env python3
"""Packs an unpacked Chromium extension tree into a signed CRX3 file (what a policy install needs).

    crx3.py --src dist/verity-chromium --key crx-key.pem --out verity-chromium.crx [--print-id]

CRX3 (Chromium components/crx_file/crx3.proto, crx_verifier.cc):
    "Cr24" | u32le 3 | u32le header_len | CrxFileHeader (protobuf) | ZIP
    CrxFileHeader { repeated AsymmetricKeyProof sha256_with_rsa = 2;  bytes signed_header_data = 10000; }
    AsymmetricKeyProof { bytes public_key = 1; bytes signature = 2; }      (SubjectPublicKeyInfo DER)
    SignedData { bytes crx_id = 1; }                                       (first 16 bytes of SHA-256(key))
    signature = RSASSA-PKCS1-v1_5 SHA-256 over
        "CRX3 SignedData\\x00" | u32le len(signed_header_data) | signed_header_data | ZIP
The extension ID is crx_id in hex with 0-f mapped to a-p. The manifest's "key" is set to the CRX's
public key, so the ID is the same whichever of the two Chromium reads (docs/ids.md).
Signing uses the openssl command line; the ZIP is reproducible (sorted names, fixed times).
"""
import argparse
import base64
import hashlib
import io
import json
import os
import struct
import subprocess
import sys
import zipfile


def varint(n):
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        out.append(b | (0x80 if n else 0))
        if not n:
            return bytes(out)


def field(num, data):  # length-delimited protobuf field
    return varint(num << 3 | 2) + varint(len(data)) + data


def extension_id(pub_der):
    return "".join(chr(ord("a") + int(c, 16)) for c in hashlib.sha256(pub_der).hexdigest()[:32])


def public_key_der(key):
    return subprocess.run(["openssl", "pkey", "-in", key, "-pubout", "-outform", "DER"],
                          check=True, capture_output=True).stdout


def make_zip(src, pub_der):
    names = []
    for root, dirs, files in os.walk(src):
        dirs.sort()
        for f in files:
            names.append(os.path.relpath(os.path.join(root, f), src))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for n in sorted(names):
            data = open(os.path.join(src, n), "rb").read()
            if n == "manifest.json":
                m = json.loads(data)
                m["key"] = base64.b64encode(pub_der).decode()
                data = (json.dumps(m, indent=2) + "\n").encode()
            info = zipfile.ZipInfo(n, date_time=(2000, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            z.writestr(info, data)
    return buf.getvalue()


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--src", required=True)
    ap.add_argument("--key", required=True, help="RSA private key, PEM")
    ap.add_argument("--out", required=True)
    ap.add_argument("--print-id", action="store_true")
    a = ap.parse_args()
    if not os.path.isfile(os.path.join(a.src, "manifest.json")):
        sys.exit(f"crx3: {a.src} has no manifest.json")
    pub = public_key_der(a.key)
    crx_id = hashlib.sha256(pub).digest()[:16]
    signed_data = field(1, crx_id)
    archive = make_zip(a.src, pub)
    msg = b"CRX3 SignedData\x00" + struct.pack("<I", len(signed_data)) + signed_data + archive
    sig = subprocess.run(["openssl", "dgst", "-sha256", "-sign", a.key], input=msg,
                         check=True, capture_output=True).stdout
    header = field(2, field(1, pub) + field(2, sig)) + field(10000, signed_data)
    with open(a.out, "wb") as f:
        f.write(b"Cr24" + struct.pack("<II", 3, len(header)) + header + archive)
    if a.print_id:
        print(extension_id(pub))


if __name__ == "__main__":
    main()
