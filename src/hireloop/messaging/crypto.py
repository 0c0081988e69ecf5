"""Mail account passwords at rest (core.crypto)."""

from hireloop.core.crypto import SecretBox, SecretUnreadable

_box = SecretBox("hireloop.messaging.mail-account")
encrypt = _box.encrypt


def decrypt(token: str) -> str:
    """The plain secret, or "" when it cannot be read (e.g. SECRET_KEY changed)."""
    try:
        return _box.decrypt(token)
    except SecretUnreadable:
        return ""
