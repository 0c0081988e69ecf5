"""Signing secrets at rest: Fernet with a key derived from SECRET_KEY, so a database dump does not reveal them."""

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings


class SecretUnreadable(Exception):
    """A stored secret cannot be decrypted (SECRET_KEY changed): rotate the webhook's secret."""


def _fernet() -> Fernet:
    digest = hashlib.sha256(b"hireloop.webhooks.signing-secret:" + settings.SECRET_KEY.encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def encrypt(value: str) -> str:
    return _fernet().encrypt(value.encode()).decode() if value else ""


def decrypt(token: str) -> str:
    if not token:
        return ""
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken:
        raise SecretUnreadable(
            "The webhook's signing secret cannot be read (was SECRET_KEY changed?): rotate its secret."
        ) from None
