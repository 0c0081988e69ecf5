"""Idempotency-Key on POST: the first response is kept per key and company for 24 h and
replayed; the same key with a different request is a 409."""

import hashlib
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpResponse
from django.utils import timezone

from hireloop.core.errors import Conflict, ValidationFailed
from hireloop.core.models import IdempotencyRecord

MAX_KEY_LENGTH = 255


def _request_hash(request) -> str:
    digest = hashlib.sha256()
    digest.update(request.method.encode())
    digest.update(b"\0")
    digest.update(request.get_full_path().encode())
    digest.update(b"\0")
    digest.update(request.body or b"")
    return digest.hexdigest()


def begin(request, *, company, key: str) -> tuple[IdempotencyRecord | None, HttpResponse | None]:
    """Reserve `key` for this request, or return the stored response to replay."""
    if not key or len(key) > MAX_KEY_LENGTH:
        raise ValidationFailed({"Idempotency-Key": f"Must be 1-{MAX_KEY_LENGTH} characters."})
    request_hash = _request_hash(request)
    expiry = timezone.now() - timedelta(seconds=settings.IDEMPOTENCY_TTL_SECONDS)
    IdempotencyRecord.objects.filter(company=company, key=key, created_at__lt=expiry).delete()
    try:
        with transaction.atomic():
            record = IdempotencyRecord.objects.create(company=company, key=key, request_hash=request_hash)
        return record, None
    except IntegrityError:
        pass
    existing = IdempotencyRecord.objects.filter(company=company, key=key).first()
    if existing is None:  # deleted concurrently: treat as a fresh request
        return begin(request, company=company, key=key)
    if existing.request_hash != request_hash:
        raise Conflict("This Idempotency-Key was already used with a different request.")
    if not existing.is_complete:
        raise Conflict("A request with this Idempotency-Key is still being processed; retry shortly.")
    response = HttpResponse(
        bytes(existing.body or b""), status=existing.status_code, content_type=existing.content_type
    )
    response["Idempotent-Replayed"] = "true"
    return None, response


def finish(record: IdempotencyRecord, response: HttpResponse) -> None:
    """Keep the response for replay; a server error frees the key so the client may retry."""
    if response.status_code >= 500 or getattr(response, "streaming", False):
        record.delete()
        return
    record.is_complete = True
    record.status_code = response.status_code
    record.content_type = response.get("Content-Type", "application/json")
    record.body = response.content
    record.save(update_fields=["is_complete", "status_code", "content_type", "body"])
