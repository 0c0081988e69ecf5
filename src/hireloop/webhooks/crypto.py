"""Signing secrets at rest (core.crypto), so a database dump does not reveal them."""

from hireloop.core.crypto import SecretBox
from hireloop.core.crypto import SecretUnreadable as _Unreadable

_box = SecretBox("hireloop.webhooks.signing-secret")
encrypt = _box.encrypt


class SecretUnreadable(_Unreadable):
    """A stored secret cannot be decrypted (SECRET_KEY changed): rotate the webhook's secret."""


def decrypt(token: str) -> str:
    try:
        return _box.decrypt(token)
    except _Unreadable:
        raise SecretUnreadable(
            "The webhook's signing secret cannot be read (was SECRET_KEY changed?): rotate its secret."
        ) from None
