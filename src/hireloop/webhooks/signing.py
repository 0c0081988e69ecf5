"""Standard Webhooks signatures (https://www.standardwebhooks.com): signing for Hireloop, verifying for receivers.

Pure standard library, so a receiver can use `hireloop.webhooks.verify` without configuring Django.
"""

import base64
import hashlib
import hmac
import json
import secrets
import time
from collections.abc import Iterable, Mapping
from typing import Any

SECRET_PREFIX = "whsec_"
DEFAULT_TOLERANCE_SECONDS = 5 * 60


class WebhookVerificationError(Exception):
    """The request was not signed by the holder of the secret, or is too old or too new."""


def new_secret() -> str:
    """A fresh signing secret, "whsec_" followed by 32 random bytes in base64."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(32)).decode()


def _key(secret: str) -> bytes:
    raw = secret[len(SECRET_PREFIX) :] if secret.startswith(SECRET_PREFIX) else secret
    try:
        key = base64.b64decode(raw + "==")
    except ValueError:
        raise WebhookVerificationError("The secret is not valid base64 (expected whsec_<base64>).") from None
    if not key:
        raise WebhookVerificationError("The secret is empty.")
    return key


def sign(*, secret: str, message_id: str, timestamp: int, body: str | bytes) -> str:
    """The `v1,<base64 HMAC-SHA256>` signature of "id.timestamp.body"."""
    payload = body if isinstance(body, bytes) else body.encode()
    digest = hmac.new(_key(secret), f"{message_id}.{timestamp}.".encode() + payload, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def signature_headers(*, secrets_: Iterable[str], message_id: str, timestamp: int, body: str | bytes) -> dict[str, str]:
    """The three Standard Webhooks headers, with one signature per secret (several while rotating)."""
    signatures = " ".join(sign(secret=s, message_id=message_id, timestamp=timestamp, body=body) for s in secrets_)
    return {"webhook-id": message_id, "webhook-timestamp": str(timestamp), "webhook-signature": signatures}


def verify(
    payload: str | bytes,
    headers: Mapping[str, str],
    secret: str,
    *,
    tolerance_seconds: int = DEFAULT_TOLERANCE_SECONDS,
    now: float | None = None,
) -> dict[str, Any]:
    """Check a received webhook and return its parsed JSON body; raise WebhookVerificationError otherwise.

    `payload` must be the raw request body (not re-serialised JSON); `headers` the request headers.
    """
    lowered = {key.lower(): value for key, value in headers.items()}
    message_id = lowered.get("webhook-id")
    timestamp_text = lowered.get("webhook-timestamp")
    signatures = lowered.get("webhook-signature")
    if not (message_id and timestamp_text and signatures):
        raise WebhookVerificationError("Missing webhook-id, webhook-timestamp or webhook-signature header.")
    try:
        timestamp = int(timestamp_text)
    except ValueError:
        raise WebhookVerificationError("webhook-timestamp is not a Unix time in seconds.") from None
    current = time.time() if now is None else now
    if timestamp < current - tolerance_seconds:
        raise WebhookVerificationError("Message timestamp too old.")
    if timestamp > current + tolerance_seconds:
        raise WebhookVerificationError("Message timestamp too new.")
    body = payload if isinstance(payload, bytes) else payload.encode()
    expected = sign(secret=secret, message_id=message_id, timestamp=timestamp, body=body).split(",", 1)[1]
    for candidate in signatures.split():
        version, _, value = candidate.partition(",")
        if version == "v1" and hmac.compare_digest(value.encode(), expected.encode()):
            return json.loads(body)
    raise WebhookVerificationError("No matching signature.")
