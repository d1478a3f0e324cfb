"""Log-in for the demo class of `make hub`: one random password per account.

hub/hubctl.py draws the passwords, prints them once and keeps only PBKDF2 hashes in the file this
reads (root only; hub/passwords.py). A real term replaces this class with PAM or LTI
(hub/jupyterhub_config.py).
"""
from __future__ import annotations

import json
from pathlib import Path

from jupyterhub.auth import Authenticator
from passwords import matches
from traitlets import Unicode


class DemoAuthenticator(Authenticator):
    """Accounts and password hashes from `password_file` ({name: {salt, hash, iterations}})."""

    password_file = Unicode(help="JSON file of the demo accounts' password hashes").tag(config=True)

    async def authenticate(self, handler, data):
        name = self.normalize_username(str(data.get("username", "")))
        kept = json.loads(Path(self.password_file).read_text(encoding="utf-8")).get(name)
        if kept is None or not matches(str(data.get("password", "")), kept):
            return None
        return name
