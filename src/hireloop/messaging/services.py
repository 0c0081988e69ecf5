"""Every state change of messaging: schedule, send, cancel, receive, opt out, mail accounts, templates.

Other apps send through three functions (the messaging contract):
send_email(), send_sms() and cancel_scheduled(). Call them inside your own transaction; they
write Message rows and enqueue delivery on commit.
"""

import contextlib
import logging
import smtplib
import threading
from datetime import datetime, timedelta
from email.utils import make_msgid, parseaddr

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.validators import validate_email
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.html import escape, strip_tags

from hireloop.activity.services import record
from hireloop.core.context import public_base_url
from hireloop.core.errors import Conflict, ValidationFailed
from hireloop.core.tasks import enqueue_on_commit
from hireloop.messaging import conf, crypto
from hireloop.messaging.models import (
    Channel,
    Direction,
    MailAccount,
    Message,
    MessageAttachment,
    MessageStatus,
    OptOut,
)
from hireloop.messaging.sms import SmsError, get_provider, normalize_phone

logger = logging.getLogger("hireloop.messaging")

UNSUBSCRIBE_SALT = "hireloop.messaging.unsubscribe"
MAX_RECIPIENTS = 50


# --- the contract -------------------------------------------------------------------------


def send_email(
    *,
    company,
    to: list[str],
    subject: str,
    body_html: str,
    body_text: str | None = None,
    cc: list[str] | None = None,
    bcc: list[str] | None = None,
    attachments: list[tuple[str, bytes, str]] | None = None,
    headers: dict[str, str] | None = None,
    candidate=None,
    application=None,
    actor=None,
    kind: str = "notification",
    scheduled_at: datetime | None = None,
    related: tuple[str, int] | None = None,
) -> Message:
    """Schedule one email (None = send now) and deliver it on commit.

    A recipient who unsubscribed gets no mail: the message is stored as `suppressed` (no error,
    so the caller's own action still succeeds).
    """
    return create_email(
        company=company,
        to=to,
        subject=subject,
        body_html=body_html,
        body_text=body_text,
        cc=cc,
        bcc=bcc,
        attachments=attachments,
        headers=headers,
        candidate=candidate,
        application=application,
        actor=actor,
        kind=kind,
        scheduled_at=scheduled_at,
        related=related,
        on_opt_out="suppress",
    )


def send_sms(
    *,
    company,
    to_phone: str,
    body: str,
    candidate=None,
    actor=None,
    kind: str = "notification",
    scheduled_at: datetime | None = None,
    related: tuple[str, int] | None = None,
) -> Message:
    """Schedule one SMS to an E.164 number (None = send now); an opted-out number is suppressed."""
    return create_sms(
        company=company,
        to_phone=to_phone,
        body=body,
        candidate=candidate,
        actor=actor,
        kind=kind,
        scheduled_at=scheduled_at,
        related=related,
        on_opt_out="suppress",
    )


@transaction.atomic
def cancel_scheduled(*, company, related: tuple[str, int], kind: str | None = None) -> int:
    """Cancel every not-yet-sent message about `related` (optionally of one kind); returns how many."""
    queryset = Message.objects.filter(
        company=company,
        related_type=related[0],
        related_id=related[1],
        direction=Direction.OUTBOUND,
        status=MessageStatus.SCHEDULED,
    )
    if kind is not None:
        queryset = queryset.filter(kind=kind)
    messages = list(queryset.select_for_update().order_by("pk"))
    for message in messages:
        _cancel(message, actor=None)
    return len(messages)


# --- creating messages --------------------------------------------------------------------


def _clean_addresses(values: list[str] | None, *, field: str) -> list[str]:
    result = []
    for value in values or []:
        address = (value or "").strip()
        try:
            validate_email(address)
        except DjangoValidationError:
            raise ValidationFailed({field: f"{value!r} is not a valid email address."}) from None
        result.append(address)
    return result


def _clean_subject(subject: str) -> str:
    # Header injection: a subject is one line.
    return " ".join((subject or "").splitlines()).strip()[:998]


def html_to_text(html: str) -> str:
    """A readable plain-text part from an HTML body."""
    import html as html_lib
    import re

    text = re.sub(r"(?i)<br\s*/?>|</p>|</div>|</li>|</h[1-6]>", "\n", html or "")
    text = re.sub(r"(?i)<a\s[^>]*href=[\"']([^\"']+)[\"'][^>]*>(.*?)</a>", r"\2 (\1)", text)
    text = html_lib.unescape(strip_tags(text))
    return re.sub(r"\n{3,}", "\n\n", "\n".join(line.rstrip() for line in text.splitlines())).strip()


def company_default_account(company) -> MailAccount:
    """The company's default sender, from DEFAULT_FROM_EMAIL (SMTP from EMAIL_URL); created on first use."""
    account = MailAccount.objects.filter(company=company, is_system=True).first()
    if account is not None:
        return account
    name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    try:
        with transaction.atomic():
            return MailAccount.objects.create(
                company=company,
                user=None,
                is_system=True,
                email=address or "no-reply@hireloop.local",
                display_name=company.name or name,
            )
    except IntegrityError:  # another request created it first
        return MailAccount.objects.get(company=company, is_system=True)


def unsubscribe_token(*, company_id: int, channel: str, address: str) -> str:
    return signing.dumps({"c": company_id, "ch": channel, "a": address.lower()}, salt=UNSUBSCRIBE_SALT, compress=True)


def read_unsubscribe_token(token: str) -> dict:
    try:
        return signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        raise ValidationFailed({"token": "This unsubscribe link is not valid."}) from None


def is_opted_out(*, company, channel: str, addresses: list[str]) -> str | None:
    """The first opted-out address among `addresses`, else None."""
    lowered = [a.lower() for a in addresses]
    if not lowered:
        return None
    return (
        OptOut.objects.filter(company=company, channel=channel, address__in=lowered)
        .values_list("address", flat=True)
        .first()
    )


def _run_after(when: datetime | None) -> datetime | None:
    return when if when is not None and when > timezone.now() else None


def _enqueue_delivery(message: Message, when: datetime | None = None) -> None:
    from hireloop.messaging.tasks import deliver_message

    run_after = _run_after(when if when is not None else message.scheduled_at)
    task = deliver_message.using(run_after=run_after) if run_after else deliver_message
    enqueue_on_commit(task, message.pk)


def _record(kind: str, message: Message, *, actor=None, actor_type: str | None = None, **data) -> None:
    record(
        kind=kind,
        company=message.company,
        subject=message,
        actor=actor,
        actor_type=actor_type,
        candidate_id=message.candidate_id,
        job_id=message.application.job_id if message.application_id else None,
        data={"channel": message.channel, "kind": message.kind, "status": message.status, **data},
    )


@transaction.atomic
def create_email(
    *,
    company,
    to: list[str],
    subject: str,
    body_html: str,
    body_text: str | None = None,
    cc: list[str] | None = None,
    bcc: list[str] | None = None,
    attachments: list[tuple[str, bytes, str]] | None = None,
    headers: dict[str, str] | None = None,
    candidate=None,
    application=None,
    actor=None,
    kind: str = "notification",
    scheduled_at: datetime | None = None,
    related: tuple[str, int] | None = None,
    mail_account: MailAccount | None = None,
    reply_to_message: Message | None = None,
    is_notification: bool = False,
    on_opt_out: str = "raise",
) -> Message:
    """Write one outbound email and enqueue its delivery at `scheduled_at` (None = now)."""
    to = _clean_addresses(to, field="to")
    cc = _clean_addresses(cc, field="cc")
    bcc = _clean_addresses(bcc, field="bcc")
    if not to:
        raise ValidationFailed({"to": "At least one recipient is required."})
    if len(to) + len(cc) + len(bcc) > MAX_RECIPIENTS:
        raise ValidationFailed({"to": f"At most {MAX_RECIPIENTS} recipients (to, cc and bcc together)."})
    subject = _clean_subject(subject)
    if not subject:
        raise ValidationFailed({"subject": "The subject must not be empty."})
    for name in headers or {}:
        if "\n" in name or "\r" in name or "\n" in str(headers[name]) or "\r" in str(headers[name]):
            raise ValidationFailed({"headers": "Header names and values must be one line."})
    account = mail_account or company_default_account(company)
    domain = parseaddr(account.email)[1].rpartition("@")[2] or "hireloop.local"
    now = timezone.now()
    message = Message(
        company=company,
        channel=Channel.EMAIL,
        direction=Direction.OUTBOUND,
        kind=kind,
        is_notification=is_notification,
        status=MessageStatus.SCHEDULED,
        candidate=candidate,
        application=application,
        mail_account=account,
        created_by=actor,
        from_address=account.from_header,
        to=to,
        counterpart=to[0].lower(),
        cc=cc,
        bcc=bcc,
        subject=subject,
        body_html=body_html or "",
        body_text=body_text if body_text is not None else html_to_text(body_html),
        headers=dict(headers or {}),
        message_id=make_msgid(domain=domain),
        scheduled_at=scheduled_at or now,
        related_type=related[0] if related else "",
        related_id=related[1] if related else None,
    )
    if reply_to_message is not None:
        message.reply_to_message = reply_to_message
        message.in_reply_to = reply_to_message.message_id
        message.references = " ".join(p for p in (reply_to_message.references, reply_to_message.message_id) if p)
    message.unsubscribe_url = (
        f"{public_base_url()}/api/v2/unsubscribe/"
        f"{unsubscribe_token(company_id=company.pk, channel=Channel.EMAIL, address=to[0])}"
    )
    opted_out = is_opted_out(company=company, channel=Channel.EMAIL, addresses=to + cc)
    if opted_out:
        if on_opt_out == "raise":
            raise Conflict(f"Not sent: {opted_out} has unsubscribed from email.")
        message.status = MessageStatus.SUPPRESSED
        message.failure_reason = f"{opted_out} has unsubscribed from email"
    message.save()
    for file_name, content, mime_type in attachments or []:
        MessageAttachment.objects.create(
            message=message, file_name=file_name, content=content, mime_type=mime_type, size=len(content)
        )
    if message.status == MessageStatus.SUPPRESSED:
        _record("message.suppressed", message, actor=actor, reason=message.failure_reason)
        return message
    _record("message.scheduled", message, actor=actor, scheduled_at=int(message.scheduled_at.timestamp()))
    _enqueue_delivery(message)
    return message


@transaction.atomic
def create_sms(
    *,
    company,
    to_phone: str,
    body: str,
    candidate=None,
    actor=None,
    kind: str = "notification",
    scheduled_at: datetime | None = None,
    related: tuple[str, int] | None = None,
    on_opt_out: str = "raise",
) -> Message:
    """Write one outbound SMS and enqueue its delivery at `scheduled_at` (None = now)."""
    phone = normalize_phone(to_phone)
    if not (body or "").strip():
        raise ValidationFailed({"body": "The SMS body must not be empty."})
    if len(body) > 1600:
        raise ValidationFailed({"body": "An SMS body is at most 1600 characters."})
    message = Message(
        company=company,
        channel=Channel.SMS,
        direction=Direction.OUTBOUND,
        kind=kind,
        status=MessageStatus.SCHEDULED,
        candidate=candidate,
        created_by=actor,
        to=[phone],
        counterpart=phone,
        body_text=body,
        scheduled_at=scheduled_at or timezone.now(),
        related_type=related[0] if related else "",
        related_id=related[1] if related else None,
    )
    if is_opted_out(company=company, channel=Channel.SMS, addresses=[phone]):
        if on_opt_out == "raise":
            raise Conflict(f"Not sent: {phone} has opted out of SMS (replied STOP).")
        message.status = MessageStatus.SUPPRESSED
        message.failure_reason = f"{phone} has opted out of SMS"
    message.save()
    if message.status == MessageStatus.SUPPRESSED:
        _record("message.suppressed", message, actor=actor, reason=message.failure_reason)
        return message
    _record("message.scheduled", message, actor=actor, scheduled_at=int(message.scheduled_at.timestamp()))
    _enqueue_delivery(message)
    return message


def _cancel(message: Message, *, actor) -> None:
    message.status = MessageStatus.CANCELLED
    message.cancelled_at = timezone.now()
    message.save(update_fields=["status", "cancelled_at", "updated_at"])
    _record("message.cancelled", message, actor=actor)


# --- delivery -----------------------------------------------------------------------------


class DeliveryError(Exception):
    def __init__(self, reason: str, *, retryable: bool):
        super().__init__(reason)
        self.reason = reason
        self.retryable = retryable


def _touch_candidate(candidate_id: int | None, when: datetime) -> None:
    if candidate_id is None:
        return
    # The candidates app owns this table; last_message_at is the one column messaging keeps.
    from hireloop.candidates.models import Candidate

    Candidate.objects.filter(pk=candidate_id).update(last_message_at=when)


def _lock_due(message_id: int, now: datetime) -> Message | None:
    """Lock the message row (skipping it if another worker holds it); None unless it is due for sending now."""
    skip_locked = connection.features.has_select_for_update_skip_locked
    message = (
        Message.objects.select_for_update(skip_locked=skip_locked, of=("self",))
        .select_related("mail_account", "company")
        .filter(pk=message_id, direction=Direction.OUTBOUND)
        .first()
    )
    if message is None:
        return None  # gone, or another worker holds the lock right now
    lease = timedelta(seconds=conf.sending_lease_seconds())
    claimed_at = message.claimed_at
    abandoned = message.status == MessageStatus.SENDING and claimed_at is not None and claimed_at < now - lease
    if message.status != MessageStatus.SCHEDULED and not abandoned:
        return None  # cancelled, sent, failed, suppressed, or being sent by another worker
    if message.scheduled_at and message.scheduled_at > now:
        return None  # rescheduled later: the task enqueued for the new time will send it
    if message.next_attempt_at and message.next_attempt_at > now:
        return None
    return message


def _transmit(message: Message) -> None:
    if message.channel == Channel.SMS:
        _transmit_sms(message)
    else:
        _transmit_email(message)


def _mark_sent(message: Message, now: datetime) -> None:
    message.status = MessageStatus.SENT
    message.sent_at = now
    message.failure_reason = ""
    message.next_attempt_at = None
    message.save(
        update_fields=[
            "status",
            "sent_at",
            "claimed_at",
            "attempts",
            "provider_id",
            "from_address",
            "failure_reason",
            "next_attempt_at",
            "updated_at",
        ]
    )
    _record("message.sent", message, attempts=message.attempts)
    _touch_candidate(message.candidate_id, now)


class _SendFailed(Exception):
    def __init__(self, message: Message, error: DeliveryError):
        self.message, self.error = message, error


def deliver(*, message_id: int) -> str:
    """Send one due message, never twice and never after it was cancelled; retry failures with backoff.

    PostgreSQL: the row stays locked while the provider is called, and "sent" is written in that same
    transaction, so a worker killed mid-send rolls back and the message is sent again by the next worker
    (a duplicate only if the process dies between the provider's acceptance and COMMIT).
    SQLite (one writer at a time, so no lock may be held across network calls): the message is claimed
    as `sending` first; a claim older than MESSAGE_SENDING_LEASE_SECONDS is retried by requeue_stalled().
    """
    if connection.features.has_select_for_update_skip_locked:
        try:
            with transaction.atomic():
                now = timezone.now()
                message = _lock_due(message_id, now)
                if message is None:
                    return "skipped"
                message.attempts += 1
                message.claimed_at = now
                try:
                    _transmit(message)
                except DeliveryError as exc:
                    raise _SendFailed(message, exc) from None
                _mark_sent(message, now)
            return "sent"
        except _SendFailed as failure:
            return _delivery_failed(failure.message, failure.error, expected_status=MessageStatus.SCHEDULED)

    with transaction.atomic():
        message = _lock_due(message_id, timezone.now())
        if message is None:
            return "skipped"
        message.status = MessageStatus.SENDING
        message.claimed_at = timezone.now()
        message.attempts += 1
        message.save(update_fields=["status", "claimed_at", "attempts", "updated_at"])
    try:
        _transmit(message)
    except DeliveryError as exc:
        return _delivery_failed(message, exc, expected_status=MessageStatus.SENDING)
    with transaction.atomic():
        # Still our claim? (A lease that expired may have been taken over; then the other worker records it.)
        if Message.objects.filter(pk=message.pk, status=MessageStatus.SENDING, claimed_at=message.claimed_at).exists():
            _mark_sent(message, timezone.now())
    return "sent"


def _delivery_failed(message: Message, exc: DeliveryError, *, expected_status: str) -> str:
    now = timezone.now()
    reason = exc.reason[:500]
    retry = exc.retryable and message.attempts < conf.max_attempts()
    with transaction.atomic():
        fields = {"attempts": message.attempts, "failure_reason": reason, "updated_at": now}
        if retry:
            fields.update(
                status=MessageStatus.SCHEDULED,
                next_attempt_at=now + timedelta(seconds=conf.retry_base_seconds() * 2 ** (message.attempts - 1)),
            )
        else:
            fields.update(status=MessageStatus.FAILED, failed_at=now)
        # Only if nothing changed it meanwhile (e.g. another worker sent it after our rollback).
        if not Message.objects.filter(pk=message.pk, status=expected_status).update(**fields):
            return "skipped"
        for name, value in fields.items():
            setattr(message, name, value)
        if retry:
            _record("message.retry_scheduled", message, reason=reason, attempts=message.attempts)
            _enqueue_delivery(message, when=message.next_attempt_at)
            return "retry"
        _record("message.failed", message, reason=reason, attempts=message.attempts)
    logger.warning("message %s failed after %s attempts: %s", message.pk, message.attempts, reason)
    return "failed"


# One open SMTP connection per sender and worker thread, reused across messages: a TCP+EHLO(+TLS+AUTH)
# handshake per email would dominate delivery time.
_smtp = threading.local()


def _connection_key(account: MailAccount | None) -> tuple:
    if account is None or account.is_system or not account.smtp_host:
        return (
            "default",
            settings.EMAIL_BACKEND,
            getattr(settings, "EMAIL_HOST", ""),
            getattr(settings, "EMAIL_PORT", 0),
        )
    return ("account", account.pk, account.updated_at)


def _connection_for(account: MailAccount | None):
    pool = getattr(_smtp, "pool", None)
    if pool is None:
        pool = _smtp.pool = {}
    key = _connection_key(account)
    conn = pool.get(key)
    if conn is None:
        if key[0] == "default":
            conn = get_connection()
        else:
            conn = get_connection(
                "django.core.mail.backends.smtp.EmailBackend",
                host=account.smtp_host,
                port=account.smtp_port or 587,
                username=account.smtp_username or None,
                password=crypto.decrypt(account.smtp_password_encrypted) or None,
                use_tls=account.smtp_security == "starttls",
                use_ssl=account.smtp_security == "ssl",
                timeout=30,
            )
        pool[key] = conn
    return conn


def _drop_connection(account: MailAccount | None) -> None:
    conn = getattr(_smtp, "pool", {}).pop(_connection_key(account), None)
    if conn is not None:
        with contextlib.suppress(Exception):  # a broken connection may fail to close; it is discarded anyway
            conn.close()


def _send_pooled(message: Message) -> None:
    """Send over the pooled connection; a connection the server dropped while idle is reopened once."""
    for attempt in (1, 2):
        conn = _connection_for(message.mail_account)
        try:
            conn.open()  # kept open after sending because we opened it
            build_email(message, connection=conn).send(fail_silently=False)
            return
        except (smtplib.SMTPServerDisconnected, ConnectionError) as exc:
            _drop_connection(message.mail_account)
            if attempt == 2:
                raise exc
        except Exception:
            _drop_connection(message.mail_account)
            raise


def build_email(message: Message, *, connection=None) -> EmailMultiAlternatives:
    """The MIME email of a message: text + HTML alternatives, attachments, threading and unsubscribe headers."""
    headers = dict(message.headers)
    headers["Message-ID"] = message.message_id
    if message.in_reply_to:
        headers["In-Reply-To"] = message.in_reply_to
        headers["References"] = message.references or message.in_reply_to
    html = message.body_html
    text = message.body_text
    if message.unsubscribe_url:
        headers["List-Unsubscribe"] = f"<{message.unsubscribe_url}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
        link = f'<a href="{escape(message.unsubscribe_url)}">Unsubscribe</a>'
        html = f'{html}\n<p style="font-size:12px;color:#777">{link}</p>'
        text = f"{text}\n\n--\nUnsubscribe: {message.unsubscribe_url}"
    email = EmailMultiAlternatives(
        subject=message.subject,
        body=text,
        from_email=message.from_address or settings.DEFAULT_FROM_EMAIL,
        to=list(message.to),
        cc=list(message.cc),
        bcc=list(message.bcc),
        headers=headers,
        connection=connection,
    )
    if html:
        email.attach_alternative(html, "text/html")
    for attachment in message.attachments.all().order_by("pk"):
        email.attach(attachment.file_name, bytes(attachment.content), attachment.mime_type)
    return email


def _transmit_email(message: Message) -> None:
    try:
        _send_pooled(message)
    except smtplib.SMTPRecipientsRefused as exc:
        codes = [code for code, _ in exc.recipients.values()]
        raise DeliveryError(
            f"Recipients refused: {', '.join(exc.recipients)}", retryable=any(c < 500 for c in codes)
        ) from None
    except smtplib.SMTPAuthenticationError as exc:
        raise DeliveryError(f"SMTP authentication failed ({exc.smtp_code})", retryable=False) from None
    except smtplib.SMTPResponseException as exc:
        text = exc.smtp_error.decode(errors="replace") if isinstance(exc.smtp_error, bytes) else str(exc.smtp_error)
        raise DeliveryError(f"SMTP {exc.smtp_code}: {text[:300]}", retryable=exc.smtp_code < 500) from None
    except (smtplib.SMTPException, OSError) as exc:
        raise DeliveryError(f"SMTP unavailable: {type(exc).__name__}: {exc}"[:500], retryable=True) from None


def _transmit_sms(message: Message) -> None:
    try:
        result = get_provider().send(to_phone=message.to[0], body=message.body_text, message_id=message.pk)
    except SmsError as exc:
        raise DeliveryError(str(exc), retryable=exc.retryable) from None
    message.provider_id = result.provider_id
    message.from_address = result.from_number or message.from_address


def _pending_deliveries(*, now: datetime, lease: timedelta) -> set[int] | None:
    """Ids of messages with a delivery task still queued or running within the lease; None if unknowable.

    Known only with the database task backend; a task a dead worker was running stays RUNNING forever,
    so a running task older than the lease counts as lost.
    """
    if settings.TASKS.get("default", {}).get("BACKEND") != "django_tasks_db.DatabaseBackend":
        return None
    from django.db.models import Q
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    from hireloop.messaging.tasks import deliver_message

    rows = (
        DBTaskResult.objects.filter(task_path=deliver_message.module_path)
        .filter(Q(status=TaskResultStatus.READY) | Q(status=TaskResultStatus.RUNNING, started_at__gte=now - lease))
        .values_list("args_kwargs", flat=True)
    )
    pending = set()
    for args_kwargs in rows.iterator(chunk_size=2000):
        args = args_kwargs.get("args") or [args_kwargs.get("kwargs", {}).get("message_id")]
        pending.add(args[0])
    return pending


def requeue_stalled(*, now: datetime | None = None) -> int:
    """Enqueue delivery again for due messages whose task was lost (e.g. a worker killed mid-run).

    Run by every `hireloop worker` every WORKER_SWEEP_INTERVAL_SECONDS (and by `hireloop manage
    messaging_recover`). Safe to run any time and from several processes at once: delivery re-checks
    status under a row lock, so a message enqueued twice is still sent once.
    """
    from django.db.models import Q

    from hireloop.messaging.tasks import deliver_message

    now = now or timezone.now()
    lease = timedelta(seconds=conf.sending_lease_seconds())
    pending = _pending_deliveries(now=now, lease=lease)
    # Without knowing which tasks are queued, a scheduled message counts as lost only a lease after it was due.
    due_before = now if pending is not None else now - lease
    stalled = Message.objects.filter(direction=Direction.OUTBOUND).filter(
        Q(
            status=MessageStatus.SCHEDULED,
            scheduled_at__lte=due_before,
        )
        & (Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=due_before))
        | Q(status=MessageStatus.SENDING, claimed_at__lt=now - lease)
    )
    ids = []
    for pk in stalled.values_list("pk", flat=True).order_by("pk").iterator(chunk_size=5000):
        if pk not in (pending or ()):
            ids.append(pk)
            if len(ids) == 10_000:  # the rest on the next sweep
                break
    for pk in ids:
        deliver_message.enqueue(pk)
    if ids:
        logger.warning("re-enqueued delivery of %d message(s) whose task was lost", len(ids))
    return len(ids)


# --- messages written by people (API) -----------------------------------------------------


def resolve_mail_account(*, company, actor, from_account_id: int | None) -> MailAccount:
    """The sending account: the given one (of this company), else the actor's default, else the company's."""
    from hireloop.core.errors import NotFound

    if from_account_id is not None:
        account = MailAccount.objects.filter(company=company, pk=from_account_id, deleted_at__isnull=True).first()
        if account is None:
            raise NotFound("Mail account not found")
        return account
    if actor is not None:
        from hireloop.messaging.selectors import user_default_account

        account = user_default_account(user=actor, company=company)
        if account is not None:
            return account
    return company_default_account(company)


def _sender_of(account: MailAccount, actor):
    return account.user if account.user_id else actor


def _render_message(*, company, candidate, application, sender, subject: str, body: str) -> tuple[str, str]:
    from hireloop.messaging import placeholders

    values = placeholders.context_values(candidate=candidate, application=application, sender=sender, company=company)
    return (
        placeholders.render(subject, values, field="subject", html=False),
        placeholders.render(body, values, field="body", html=True),
    )


def _scheduled_time(scheduled_at: datetime | None) -> datetime:
    """An explicit time is honoured (a past one means now); none means now + the cancel window."""
    now = timezone.now()
    if scheduled_at is None:
        return now + timedelta(seconds=conf.cancel_window_seconds())
    return max(scheduled_at, now)


def _reply_target(*, company, candidate, reply_to_message_id: int | None) -> Message | None:
    from hireloop.core.errors import NotFound

    if reply_to_message_id is None:
        return None
    target = Message.objects.filter(
        company=company, pk=reply_to_message_id, candidate=candidate, channel=Channel.EMAIL
    ).first()
    if target is None:
        raise NotFound("reply_to_email_id: message not found for this candidate")
    return target


# What the job placeholders ({{job_department}}, {{job_url}}, {{stage_name}}, ...) read, in the same query.
APPLICATION_PLACEHOLDER_RELATIONS = ("job__company", "job__department", "job__employment_type", "stage")


def _application_of(*, company, candidate, application_id: int | None):
    from hireloop.applications.models import Application
    from hireloop.core.errors import NotFound

    if application_id is None:
        return None
    application = (
        Application.objects.filter(company=company, pk=application_id, candidate=candidate)
        .select_related(*APPLICATION_PLACEHOLDER_RELATIONS)
        .first()
    )
    if application is None:
        raise NotFound("application_id: application not found for this candidate")
    return application


@transaction.atomic
def schedule_candidate_message(
    *,
    company,
    actor,
    candidate,
    to: list[str],
    subject: str,
    body: str,
    from_account_id: int | None = None,
    cc: list[str] | None = None,
    bcc: list[str] | None = None,
    scheduled_at: datetime | None = None,
    application_id: int | None = None,
    reply_to_email_id: int | None = None,
    send_in_new_thread: bool = False,
) -> Message:
    """Schedule an email to a candidate, by default after the cancel window; placeholders are rendered now."""
    account = resolve_mail_account(company=company, actor=actor, from_account_id=from_account_id)
    application = _application_of(company=company, candidate=candidate, application_id=application_id)
    reply_to = _reply_target(company=company, candidate=candidate, reply_to_message_id=reply_to_email_id)
    subject, body = _render_message(
        company=company,
        candidate=candidate,
        application=application,
        sender=_sender_of(account, actor),
        subject=subject,
        body=body,
    )
    return create_email(
        company=company,
        to=to,
        subject=subject,
        body_html=body,
        cc=cc,
        bcc=bcc,
        candidate=candidate,
        application=application,
        actor=actor,
        kind="candidate_message",
        scheduled_at=_scheduled_time(scheduled_at),
        mail_account=account,
        reply_to_message=None if send_in_new_thread else reply_to,
        on_opt_out="raise",
    )


@transaction.atomic
def schedule_candidate_sms(
    *,
    company,
    actor,
    candidate,
    body: str,
    to_phone: str | None = None,
    scheduled_at: datetime | None = None,
) -> Message:
    """Schedule a text message to a candidate (default: their phone, after the cancel window)."""
    from hireloop.messaging import placeholders

    phone = to_phone or candidate.phone
    if not phone:
        raise ValidationFailed({"to_phone": "The candidate has no phone number: give to_phone."})
    values = placeholders.context_values(candidate=candidate, sender=actor, company=company)
    return create_sms(
        company=company,
        to_phone=phone,
        body=placeholders.render(body, values, field="body", html=False),
        candidate=candidate,
        actor=actor,
        kind="candidate_message",
        scheduled_at=_scheduled_time(scheduled_at),
        on_opt_out="raise",
    )


def _update_sms(*, company, actor, message: Message, changes: dict) -> Message:
    """PATCH of a text message: its body, number or time (it has no subject, sender or copies)."""
    from hireloop.messaging import placeholders

    email_only = sorted(k for k in ("subject", "cc", "bcc", "from_account_id", "reply_to_email_id") if changes.get(k))
    if email_only:
        raise ValidationFailed({email_only[0]: "A text message has no such field: change body, to or scheduled_at."})
    if "body" in changes:
        values = placeholders.context_values(candidate=message.candidate, sender=actor, company=company)
        body = placeholders.render(changes["body"], values, field="body", html=False)
        if not body.strip() or len(body) > 1600:
            raise ValidationFailed({"body": "An SMS body has 1 to 1600 characters."})
        message.body_text = body
    if changes.get("to"):
        if len(changes["to"]) != 1:
            raise ValidationFailed({"to": "A text message has exactly one recipient."})
        message.to = [normalize_phone(changes["to"][0], field="to")]
        message.counterpart = message.to[0]
        if is_opted_out(company=company, channel=Channel.SMS, addresses=message.to):
            raise Conflict(f"Not sent: {message.to[0]} has opted out of SMS (replied STOP).")
    rescheduled = False
    if changes.get("scheduled_at"):
        new_time = _scheduled_time(changes["scheduled_at"])
        rescheduled = new_time != message.scheduled_at
        message.scheduled_at = new_time
    message.save()
    _record("message.updated", message, actor=actor, fields=sorted(changes))
    if rescheduled:
        _enqueue_delivery(message)
    return message


def _lock_pending(message: Message) -> Message:
    """Re-read the message under a row lock; 409 unless it is still waiting to be sent."""
    locked = (
        Message.objects.select_for_update(of=("self",))
        .select_related(*(f"application__{name}" for name in APPLICATION_PLACEHOLDER_RELATIONS))
        .get(pk=message.pk)
    )
    if locked.status in (MessageStatus.SENT, MessageStatus.SENDING):
        raise Conflict("Message already sent" if locked.status == MessageStatus.SENT else "Message is being sent")
    if locked.status != MessageStatus.SCHEDULED:
        raise Conflict(f"Message is {locked.status}; only a scheduled message can be changed.")
    return locked


@transaction.atomic
def update_message(*, company, actor, message: Message, changes: dict) -> Message:
    """Change a not-yet-sent message (PUT gives every field, PATCH some); placeholders are rendered again."""
    message = _lock_pending(message)
    if message.channel == Channel.SMS:
        return _update_sms(company=company, actor=actor, message=message, changes=changes)
    account = message.mail_account
    if "from_account_id" in changes:
        account = resolve_mail_account(company=company, actor=actor, from_account_id=changes["from_account_id"])
    subject = changes.get("subject", message.subject)
    body = changes.get("body", message.body_html)
    if "subject" in changes or "body" in changes or "from_account_id" in changes:
        subject, body = _render_message(
            company=company,
            candidate=message.candidate,
            application=message.application,
            sender=_sender_of(account, actor) if account else actor,
            subject=subject,
            body=body,
        )
    if "to" in changes:
        message.to = _clean_addresses(changes["to"], field="to")
        if not message.to:
            raise ValidationFailed({"to": "At least one recipient is required."})
        message.counterpart = message.to[0].lower()
    if "cc" in changes:
        message.cc = _clean_addresses(changes["cc"], field="cc")
    if "bcc" in changes:
        message.bcc = _clean_addresses(changes["bcc"], field="bcc")
    opted_out = is_opted_out(company=company, channel=Channel.EMAIL, addresses=message.to + message.cc)
    if opted_out:
        raise Conflict(f"Not sent: {opted_out} has unsubscribed from email.")
    message.subject = _clean_subject(subject)
    if not message.subject:
        raise ValidationFailed({"subject": "The subject must not be empty."})
    message.body_html = body
    message.body_text = html_to_text(body)
    if account is not None and account.pk != message.mail_account_id:
        message.mail_account = account
        message.from_address = account.from_header
    if "reply_to_email_id" in changes or changes.get("send_in_new_thread"):
        target = None
        if not changes.get("send_in_new_thread"):
            target = _reply_target(
                company=company, candidate=message.candidate, reply_to_message_id=changes.get("reply_to_email_id")
            )
        message.reply_to_message = target
        message.in_reply_to = target.message_id if target else ""
        message.references = " ".join(p for p in (target.references, target.message_id) if p) if target else ""
    rescheduled = False
    if "scheduled_at" in changes:
        new_time = _scheduled_time(changes["scheduled_at"]) if changes["scheduled_at"] else message.scheduled_at
        rescheduled = new_time != message.scheduled_at
        message.scheduled_at = new_time
    message.save()
    _record("message.updated", message, actor=actor, fields=sorted(changes))
    if rescheduled:
        _enqueue_delivery(message)
    return message


@transaction.atomic
def cancel_message(*, company, actor, message: Message) -> Message:
    """Cancel a message before a worker picks it up; afterwards it is a 409 "already sent"."""
    message = _lock_pending(message)
    _cancel(message, actor=actor)
    return message


def batch_create_messages(*, company, actor, items: list[dict]) -> list[dict]:
    """Schedule up to 100 messages, each on its own: one bad item does not stop the others."""
    from hireloop.candidates.models import Candidate
    from hireloop.core.errors import ApiError, NotFound, error_body
    from hireloop.core.times import parse_time

    candidates = Candidate.objects.filter(company=company, pk__in=[item["candidate_id"] for item in items]).in_bulk()
    results = []
    for index, item in enumerate(items):
        try:
            candidate = candidates.get(item["candidate_id"])
            if candidate is None:
                raise NotFound("Candidate not found")
            message = schedule_candidate_message(
                company=company,
                actor=actor,
                candidate=candidate,
                to=item["to"],
                subject=item["subject"],
                body=item["body"],
                from_account_id=item.get("from_account_id"),
                cc=item.get("cc"),
                bcc=item.get("bcc"),
                scheduled_at=parse_time(item.get("scheduled_at"), field="scheduled_at"),
                application_id=item.get("application_id"),
                reply_to_email_id=item.get("reply_to_email_id"),
                send_in_new_thread=bool(item.get("send_in_new_thread")),
            )
            results.append({"index": index, "id": message.pk, "data": message})
        except ApiError as exc:
            body = error_body(exc.status, exc.message, name=exc.name, code=exc.code)["error"]
            if isinstance(exc, ValidationFailed):
                body["validation_errors"] = exc.validation_errors
            results.append({"index": index, "id": None, "error": body})
    return results


# --- notification messages ----------------------------------------------------------------

DEFAULT_NOTIFICATION_TEMPLATES = {
    "rejection": {
        "subject": "Your application for {{job_title}} at {{company_name}}",
        "body": (
            "<p>Dear {{first_name}},</p>"
            "<p>Thank you for your interest in the {{job_title}} position at {{company_name}}. "
            "After careful consideration we have decided not to move forward with your application.</p>"
            "<p>We wish you every success in your search.</p><p>{{company_name}}</p>"
        ),
    },
    "application_received": {
        "subject": "We received your application for {{job_title}}",
        "body": (
            "<p>Dear {{first_name}},</p>"
            "<p>Thank you for applying for the {{job_title}} position at {{company_name}}. "
            "We will review your application and get back to you.</p><p>{{company_name}}</p>"
        ),
    },
}


def notification_template(*, company, kind: str) -> dict:
    """The company's text for a notification kind (its edited copy, else the default)."""
    from hireloop.core.errors import NotFound
    from hireloop.messaging.models import NotificationTemplate

    if kind not in DEFAULT_NOTIFICATION_TEMPLATES:
        raise NotFound("Notification template not found")
    row = NotificationTemplate.objects.filter(company=company, kind=kind).first()
    if row is not None:
        return {"kind": kind, "subject": row.subject, "body": row.body, "is_enabled": row.is_enabled, "row": row}
    return {"kind": kind, **DEFAULT_NOTIFICATION_TEMPLATES[kind], "is_enabled": True, "row": None}


@transaction.atomic
def update_notification_template(
    *, company, actor, kind: str, subject: str | None, body: str | None, is_enabled: bool | None
) -> dict:
    """Edit a company's notification text (placeholders are checked now, not at send time)."""
    from hireloop.messaging import placeholders
    from hireloop.messaging.models import NotificationTemplate

    current = notification_template(company=company, kind=kind)
    row = current["row"] or NotificationTemplate(company=company, kind=kind)
    row.subject = _clean_subject(subject) if subject is not None else current["subject"]
    row.body = body if body is not None else current["body"]
    row.is_enabled = is_enabled if is_enabled is not None else current["is_enabled"]
    if not row.subject or not row.body:
        raise ValidationFailed({"subject" if not row.subject else "body": "Must not be empty."})
    placeholders.validate(row.subject, company=company, field="subject")
    placeholders.validate(row.body, company=company, field="body")
    row.save()
    record(kind="notification_template.updated", company=company, subject=row, actor=actor, data={"kind": kind})
    return notification_template(company=company, kind=kind)


def _schedule_notification(*, company, application, actor, kind: str, extra: dict, scheduled_at) -> Message | None:
    from hireloop.messaging import placeholders

    template = notification_template(company=company, kind=kind)
    candidate = application.candidate
    if not template["is_enabled"] or not candidate.email:
        return None
    values = placeholders.context_values(
        candidate=candidate, application=application, sender=actor, company=company, extra=extra
    )
    values.setdefault("sender_name", company.name)
    values.setdefault("sender_first_name", company.name)
    values.setdefault("sender_email", company_default_account(company).email)
    return create_email(
        company=company,
        to=[candidate.email],
        subject=placeholders.render(template["subject"], values, field="subject", html=False),
        body_html=placeholders.render(template["body"], values, field="body", html=True),
        candidate=candidate,
        application=application,
        actor=actor,
        kind=kind,
        scheduled_at=scheduled_at or timezone.now() + timedelta(seconds=conf.cancel_window_seconds()),
        related=("application", application.pk),
        is_notification=True,
        on_opt_out="suppress",
    )


@transaction.atomic
def schedule_rejection_email(
    *, company, application, actor, reason: str = "", scheduled_at: datetime | None = None
) -> Message | None:
    """Schedule the company's rejection email for an application (cancel window applies); None if disabled."""
    return _schedule_notification(
        company=company,
        application=application,
        actor=actor,
        kind="rejection",
        extra={"rejection_reason": reason or ""},
        scheduled_at=scheduled_at,
    )


@transaction.atomic
def schedule_application_received_email(*, company, application, actor=None) -> Message | None:
    """Acknowledge a new application by email (sent right away); None if the company disabled it."""
    return _schedule_notification(
        company=company,
        application=application,
        actor=actor,
        kind="application_received",
        extra={"rejection_reason": ""},
        scheduled_at=timezone.now(),
    )


@transaction.atomic
def update_notification_message(
    *, company, actor, message: Message, subject: str, body: str, scheduled_at: datetime | None
) -> Message:
    """Edit or reschedule a not-yet-sent notification email (placeholders rendered with its context)."""
    message = _lock_pending(message)
    subject, body = _render_message(
        company=company,
        candidate=message.candidate,
        application=message.application,
        sender=message.created_by,
        subject=subject,
        body=body,
    )
    message.subject = _clean_subject(subject)
    if not message.subject:
        raise ValidationFailed({"subject": "The subject must not be empty."})
    message.body_html = body
    message.body_text = html_to_text(body)
    rescheduled = scheduled_at is not None and _scheduled_time(scheduled_at) != message.scheduled_at
    if rescheduled:
        message.scheduled_at = _scheduled_time(scheduled_at)
    message.save()
    _record("message.updated", message, actor=actor, fields=["subject", "body"] + (["scheduled_at"] * rescheduled))
    if rescheduled:
        _enqueue_delivery(message)
    return message


@transaction.atomic
def cancel_candidate_notifications(*, company, actor, candidate) -> int:
    """Cancel every scheduled notification email of a candidate (zero is fine)."""
    messages = list(
        Message.objects.select_for_update()
        .filter(company=company, candidate=candidate, is_notification=True, status=MessageStatus.SCHEDULED)
        .order_by("pk")
    )
    for message in messages:
        _cancel(message, actor=actor)
    return len(messages)


# --- mail accounts ------------------------------------------------------------------------


def check_smtp_connection(
    *, host: str, port: int, security: str, username: str, password: str, timeout: float = 10
) -> str | None:
    """Connect (and log in) to an SMTP server; None when it works, else a reason without secrets."""
    try:
        if security == "ssl":
            server = smtplib.SMTP_SSL(host, port, timeout=timeout)
        else:
            server = smtplib.SMTP(host, port, timeout=timeout)
        try:
            server.ehlo()
            if security == "starttls":
                server.starttls()
                server.ehlo()
            if username:
                server.login(username, password)
        finally:
            try:
                server.quit()
            except smtplib.SMTPException:
                server.close()
    except smtplib.SMTPAuthenticationError as exc:
        return f"authentication failed ({exc.smtp_code})"
    except smtplib.SMTPNotSupportedError as exc:
        return f"server does not support this: {exc}"[:300]
    except smtplib.SMTPException as exc:
        return f"{type(exc).__name__}"
    except OSError as exc:
        return f"cannot connect to {host}:{port} ({type(exc).__name__})"
    return None


@transaction.atomic
def connect_mail_account(
    *,
    company,
    actor,
    user,
    email: str,
    display_name: str = "",
    smtp_host: str,
    smtp_port: int,
    smtp_security: str = "starttls",
    smtp_username: str = "",
    smtp_password: str = "",
    is_default: bool = False,
    test_connection: bool = True,
) -> MailAccount:
    """Connect a user's SMTP mailbox; the password is encrypted at rest and the connection tested first."""
    from hireloop.accounts.models import Membership

    if smtp_security not in ("none", "starttls", "ssl"):
        raise ValidationFailed({"smtp_security": "Must be one of none, starttls, ssl."})
    if not Membership.objects.filter(company=company, user=user, is_active=True).exists():
        from hireloop.core.errors import NotFound

        raise NotFound("User not found")
    now = timezone.now()
    if test_connection:
        error = check_smtp_connection(
            host=smtp_host, port=smtp_port, security=smtp_security, username=smtp_username, password=smtp_password
        )
        if error is not None:
            raise ValidationFailed({"smtp_host": f"SMTP connection test failed: {error}"})
    has_accounts = MailAccount.objects.filter(
        company=company, user=user, deleted_at__isnull=True, is_system=False
    ).exists()
    if is_default or not has_accounts:
        MailAccount.objects.filter(company=company, user=user, is_default=True).update(is_default=False)
    account = MailAccount.objects.create(
        company=company,
        user=user,
        email=email,
        display_name=display_name or user.full_name,
        smtp_host=smtp_host,
        smtp_port=smtp_port,
        smtp_security=smtp_security,
        smtp_username=smtp_username,
        smtp_password_encrypted=crypto.encrypt(smtp_password),
        is_default=is_default or not has_accounts,
        last_tested_at=now if test_connection else None,
        last_test_ok=True if test_connection else None,
    )
    record(
        kind="mail_account.connected",
        company=company,
        subject=account,
        actor=actor,
        data={"user_id": user.pk, "email": email, "smtp_host": smtp_host},
    )
    return account


@transaction.atomic
def disconnect_mail_account(*, company, actor, account: MailAccount) -> None:
    """Stop using a mailbox (kept for history; its credentials are erased)."""
    if account.is_system:
        raise Conflict("The company default sender cannot be removed.")
    account.deleted_at = timezone.now()
    account.is_default = False
    account.smtp_password_encrypted = ""
    account.save(update_fields=["deleted_at", "is_default", "smtp_password_encrypted", "updated_at"])
    record(kind="mail_account.disconnected", company=company, subject=account, actor=actor)


# --- email templates ----------------------------------------------------------------------


@transaction.atomic
def create_email_template(*, company, actor, name: str, subject: str, body: str):
    """Create a reusable template; every placeholder must be known."""
    from hireloop.messaging import placeholders
    from hireloop.messaging.models import EmailTemplate

    placeholders.validate(subject, company=company, field="subject", is_notification=False)
    placeholders.validate(body, company=company, field="body", is_notification=False)
    template = EmailTemplate.objects.create(
        company=company, name=name.strip(), subject=_clean_subject(subject), body=body, created_by=actor
    )
    record(kind="email_template.created", company=company, subject=template, actor=actor, data={"name": name})
    return template


@transaction.atomic
def update_email_template(*, company, actor, template, changes: dict):
    """Change the supplied fields of a template."""
    from hireloop.messaging import placeholders

    if "subject" in changes:
        placeholders.validate(changes["subject"], company=company, field="subject", is_notification=False)
        template.subject = _clean_subject(changes["subject"])
    if "body" in changes:
        placeholders.validate(changes["body"], company=company, field="body", is_notification=False)
        template.body = changes["body"]
    if "name" in changes:
        template.name = changes["name"].strip()
    template.save()
    record(
        kind="email_template.updated", company=company, subject=template, actor=actor, data={"fields": sorted(changes)}
    )
    return template


@transaction.atomic
def delete_email_template(*, company, actor, template) -> None:
    """Soft-delete: the template disappears from lists; messages made from it are unaffected."""
    template.deleted_at = timezone.now()
    template.save(update_fields=["deleted_at", "updated_at"])
    record(kind="email_template.deleted", company=company, subject=template, actor=actor)


# --- opt-out ------------------------------------------------------------------------------


@transaction.atomic
def opt_out(*, company, channel: str, address: str, source: str, candidate=None) -> OptOut:
    """Record that an address does not want messages on a channel (idempotent)."""
    address = address.strip().lower()
    existing = OptOut.objects.filter(company=company, channel=channel, address=address).first()
    if existing is not None:
        return existing
    if candidate is None:
        candidate_id = (
            Message.objects.filter(company=company, channel=channel, counterpart=address, candidate__isnull=False)
            .order_by("-created_at")
            .values_list("candidate_id", flat=True)
            .first()
        )
    else:
        candidate_id = candidate.pk
    row = OptOut.objects.create(
        company=company, channel=channel, address=address, source=source, candidate_id=candidate_id
    )
    record(
        kind="message.opted_out",
        company=company,
        subject=row,
        actor_type="candidate",
        candidate_id=candidate_id,
        data={"channel": channel, "address": address, "source": source},
    )
    # Nothing more goes out to them, including what was already scheduled.
    pending = Message.objects.select_for_update().filter(
        company=company, channel=channel, counterpart=address, status=MessageStatus.SCHEDULED
    )
    for message in pending:
        message.status = MessageStatus.SUPPRESSED
        message.failure_reason = f"{address} opted out"
        message.save(update_fields=["status", "failure_reason", "updated_at"])
    return row


def unsubscribe(*, token: str, source: str = "link") -> OptOut:
    """Opt out the address named by a signed unsubscribe token."""
    from hireloop.accounts.models import Company
    from hireloop.core.errors import NotFound

    data = read_unsubscribe_token(token)
    company = Company.objects.filter(pk=data.get("c")).first()
    if company is None:
        raise NotFound("Unknown company")
    return opt_out(company=company, channel=data.get("ch", Channel.EMAIL), address=data["a"], source=source)


@transaction.atomic
def opt_in(*, company, channel: str, address: str) -> int:
    """Remove an opt-out (an SMS START); returns how many rows were removed."""
    deleted, _ = OptOut.objects.filter(company=company, channel=channel, address=address.strip().lower()).delete()
    return deleted


# --- inbound ------------------------------------------------------------------------------

STOP_WORDS = {"stop", "stopall", "unsubscribe", "cancel", "end", "quit"}
START_WORDS = {"start", "unstop", "yes"}


def _message_ids(value: str | None) -> list[str]:
    import re

    return re.findall(r"<[^<>\s]+>", value or "")


@transaction.atomic
def receive_email(*, raw: bytes) -> Message | None:
    """Store an inbound email reply on the conversation it answers (by In-Reply-To / References)."""
    import email
    from email import policy
    from email.utils import getaddresses

    import nh3

    parsed = email.message_from_bytes(raw, policy=policy.default)
    message_id = (parsed.get("Message-ID") or "").strip()
    in_reply_to = (parsed.get("In-Reply-To") or "").strip()
    references = " ".join(str(parsed.get("References") or "").split())
    # In-Reply-To first, then References from the newest
    wanted = _message_ids(in_reply_to) + list(reversed(_message_ids(references)))
    original = None
    for candidate_id in wanted:
        original = (
            Message.objects.select_related("company", "mail_account")
            .filter(message_id=candidate_id)
            .order_by("-created_at")
            .first()
        )
        if original is not None:
            break
    if original is None:
        return None
    company = original.company
    if message_id:
        duplicate = Message.objects.filter(company=company, direction=Direction.INBOUND, message_id=message_id).first()
        if duplicate is not None:
            return duplicate  # the mail server retried
    html_part = parsed.get_body(preferencelist=("html",))
    text_part = parsed.get_body(preferencelist=("plain",))
    body_text = text_part.get_content() if text_part is not None else ""
    body_html = nh3.clean(html_part.get_content()).strip() if html_part is not None else ""
    _, from_address = parseaddr(str(parsed.get("From") or ""))
    now = timezone.now()
    message = Message.objects.create(
        company=company,
        channel=Channel.EMAIL,
        direction=Direction.INBOUND,
        kind="reply",
        status=MessageStatus.RECEIVED,
        candidate_id=original.candidate_id,
        application_id=original.application_id,
        mail_account=original.mail_account,
        from_address=str(parsed.get("From") or "")[:320],
        to=[addr for _, addr in getaddresses([str(v) for v in parsed.get_all("To", [])]) if addr],
        counterpart=from_address.lower(),
        cc=[addr for _, addr in getaddresses([str(v) for v in parsed.get_all("Cc", [])]) if addr],
        subject=_clean_subject(str(parsed.get("Subject") or "")),
        body_html=body_html,
        body_text=body_text or html_to_text(body_html),
        message_id=message_id[:255],
        in_reply_to=in_reply_to[:255],
        references=references,
        reply_to_message=original,
        received_at=now,
        related_type=original.related_type,
        related_id=original.related_id,
    )
    for part in parsed.iter_attachments():
        content = part.get_payload(decode=True) or b""
        MessageAttachment.objects.create(
            message=message,
            file_name=(part.get_filename() or "attachment")[:255],
            mime_type=part.get_content_type()[:100],
            content=content,
            size=len(content),
        )
    _record("message.received", message, actor_type="candidate" if message.candidate_id else "system")
    _touch_candidate(message.candidate_id, now)
    return message


@transaction.atomic
def receive_sms(*, from_phone: str, to_phone: str, body: str, provider_id: str = "") -> Message | None:
    """Store an inbound SMS on the conversation with that number; STOP opts out, START opts back in."""
    from hireloop.candidates.models import Candidate

    phone = normalize_phone(from_phone, field="From")
    original = (
        Message.objects.select_related("company")
        .filter(channel=Channel.SMS, direction=Direction.OUTBOUND, counterpart=phone)
        .order_by("-created_at")
        .first()
    )
    if original is not None:
        company, candidate_id = original.company, original.candidate_id
    else:
        matches = list(Candidate.objects.select_related("company").filter(phone=phone)[:2])
        if len(matches) != 1:
            return None
        company, candidate_id = matches[0].company, matches[0].pk
    if provider_id:
        duplicate = Message.objects.filter(company=company, channel=Channel.SMS, provider_id=provider_id).first()
        if duplicate is not None:
            return duplicate
    now = timezone.now()
    message = Message.objects.create(
        company=company,
        channel=Channel.SMS,
        direction=Direction.INBOUND,
        kind="reply",
        status=MessageStatus.RECEIVED,
        candidate_id=candidate_id,
        from_address=phone,
        to=[to_phone] if to_phone else [],
        counterpart=phone,
        body_text=body,
        provider_id=provider_id[:100],
        reply_to_message=original,
        received_at=now,
        related_type=original.related_type if original else "",
        related_id=original.related_id if original else None,
    )
    _record("message.received", message, actor_type="candidate" if candidate_id else "system")
    _touch_candidate(candidate_id, now)
    keyword = body.strip().lower()
    if keyword in STOP_WORDS:
        opt_out(company=company, channel=Channel.SMS, address=phone, source="sms_stop")
    elif keyword in START_WORDS:
        opt_in(company=company, channel=Channel.SMS, address=phone)
    return message
