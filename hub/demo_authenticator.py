"""Log-in for the demo class of `make hub`: one random password per account.

hub/hubctl.py draws the passwords, prints them once and keeps only PBKDF2 hashes in the file this
reads (root only). A real term replaces this class with PAM or LTI (hub/jupyterhub_config.py).
"""
from __future__ import annotations

import hashlib
import hmac
import json
from pathlib import Path

from jupyterhub.auth import Authenticator
from traitlets import Unicode

ITERATIONS = 200_000


def hashed(password: str, salt: bytes, iterations: int = ITERATIONS) -> str:
    return hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"), salt, iterations).hex()


class DemoAuthenticator(Authenticator):
    """Accounts and password hashes from `password_file` ({name: {salt, hash, iterations}})."""

    password_file = Unicode(help="JSON file of the demo accounts' password hashes").tag(config=True)

    def _accounts(self) -> dict:
        return json.loads(Path(self.password_file).read_text(encoding="utf-8"))

    async def authenticate(self, handler, data):
        name = self.normalize_username(str(data.get("username", "")))
        entry = self._accounts().get(name)
        if entry is None:
            return None
        password = str(data.get("password", ""))
        given = hashed(password, bytes.fromhex(entry["salt"]), int(entry["iterations"]))
        return name if hmac.compare_digest(given, entry["hash"]) else None
