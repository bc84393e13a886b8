#!/usr/bin/python3
"""Encrypts a filled instance and its media as ODK Collect does when the
form carries a public key (the test client's side of ODK XForms' encrypted
forms, written for Resguardo's tests from ../shared/OPENROSA.md; an
implementation independent of the server's, in Python's `cryptography`).

  encrypt_submission.py --public-key B64 --form-id ID [--version V] \
      --instance-id uuid:… --instance submission.xml --out DIR [MEDIA …]

Writes DIR/<media>.enc, DIR/submission.xml.enc and DIR/manifest.xml (the
XML part to POST as xml_submission_file).

- A random 256-bit key, encrypted with RSA-OAEP (SHA-256, MGF1-SHA-256).
- Each file: AES-256-CFB (128-bit feedback) over the PKCS#7-padded bytes;
  IV = MD5(instanceID ‖ key) with byte (i mod 16) incremented before file
  i, cumulatively: the media in order first, the submission last.
- The signature: MD5 of the lines formId, version (if any), the encrypted
  key, instanceID, then `name::md5(plaintext)` per file, each ending in a
  newline; encrypted with RSA-OAEP like the key.
"""

import argparse
import base64
import hashlib
import os
import sys
from xml.sax.saxutils import escape, quoteattr

from cryptography.hazmat.primitives import hashes, padding as symmetric_padding, serialization
from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--public-key", required=True)
    parser.add_argument("--form-id", required=True)
    parser.add_argument("--version")
    parser.add_argument("--instance-id", required=True)
    parser.add_argument("--instance", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("media", nargs="*")
    args = parser.parse_args()

    public = serialization.load_der_public_key(base64.b64decode(args.public_key))
    oaep = padding.OAEP(mgf=padding.MGF1(algorithm=hashes.SHA256()), algorithm=hashes.SHA256(), label=None)
    key = os.urandom(32)
    encrypted_key = base64.b64encode(public.encrypt(key, oaep)).decode()

    seed = bytearray(hashlib.md5(args.instance_id.encode() + key).digest())
    lines = [args.form_id] + ([args.version] if args.version else []) + [encrypted_key, args.instance_id]
    files = [(os.path.basename(path), path) for path in args.media] + [("submission.xml", args.instance)]
    os.makedirs(args.out, exist_ok=True)
    for index, (name, path) in enumerate(files):
        seed[index % 16] = (seed[index % 16] + 1) % 256
        with open(path, "rb") as handle:
            plain = handle.read()
        padder = symmetric_padding.PKCS7(128).padder()
        padded = padder.update(plain) + padder.finalize()
        encryptor = Cipher(algorithms.AES(key), modes.CFB(bytes(seed))).encryptor()
        with open(os.path.join(args.out, name + ".enc"), "wb") as handle:
            handle.write(encryptor.update(padded) + encryptor.finalize())
        lines.append(f"{name}::{hashlib.md5(plain).hexdigest()}")
    signed = "".join(line + "\n" for line in lines).encode()
    signature = base64.b64encode(public.encrypt(hashlib.md5(signed).digest(), oaep)).decode()

    version = f" version={quoteattr(args.version)}" if args.version else ""
    media = "".join(f"<media><file>{escape(name)}.enc</file></media>" for name, _ in files[:-1])
    manifest = (
        f'<data xmlns="http://opendatakit.org/submissions" encrypted="yes" id={quoteattr(args.form_id)}{version}>'
        f"<base64EncryptedKey>{encrypted_key}</base64EncryptedKey>"
        '<orx:meta xmlns:orx="http://openrosa.org/xforms">'
        f"<orx:instanceID>{escape(args.instance_id)}</orx:instanceID></orx:meta>"
        f"{media}<encryptedXmlFile>submission.xml.enc</encryptedXmlFile>"
        f"<base64EncryptedElementSignature>{signature}</base64EncryptedElementSignature></data>"
    )
    with open(os.path.join(args.out, "manifest.xml"), "w", encoding="utf-8") as handle:
        handle.write(manifest)
    return 0


if __name__ == "__main__":
    sys.exit(main())
