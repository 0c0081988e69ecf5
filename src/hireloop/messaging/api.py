"""Messages, mail accounts, email templates, placeholders, notification messages, inbound mail/SMS."""

import hmac

from django.http import HttpResponse
from ninja import Query, Router

from hireloop.accounts import selectors as account_selectors
from hireloop.accounts.authentication import AuthContext
from hireloop.candidates.models import Candidate
from hireloop.core.aliases import get_by_id_or_alias
from hireloop.core.context import public_base_url
from hireloop.core.errors import Forbidden, NotFound, Unauthorized
from hireloop.core.pagination import paged, paginate
from hireloop.core.times import parse_time
from hireloop.messaging import conf, placeholders, schemas, selectors, services
from hireloop.messaging.models import Channel, MailAccount, Message

router = Router(tags=["messages"])


def message_out(message: Message) -> dict:
    return {
        "id": message.pk,
        "candidate_id": message.candidate_id,
        "application_id": message.application_id,
        "channel": message.channel,
        "direction": message.direction,
        "kind": message.kind,
        "status": message.status,
        "is_notification": message.is_notification,
        "is_scheduled": message.status in ("scheduled", "sending"),
        "is_cancelable": message.is_cancelable,
        "from_account_id": message.mail_account_id,
        "sender": message.from_address,
        "to": message.to,
        "cc": message.cc,
        "bcc": message.bcc,
        "subject": message.subject,
        "body": message.body_html if message.channel == Channel.EMAIL else message.body_text,
        "body_text": message.body_text,
        "attachments": [
            {"id": a.pk, "file_name": a.file_name, "mime_type": a.mime_type, "size": a.size}
            for a in message.attachments.all()
        ],
        "message_id": message.message_id,
        "in_reply_to": message.in_reply_to,
        "reply_to_email_id": message.reply_to_message_id,
        "scheduled_at": message.scheduled_at,
        "sent_at": message.sent_at,
        "received_at": message.received_at,
        "cancelled_at": message.cancelled_at,
        "failed_at": message.failed_at,
        "failure_reason": message.failure_reason,
        "attempts": message.attempts,
        "created_by_user_id": message.created_by_id,
        "created_at": message.created_at,
        "updated_at": message.updated_at,
    }


def _reload(message: Message) -> dict:
    """The message as stored, with its attachments (after a write)."""
    return message_out(selectors.get_message(company=message.company, message_id=message.pk))


def _candidate(ctx: AuthContext, value: str) -> Candidate:
    return get_by_id_or_alias(Candidate.objects.filter(company=ctx.company), value, label="Candidate")


def _time(value, field: str):
    return parse_time(value, field=field)


# --- candidate conversation ---------------------------------------------------------------


@router.get("/candidates/{id}/messages", response=paged("messages", schemas.MessageOut))
def list_candidate_messages(request, id: str, query: Query[schemas.CandidateMessagesQuery]):
    """The conversation with a candidate (sent, scheduled and received), newest first."""
    ctx: AuthContext = request.auth
    ctx.require("view_candidates")
    candidate = _candidate(ctx, id)
    queryset = selectors.candidate_messages(
        company=ctx.company, candidate=candidate, is_scheduled=bool(query.is_scheduled)
    )
    page = paginate(queryset, key="messages", page=query.page, size=query.size)
    page["messages"] = [message_out(m) for m in page["messages"]]
    return page


@router.post("/candidates/{id}/messages", response={201: schemas.MessageOut})
def send_candidate_message(request, id: str, payload: schemas.MessageIn):
    """Schedule an email to a candidate (default: now + the cancel window)."""
    ctx: AuthContext = request.auth
    ctx.require("send_messages")
    candidate = _candidate(ctx, id)
    message = services.schedule_candidate_message(
        company=ctx.company,
        actor=ctx.user,
        candidate=candidate,
        to=payload.to,
        subject=payload.subject,
        body=payload.body,
        from_account_id=payload.from_account_id,
        cc=payload.cc,
        bcc=payload.bcc,
        scheduled_at=_time(payload.scheduled_at, "scheduled_at"),
        application_id=payload.application_id,
        reply_to_email_id=payload.reply_to_email_id,
        send_in_new_thread=bool(payload.send_in_new_thread),
    )
    return 201, _reload(message)


@router.post("/candidates/{id}/text-messages", response={201: schemas.MessageOut})
def send_candidate_text_message(request, id: str, payload: schemas.TextMessageIn):
    """Schedule an SMS to a candidate (default: their phone, now + the cancel window); a Hireloop extension."""
    ctx: AuthContext = request.auth
    ctx.require("send_messages")
    message = services.schedule_candidate_sms(
        company=ctx.company,
        actor=ctx.user,
        candidate=_candidate(ctx, id),
        body=payload.body,
        to_phone=payload.to_phone,
        scheduled_at=_time(payload.scheduled_at, "scheduled_at"),
    )
    return 201, _reload(message)


@router.delete("/candidates/{id}/notification-messages", response=schemas.CountOut, tags=["notification messages"])
def cancel_candidate_notifications(request, id: str):
    """Cancel every scheduled notification email of a candidate (succeeds when there is none)."""
    ctx: AuthContext = request.auth
    ctx.require("send_messages")
    count = services.cancel_candidate_notifications(company=ctx.company, actor=ctx.user, candidate=_candidate(ctx, id))
    return {"cancelled": count}


# --- messages -----------------------------------------------------------------------------


@router.get("/messages", response=paged("messages", schemas.MessageOut))
def list_messages(request, query: Query[schemas.MessagesQuery]):
    """Outbound messages of a mail account: status scheduled|sent|all, date range on scheduled/sent time."""
    ctx: AuthContext = request.auth
    ctx.require("view_candidates")
    queryset = selectors.account_messages(
        company=ctx.company,
        from_account_id=query.from_account_id,
        status=query.status,
        date_from=_time(query.date_from, "date_from"),
        date_to=_time(query.date_to, "date_to"),
    )
    page = paginate(queryset, key="messages", page=query.page, size=query.size)
    page["messages"] = [message_out(m) for m in page["messages"]]
    return page


@router.post("/messages/batch/create", response=schemas.BatchMessagesOut)
def batch_create_messages(request, payload: schemas.BatchMessagesIn):
    """Schedule up to 100 emails, each with its own candidate; per-item results."""
    ctx: AuthContext = request.auth
    ctx.require("send_messages")
    items = []
    for item in payload.messages:
        data = item.dict()
        data["scheduled_at"] = item.scheduled_at  # parsed per item so one bad time fails only its item
        items.append(data)
    results = services.batch_create_messages(company=ctx.company, actor=ctx.user, items=items)
    for result in results:
        if "data" in result:
            result["data"] = message_out(result["data"])
    return {"results": results}


def _inbound_secret_ok(request) -> bool:
    secret = conf.get("INBOUND_EMAIL_SECRET")
    given = request.headers.get("X-Hireloop-Inbound-Secret", "")
    return bool(secret) and hmac.compare_digest(given.encode(), str(secret).encode())


@router.post("/messages/inbound/email", auth=None, response=schemas.InboundOut, tags=["inbound"])
def inbound_email(request):
    """A reply, as raw MIME (message/rfc822), from the mail server; header X-Hireloop-Inbound-Secret."""
    if not conf.get("INBOUND_EMAIL_SECRET"):
        raise NotFound("Inbound email is not configured: set INBOUND_EMAIL_SECRET.")
    if not _inbound_secret_ok(request):
        raise Unauthorized("Invalid inbound secret")
    message = services.receive_email(raw=request.body)
    return {
        "matched": message is not None,
        "id": message.pk if message else None,
        "candidate_id": message.candidate_id if message else None,
    }


@router.post("/messages/inbound/sms", auth=None, tags=["inbound"])
def inbound_sms(request):
    """Twilio's incoming-message webhook (form-encoded, signed with X-Twilio-Signature)."""
    from twilio.request_validator import RequestValidator

    token = conf.get("TWILIO_AUTH_TOKEN")
    if not token:
        raise NotFound("Inbound SMS is not configured: set TWILIO_AUTH_TOKEN.")
    form = request.POST
    url = public_base_url(request) + request.get_full_path()
    if not RequestValidator(token).validate(url, form.dict(), request.headers.get("X-Twilio-Signature", "")):
        raise Forbidden("Invalid Twilio signature")
    services.receive_sms(
        from_phone=form.get("From", ""),
        to_phone=form.get("To", ""),
        body=form.get("Body", ""),
        provider_id=form.get("MessageSid", ""),
    )
    return HttpResponse('<?xml version="1.0" encoding="UTF-8"?><Response></Response>', content_type="text/xml")


@router.get("/messages/{int:id}", response=schemas.MessageOut)
def get_message(request, id: int):
    """One message, with whether it can still be cancelled."""
    ctx: AuthContext = request.auth
    ctx.require("view_candidates")
    return message_out(selectors.get_message(company=ctx.company, message_id=id))


def _update(request, id: int, changes: dict) -> dict:
    ctx: AuthContext = request.auth
    ctx.require("send_messages")
    message = selectors.get_message(company=ctx.company, message_id=id)
    if "scheduled_at" in changes:
        changes["scheduled_at"] = _time(changes["scheduled_at"], "scheduled_at")
    message = services.update_message(company=ctx.company, actor=ctx.user, message=message, changes=changes)
    return _reload(message)


@router.put("/messages/{int:id}", response=schemas.MessageOut)
def replace_message(request, id: int, payload: schemas.MessageUpdateIn):
    """Replace a not-yet-sent message (409 once sent)."""
    changes = payload.dict()
    for optional in ("cc", "bcc"):
        changes[optional] = changes[optional] or []
    if changes["scheduled_at"] is None:
        changes.pop("scheduled_at")
    if changes["from_account_id"] is None:
        changes.pop("from_account_id")
    changes["send_in_new_thread"] = bool(changes["send_in_new_thread"])
    return _update(request, id, changes)


@router.patch("/messages/{int:id}", response=schemas.MessageOut)
def patch_message(request, id: int, payload: schemas.MessagePatchIn):
    """Change some fields of a not-yet-sent message (409 once sent)."""
    return _update(request, id, payload.dict(exclude_unset=True))


@router.delete("/messages/{int:id}", response=schemas.MessageOut)
def cancel_message(request, id: int):
    """Cancel before a worker picks it up; afterwards 409 "already sent"."""
    ctx: AuthContext = request.auth
    ctx.require("send_messages")
    message = selectors.get_message(company=ctx.company, message_id=id)
    return _reload(services.cancel_message(company=ctx.company, actor=ctx.user, message=message))


# --- notification messages ----------------------------------------------------------------


@router.get("/notification-messages/{int:id}", response=schemas.MessageOut, tags=["notification messages"])
def get_notification_message(request, id: int):
    ctx: AuthContext = request.auth
    ctx.require("view_candidates")
    return message_out(selectors.get_message(company=ctx.company, message_id=id, notification=True))


@router.put("/notification-messages/{int:id}", response=schemas.MessageOut, tags=["notification messages"])
def update_notification_message(request, id: int, payload: schemas.NotificationMessageIn):
    """Edit or reschedule a not-yet-sent notification (scheduled_at omitted = keep)."""
    ctx: AuthContext = request.auth
    ctx.require("send_messages")
    message = selectors.get_message(company=ctx.company, message_id=id, notification=True)
    message = services.update_notification_message(
        company=ctx.company,
        actor=ctx.user,
        message=message,
        subject=payload.subject,
        body=payload.body,
        scheduled_at=_time(payload.scheduled_at, "scheduled_at"),
    )
    return _reload(message)


@router.delete("/notification-messages/{int:id}", response=schemas.MessageOut, tags=["notification messages"])
def cancel_notification_message(request, id: int):
    ctx: AuthContext = request.auth
    ctx.require("send_messages")
    message = selectors.get_message(company=ctx.company, message_id=id, notification=True)
    return _reload(services.cancel_message(company=ctx.company, actor=ctx.user, message=message))


def _notification_template_out(template: dict) -> dict:
    return {
        "kind": template["kind"],
        "subject": template["subject"],
        "body": template["body"],
        "is_enabled": template["is_enabled"],
        "is_default": template["row"] is None,
    }


@router.get("/notification-templates", response=list[schemas.NotificationTemplateOut], tags=["notification messages"])
def list_notification_templates(request):
    """The company's notification emails (rejection, application received), edited or default."""
    ctx: AuthContext = request.auth
    ctx.require("view_candidates")
    return [
        _notification_template_out(services.notification_template(company=ctx.company, kind=kind))
        for kind in services.DEFAULT_NOTIFICATION_TEMPLATES
    ]


@router.get("/notification-templates/{kind}", response=schemas.NotificationTemplateOut, tags=["notification messages"])
def get_notification_template(request, kind: str):
    ctx: AuthContext = request.auth
    ctx.require("view_candidates")
    return _notification_template_out(services.notification_template(company=ctx.company, kind=kind))


@router.put("/notification-templates/{kind}", response=schemas.NotificationTemplateOut, tags=["notification messages"])
def update_notification_template(request, kind: str, payload: schemas.NotificationTemplateIn):
    ctx: AuthContext = request.auth
    ctx.require("manage_templates")
    template = services.update_notification_template(
        company=ctx.company,
        actor=ctx.user,
        kind=kind,
        subject=payload.subject,
        body=payload.body,
        is_enabled=payload.is_enabled,
    )
    return _notification_template_out(template)


# --- mail accounts ------------------------------------------------------------------------


def mail_account_out(account: MailAccount) -> dict:
    # Credentials never leave: only whether a password is stored.
    return {
        "id": account.pk,
        "user_id": account.user_id,
        "company_id": account.company_id,
        "email": account.email,
        "display_name": account.display_name,
        "provider": "system" if account.is_system else "smtp",
        "is_default": account.is_default,
        "is_system": account.is_system,
        "smtp_host": account.smtp_host,
        "smtp_port": account.smtp_port,
        "smtp_security": account.smtp_security,
        "smtp_username": account.smtp_username,
        "has_password": bool(account.smtp_password_encrypted),
        "last_tested_at": account.last_tested_at,
        "last_test_ok": account.last_test_ok,
        "created_at": account.created_at,
        "updated_at": account.updated_at,
    }


def _accounts_page(company, query, user=None) -> dict:
    services.company_default_account(company)
    queryset = selectors.mail_accounts(company=company, user=user)
    page = paginate(queryset, key="mail_accounts", page=query.page, size=query.size)
    page["mail_accounts"] = [mail_account_out(a) for a in page["mail_accounts"]]
    return page


@router.get("/companies/mail-accounts", response=paged("mail_accounts", schemas.MailAccountOut), tags=["mail accounts"])
def list_company_mail_accounts(request, query: Query[schemas.MailAccountListQuery]):
    """Mail accounts of every user of the current company, and the company default sender."""
    ctx: AuthContext = request.auth
    ctx.require("view_team")
    return _accounts_page(ctx.company, query)


@router.get(
    "/companies/{int:company_id}/mail-accounts",
    response=paged("mail_accounts", schemas.MailAccountOut),
    tags=["mail accounts"],
)
def list_company_id_mail_accounts(request, company_id: int, query: Query[schemas.MailAccountListQuery]):
    """Mail accounts of a company the caller belongs to."""
    ctx: AuthContext = request.auth
    company = account_selectors.get_accessible_company(user=ctx.user, company_id=company_id)
    role = ctx.memberships.get(company.pk, (None, None))[1]
    from hireloop.core.permissions import has_permission

    if not has_permission(role, "view_team"):
        raise Forbidden("Your role does not allow this action (view_team).")
    return _accounts_page(company, query)


@router.get(
    "/users/{int:user_id}/mail-accounts",
    response=paged("mail_accounts", schemas.MailAccountOut),
    tags=["mail accounts"],
)
def list_user_mail_accounts(request, user_id: int, query: Query[schemas.MailAccountListQuery]):
    """Mailboxes connected by one user of the company."""
    ctx: AuthContext = request.auth
    ctx.require("view_team")
    user = account_selectors.get_company_user(company=ctx.company, user_id=user_id)
    queryset = selectors.mail_accounts(company=ctx.company, user=user)
    page = paginate(queryset, key="mail_accounts", page=query.page, size=query.size)
    page["mail_accounts"] = [mail_account_out(a) for a in page["mail_accounts"]]
    return page


@router.post("/users/{int:user_id}/mail-accounts", response={201: schemas.MailAccountOut}, tags=["mail accounts"])
def connect_mail_account(request, user_id: int, payload: schemas.MailAccountIn):
    """Connect an SMTP mailbox for a user (yourself, or anyone if you manage the team); tested first."""
    ctx: AuthContext = request.auth
    ctx.require_company()
    if user_id != ctx.user.pk:
        ctx.require("manage_team")
    user = account_selectors.get_company_user(company=ctx.company, user_id=user_id)
    account = services.connect_mail_account(
        company=ctx.company,
        actor=ctx.user,
        user=user,
        email=payload.email,
        display_name=payload.display_name,
        smtp_host=payload.smtp_host,
        smtp_port=payload.smtp_port,
        smtp_security=payload.smtp_security,
        smtp_username=payload.smtp_username,
        smtp_password=payload.smtp_password,
        is_default=payload.is_default,
        test_connection=payload.test_connection,
    )
    return 201, mail_account_out(account)


@router.delete("/mail-accounts/{int:id}", response=schemas.MailAccountOut, tags=["mail accounts"])
def disconnect_mail_account(request, id: int):
    """Disconnect a mailbox (its owner, or a team manager); its stored password is erased."""
    ctx: AuthContext = request.auth
    ctx.require_company()
    account = selectors.mail_accounts(company=ctx.company).filter(pk=id).first()
    if account is None:
        raise NotFound("Mail account not found")
    if account.user_id != ctx.user.pk:
        ctx.require("manage_team")
    services.disconnect_mail_account(company=ctx.company, actor=ctx.user, account=account)
    return mail_account_out(account)


# --- email templates ----------------------------------------------------------------------


def template_out(template) -> dict:
    return {
        "id": template.pk,
        "company_id": template.company_id,
        "name": template.name,
        "subject": template.subject,
        "body": template.body,
        "created_by_user_id": template.created_by_id,
        "created_at": template.created_at,
        "updated_at": template.updated_at,
    }


def _template_company(ctx: AuthContext, company_id: int | None):
    if company_id is not None and company_id != ctx.company.pk:
        raise NotFound("Company not found")
    return ctx.company


@router.get("/email-templates", response=paged("email_templates", schemas.EmailTemplateOut), tags=["email templates"])
def list_email_templates(request, query: Query[schemas.TemplateListQuery]):
    ctx: AuthContext = request.auth
    ctx.require("view_candidates")
    company = _template_company(ctx, query.company_id)
    page = paginate(selectors.email_templates(company), key="email_templates", page=query.page, size=query.size)
    page["email_templates"] = [template_out(t) for t in page["email_templates"]]
    return page


@router.post("/email-templates", response={201: schemas.EmailTemplateOut}, tags=["email templates"])
def create_email_template(request, payload: schemas.EmailTemplateIn):
    """Create a template; an unknown {{placeholder}} is a 400 naming it."""
    ctx: AuthContext = request.auth
    ctx.require("manage_templates")
    company = _template_company(ctx, payload.company_id)
    template = services.create_email_template(
        company=company, actor=ctx.user, name=payload.name, subject=payload.subject, body=payload.body
    )
    return 201, template_out(template)


@router.get("/email-templates/{int:id}", response=schemas.EmailTemplateOut, tags=["email templates"])
def get_email_template(request, id: int):
    ctx: AuthContext = request.auth
    ctx.require("view_candidates")
    return template_out(selectors.get_email_template(company=ctx.company, template_id=id))


@router.put("/email-templates/{int:id}", response=schemas.EmailTemplateOut, tags=["email templates"])
def update_email_template(request, id: int, payload: schemas.EmailTemplateUpdateIn):
    """Change the supplied fields; the others keep their values."""
    ctx: AuthContext = request.auth
    ctx.require("manage_templates")
    template = selectors.get_email_template(company=ctx.company, template_id=id)
    changes = payload.dict(exclude_unset=True, exclude_none=True)
    return template_out(
        services.update_email_template(company=ctx.company, actor=ctx.user, template=template, changes=changes)
    )


@router.delete("/email-templates/{int:id}", response={204: None}, tags=["email templates"])
def delete_email_template(request, id: int):
    """Soft delete."""
    ctx: AuthContext = request.auth
    ctx.require("manage_templates")
    template = selectors.get_email_template(company=ctx.company, template_id=id)
    services.delete_email_template(company=ctx.company, actor=ctx.user, template=template)
    return 204, None


# --- template placeholders ----------------------------------------------------------------


@router.get(
    "/template-placeholders",
    response=paged("template_placeholders", schemas.PlaceholderOut),
    tags=["email templates"],
)
def list_template_placeholders(request, query: Query[schemas.PlaceholderQuery]):
    """Every placeholder a template may use; `is_notification=1` adds the notification-only ones."""
    ctx: AuthContext = request.auth
    ctx.require("view_candidates")
    company = _template_company(ctx, query.company_id)
    items = placeholders.catalogue(
        company=company, type=query.type, q=query.q, is_notification=bool(query.is_notification)
    )
    return paginate(items, key="template_placeholders", page=query.page, size=query.size)


@router.post("/template-placeholders/prepare", response=schemas.PrepareOut, tags=["email templates"])
def prepare_template_placeholder(request, payload: schemas.PrepareIn):
    """Turn a placeholder reference into the tag to embed in a template body."""
    ctx: AuthContext = request.auth
    ctx.require("view_candidates")
    return placeholders.prepare(
        company=ctx.company,
        type=payload.type,
        identifier=payload.identifier,
        system_column_title=payload.system_column_title,
        profile_question_id=payload.qas_profile_question_id,
    )


# --- unsubscribe (public, signed links) ---------------------------------------------------

_PAGE = (
    "<!doctype html><html><head><meta charset='utf-8'><title>{title}</title></head>"
    "<body style='font-family:sans-serif;max-width:32em;margin:4em auto'>{body}</body></html>"
)


@router.get("/unsubscribe/{token}", auth=None, tags=["inbound"], include_in_schema=False)
def unsubscribe_page(request, token: str):
    """Confirm before unsubscribing (a link scanner's GET must not opt anyone out)."""
    services.read_unsubscribe_token(token)
    body = (
        "<h1>Unsubscribe</h1><p>Stop receiving emails from this company?</p>"
        "<form method='post'><button type='submit'>Unsubscribe</button></form>"
    )
    return HttpResponse(_PAGE.format(title="Unsubscribe", body=body))


@router.post("/unsubscribe/{token}", auth=None, tags=["inbound"], include_in_schema=False)
def unsubscribe(request, token: str):
    """One-click unsubscribe (RFC 8058 List-Unsubscribe-Post) or the confirmation form."""
    one_click = request.POST.get("List-Unsubscribe") == "One-Click"
    services.unsubscribe(token=token, source="list_unsubscribe" if one_click else "link")
    body = "<h1>Unsubscribed</h1><p>You will not receive further emails from this company.</p>"
    return HttpResponse(_PAGE.format(title="Unsubscribed", body=body))
