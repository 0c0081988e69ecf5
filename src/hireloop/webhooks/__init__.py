"""Webhooks: signed, retried deliveries of activity events to subscriber URLs.

Receivers may verify a delivery with `hireloop.webhooks.verify(body, headers, secret)`.
"""

from hireloop.webhooks.signing import WebhookVerificationError, verify

__all__ = ["WebhookVerificationError", "verify"]
