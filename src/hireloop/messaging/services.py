"""Every state change of messaging: schedule, send, cancel, receive, opt out, mail accounts, templates.

Other apps send through three functions (the messaging contract):
send_email(), send_sms() and cancel_scheduled(). Call them inside your own transaction; they
write Message rows and enqueue delivery on commit.
"""

import logging
import smtplib
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


def _claim(message_id: int) -> Message | None:
    """Take the message for sending under a row lock; None if it is not (or no longer) ours to send."""
    now = timezone.now()
    skip_locked = connection.features.has_select_for_update_skip_locked
    with transaction.atomic():
        message = (
            Message.objects.select_for_update(skip_locked=skip_locked)
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
            return None  # cancelled, sent, failed, or being sent by another worker
        if message.scheduled_at and message.scheduled_at > now:
            return None  # rescheduled later: the task enqueued for the new time will send it
        if message.next_attempt_at and message.next_attempt_at > now:
            return None
        message.status = MessageStatus.SENDING
        message.claimed_at = now
        message.attempts += 1
        message.save(update_fields=["status", "claimed_at", "attempts", "updated_at"])
    return message


def deliver(*, message_id: int) -> str:
    """Send one due message at most once per claim; retry provider failures with backoff."""
    message = _claim(message_id)
    if message is None:
        return "skipped"
    try:
        if message.channel == Channel.SMS:
            _transmit_sms(message)
        else:
            _transmit_email(message)
    except DeliveryError as exc:
        return _delivery_failed(message, exc)
    now = timezone.now()
    with transaction.atomic():
        updated = Message.objects.filter(pk=message.pk, status=MessageStatus.SENDING).update(
            status=MessageStatus.SENT,
            sent_at=now,
            provider_id=message.provider_id,
            from_address=message.from_address,
            failure_reason="",
            next_attempt_at=None,
            updated_at=now,
        )
        if updated:
            message.status = MessageStatus.SENT
            _record("message.sent", message, attempts=message.attempts)
            _touch_candidate(message.candidate_id, now)
    return "sent"


def _delivery_failed(message: Message, exc: DeliveryError) -> str:
    now = timezone.now()
    reason = exc.reason[:500]
    with transaction.atomic():
        if exc.retryable and message.attempts < conf.max_attempts():
            delay = conf.retry_base_seconds() * 2 ** (message.attempts - 1)
            message.status = MessageStatus.SCHEDULED
            message.next_attempt_at = now + timedelta(seconds=delay)
            message.failure_reason = reason
            message.save(update_fields=["status", "next_attempt_at", "failure_reason", "updated_at"])
            _record("message.retry_scheduled", message, reason=reason, attempts=message.attempts)
            _enqueue_delivery(message, when=message.next_attempt_at)
            return "retry"
        message.status = MessageStatus.FAILED
        message.failed_at = now
        message.failure_reason = reason
        message.save(update_fields=["status", "failed_at", "failure_reason", "updated_at"])
        _record("message.failed", message, reason=reason, attempts=message.attempts)
    logger.warning("message %s failed after %s attempts: %s", message.pk, message.attempts, reason)
    return "failed"


def _connection_for(account: MailAccount | None):
    if account is None or account.is_system or not account.smtp_host:
        return get_connection()
    return get_connection(
        "django.core.mail.backends.smtp.EmailBackend",
        host=account.smtp_host,
        port=account.smtp_port or 587,
        username=account.smtp_username or None,
        password=crypto.decrypt(account.smtp_password_encrypted) or None,
        use_tls=account.smtp_security == "starttls",
        use_ssl=account.smtp_security == "ssl",
        timeout=30,
    )


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
        email = build_email(message, connection=_connection_for(message.mail_account))
        email.send(fail_silently=False)
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


def requeue_stalled(*, now: datetime | None = None) -> int:
    """Enqueue delivery again for due messages whose task was lost (e.g. a worker killed mid-run).

    Safe to run any time: delivery re-checks status under a row lock.
    """
    now = now or timezone.now()
    lease = timedelta(seconds=conf.sending_lease_seconds())
    from django.db.models import Q

    stalled = Message.objects.filter(direction=Direction.OUTBOUND).filter(
        Q(status=MessageStatus.SCHEDULED, scheduled_at__lte=now - lease)
        | Q(status=MessageStatus.SENDING, claimed_at__lt=now - lease)
    )
    ids = list(stalled.values_list("pk", flat=True).order_by("pk")[:10_000])
    from hireloop.messaging.tasks import deliver_message

    for pk in ids:
        deliver_message.enqueue(pk)
    return len(ids)
