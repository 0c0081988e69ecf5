"""Back office: the message outbox (every email and SMS, its status and failure reason) and mail accounts."""

from django.contrib import admin
from django.utils.html import format_html

from hireloop.messaging.models import Channel, EmailTemplate, MailAccount, Message, NotificationTemplate, OptOut


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    """The outbox for staff: what was scheduled, sent, failed or received, with the rendered bodies."""

    list_display = ("id", "company", "channel", "direction", "kind", "status", "subject", "counterpart", "scheduled_at")
    list_filter = ("channel", "direction", "status", "kind", "is_notification")
    search_fields = ("subject", "counterpart", "message_id")
    date_hierarchy = "created_at"
    raw_id_fields = ("candidate", "application", "mail_account", "created_by", "reply_to_message")
    readonly_fields = ["preview", *[f.name for f in Message._meta.fields]]

    def has_add_permission(self, request) -> bool:
        return False

    @admin.display(description="preview")
    def preview(self, message: Message) -> str:
        """The email as the candidate sees it, in a sandboxed frame (its HTML is never run in this page)."""
        if message.channel != Channel.EMAIL or not message.body_html:
            return format_html("<pre style='white-space:pre-wrap'>{}</pre>", message.body_text)
        return format_html(
            "<iframe sandbox srcdoc=\"{}\" style='width:100%;min-height:20em;border:1px solid #ccc'></iframe>",
            message.body_html,
        )


@admin.register(MailAccount)
class MailAccountAdmin(admin.ModelAdmin):
    list_display = ("id", "company", "user", "email", "is_system", "is_default", "smtp_host", "last_test_ok")
    # The encrypted password is never shown or edited here.
    exclude = ("smtp_password_encrypted",)
    raw_id_fields = ("user",)


@admin.register(EmailTemplate)
class EmailTemplateAdmin(admin.ModelAdmin):
    list_display = ("id", "company", "name", "subject", "deleted_at")


@admin.register(NotificationTemplate)
class NotificationTemplateAdmin(admin.ModelAdmin):
    list_display = ("id", "company", "kind", "is_enabled")


@admin.register(OptOut)
class OptOutAdmin(admin.ModelAdmin):
    list_display = ("id", "company", "channel", "address", "source", "created_at")
    search_fields = ("address",)
