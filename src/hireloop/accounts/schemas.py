from datetime import datetime
from typing import Any, Literal

from ninja import Field, Schema
from pydantic import EmailStr, field_validator

from hireloop.core.files import FileData
from hireloop.core.pagination import ListQuery
from hireloop.core.times import OptionalUnixTime, UnixTime


def _lower_choice(value: str, choices: dict[str, str], field: str) -> str:
    key = str(value).strip().lower()
    if key not in choices:
        raise ValueError(f"Must be one of: {', '.join(sorted(set(choices)))}")
    return choices[key]


class RegisterIn(Schema):
    email: EmailStr
    password: str = Field(..., min_length=1, max_length=256)
    user_type: str = Field("company", description="Individual | Staffing | Company (case-insensitive)")
    role: str = Field("admin", description="Admin | Employee (000); Admin creates the company")
    first_name: str = Field("", max_length=150)
    last_name: str = Field("", max_length=150)
    company_name: str = Field("", max_length=200)

    @field_validator("user_type")
    @classmethod
    def _user_type(cls, v: str) -> str:
        return _lower_choice(v, {"individual": "individual", "staffing": "staffing", "company": "company"}, "user_type")

    @field_validator("role")
    @classmethod
    def _role(cls, v: str) -> str:
        return _lower_choice(v, {"admin": "admin", "employee": "employee"}, "role")


class LoginIn(Schema):
    email: str = Field(..., min_length=1, max_length=254)
    password: str = Field(..., min_length=1, max_length=256)


class RefreshIn(Schema):
    refresh: str = Field(..., min_length=1)


class LogoutIn(Schema):
    refresh: str | None = None


class MembershipOut(Schema):
    company_id: int
    company_name: str
    role: str


class UserOut(Schema):
    id: int
    email: str
    first_name: str
    last_name: str
    full_name: str
    phone: str
    user_type: str
    role: str | None = Field(None, description="Role in the selected company")
    timezone: str
    is_active: bool
    email_verified: bool
    default_mail_account_id: int | None = None
    created_at: UnixTime
    updated_at: UnixTime


class MeOut(UserOut):
    company_id: int | None
    companies: list[MembershipOut]


class TokenOut(Schema):
    access: str
    refresh: str
    token: str = Field(..., description="Same as access (000 compatibility)")
    token_type: str = "Bearer"
    expires_in: int
    user_type: str
    role: str | None
    user: MeOut


class RegisterOut(TokenOut):
    message: str = "Registration successful"


class MessageOut(Schema):
    message: str


class PasswordResetIn(Schema):
    email: str = Field(..., min_length=1, max_length=254)


class PasswordResetConfirmIn(Schema):
    email: str = Field(..., min_length=1, max_length=254)
    reset_key: str = Field(..., min_length=1, max_length=200)
    password: str = Field(..., min_length=1, max_length=256)


class VerifyEmailIn(Schema):
    key: str = Field(..., min_length=1, max_length=200)


class MeUpdateIn(Schema):
    first_name: str | None = Field(None, max_length=150)
    last_name: str | None = Field(None, max_length=150)
    phone: str | None = Field(None, max_length=40)
    timezone: str | None = Field(None, max_length=64)
    password: str | None = Field(None, min_length=1, max_length=256)
    current_password: str | None = Field(None, max_length=256)

    @field_validator("timezone")
    @classmethod
    def _tz(cls, v: str | None) -> str | None:
        if v is None:
            return v
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(v)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError("Unknown IANA timezone (e.g. Europe/Berlin).") from None
        return v


class ApiKeyIn(Schema):
    name: str = Field(..., min_length=1, max_length=100)
    scopes: list[Literal["read", "write"]] = Field(default_factory=lambda: ["read", "write"], min_length=1)
    user_id: int | None = Field(None, description="Create the key for another team member (admins only).")
    expires_at: int | None = Field(None, description="Unix seconds; never expires when omitted.")


class ApiKeyOut(Schema):
    id: int
    name: str
    prefix: str
    scopes: list[str]
    user_id: int
    company_id: int
    created_at: UnixTime
    last_used_at: OptionalUnixTime
    expires_at: OptionalUnixTime
    revoked_at: OptionalUnixTime
    is_active: bool


class ApiKeyCreatedOut(Schema):
    id: int
    name: str
    prefix: str
    scopes: list[str]
    created_at: UnixTime
    key: str = Field(..., description="The secret key. Shown only in this response.")


class UsersQuery(ListQuery):
    pass


class CompanyOut(Schema):
    id: int
    name: str
    slug: str
    website: str
    url: str
    logo_url: str | None
    company_owner_name: str
    company_owner_email: str
    company_owner_phone: str
    is_staffing_agency: bool
    agency_id: int | None
    plan: str
    is_deleted: bool
    created_at: UnixTime
    updated_at: UnixTime


class LogoData(FileData):
    pass


class CompanyIn(Schema):
    name: str = Field(..., min_length=1, max_length=200)
    company_owner_email: EmailStr
    company_owner_name: str = Field(..., min_length=1, max_length=200)
    company_owner_phone: str = Field("", max_length=40)
    website: str = Field("", max_length=200)
    url: str = Field("", max_length=200)
    is_staffing_agency: bool = False
    logo: LogoData | None = None


class CompanyUpdateIn(Schema):
    name: str | None = Field(None, min_length=1, max_length=200)
    company_owner_email: EmailStr | None = None
    company_owner_name: str | None = Field(None, max_length=200)
    company_owner_phone: str | None = Field(None, max_length=40)
    website: str | None = Field(None, max_length=200)
    url: str | None = Field(None, max_length=200)
    is_staffing_agency: bool | None = None
    logo: LogoData | None = None


class FeedbackIn(Schema):
    description: str = Field(..., min_length=1, max_length=2000)
    endpoint: str = Field("", max_length=300)
    issue_type: Literal["missing_filter", "pagination", "performance", "missing_field", "bulk_operation", "other"] = (
        "other"
    )
    suggested_improvement: str = Field("", max_length=2000)
    context: dict[str, Any] = Field(default_factory=dict)

    @field_validator("context")
    @classmethod
    def _small(cls, v: dict) -> dict:
        import json

        if len(json.dumps(v)) > 4096:
            raise ValueError("context must be at most 4 KB of JSON.")
        return v


class FeedbackOut(Schema):
    id: int
    description: str
    endpoint: str
    issue_type: str
    suggested_improvement: str
    context: dict[str, Any]
    created_at: UnixTime


class PingOut(Schema):
    status: str
    authenticated: bool
    user_id: int | None = None
    company_id: int | None = None
    time: int


def expires_at_from_unix(value: int | None) -> datetime | None:
    from datetime import UTC

    return None if value is None else datetime.fromtimestamp(value, tz=UTC)
