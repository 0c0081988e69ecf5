"""Messages (email, SMS) to candidates and other people, mail accounts, templates, opt-outs."""

from django.db import models

from hireloop.core.models import TenantModel


class Channel(models.TextChoices):
    EMAIL = "email"
    SMS = "sms"


class Direction(models.TextChoices):
    OUTBOUND = "outbound"
    INBOUND = "inbound"


class MessageStatus(models.TextChoices):
    SCHEDULED = "scheduled"  # waiting for scheduled_at (cancelable)
    SENDING = "sending"  # claimed by a worker
    SENT = "sent"
    FAILED = "failed"  # retries exhausted, see failure_reason
    CANCELLED = "cancelled"
    SUPPRESSED = "suppressed"  # recipient opted out; never sent
    RECEIVED = "received"  # inbound reply


class MailAccount(TenantModel):
    """A sender: a user's own SMTP mailbox, or the company default sender (user is null, is_system)."""

    user = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    email = models.EmailField()
    display_name = models.CharField(max_length=200, blank=True)
    is_system = models.BooleanField(default=False)
    is_default = models.BooleanField(default=False)
    smtp_host = models.CharField(max_length=255, blank=True)
    smtp_port = models.PositiveIntegerField(null=True, blank=True)
    smtp_username = models.CharField(max_length=255, blank=True)
    # Fernet token; the key is derived from SECRET_KEY (see messaging.crypto). Never returned or logged.
    smtp_password_encrypted = models.TextField(blank=True)
    smtp_security = models.CharField(max_length=10, default="starttls")  # none | starttls | ssl
    last_tested_at = models.DateTimeField(null=True, blank=True)
    last_test_ok = models.BooleanField(null=True, blank=True)
    last_test_error = models.CharField(max_length=500, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["company", "user"], name="mailaccount_company_user")]
        constraints = [
            models.UniqueConstraint(
                fields=["company"], condition=models.Q(is_system=True), name="mailaccount_one_system_per_company"
            )
        ]

    def __str__(self) -> str:
        return self.email

    def __repr__(self) -> str:  # never show credentials, even in debug output
        return f"<MailAccount {self.pk} {self.email}>"

    @property
    def from_header(self) -> str:
        from email.utils import formataddr

        return formataddr((self.display_name, self.email)) if self.display_name else self.email


class Message(TenantModel):
    """One email or SMS, outbound (scheduled → sent) or inbound (received)."""

    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.EMAIL)
    direction = models.CharField(max_length=10, choices=Direction.choices, default=Direction.OUTBOUND)
    kind = models.CharField(max_length=50, default="notification")
    # A notification message (§11 of the map): system email such as a rejection, editable before it is sent.
    is_notification = models.BooleanField(default=False)
    status = models.CharField(max_length=20, choices=MessageStatus.choices, default=MessageStatus.SCHEDULED)
    candidate = models.ForeignKey(
        "candidates.Candidate", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    application = models.ForeignKey(
        "applications.Application", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    mail_account = models.ForeignKey(MailAccount, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    from_address = models.CharField(max_length=320, blank=True)  # email header or E.164 phone
    to = models.JSONField(default=list)  # emails, or one E.164 phone for SMS
    # The other party (first recipient of an outbound message, sender of an inbound one), lower-cased:
    # how an inbound SMS finds the conversation it answers.
    counterpart = models.CharField(max_length=320, blank=True)
    cc = models.JSONField(default=list)
    bcc = models.JSONField(default=list)
    subject = models.CharField(max_length=998, blank=True)
    body_html = models.TextField(blank=True)
    body_text = models.TextField(blank=True)
    headers = models.JSONField(default=dict)
    # RFC 5322 threading
    message_id = models.CharField(max_length=255, blank=True, db_index=True)
    in_reply_to = models.CharField(max_length=255, blank=True)
    references = models.TextField(blank=True)
    reply_to_message = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    unsubscribe_url = models.CharField(max_length=500, blank=True)
    scheduled_at = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    received_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    failed_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    failure_reason = models.CharField(max_length=500, blank=True)
    provider_id = models.CharField(max_length=100, blank=True)  # e.g. Twilio message SID
    # What the message is about, so the caller can cancel or find it later: ("interview", 12).
    related_type = models.CharField(max_length=50, blank=True)
    related_id = models.BigIntegerField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["company", "candidate", "-created_at"], name="message_candidate"),
            models.Index(fields=["company", "mail_account", "-scheduled_at"], name="message_account"),
            models.Index(fields=["company", "related_type", "related_id"], name="message_related"),
            models.Index(fields=["status", "scheduled_at"], name="message_due"),
            models.Index(fields=["channel", "counterpart", "-created_at"], name="message_counterpart"),
        ]

    def __str__(self) -> str:
        return f"{self.channel} {self.pk} {self.status}"

    @property
    def is_cancelable(self) -> bool:
        return self.direction == Direction.OUTBOUND and self.status == MessageStatus.SCHEDULED


class MessageAttachment(models.Model):
    """A file sent with an email (kept with the message so a retry sends the same bytes)."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="attachments")
    file_name = models.CharField(max_length=255)
    mime_type = models.CharField(max_length=100)
    content = models.BinaryField()
    size = models.PositiveIntegerField(default=0)


class OptOut(TenantModel):
    """An address (email or E.164 phone) that asked not to be contacted on a channel."""

    channel = models.CharField(max_length=10, choices=Channel.choices)
    address = models.CharField(max_length=320)
    candidate = models.ForeignKey(
        "candidates.Candidate", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    source = models.CharField(max_length=30, default="link")  # link | list_unsubscribe | sms_stop | api

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["company", "channel", "address"], name="optout_company_channel_address")
        ]


class EmailTemplate(TenantModel):
    """A reusable email (subject and HTML body with {{placeholders}}); deleting hides it."""

    name = models.CharField(max_length=200)
    subject = models.CharField(max_length=998)
    body = models.TextField()
    created_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    deleted_at = models.DateTimeField(null=True, blank=True)


class NotificationTemplate(TenantModel):
    """A company's editable text of a system notification (rejection, application received)."""

    kind = models.CharField(max_length=50)
    subject = models.CharField(max_length=998)
    body = models.TextField()
    is_enabled = models.BooleanField(default=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["company", "kind"], name="notificationtemplate_company_kind")]
