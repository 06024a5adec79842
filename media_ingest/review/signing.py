"""The server's signature of an evidence package's manifest (Ed25519).

A package carries `manifest.sig` next to `manifest.json`: the algorithm, the signing public key,
its id (the first 16 hex digits of the key's SHA-256) and the signature of the manifest's exact
bytes. Anyone holding the package and the force's published public key
(GET /api/media/evidence/signing-key/) can check, with no access to this server, that the manifest
(and through its hashes every file) is what the server produced.

The key: `EVIDENCE_SIGNING_KEY` (base64 of a 32-byte Ed25519 seed) when set; otherwise it is
derived from the Django secret key, which every process of a deployment already shares, so the
embedded and scaled modes need no new setting. Rotating either key changes the key id; the id in
each package says which key signed it.
"""
from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

ALGORITHM = "Ed25519"
SIGNATURE_FILE = "manifest.sig"


def _private_key() -> Ed25519PrivateKey:
    from django.conf import settings

    configured = getattr(settings, "EVIDENCE_SIGNING_KEY", "")
    if configured:
        seed = base64.b64decode(configured)
        if len(seed) != 32:
            raise ValueError("EVIDENCE_SIGNING_KEY must be the base64 of 32 bytes")
    else:
        seed = hashlib.sha256(b"counterwatch evidence manifest signing key\0" + settings.SECRET_KEY.encode()).digest()
    return Ed25519PrivateKey.from_private_bytes(seed)


def _public_raw(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def key_id(public_raw: bytes) -> str:
    return hashlib.sha256(public_raw).hexdigest()[:16]


def public_key_info() -> dict[str, str]:
    """The server's current public key, to publish (base64 raw key and PEM)."""
    public = _private_key().public_key()
    raw = _public_raw(public)
    pem = public.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    return {"algorithm": ALGORITHM, "key_id": key_id(raw), "public_key": base64.b64encode(raw).decode(),
            "pem": pem.decode()}


def sign_manifest(manifest_bytes: bytes) -> bytes:
    """The content of manifest.sig for these exact manifest bytes."""
    private = _private_key()
    raw = _public_raw(private.public_key())
    body = {"algorithm": ALGORITHM, "key_id": key_id(raw), "public_key": base64.b64encode(raw).decode(),
            "signed_file": "manifest.json",
            "signature": base64.b64encode(private.sign(manifest_bytes)).decode()}
    return json.dumps(body, indent=1).encode()


@dataclass
class SignatureCheck:
    present: bool
    valid: bool = False
    key_id: str = ""
    problem: str = ""
    problem_vi: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"present": self.present, "valid": self.valid, "key_id": self.key_id, "problem": self.problem,
                "problem_vi": self.problem_vi}


def check_signature(manifest_bytes: bytes, sig_bytes: bytes | None, *,
                    trusted_public_keys: list[str] | None = None) -> SignatureCheck:
    """Check manifest.sig against the manifest. With `trusted_public_keys` (base64 raw keys) the
    signing key must be one of them; without, the key written in the file is used (integrity only)."""
    if sig_bytes is None:
        return SignatureCheck(present=False, problem="manifest.sig is missing",
                              problem_vi="thiếu chữ ký số manifest.sig")
    try:
        body = json.loads(sig_bytes)
        raw = base64.b64decode(body["public_key"])
        signature = base64.b64decode(body["signature"])
        if body.get("algorithm") != ALGORITHM:
            return SignatureCheck(present=True, problem=f"unknown signature algorithm {body.get('algorithm')!r}",
                                  problem_vi="thuật toán chữ ký không được hỗ trợ")
        public = Ed25519PublicKey.from_public_bytes(raw)
    except (ValueError, KeyError, TypeError) as exc:
        return SignatureCheck(present=True, problem=f"manifest.sig is unreadable: {exc}",
                              problem_vi="không đọc được chữ ký số manifest.sig")
    kid = key_id(raw)
    if trusted_public_keys is not None and body["public_key"] not in trusted_public_keys:
        return SignatureCheck(present=True, key_id=kid, problem=f"signed by key {kid}, not the server's key",
                              problem_vi=f"được ký bằng khóa {kid}, không phải khóa của hệ thống")
    try:
        public.verify(signature, manifest_bytes)
    except InvalidSignature:
        return SignatureCheck(present=True, key_id=kid, problem="the signature of manifest.json is not valid",
                              problem_vi="chữ ký số của manifest.json không hợp lệ")
    return SignatureCheck(present=True, valid=True, key_id=kid)
