"""Reads of messaging, always scoped to one company."""

from datetime import datetime

from django.db.models import F, Prefetch, QuerySet
from django.db.models.functions import Coalesce

from hireloop.core.errors import NotFound
from hireloop.messaging.models import (
    Direction,
    EmailTemplate,
    MailAccount,
    Message,
    MessageAttachment,
    MessageStatus,
)


def messages(company) -> QuerySet:
    return (
        Message.objects.filter(company=company)
        .select_related("mail_account")
        .prefetch_related(Prefetch("attachments", queryset=MessageAttachment.objects.defer("content").order_by("pk")))
    )


def get_message(*, company, message_id: int, notification: bool | None = None) -> Message:
    queryset = messages(company).filter(pk=message_id)
    if notification is not None:
        queryset = queryset.filter(is_notification=notification)
    message = queryset.first()
    if message is None:
        raise NotFound("Notification message not found" if notification else "Message not found")
    return message


def candidate_messages(*, company, candidate, is_scheduled: bool = False) -> QuerySet:
    """The whole conversation with a candidate, newest first, inbound replies included."""
    queryset = messages(company).filter(candidate=candidate)
    if is_scheduled:
        queryset = queryset.filter(direction=Direction.OUTBOUND, status=MessageStatus.SCHEDULED)
    return queryset.order_by("-created_at", "-pk")


def account_messages(
    *,
    company,
    from_account_id: int | None,
    status: str = "all",
    date_from: datetime | None = None,
    date_to: datetime | None = None,
) -> QuerySet:
    """Outbound messages (sent and scheduled, not received), filtered like GET /messages."""
    queryset = messages(company).filter(direction=Direction.OUTBOUND)
    if from_account_id is not None:
        queryset = queryset.filter(mail_account_id=from_account_id)
    if status == "scheduled":
        queryset = queryset.filter(status__in=[MessageStatus.SCHEDULED, MessageStatus.SENDING])
    elif status == "sent":
        queryset = queryset.filter(status=MessageStatus.SENT)
    queryset = queryset.annotate(effective_at=Coalesce(F("sent_at"), F("scheduled_at")))
    if date_from is not None:
        queryset = queryset.filter(effective_at__gte=date_from)
    if date_to is not None:
        queryset = queryset.filter(effective_at__lte=date_to)
    return queryset.order_by("-effective_at", "-pk")


def mail_accounts(*, company, user=None) -> QuerySet:
    queryset = MailAccount.objects.filter(company=company, deleted_at__isnull=True)
    if user is not None:
        queryset = queryset.filter(user=user)
    return queryset.order_by("-is_system", "pk")


def user_default_account(*, user, company) -> MailAccount | None:
    """The user's default connected mailbox in this company, else their first one."""
    return (
        MailAccount.objects.filter(company=company, user=user, deleted_at__isnull=True, is_system=False)
        .order_by("-is_default", "pk")
        .first()
    )


def default_mail_account_id(user, company) -> int | None:
    """What GET /users/{id} shows as default_mail_account_id: the user's mailbox, else the company sender."""
    if company is None:
        return None
    return default_mail_account_ids(users=[user], company=company)[user.pk]


def default_mail_account_ids(*, users, company) -> dict[int, int]:
    """default_mail_account_id of several users of one company, in one query (for user lists)."""
    from django.db.models import Q

    user_ids = {user.pk for user in users}
    rows = (
        MailAccount.objects.filter(company=company, deleted_at__isnull=True)
        .filter(Q(user_id__in=user_ids, is_system=False) | Q(is_system=True))
        .order_by("-is_default", "pk")
        .values_list("user_id", "pk", "is_system")
    )
    chosen: dict[int, int] = {}
    company_sender = None
    for user_id, account_id, is_system in rows:
        if is_system:
            company_sender = company_sender or account_id
        else:
            chosen.setdefault(user_id, account_id)
    if len(chosen) < len(user_ids):
        if company_sender is None:
            from hireloop.messaging.services import company_default_account

            company_sender = company_default_account(company).pk  # created on first use
        for user_id in user_ids:
            chosen.setdefault(user_id, company_sender)
    return chosen


def email_templates(company) -> QuerySet:
    return EmailTemplate.objects.filter(company=company, deleted_at__isnull=True).order_by("name", "pk")


def get_email_template(*, company, template_id: int) -> EmailTemplate:
    template = email_templates(company).filter(pk=template_id).first()
    if template is None:
        raise NotFound("Email template not found")
    return template
