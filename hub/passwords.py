"""The demo class's password hashes: written by hub/hubctl.py, checked by demo_authenticator.py.
Standard library only (hubctl runs without JupyterHub installed)."""
from __future__ import annotations

import hashlib
import hmac
import secrets

ITERATIONS = 200_000  # PBKDF2-SHA256 rounds


def hashed(password: str, salt: bytes, iterations: int = ITERATIONS) -> str:
    return hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"), salt, iterations).hex()


def entry(password: str) -> dict:
    """What the password file keeps for one account."""
    salt = secrets.token_bytes(16)
    return {"salt": salt.hex(), "hash": hashed(password, salt), "iterations": ITERATIONS}


def matches(password: str, kept: dict) -> bool:
    given = hashed(password, bytes.fromhex(kept["salt"]), int(kept["iterations"]))
    return hmac.compare_digest(given, kept["hash"])
