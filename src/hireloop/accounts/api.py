"""Auth, the caller's own account, team members, API keys, partner companies, feedback, ping."""

import time

from ninja import Field, Query, Router, Schema
from pydantic import EmailStr

from hireloop.accounts import schemas, selectors, services
from hireloop.accounts.authentication import AuthContext
from hireloop.accounts.models import Company, Membership, Role, User
from hireloop.core.context import public_base_url
from hireloop.core.errors import Forbidden, NotFound
from hireloop.core.files import decode_file
from hireloop.core.pagination import paged, paginate

router = Router(tags=["accounts"])


def _user_out(user: User, role: str | None) -> dict:
    return {
        "id": user.pk,
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "full_name": user.full_name,
        "phone": user.phone,
        "user_type": user.user_type,
        "role": role,
        "timezone": user.timezone,
        "is_active": user.is_active,
        "email_verified": user.email_verified_at is not None,
        "default_mail_account_id": None,
        "created_at": user.created_at,
        "updated_at": user.updated_at,
    }


def _me_out(user: User, company: Company | None = None) -> dict:
    memberships = list(
        Membership.objects.filter(user=user, is_active=True, company__deleted_at__isnull=True)
        .select_related("company")
        .order_by("created_at", "pk")
    )
    if company is None and memberships:
        company = memberships[0].company
    role = next((m.role for m in memberships if company and m.company_id == company.pk), None)
    out = _user_out(user, role)
    out["company_id"] = company.pk if company else None
    out["companies"] = [
        {"company_id": m.company_id, "company_name": m.company.name, "role": m.role} for m in memberships
    ]
    return out


def _token_out(pair: services.TokenPair) -> dict:
    me = _me_out(pair.user)
    return {
        "access": pair.access,
        "refresh": pair.refresh,
        "token": pair.access,
        "token_type": "Bearer",
        "expires_in": int(pair.access_expires_at.timestamp() - time.time()),
        "user_type": pair.user.user_type,
        "role": me["role"],
        "user": me,
    }


def _company_out(company: Company) -> dict:
    return {
        "id": company.pk,
        "name": company.name,
        "slug": company.slug,
        "website": company.website,
        "url": company.url,
        "logo_url": company.logo.url if company.logo else None,
        "company_owner_name": company.owner_name,
        "company_owner_email": company.owner_email,
        "company_owner_phone": company.owner_phone,
        "is_staffing_agency": company.is_staffing_agency,
        "agency_id": company.agency_id,
        "plan": company.plan,
        "is_deleted": company.deleted_at is not None,
        "created_at": company.created_at,
        "updated_at": company.updated_at,
    }


# --- ping and auth -----------------------------------------------------------------------


@router.get("/ping", auth=None, response=schemas.PingOut, tags=["meta"])
def ping(request):
    """Liveness check; says who you are when a valid token is sent."""
    ctx: AuthContext | None = getattr(request, "auth_ctx", None)
    return {
        "status": "ok",
        "authenticated": ctx is not None,
        "user_id": ctx.user.pk if ctx else None,
        "company_id": ctx.company.pk if ctx and ctx.company else None,
        "time": int(time.time()),
    }


@router.post("/auth/register", auth=None, response={201: schemas.RegisterOut}, tags=["auth"])
def register(request, payload: schemas.RegisterIn):
    """Create an account (000/002). A Company or Staffing admin also creates `company_name`."""
    pair = services.register(
        email=payload.email,
        password=payload.password,
        user_type=payload.user_type,
        role="admin" if payload.role == "admin" else Role.RECRUITER,
        first_name=payload.first_name,
        last_name=payload.last_name,
        company_name=payload.company_name,
        base_url=public_base_url(request),
    )
    return 201, {"message": "Registration successful", **_token_out(pair)}


@router.post("/auth/login", auth=None, response=schemas.TokenOut, tags=["auth"])
def login(request, payload: schemas.LoginIn):
    """Exchange email and password for an access token (15 min) and a refresh token."""
    return _token_out(services.login(email=payload.email, password=payload.password))


@router.post("/auth/token/refresh", auth=None, response=schemas.TokenOut, tags=["auth"])
def refresh(request, payload: schemas.RefreshIn):
    """Rotate the refresh token and get a new access token."""
    return _token_out(services.refresh_session(refresh=payload.refresh))


@router.post("/auth/logout", response=schemas.MessageOut, tags=["auth"])
def logout(request, payload: schemas.LogoutIn | None = None):
    """Revoke the refresh token (or, with no body, the session of the access token used)."""
    ctx: AuthContext = request.auth
    if payload and payload.refresh:
        services.logout(refresh=payload.refresh, user=ctx.user)
    elif ctx.session_id is not None:
        services.logout(session_id=ctx.session_id, user=ctx.user)
    else:
        services.logout(refresh=None)
    return {"message": "Logged out"}


@router.post("/auth/password-reset", auth=None, response=schemas.MessageOut, tags=["auth"])
def password_reset(request, payload: schemas.PasswordResetIn):
    """Email a single-use reset key (the answer is the same whether the account exists or not)."""
    services.request_password_reset(email=payload.email, base_url=public_base_url(request))
    return {"message": "If an account exists for this email, a reset key has been sent."}


def _confirm_reset(payload: schemas.PasswordResetConfirmIn) -> dict:
    services.confirm_password_reset(email=payload.email, reset_key=payload.reset_key, password=payload.password)
    return {"message": "Password updated; log in with the new password."}


@router.post("/auth/password-reset/confirm", auth=None, response=schemas.MessageOut, tags=["auth"])
def password_reset_confirm(request, payload: schemas.PasswordResetConfirmIn):
    """Set a new password with the emailed key (also accepts invitation keys). Logs out all sessions."""
    return _confirm_reset(payload)


@router.patch("/auth/password-reset", auth=None, response=schemas.MessageOut, tags=["auth"])
def password_reset_patch(request, payload: schemas.PasswordResetConfirmIn):
    """001's form of the confirmation: PATCH with email, reset_key and password."""
    return _confirm_reset(payload)


@router.post("/auth/verify-email", auth=None, response=schemas.MessageOut, tags=["auth"])
def verify_email(request, payload: schemas.VerifyEmailIn):
    services.verify_email(key=payload.key)
    return {"message": "Email address confirmed."}


@router.get("/auth/verify-email", auth=None, response=schemas.MessageOut, tags=["auth"])
def verify_email_link(request, key: str):
    """The link in the verification email."""
    services.verify_email(key=key)
    return {"message": "Email address confirmed."}


@router.post("/auth/verify-email/resend", response=schemas.MessageOut, tags=["auth"])
def resend_verification(request):
    ctx: AuthContext = request.auth
    services.resend_verification_email(user=ctx.user, base_url=public_base_url(request))
    return {"message": "If the address is not confirmed yet, a new key has been sent."}


# --- me and team -----------------------------------------------------------------------------


@router.get("/users/me", response=schemas.MeOut, tags=["users"])
def me(request):
    ctx: AuthContext = request.auth
    return _me_out(ctx.user, ctx.company)


@router.put("/users/me", response=schemas.MeOut, tags=["users"])
def update_me(request, payload: schemas.MeUpdateIn):
    ctx: AuthContext = request.auth
    user = services.update_me(user=ctx.user, company=ctx.company, **payload.dict(exclude_unset=True))
    return _me_out(user, ctx.company)


@router.get("/users", response=paged("users", schemas.UserOut), tags=["users"])
def list_users(request, query: Query[schemas.UsersQuery]):
    """Team members of the company (map §8)."""
    ctx: AuthContext = request.auth
    ctx.require("view_team")
    page = paginate(selectors.team_members(company=ctx.company), key="users", page=query.page, size=query.size)
    senders = _default_mail_account_ids([m.user for m in page["users"]], ctx.company)
    page["users"] = [_user_out(m.user, m.role) | {"default_mail_account_id": senders[m.user_id]} for m in page["users"]]
    return page


@router.get("/users/{int:user_id}", response=schemas.UserOut, tags=["users"])
def get_user(request, user_id: int):
    ctx: AuthContext = request.auth
    ctx.require("view_team")
    membership = selectors.get_member(company=ctx.company, user_id=user_id)
    out = _user_out(membership.user, membership.role)
    out["default_mail_account_id"] = _default_mail_account_ids([membership.user], ctx.company)[membership.user_id]
    return out


def _default_mail_account_ids(users: list[User], company: Company) -> dict[int, int]:
    """The sender each user's messages go out from by default (usable as from_account_id)."""
    from hireloop.messaging.selectors import default_mail_account_ids

    return default_mail_account_ids(users=users, company=company)


class InviteIn(Schema):
    email: EmailStr
    role: str = Field("recruiter", description="admin | recruiter | hiring_manager | interviewer")
    first_name: str = Field("", max_length=150)
    last_name: str = Field("", max_length=150)


class MemberUpdateIn(Schema):
    role: str | None = Field(None, description="admin | recruiter | hiring_manager | interviewer")
    is_active: bool | None = None


def _member_out(membership: Membership) -> dict:
    out = _user_out(membership.user, membership.role)
    out["is_active"] = membership.is_active and membership.user.is_active
    return out


@router.post("/users/invite", response={201: schemas.UserOut}, tags=["users"])
def invite_user(request, payload: InviteIn):
    """Invite a team member (001 recruiters): creates the account and emails a key to set its password."""
    ctx: AuthContext = request.auth
    ctx.require("manage_team")
    membership = services.invite_member(
        company=ctx.company,
        actor=ctx.user,
        email=payload.email,
        role=payload.role,
        first_name=payload.first_name,
        last_name=payload.last_name,
        base_url=public_base_url(request),
    )
    return 201, _member_out(membership)


@router.patch("/users/{int:user_id}", response=schemas.UserOut, tags=["users"])
def update_user(request, user_id: int, payload: MemberUpdateIn):
    """Change a member's role or active state in this company."""
    ctx: AuthContext = request.auth
    ctx.require("manage_team")
    membership = selectors.get_member(company=ctx.company, user_id=user_id)
    membership = services.update_member(
        company=ctx.company, actor=ctx.user, membership=membership, role=payload.role, is_active=payload.is_active
    )
    return _member_out(membership)


@router.delete("/users/{int:user_id}", response={204: None}, tags=["users"])
def deactivate_user(request, user_id: int):
    """Deactivate a member's access to this company; the account and its history are kept."""
    ctx: AuthContext = request.auth
    ctx.require("manage_team")
    membership = selectors.get_member(company=ctx.company, user_id=user_id)
    services.deactivate_member(company=ctx.company, actor=ctx.user, membership=membership)
    return 204, None


# --- API keys ----------------------------------------------------------------------------------


def _key_out(key) -> dict:
    return {
        "id": key.pk,
        "name": key.name,
        "prefix": key.prefix,
        "scopes": key.scopes,
        "user_id": key.user_id,
        "company_id": key.company_id,
        "created_at": key.created_at,
        "last_used_at": key.last_used_at,
        "expires_at": key.expires_at,
        "revoked_at": key.revoked_at,
        "is_active": key.is_active,
    }


@router.get("/api-keys", response=paged("api_keys", schemas.ApiKeyOut), tags=["api-keys"])
def list_api_keys(request, query: Query[schemas.ListQuery]):
    """Keys of the company (admins) or one's own keys (recruiters). Secrets are never shown."""
    ctx: AuthContext = request.auth
    ctx.require("manage_api_keys")
    keys = selectors.api_keys(company=ctx.company, user=None if ctx.role == Role.ADMIN else ctx.user)
    page = paginate(keys, key="api_keys", page=query.page, size=query.size)
    page["api_keys"] = [_key_out(k) for k in page["api_keys"]]
    return page


@router.post("/api-keys", response={201: schemas.ApiKeyCreatedOut}, tags=["api-keys"])
def create_api_key(request, payload: schemas.ApiKeyIn):
    """Create a key; the response is the only time `key` is ever returned."""
    ctx: AuthContext = request.auth
    ctx.require("manage_api_keys")
    owner = None
    if payload.user_id is not None and payload.user_id != ctx.user.pk:
        ctx.require("manage_team")
        owner = selectors.get_company_user(company=ctx.company, user_id=payload.user_id)
    created = services.create_api_key(
        company=ctx.company,
        actor=ctx.user,
        user=owner,
        name=payload.name,
        scopes=list(payload.scopes),
        expires_at=schemas.expires_at_from_unix(payload.expires_at),
    )
    key = created.api_key
    return 201, {
        "id": key.pk,
        "name": key.name,
        "prefix": key.prefix,
        "scopes": key.scopes,
        "created_at": key.created_at,
        "key": created.key,
    }


@router.delete("/api-keys/{int:key_id}", response=schemas.ApiKeyOut, tags=["api-keys"])
def revoke_api_key(request, key_id: int):
    """Revoke a key; it stops working within API_KEY_CACHE_SECONDS (5 s by default)."""
    ctx: AuthContext = request.auth
    ctx.require("manage_api_keys")
    keys = selectors.api_keys(company=ctx.company, user=None if ctx.role == Role.ADMIN else ctx.user)
    key = keys.filter(pk=key_id).first()
    if key is None:
        raise NotFound("API key not found")
    return _key_out(services.revoke_api_key(company=ctx.company, actor=ctx.user, api_key=key))


# --- companies (partner companies of staffing agencies, map §7) ----------------------------------


@router.get("/companies", response=paged("companies", schemas.CompanyOut), tags=["companies"])
def list_companies(request, query: Query[schemas.ListQuery]):
    """Companies the caller can access (an agency's own and its clients)."""
    ctx: AuthContext = request.auth
    companies = selectors.accessible_companies(user=ctx.user)
    page = paginate(companies, key="companies", page=query.page, size=query.size)
    page["companies"] = [_company_out(c) for c in page["companies"]]
    return page


@router.post("/companies", response={201: schemas.CompanyOut}, tags=["companies"])
def create_company(request, payload: schemas.CompanyIn):
    """A staffing agency creates a client company; its owner is invited by email."""
    ctx: AuthContext = request.auth
    ctx.require("manage_partner_companies")
    logo = decode_file(payload.logo, field="logo").as_django_file() if payload.logo else None
    company = services.create_partner_company(
        agency=ctx.company,
        actor=ctx.user,
        name=payload.name,
        company_owner_email=payload.company_owner_email,
        company_owner_name=payload.company_owner_name,
        company_owner_phone=payload.company_owner_phone,
        website=payload.website,
        url=payload.url,
        is_staffing_agency=payload.is_staffing_agency,
        logo=logo,
        base_url=public_base_url(request),
    )
    return 201, _company_out(company)


@router.get("/companies/{int:company_id}", response=schemas.CompanyOut, tags=["companies"])
def get_company(request, company_id: int):
    ctx: AuthContext = request.auth
    return _company_out(selectors.get_accessible_company(user=ctx.user, company_id=company_id))


def _manageable_company(ctx: AuthContext, company_id: int, *, include_deleted: bool = False) -> Company:
    """The company itself (its admins) or a client of the caller's agency (agency admins)."""
    ctx.require_company()
    if ctx.company.is_staffing_agency and ctx.company.pk != company_id:
        ctx.require("manage_partner_companies")
        return selectors.get_client_company(agency=ctx.company, company_id=company_id, include_deleted=include_deleted)
    company = selectors.get_accessible_company(user=ctx.user, company_id=company_id)
    role = ctx.memberships.get(company.pk, (None, None))[1]
    if role != Role.ADMIN:
        raise Forbidden("Only company admins can change the company.")
    return company


@router.put("/companies/{int:company_id}", response=schemas.CompanyOut, tags=["companies"])
def update_company(request, company_id: int, payload: schemas.CompanyUpdateIn):
    ctx: AuthContext = request.auth
    company = _manageable_company(ctx, company_id)
    changes = payload.dict(exclude_unset=True)
    logo_payload = changes.pop("logo", None)
    logo = decode_file(payload.logo, field="logo").as_django_file() if logo_payload else None
    return _company_out(services.update_company(company=company, actor=ctx.user, logo=logo, **changes))


@router.delete("/companies/{int:company_id}", response=schemas.CompanyOut, tags=["companies"])
def delete_company(request, company_id: int):
    """Soft-delete a client company (restore with PATCH /companies/{id}/restore)."""
    ctx: AuthContext = request.auth
    ctx.require("manage_partner_companies")
    company = selectors.get_client_company(agency=ctx.require_company(), company_id=company_id)
    return _company_out(services.delete_company(company=company, actor=ctx.user))


@router.patch("/companies/{int:company_id}/restore", response=schemas.CompanyOut, tags=["companies"])
def restore_company(request, company_id: int):
    ctx: AuthContext = request.auth
    ctx.require("manage_partner_companies")
    company = selectors.get_client_company(agency=ctx.require_company(), company_id=company_id, include_deleted=True)
    return _company_out(services.restore_company(company=company, actor=ctx.user))


# --- feedback ------------------------------------------------------------------------------------


@router.post("/feedback", response={201: schemas.FeedbackOut}, tags=["feedback"])
def submit_feedback(request, payload: schemas.FeedbackIn):
    """Structured API feedback for Hireloop's staff (5 per hour per key)."""
    ctx: AuthContext = request.auth
    ctx.require("send_feedback")
    feedback = services.submit_feedback(company=ctx.company, actor=ctx.user, api_key=ctx.api_key, **payload.dict())
    return 201, feedback
