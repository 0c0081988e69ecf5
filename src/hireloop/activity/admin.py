from django.contrib import admin

from hireloop.activity.models import Event


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ("created_at", "company", "kind", "subject_type", "subject_id", "actor", "ip")
    list_filter = ("kind",)
    search_fields = ("kind", "subject_type")
    readonly_fields = [f.name for f in Event._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
