"""Messaging settings, read at call time (so tests may change them); declared in hireloop/settings.py.

SMS_PROVIDER                     outbox (default) | twilio
TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, TWILIO_FROM_NUMBER, TWILIO_API_BASE_URL (optional)
MESSAGE_CANCEL_WINDOW_SECONDS    default delay of a message written by a person (900)
MESSAGE_MAX_ATTEMPTS             delivery attempts before `failed` (5)
MESSAGE_RETRY_BASE_SECONDS       first retry delay, doubled each attempt (60)
MESSAGE_SENDING_LEASE_SECONDS    a claim older than this is considered abandoned (600)
INBOUND_EMAIL_SECRET             shared secret of the inbound email endpoint (unset = endpoint disabled)
"""

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def get(name: str, default=None):
    value = getattr(settings, name, None)
    return default if value in (None, "") else value


def get_int(name: str, default: int) -> int:
    value = get(name, default)
    try:
        return int(value)
    except (TypeError, ValueError):
        raise ImproperlyConfigured(f"{name} must be an integer, not {value!r}") from None


def cancel_window_seconds() -> int:
    return get_int("MESSAGE_CANCEL_WINDOW_SECONDS", 15 * 60)


def max_attempts() -> int:
    return get_int("MESSAGE_MAX_ATTEMPTS", 5)


def retry_base_seconds() -> int:
    return get_int("MESSAGE_RETRY_BASE_SECONDS", 60)


def sending_lease_seconds() -> int:
    return get_int("MESSAGE_SENDING_LEASE_SECONDS", 600)
