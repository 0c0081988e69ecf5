from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from hireloop.accounts.models import ApiKey, Company, Feedback, Membership, User


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ("user",)


@admin.register(Company)
class CompanyAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "plan", "is_staffing_agency", "agency", "deleted_at", "created_at")
    search_fields = ("name", "slug", "owner_email")
    list_filter = ("plan", "is_staffing_agency")
    inlines = [MembershipInline]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ("email",)
    list_display = ("email", "first_name", "last_name", "user_type", "is_active", "is_staff")
    search_fields = ("email", "first_name", "last_name")
    list_filter = ("user_type", "is_active", "is_staff")
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (
            "Profile",
            {"fields": ("first_name", "last_name", "phone", "user_type", "timezone", "email_verified_at")},
        ),
        ("Permissions", {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    list_display = ("name", "prefix", "company", "user", "scopes", "last_used_at", "revoked_at")
    exclude = ("key_hash",)
    readonly_fields = ("prefix", "last_used_at")


@admin.register(Feedback)
class FeedbackAdmin(admin.ModelAdmin):
    list_display = ("created_at", "company", "user", "issue_type", "endpoint")
    list_filter = ("issue_type",)
