from django.contrib import admin

from hireloop.core.models import OutboxEmail


@admin.register(OutboxEmail)
class OutboxEmailAdmin(admin.ModelAdmin):
    """The embedded outbox: every email Hireloop would have sent."""

    list_display = ("created_at", "subject", "sender", "recipients")
    search_fields = ("subject", "raw")
    readonly_fields = ("created_at", "sender", "recipients", "subject", "raw")
