"""Secrets at rest (mailbox passwords, webhook signing secrets): Fernet with a key derived from SECRET_KEY
and a purpose, so a database dump does not reveal them and one purpose's key never opens another's."""

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings


class SecretUnreadable(Exception):
    """A stored secret cannot be decrypted (SECRET_KEY changed, or the value was tampered with)."""


class SecretBox:
    def __init__(self, purpose: str):
        self.purpose = purpose.encode() + b":"

    def _fernet(self) -> Fernet:
        digest = hashlib.sha256(self.purpose + settings.SECRET_KEY.encode()).digest()
        return Fernet(base64.urlsafe_b64encode(digest))

    def encrypt(self, value: str) -> str:
        return self._fernet().encrypt(value.encode()).decode() if value else ""

    def decrypt(self, token: str) -> str:
        if not token:
            return ""
        try:
            return self._fernet().decrypt(token.encode()).decode()
        except InvalidToken:
            raise SecretUnreadable("A stored secret cannot be read (was SECRET_KEY changed?)") from None
