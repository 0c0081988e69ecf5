from django.contrib import admin

from hireloop.webhooks.models import Delivery, Webhook


@admin.register(Webhook)
class WebhookAdmin(admin.ModelAdmin):
    list_display = ("id", "company", "job", "url", "is_active", "consecutive_failures", "created_at")
    list_filter = ("is_active",)
    exclude = ("secret_encrypted", "previous_secret_encrypted")


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ("id", "webhook", "event", "status", "attempt_count", "next_attempt_at", "created_at")
    list_filter = ("status",)
    raw_id_fields = ("webhook", "event", "redelivery_of")
