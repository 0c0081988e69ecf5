"""Wire shapes of messaging: messages, mail accounts, templates, placeholders, notification messages."""

from typing import Literal

from ninja import Field, Schema
from pydantic import field_validator

from hireloop.core.pagination import ListQuery
from hireloop.core.times import OptionalUnixTime, UnixTime


class AttachmentOut(Schema):
    id: int
    file_name: str
    mime_type: str
    size: int


class MessageOut(Schema):
    id: int
    candidate_id: int | None
    application_id: int | None
    channel: str
    direction: str
    kind: str
    status: str
    is_notification: bool
    is_scheduled: bool
    is_cancelable: bool
    from_account_id: int | None
    sender: str = Field(description="From header (email) or phone number (SMS)")
    to: list[str]
    cc: list[str]
    bcc: list[str]
    subject: str
    body: str = Field(description="HTML body (email) or text (SMS)")
    body_text: str
    attachments: list[AttachmentOut]
    message_id: str = Field(description="RFC 5322 Message-ID, used for threading replies")
    in_reply_to: str
    reply_to_email_id: int | None
    scheduled_at: OptionalUnixTime
    sent_at: OptionalUnixTime
    received_at: OptionalUnixTime
    cancelled_at: OptionalUnixTime
    failed_at: OptionalUnixTime
    failure_reason: str
    attempts: int
    created_by_user_id: int | None
    created_at: UnixTime
    updated_at: UnixTime


class MessageIn(Schema):
    to: list[str] = Field(..., min_length=1)
    subject: str = Field(..., min_length=1, max_length=998)
    body: str = Field(..., min_length=1, description="HTML; {{placeholders}} are rendered")
    from_account_id: int | None = None
    cc: list[str] | None = None
    bcc: list[str] | None = None
    scheduled_at: int | str | None = Field(None, description="Unix seconds; default now + the cancel window")
    application_id: int | None = None
    reply_to_email_id: int | None = None
    send_in_new_thread: bool | None = None


class TextMessageIn(Schema):
    body: str = Field(..., min_length=1, max_length=1600, description="Plain text; {{placeholders}} are rendered")
    to_phone: str | None = Field(None, description="E.164; default the candidate's phone")
    scheduled_at: int | str | None = Field(None, description="Unix seconds; default now + the cancel window")


class MessageUpdateIn(Schema):
    to: list[str] = Field(..., min_length=1)
    subject: str = Field(..., min_length=1, max_length=998)
    body: str = Field(..., min_length=1)
    from_account_id: int | None = None
    cc: list[str] | None = None
    bcc: list[str] | None = None
    scheduled_at: int | str | None = None
    reply_to_email_id: int | None = None
    send_in_new_thread: bool | None = None


class MessagePatchIn(Schema):
    to: list[str] | None = Field(None, min_length=1)
    subject: str | None = Field(None, min_length=1, max_length=998)
    body: str | None = Field(None, min_length=1)
    from_account_id: int | None = None
    cc: list[str] | None = None
    bcc: list[str] | None = None
    scheduled_at: int | str | None = None
    reply_to_email_id: int | None = None
    send_in_new_thread: bool | None = None


class BatchMessageItem(MessageIn):
    candidate_id: int


class BatchMessagesIn(Schema):
    messages: list[BatchMessageItem] = Field(..., min_length=1, max_length=100)


class BatchResultOut(Schema):
    index: int
    id: int | None
    data: MessageOut | None = None
    error: dict | None = None


class BatchMessagesOut(Schema):
    results: list[BatchResultOut]


class CandidateMessagesQuery(ListQuery):
    is_scheduled: int = Field(0, ge=0, le=1, description="1 = only not-yet-sent messages")


class MessagesQuery(ListQuery):
    from_account_id: int | None = None
    status: Literal["scheduled", "sent", "all"] = "all"
    date_from: str | None = Field(None, description="Unix seconds or ISO-8601")
    date_to: str | None = Field(None, description="Unix seconds or ISO-8601")


class MailAccountOut(Schema):
    id: int
    user_id: int | None
    company_id: int
    email: str
    display_name: str
    provider: str = Field(description="smtp (a connected mailbox) or system (the company default sender)")
    is_default: bool
    is_system: bool
    smtp_host: str
    smtp_port: int | None
    smtp_security: str
    smtp_username: str
    has_password: bool
    last_tested_at: OptionalUnixTime
    last_test_ok: bool | None
    created_at: UnixTime
    updated_at: UnixTime


class MailAccountIn(Schema):
    email: str = Field(..., max_length=254)
    display_name: str = Field("", max_length=200)
    smtp_host: str = Field(..., min_length=1, max_length=255)
    smtp_port: int = Field(587, ge=1, le=65535)
    smtp_security: Literal["none", "starttls", "ssl"] = "starttls"
    smtp_username: str = Field("", max_length=255)
    smtp_password: str = Field("", max_length=1024)
    is_default: bool = False
    test_connection: bool = True

    @field_validator("email")
    @classmethod
    def _email(cls, value: str) -> str:
        from django.core.exceptions import ValidationError
        from django.core.validators import validate_email

        try:
            validate_email(value)
        except ValidationError:
            raise ValueError("Enter a valid email address.") from None
        return value


class EmailTemplateOut(Schema):
    id: int
    company_id: int
    name: str
    subject: str
    body: str
    created_by_user_id: int | None
    created_at: UnixTime
    updated_at: UnixTime


class EmailTemplateIn(Schema):
    name: str = Field(..., min_length=1, max_length=200)
    subject: str = Field(..., min_length=1, max_length=998)
    body: str = Field(..., min_length=1)
    company_id: int | None = None


class EmailTemplateUpdateIn(Schema):
    name: str | None = Field(None, min_length=1, max_length=200)
    subject: str | None = Field(None, min_length=1, max_length=998)
    body: str | None = Field(None, min_length=1)


class TemplateListQuery(ListQuery):
    company_id: int | None = None
    size: int = Field(25, ge=1, le=100)


class PlaceholderOut(Schema):
    key: str
    label: str
    type: str
    placeholder: str
    is_notification: bool


class PlaceholderQuery(ListQuery):
    company_id: int | None = None
    type: Literal["profile_field", "job_variable", "questionnaire_link", "self_scheduling_link", "system"] | None = None
    is_notification: int = Field(0, ge=0, le=1)
    q: str | None = None
    size: int = Field(25, ge=1, le=100)


class PrepareIn(Schema):
    type: str
    identifier: str | None = None
    qas_profile_question_id: int | None = None
    form_question_id: int | None = None
    system_column_title: str | None = None
    job_variable_id: int | None = None


class PrepareOut(Schema):
    key: str
    type: str
    placeholder: str
    html: str


class NotificationMessageIn(Schema):
    subject: str = Field(..., min_length=1, max_length=998)
    body: str = Field(..., min_length=1)
    scheduled_at: int | str | None = None


class NotificationTemplateOut(Schema):
    kind: str
    subject: str
    body: str
    is_enabled: bool
    is_default: bool


class NotificationTemplateIn(Schema):
    subject: str | None = Field(None, min_length=1, max_length=998)
    body: str | None = Field(None, min_length=1)
    is_enabled: bool | None = None


class CountOut(Schema):
    cancelled: int


class InboundOut(Schema):
    matched: bool
    id: int | None
    candidate_id: int | None


class MailAccountListQuery(ListQuery):
    size: int = Field(25, ge=1, le=100)
