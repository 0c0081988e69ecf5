"""Webhook subscriptions and delivery: events become signed HTTP requests, retried until they succeed.

Payloads are built when the event is recorded (inside the caller's transaction), so `data` is the
resource as it was at that moment, and a deleted resource still has a full payload.
Delivery is at-least-once, and the delivery rows are the queue: a delivery task claims a batch of
due rows, sends them and settles each. A claim left by a killed worker expires after
WEBHOOK_DELIVERY_LEASE_SECONDS and is taken by the next batch. Tasks only wake workers up, so a lost
task loses nothing: the periodic sweep (tasks.sweep) starts a new one while anything is due.
"""

import json
import logging
import uuid
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.html import escape
from django.utils.module_loading import import_string

from hireloop.activity.models import Event
from hireloop.core.errors import Conflict, ValidationFailed
from hireloop.webhooks import catalogue, crypto, signing, transport
from hireloop.webhooks.models import Delivery, DeliveryAttempt, DeliveryStatus, Webhook, WebhookEvent

logger = logging.getLogger("hireloop.webhooks")

# Event.subject_type -> function(company, id) returning the resource as the API returns it (or None).
# Resolved lazily: an app that does not exist (yet) falls back to {"id": subject_id, **event.data}.
PAYLOAD_BUILDERS: dict[str, str] = {
    "candidate": "hireloop.candidates.selectors.webhook_payload",
    "application": "hireloop.applications.selectors.webhook_payload",
    "job": "hireloop.jobs.selectors.webhook_payload",
}

ROTATION_OVERLAP = timedelta(hours=24)
RESERVED_HEADERS = {"content-type", "content-length", "host", "user-agent", "transfer-encoding", "connection"}
MAX_HEADERS = 20


# --- payloads -------------------------------------------------------------------------------


def _json_default(value):
    if isinstance(value, datetime):
        return int(value.timestamp())
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, uuid.UUID | set | frozenset):
        return str(value) if isinstance(value, uuid.UUID) else sorted(value)
    if hasattr(value, "model_dump"):
        return value.model_dump(mode="json")
    raise TypeError(f"Cannot serialise {type(value).__name__} in a webhook payload")


def dumps(value) -> str:
    return json.dumps(value, default=_json_default, separators=(",", ":"), ensure_ascii=False)


def _builder(subject_type: str):
    path = PAYLOAD_BUILDERS.get(subject_type)
    if path is None:
        return None
    try:
        return import_string(path)
    except ImportError:
        return None


def build_data(event: Event) -> dict:
    """The `data` of an event: the resource as the API returns it, else the event's own facts."""
    fallback = {"id": event.subject_id, **(event.data or {})}
    builder = _builder(event.subject_type)
    if builder is None or event.subject_id is None:
        return fallback
    try:
        # A savepoint: a failing builder must not break the caller's state change.
        with transaction.atomic():
            data = builder(event.company, event.subject_id)
    except Exception:
        logger.exception("webhook payload for %s %s failed; sending the event's data", event.subject_type, event.pk)
        return fallback
    if data is None:
        return fallback
    if hasattr(data, "model_dump"):
        data = data.model_dump(mode="json")
    return dict(data)


def new_event_id() -> str:
    return f"evt_{uuid.uuid4().hex}"


def envelope(*, event_id: str, type: str, occurred_at: datetime, company_id: int, action_id: str, data: dict) -> str:
    return dumps(
        {
            "id": event_id,
            "type": type,
            "version": catalogue.BY_NAME[type].version if type in catalogue.BY_NAME else catalogue.ENVELOPE_VERSION,
            "occurred_at": int(occurred_at.timestamp()),
            "company_id": company_id,
            "action_id": action_id or None,
            "data": data,
        }
    )


# --- the activity hook ----------------------------------------------------------------------


def subscribers(*, company_id: int, kind: str, job_id: int | None) -> list[Webhook]:
    """Active subscriptions of the company (and of the event's job) that listen to `kind`."""
    scope = Q(job__isnull=True) | Q(job_id=job_id) if job_id is not None else Q(job__isnull=True)
    hooks = Webhook.objects.filter(scope, company_id=company_id, is_active=True).only("pk", "events")
    return [hook for hook in hooks if catalogue.matches(hook.events, kind)]


def on_event(event: Event) -> None:
    """Activity hook: queue a delivery of `event` to every subscription listening to it, on commit."""
    if event.company_id is None or event.kind not in catalogue.BY_NAME:
        return
    hooks = subscribers(company_id=event.company_id, kind=event.kind, job_id=event.job_id)
    if not hooks:
        return
    public_id = new_event_id()
    webhook_event = WebhookEvent.objects.create(
        company_id=event.company_id,
        public_id=public_id,
        type=event.kind,
        activity_event_id=event.pk,
        body=envelope(
            event_id=public_id,
            type=event.kind,
            occurred_at=event.created_at,
            company_id=event.company_id,
            action_id=event.action_id,
            data=build_data(event),
        ),
    )
    now = timezone.now()
    Delivery.objects.bulk_create(
        [Delivery(webhook_id=hook.pk, event=webhook_event, next_attempt_at=now) for hook in hooks]
    )
    _wake_on_commit()


def _wake_on_commit(run_after: datetime | None = None) -> None:
    """Once the transaction commits, make sure a delivery task will run (at `run_after`)."""
    from hireloop.webhooks.tasks import ensure_delivery_task

    transaction.on_commit(lambda: ensure_delivery_task(run_after=run_after))


# --- delivering -----------------------------------------------------------------------------


def signing_secrets(webhook: Webhook, now: datetime) -> list[str]:
    """The current secret, plus the previous one during the 24 h after a rotation."""
    result = [webhook.secret]
    expires = webhook.previous_secret_expires_at
    if webhook.previous_secret_encrypted and expires and expires > now:
        result.append(webhook.previous_secret)
    return result


def send(*, url: str, body: str, message_id: str, secrets_: list[str], extra_headers: dict | None = None):
    """Sign and POST one message now; returns the transport.Response."""
    headers = dict(extra_headers or {})
    headers.update(
        signing.signature_headers(
            secrets_=secrets_, message_id=message_id, timestamp=int(timezone.now().timestamp()), body=body
        )
    )
    return transport.post(url, body=body, headers=headers)


def _claim_due(now: datetime, limit: int) -> tuple[str, list[Delivery]]:
    """Mark up to `limit` due deliveries (and claims left stale by a killed worker) as being sent by us."""
    lease = timedelta(seconds=settings.WEBHOOK_DELIVERY_LEASE_SECONDS)
    due = Q(status=DeliveryStatus.PENDING, next_attempt_at__lte=now)
    stale = Q(status=DeliveryStatus.DELIVERING, claimed_at__lt=now - lease)
    token = uuid.uuid4().hex
    with transaction.atomic():
        queryset = Delivery.objects.filter(due | stale).order_by("next_attempt_at", "pk")
        if connection.features.has_select_for_update_skip_locked:
            queryset = queryset.select_for_update(skip_locked=True)  # workers take disjoint batches
        ids = list(queryset.values_list("pk", flat=True)[:limit])
        if not ids:
            return token, []
        Delivery.objects.filter(pk__in=ids).update(
            status=DeliveryStatus.DELIVERING,
            claim=token,
            claimed_at=now,
            attempt_count=F("attempt_count") + 1,
            updated_at=now,
        )
    deliveries = Delivery.objects.filter(pk__in=ids, claim=token).select_related("webhook", "event")
    return token, list(deliveries.order_by("pk"))


# Requests of one batch are sent in parallel, so a slow receiver does not hold up the others. A batch
# takes at most ceil(BATCH_SIZE / SEND_THREADS) timeouts (3 x 10 s), well inside the claim's lease.
SEND_THREADS = 16
BATCH_SIZE = 48
_executor: ThreadPoolExecutor | None = None


def _pool() -> ThreadPoolExecutor:
    global _executor
    if _executor is None:
        _executor = ThreadPoolExecutor(max_workers=SEND_THREADS, thread_name_prefix="webhooks")
    return _executor


def deliver_due(*, limit: int = BATCH_SIZE) -> dict[str, int]:
    """Claim a batch of due deliveries, send them, and settle each (success, retry later, or failure).

    Returns counts by outcome plus "claimed"; 0 claimed means nothing is due. Safe in any number of workers.
    """
    now = timezone.now()
    token, deliveries = _claim_due(now, limit)
    outcomes: Counter[str] = Counter(claimed=len(deliveries))
    inactive = [d.pk for d in deliveries if not d.webhook.is_active]
    if inactive:
        Delivery.objects.filter(pk__in=inactive, claim=token).update(
            status=DeliveryStatus.CANCELLED, claim="", claimed_at=None, next_attempt_at=None, updated_at=now
        )
        outcomes["cancelled"] += len(inactive)
    ready = [d for d in deliveries if d.webhook.is_active]

    def attempt(delivery: Delivery):
        try:
            secrets_ = signing_secrets(delivery.webhook, now)
        except crypto.SecretUnreadable as exc:
            return transport.Response(status_code=None, latency_ms=0, body="", error=str(exc))
        return send(
            url=delivery.webhook.url,
            body=delivery.event.body,
            message_id=delivery.event.public_id,
            secrets_=secrets_,
            extra_headers=delivery.webhook.headers,
        )

    responses = list(_pool().map(attempt, ready)) if len(ready) > 1 else [attempt(d) for d in ready]
    if ready:
        outcomes.update(_settle(list(zip(ready, responses, strict=True)), token=token, claimed_at=now))
    return {name: count for name, count in outcomes.items() if count or name == "claimed"}


def _settle(results: list, *, token: str, claimed_at: datetime, retry: bool = True) -> Counter:
    """Record the attempts and move each delivery on, in one transaction with one UPDATE per outcome."""
    now = timezone.now()
    schedule = settings.WEBHOOK_RETRY_SCHEDULE
    outcomes: Counter[str] = Counter()
    attempts, groups = [], defaultdict(list)
    succeeded_webhooks, retries, gone, failed = set(), set(), [], []
    for delivery, response in results:
        attempts.append(
            DeliveryAttempt(
                delivery=delivery,
                number=delivery.attempt_count,
                requested_at=claimed_at,
                status_code=response.status_code,
                latency_ms=response.latency_ms,
                response_body=response.body,
                error=response.error,
                is_success=response.is_success,
            )
        )
        if response.is_success:
            outcome, fields = "succeeded", {"status": DeliveryStatus.SUCCEEDED, "delivered_at": now}
            succeeded_webhooks.add(delivery.webhook_id)
        elif response.status_code == 410:
            outcome, fields = "gone", {"status": DeliveryStatus.FAILED}
            gone.append(delivery)
        elif retry and delivery.attempt_count <= len(schedule):
            next_at = now + timedelta(seconds=schedule[delivery.attempt_count - 1])
            outcome, fields = "retry", {"status": DeliveryStatus.PENDING, "next_attempt_at": next_at}
            retries.add(next_at)
        else:
            outcome, fields = "failed", {"status": DeliveryStatus.FAILED}
            failed.append(delivery)
        fields.setdefault("next_attempt_at", None)
        fields["last_status_code"] = response.status_code
        groups[tuple(sorted(fields.items()))].append(delivery.pk)
        outcomes[outcome] += 1
    with transaction.atomic():
        DeliveryAttempt.objects.bulk_create(attempts)
        for fields, ids in groups.items():
            # Only while the claim is still ours (a stale claim may have been taken over by another worker).
            Delivery.objects.filter(pk__in=ids, claim=token, status=DeliveryStatus.DELIVERING).update(
                **dict(fields), claim="", claimed_at=None, updated_at=now
            )
        if not retry:
            return outcomes  # a ping: no effect on the subscription's health
        failing = {d.webhook_id for d, _ in results if d.webhook.consecutive_failures} & succeeded_webhooks
        if failing:
            Webhook.objects.filter(pk__in=failing).update(consecutive_failures=0)
        for next_at in retries:
            _wake_on_commit(run_after=next_at)
        for delivery in gone:
            disable(webhook=delivery.webhook, reason="The receiver answered 410 Gone.")
        for delivery in failed:
            _count_failed_event(delivery.webhook)
    return outcomes


def _count_failed_event(webhook: Webhook) -> None:
    Webhook.objects.filter(pk=webhook.pk).update(consecutive_failures=F("consecutive_failures") + 1)
    webhook.refresh_from_db(fields=["consecutive_failures", "is_active"])
    limit = settings.WEBHOOK_DISABLE_AFTER_FAILED_EVENTS
    if webhook.is_active and limit and webhook.consecutive_failures >= limit:
        disable(webhook=webhook, reason=f"The last {webhook.consecutive_failures} events could not be delivered.")


def disable(*, webhook: Webhook, reason: str) -> None:
    """Stop sending to a subscription (its pending deliveries are cancelled) and email the company's admins."""
    now = timezone.now()
    with transaction.atomic():
        if not Webhook.objects.filter(pk=webhook.pk, is_active=True).update(
            is_active=False, disabled_at=now, disabled_reason=reason[:300], updated_at=now
        ):
            return
        webhook.is_active, webhook.disabled_at, webhook.disabled_reason = False, now, reason[:300]
        Delivery.objects.filter(webhook=webhook, status=DeliveryStatus.PENDING).update(
            status=DeliveryStatus.CANCELLED, next_attempt_at=None, updated_at=now
        )
        _notify_admins(webhook, reason)
    logger.warning("webhook %s disabled: %s", webhook.pk, reason)


def _notify_admins(webhook: Webhook, reason: str) -> None:
    from hireloop.accounts.models import Membership, Role

    emails = list(
        Membership.objects.filter(company_id=webhook.company_id, role=Role.ADMIN, is_active=True)
        .values_list("user__email", flat=True)
        .order_by("user__email")
    )
    if not emails:
        return
    from hireloop.messaging.services import send_email

    send_email(
        company=webhook.company,
        to=emails,
        subject=f"Webhook disabled: {webhook.url}",
        body_html=(
            f"<p>Hireloop stopped sending events to the webhook <strong>{escape(webhook.url)}</strong> "
            f"(id {webhook.pk}).</p><p>Reason: {escape(reason)}</p>"
            "<p>Fix the receiver, then turn the webhook on again (PUT /api/v2/webhooks/"
            f"{webhook.pk} with is_active true). Undelivered events are listed in its delivery log "
            "and can be redelivered.</p>"
        ),
        kind="webhook_disabled",
        related=("webhook", webhook.pk),
    )


def has_due_work(*, now: datetime | None = None) -> bool:
    """Whether a delivery is due, or was claimed by a worker that died (its lease ran out)."""
    now = now or timezone.now()
    lease = timedelta(seconds=settings.WEBHOOK_DELIVERY_LEASE_SECONDS)
    return Delivery.objects.filter(
        Q(status=DeliveryStatus.PENDING, next_attempt_at__lte=now)
        | Q(status=DeliveryStatus.DELIVERING, claimed_at__lt=now - lease)
    ).exists()


def delete_old(*, now: datetime | None = None, batch: int = 2000) -> int:
    """Remove events (with their deliveries and attempts) older than WEBHOOK_RETENTION_DAYS."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.WEBHOOK_RETENTION_DAYS)
    removed = 0
    while True:
        ids = list(WebhookEvent.objects.filter(created_at__lt=cutoff).values_list("pk", flat=True)[:batch])
        if not ids:
            return removed
        DeliveryAttempt.objects.filter(delivery__event_id__in=ids).delete()
        Delivery.objects.filter(event_id__in=ids).delete()
        WebhookEvent.objects.filter(pk__in=ids).delete()
        removed += len(ids)


# --- subscriptions --------------------------------------------------------------------------


def _clean_events(events) -> list[str]:
    if events is None or events == "*":
        return ["*"]
    if isinstance(events, str):
        events = [events]
    events = list(dict.fromkeys(e.strip() for e in events if e and e.strip()))
    if not events:
        raise ValidationFailed({"events": 'List at least one event, or use "*" for all.'})
    unknown = catalogue.validate_patterns(events)
    if unknown:
        raise ValidationFailed({"events": f"Unknown events: {', '.join(unknown)} (see GET /webhooks/events)."})
    return events


def _clean_headers(headers: dict | None) -> dict[str, str]:
    headers = headers or {}
    if len(headers) > MAX_HEADERS:
        raise ValidationFailed({"headers": f"At most {MAX_HEADERS} headers."})
    cleaned = {}
    for name, value in headers.items():
        lowered = str(name).strip().lower()
        if not lowered or lowered in RESERVED_HEADERS or lowered.startswith("webhook-"):
            raise ValidationFailed({"headers": f"The header {name!r} cannot be set."})
        if any(c in str(name) + str(value) for c in "\r\n") or len(str(value)) > 1000:
            raise ValidationFailed({"headers": f"The header {name!r} is not valid."})
        cleaned[str(name).strip()] = str(value)
    return cleaned


def _clean_url(url: str) -> str:
    url = (url or "").strip()
    if len(url) > 2000:
        raise ValidationFailed({"url": "At most 2000 characters."})
    try:
        transport.check_target(url)
    except transport.TargetRefused as exc:
        raise ValidationFailed({"url": str(exc)}) from None
    return url


@transaction.atomic
def create_webhook(
    *,
    company,
    actor,
    url: str,
    job=None,
    events=None,
    description: str = "",
    headers: dict | None = None,
    is_active: bool = True,
) -> Webhook:
    """Subscribe a URL to the company's (or one job's) events; the new secret is on the returned object."""
    webhook = Webhook.objects.create(
        company=company,
        job=job,
        url=_clean_url(url),
        events=_clean_events(events),
        description=(description or "")[:500],
        headers=_clean_headers(headers),
        is_active=is_active,
        secret=signing.new_secret(),
        created_by=actor,
    )
    from hireloop.activity.services import record

    record(
        kind="webhook.created",
        company=company,
        subject=webhook,
        actor=actor,
        job_id=webhook.job_id,
        data={"url": webhook.url, "events": webhook.events},
    )
    return webhook


@transaction.atomic
def update_webhook(*, company, actor, webhook: Webhook, changes: dict) -> Webhook:
    """Change a subscription's URL, events, description, headers or state (turning it on clears its failures)."""
    if "url" in changes and changes["url"] is not None:
        webhook.url = _clean_url(changes["url"])
    if "events" in changes:
        webhook.events = _clean_events(changes["events"])
    if "description" in changes:
        webhook.description = (changes["description"] or "")[:500]
    if "headers" in changes:
        webhook.headers = _clean_headers(changes["headers"])
    if "is_active" in changes and changes["is_active"] is not None:
        if changes["is_active"] and not webhook.is_active:
            webhook.consecutive_failures = 0
            webhook.disabled_at = None
            webhook.disabled_reason = ""
        webhook.is_active = bool(changes["is_active"])
    webhook.save()
    from hireloop.activity.services import record

    record(
        kind="webhook.updated",
        company=company,
        subject=webhook,
        actor=actor,
        job_id=webhook.job_id,
        data={"fields": sorted(changes)},
    )
    return webhook


@transaction.atomic
def delete_webhook(*, company, actor, webhook: Webhook) -> None:
    """Remove a subscription and its delivery log."""
    from hireloop.activity.services import record

    record(
        kind="webhook.deleted",
        company=company,
        subject=webhook,
        actor=actor,
        job_id=webhook.job_id,
        data={"url": webhook.url},
    )
    webhook.delete()


@transaction.atomic
def rotate_secret(*, company, actor, webhook: Webhook) -> Webhook:
    """Issue a new secret; the old one keeps signing (alongside) for 24 hours."""
    now = timezone.now()
    try:
        webhook.previous_secret = webhook.secret
        webhook.previous_secret_expires_at = now + ROTATION_OVERLAP
    except crypto.SecretUnreadable:
        webhook.previous_secret, webhook.previous_secret_expires_at = "", None  # nothing to overlap with
    webhook.secret = signing.new_secret()
    webhook.save(
        update_fields=["secret_encrypted", "previous_secret_encrypted", "previous_secret_expires_at", "updated_at"]
    )
    from hireloop.activity.services import record

    record(kind="webhook.secret_rotated", company=company, subject=webhook, actor=actor, job_id=webhook.job_id)
    return webhook


def ping(*, company, actor, webhook: Webhook) -> Delivery:
    """Send a signed `ping` event to the subscription now (logged, never retried); the delivery holds the answer."""
    public_id = new_event_id()
    now = timezone.now()
    with transaction.atomic():
        event = WebhookEvent.objects.create(
            company=company,
            public_id=public_id,
            type="ping",
            body=envelope(
                event_id=public_id,
                type="ping",
                occurred_at=now,
                company_id=company.pk,
                action_id="",
                data={"webhook_id": webhook.pk, "message": "Hello from Hireloop."},
            ),
        )
        token = uuid.uuid4().hex
        delivery = Delivery.objects.create(
            webhook=webhook, event=event, status=DeliveryStatus.DELIVERING, attempt_count=1, claimed_at=now, claim=token
        )
    response = send(
        url=webhook.url,
        body=event.body,
        message_id=public_id,
        secrets_=signing_secrets(webhook, now),
        extra_headers=webhook.headers,
    )
    delivery.webhook = webhook
    _settle([(delivery, response)], token=token, claimed_at=now, retry=False)
    delivery.refresh_from_db()
    return delivery


def send_test(*, company, url: str, event_type: str = "ping", secret: str | None = None) -> dict:
    """Send a signed test event to any URL now (no subscription needed) and return the receiver's answer."""
    if event_type not in catalogue.BY_NAME:
        raise ValidationFailed({"event": "Unknown event (see GET /webhooks/events)."})
    url = _clean_url(url)
    if secret is not None and not secret.startswith(signing.SECRET_PREFIX):
        raise ValidationFailed({"secret": "A secret has the form whsec_<base64>."})
    secret = secret or signing.new_secret()
    public_id = new_event_id()
    body = envelope(
        event_id=public_id,
        type=event_type,
        occurred_at=timezone.now(),
        company_id=company.pk,
        action_id="",
        data={"webhook_id": None, "message": "A test event from Hireloop."}
        if event_type == "ping"
        else {"id": None, "test": True},
    )
    response = send(url=url, body=body, message_id=public_id, secrets_=[secret])
    return {
        "event_id": public_id,
        "secret": secret,
        "success": response.is_success,
        "status_code": response.status_code,
        "latency_ms": response.latency_ms,
        "response_body": response.body,
        "error": response.error,
    }


@transaction.atomic
def redeliver(*, company, actor, delivery: Delivery) -> Delivery:
    """Send a delivered or failed event again (same event id), as a new delivery with a fresh retry schedule."""
    if not delivery.webhook.is_active:
        raise Conflict("The webhook is disabled: turn it on (is_active true) before redelivering.")
    if delivery.status in (DeliveryStatus.PENDING, DeliveryStatus.DELIVERING):
        raise Conflict("This delivery is still in progress.")
    copy = Delivery.objects.create(
        webhook=delivery.webhook, event=delivery.event, next_attempt_at=timezone.now(), redelivery_of=delivery
    )
    _wake_on_commit()
    return copy
