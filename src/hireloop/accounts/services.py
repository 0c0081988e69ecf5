"""Every state change of accounts: registration, login sessions, keys, companies, team."""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify

from hireloop.accounts import tokens
from hireloop.accounts.models import (
    ApiKey,
    AuthSession,
    Company,
    Feedback,
    Membership,
    OneTimeKey,
    Role,
    Scope,
    User,
    UserType,
)
from hireloop.activity.services import record
from hireloop.core import context, ratelimit
from hireloop.core.errors import (
    Conflict,
    Forbidden,
    NotFound,
    TooManyRequests,
    Unauthorized,
    ValidationFailed,
)

logger = logging.getLogger("hireloop.accounts")


# --- helpers ------------------------------------------------------------------------------


def _check_password(password: str, user: User | None = None, field: str = "password") -> None:
    try:
        validate_password(password, user)
    except DjangoValidationError as exc:
        raise ValidationFailed({field: " ".join(exc.messages)}) from None


def unique_slug(name: str) -> str:
    base = slugify(name)[:60] or "company"
    slug, n = base, 1
    while Company.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def _email_on_commit(*, subject: str, body: str, to: str) -> None:
    transaction.on_commit(lambda: send_mail(subject, body, None, [to], fail_silently=False))


def _issue_one_time_key(*, user: User, purpose: str, ttl_seconds: int) -> str:
    raw = tokens.random_token()
    OneTimeKey.objects.create(
        user=user,
        purpose=purpose,
        key_hash=tokens.sha256(raw),
        expires_at=timezone.now() + timedelta(seconds=ttl_seconds),
    )
    return raw


def _consume_one_time_key(*, raw: str, purposes: tuple[str, ...], field: str, email: str | None = None) -> User:
    key = (
        OneTimeKey.objects.select_for_update()
        .select_related("user")
        .filter(key_hash=tokens.sha256(raw or ""), purpose__in=purposes)
        .first()
    )
    invalid = ValidationFailed({field: "Invalid or expired key."})
    if key is None or key.used_at is not None or key.expires_at <= timezone.now():
        raise invalid
    if email is not None and key.user.email != email.strip().lower():
        raise invalid
    key.used_at = timezone.now()
    key.save(update_fields=["used_at"])
    return key.user


# --- registration and login ---------------------------------------------------------------


@dataclass
class TokenPair:
    access: str
    refresh: str
    access_expires_at: datetime
    user: User


def _open_session(user: User) -> TokenPair:
    info = context.current()
    session = AuthSession.objects.create(
        user=user,
        refresh_hash=tokens.sha256(tokens.random_token()),  # replaced below, once the id is known
        expires_at=timezone.now() + timedelta(seconds=settings.JWT_REFRESH_TTL_SECONDS),
        ip=info.ip,
        user_agent=info.user_agent,
    )
    refresh = tokens.new_refresh_token(session.pk)
    session.refresh_hash = tokens.sha256(refresh)
    session.save(update_fields=["refresh_hash"])
    access, expires = tokens.issue_access_token(user_id=user.pk, session_id=session.pk)
    return TokenPair(access=access, refresh=refresh, access_expires_at=expires, user=user)


@transaction.atomic
def register(
    *,
    email: str,
    password: str,
    user_type: str,
    role: str,
    first_name: str = "",
    last_name: str = "",
    company_name: str = "",
    base_url: str,
) -> TokenPair:
    """Create an account; a Company/Staffing admin also creates their company and becomes its admin."""
    email = email.strip().lower()
    if User.objects.filter(email=email).exists():
        raise Conflict("An account with this email already exists; log in or reset the password.")
    user = User(email=email, first_name=first_name.strip(), last_name=last_name.strip(), user_type=user_type)
    _check_password(password, user)
    user.set_password(password)
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:
        raise Conflict("An account with this email already exists; log in or reset the password.") from None
    company = None
    if user_type in (UserType.COMPANY, UserType.STAFFING) and role == Role.ADMIN:
        if not company_name.strip():
            raise ValidationFailed({"company_name": "Required for a Company or Staffing admin account."})
        company = Company.objects.create(
            name=company_name.strip(),
            slug=unique_slug(company_name),
            owner=user,
            owner_name=user.full_name,
            owner_email=user.email,
            is_staffing_agency=user_type == UserType.STAFFING,
        )
        Membership.objects.create(user=user, company=company, role=Role.ADMIN)
        record(kind="company.created", company=company, subject=company, actor=user)
    record(kind="user.registered", company=company, subject=user, actor=user, data={"user_type": user_type})
    send_verification_email(user=user, base_url=base_url)
    return _open_session(user)


def send_verification_email(*, user: User, base_url: str) -> None:
    raw = _issue_one_time_key(
        user=user,
        purpose=OneTimeKey.Purpose.EMAIL_VERIFICATION,
        ttl_seconds=settings.EMAIL_VERIFICATION_TTL_SECONDS,
    )
    _email_on_commit(
        subject="Confirm your email address for Hireloop",
        body=(
            f"Hello {user.first_name or user.email},\n\n"
            f"Confirm your email address with this key: {raw}\n"
            f"or open {base_url}/api/v2/auth/verify-email?key={raw}\n\n"
            "The key works once and expires in "
            f"{settings.EMAIL_VERIFICATION_TTL_SECONDS // 3600} hours."
        ),
        to=user.email,
    )


def resend_verification_email(*, user: User, base_url: str) -> None:
    """A new verification key, unless the address is confirmed (read afresh: `user` may come from the
    credential cache and be a few seconds old)."""
    if User.objects.filter(pk=user.pk, email_verified_at__isnull=True).exists():
        send_verification_email(user=user, base_url=base_url)


@transaction.atomic
def verify_email(*, key: str) -> User:
    user = _consume_one_time_key(raw=key, purposes=(OneTimeKey.Purpose.EMAIL_VERIFICATION,), field="key")
    user.email_verified_at = timezone.now()
    user.save(update_fields=["email_verified_at", "updated_at"])
    record(kind="user.email_verified", company=None, subject=user, actor=user)
    return user


def login(*, email: str, password: str) -> TokenPair:
    """Check credentials; failures are throttled per account as well as per IP."""
    email = email.strip().lower()
    window = settings.LOGIN_FAILURE_WINDOW_SECONDS
    bucket = f"login-fail:{tokens.sha256(email)}"
    state = ratelimit.peek(bucket, limit=settings.LOGIN_FAILURES_PER_ACCOUNT, window=window)
    if state.remaining <= 0:
        raise TooManyRequests(
            "Too many failed logins for this account; try again later or reset the password.",
            headers={"Retry-After": str(max(state.reset - int(timezone.now().timestamp()), 1))},
        )
    user = User.objects.filter(email=email).first()
    if user is None or not user.check_password(password) or not user.is_active:
        ratelimit.hit(bucket, limit=settings.LOGIN_FAILURES_PER_ACCOUNT, window=window)
        raise Unauthorized("Invalid email or password")
    user.last_login = timezone.now()
    user.save(update_fields=["last_login"])
    return _open_session(user)


def refresh_session(*, refresh: str) -> TokenPair:
    """Rotate the refresh token; reusing an old one revokes the whole session (token theft)."""
    pair = _rotate_refresh(refresh=refresh)
    if pair is not None:
        return pair
    reused_session_id = tokens.refresh_token_session_id(refresh)
    if reused_session_id is not None:
        revoked = AuthSession.objects.filter(pk=reused_session_id, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
        if revoked:
            logger.warning("refresh token of session %s reused: session revoked", reused_session_id)
        raise Unauthorized("This refresh token was already used; the session is revoked, log in again")
    raise Unauthorized("Invalid refresh token")


@transaction.atomic
def _rotate_refresh(*, refresh: str) -> TokenPair | None:
    digest = tokens.sha256(refresh or "")
    session = AuthSession.objects.select_for_update().select_related("user").filter(refresh_hash=digest).first()
    if session is None:
        return None
    if session.revoked_at is not None:
        raise Unauthorized("This session has been logged out; log in again")
    if session.expires_at <= timezone.now():
        raise Unauthorized("Refresh token has expired; log in again")
    if not session.user.is_active:
        raise Unauthorized("This account is deactivated")
    new_refresh = tokens.new_refresh_token(session.pk)
    session.refresh_hash = tokens.sha256(new_refresh)
    session.refreshed_at = timezone.now()
    session.save(update_fields=["refresh_hash", "refreshed_at"])
    access, expires = tokens.issue_access_token(user_id=session.user_id, session_id=session.pk)
    return TokenPair(access=access, refresh=new_refresh, access_expires_at=expires, user=session.user)


def logout(*, refresh: str | None = None, session_id: int | None = None, user: User | None = None) -> None:
    """Revoke a session by its refresh token or id; its access tokens stop working within seconds."""
    sessions = AuthSession.objects.filter(revoked_at__isnull=True)
    if refresh:
        sessions = sessions.filter(refresh_hash=tokens.sha256(refresh))
    elif session_id is not None:
        sessions = sessions.filter(pk=session_id)
    else:
        raise ValidationFailed({"refresh": "Send the refresh token to log out."})
    if user is not None:
        sessions = sessions.filter(user=user)
    sessions.update(revoked_at=timezone.now())


def request_password_reset(*, email: str, base_url: str) -> None:
    """Email a single-use reset key if the account exists; say nothing either way."""
    user = User.objects.filter(email=email.strip().lower(), is_active=True).first()
    if user is None:
        return
    with transaction.atomic():
        # Only the newest key works: earlier unused ones are retired.
        OneTimeKey.objects.filter(user=user, purpose=OneTimeKey.Purpose.PASSWORD_RESET, used_at__isnull=True).update(
            used_at=timezone.now()
        )
        raw = _issue_one_time_key(
            user=user,
            purpose=OneTimeKey.Purpose.PASSWORD_RESET,
            ttl_seconds=settings.PASSWORD_RESET_TTL_SECONDS,
        )
        _email_on_commit(
            subject="Reset your Hireloop password",
            body=(
                f"Hello {user.first_name or user.email},\n\n"
                f"Someone asked to reset the password of {user.email}. Your reset key is:\n\n{raw}\n\n"
                f"Send it with a new password to {base_url}/api/v2/auth/password-reset/confirm.\n"
                f"It works once and expires in {settings.PASSWORD_RESET_TTL_SECONDS // 60} minutes. "
                "If this was not you, ignore this email."
            ),
            to=user.email,
        )
        record(kind="user.password_reset_requested", company=None, subject=user, actor=None)


@transaction.atomic
def confirm_password_reset(*, email: str, reset_key: str, password: str) -> User:
    # Invitation keys (partner company owners, invited team members) set a first password here.
    user = _consume_one_time_key(
        raw=reset_key,
        purposes=(OneTimeKey.Purpose.PASSWORD_RESET, OneTimeKey.Purpose.INVITATION),
        field="reset_key",
        email=email,
    )
    _check_password(password, user)
    if user.email_verified_at is None:
        user.email_verified_at = timezone.now()  # the key arrived by email
    user.set_password(password)
    user.save(update_fields=["password", "email_verified_at", "updated_at"])
    AuthSession.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())
    record(kind="user.password_reset", company=None, subject=user, actor=user)
    return user


@transaction.atomic
def update_me(*, user: User, company: Company | None, **changes) -> User:
    """Change one's own profile; a password change needs the current password."""
    new_password = changes.pop("password", None)
    current_password = changes.pop("current_password", None)
    changed = []
    for field, value in changes.items():
        if value is not None and getattr(user, field) != value:
            setattr(user, field, value)
            changed.append(field)
    if new_password is not None:
        if not current_password or not user.check_password(current_password):
            raise ValidationFailed({"current_password": "The current password is required and must match."})
        _check_password(new_password, user)
        user.set_password(new_password)
        changed.append("password")
    if changed:
        # Only the changed fields: `user` may be the credential cache's copy, stale elsewhere.
        user.save(update_fields=[*changed, "updated_at"])
        record(
            kind="user.updated",
            company=company,
            subject=user,
            actor=user,
            data={
                "fields": [f for f in changed if f != "password"],
                "password_changed": "password" in changed,
            },
        )
    return user


# --- API keys -------------------------------------------------------------------------------


@dataclass
class CreatedApiKey:
    api_key: ApiKey
    key: str


@transaction.atomic
def create_api_key(
    *,
    company: Company,
    actor: User,
    user: User | None = None,
    name: str,
    scopes: list[str] | None = None,
    expires_at: datetime | None = None,
) -> CreatedApiKey:
    """Create a key for `user` (default: the actor) in `company`; the raw key is returned once."""
    owner = user or actor
    if not Membership.objects.filter(user=owner, company=company, is_active=True).exists():
        raise NotFound("User not found")
    scopes = sorted(set(scopes or [Scope.READ, Scope.WRITE]))
    unknown = set(scopes) - set(Scope.values)
    if unknown:
        raise ValidationFailed({"scopes": f"Unknown scopes: {', '.join(sorted(unknown))}. Use read and/or write."})
    if expires_at is not None and expires_at <= timezone.now():
        raise ValidationFailed({"expires_at": "Must be in the future."})
    new = tokens.generate_api_key()
    api_key = ApiKey.objects.create(
        company=company,
        user=owner,
        name=name.strip() or "API key",
        prefix=new.prefix,
        key_hash=new.key_hash,
        scopes=scopes,
        expires_at=expires_at,
    )
    record(
        kind="api_key.created",
        company=company,
        subject=api_key,
        actor=actor,
        data={"name": api_key.name, "prefix": api_key.prefix, "scopes": scopes},
    )
    return CreatedApiKey(api_key=api_key, key=new.key)


@transaction.atomic
def revoke_api_key(*, company: Company, actor: User, api_key: ApiKey) -> ApiKey:
    """Revoke a key; cached lookups expire within API_KEY_CACHE_SECONDS."""
    if api_key.revoked_at is None:
        api_key.revoked_at = timezone.now()
        api_key.save(update_fields=["revoked_at", "updated_at"])
        record(
            kind="api_key.revoked",
            company=company,
            subject=api_key,
            actor=actor,
            data={"prefix": api_key.prefix},
        )
    return api_key


# --- companies and team ---------------------------------------------------------------------


@transaction.atomic
def create_company(
    *,
    name: str,
    owner_email: str,
    owner_password: str | None = None,
    owner_first_name: str = "",
    owner_last_name: str = "",
    is_staffing_agency: bool = False,
    actor: User | None = None,
) -> Company:
    """Create a company with its owner as admin (used by the CLI and the demo)."""
    email = owner_email.strip().lower()
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(
            email,
            owner_password,
            first_name=owner_first_name,
            last_name=owner_last_name,
            user_type=UserType.STAFFING if is_staffing_agency else UserType.COMPANY,
        )
    company = Company.objects.create(
        name=name,
        slug=unique_slug(name),
        owner=user,
        owner_name=user.full_name,
        owner_email=user.email,
        is_staffing_agency=is_staffing_agency,
    )
    Membership.objects.create(user=user, company=company, role=Role.ADMIN)
    record(kind="company.created", company=company, subject=company, actor=actor or user)
    return company


def _split_name(full: str) -> tuple[str, str]:
    first, _, last = full.strip().partition(" ")
    return first, last.strip()


@transaction.atomic
def create_partner_company(
    *,
    agency: Company,
    actor: User,
    name: str,
    company_owner_email: str,
    company_owner_name: str,
    company_owner_phone: str = "",
    website: str = "",
    url: str = "",
    is_staffing_agency: bool = False,
    logo=None,
    base_url: str,
) -> Company:
    """A staffing agency creates a client company: its owner account is invited, the agency's
    users get access to it."""
    if not agency.is_staffing_agency:
        raise Forbidden("Only staffing agencies can create partner companies.")
    email = company_owner_email.strip().lower()
    owner = User.objects.filter(email=email).first()
    invite = owner is None
    if owner is None:
        first, last = _split_name(company_owner_name)
        owner = User.objects.create_user(email, None, first_name=first, last_name=last, phone=company_owner_phone)
    company = Company.objects.create(
        name=name.strip(),
        slug=unique_slug(name),
        website=website,
        url=url,
        owner=owner,
        owner_name=company_owner_name.strip(),
        owner_email=email,
        owner_phone=company_owner_phone,
        is_staffing_agency=is_staffing_agency,
        agency=agency,
    )
    if logo is not None:
        company.logo.save(logo.name, logo, save=True)
    Membership.objects.get_or_create(user=owner, company=company, defaults={"role": Role.ADMIN})
    for membership in Membership.objects.filter(company=agency, is_active=True).select_related("user"):
        role = Role.ADMIN if membership.role == Role.ADMIN else Role.RECRUITER
        Membership.objects.get_or_create(user=membership.user, company=company, defaults={"role": role})
    if invite:
        raw = _issue_one_time_key(user=owner, purpose=OneTimeKey.Purpose.INVITATION, ttl_seconds=7 * 24 * 3600)
        _email_on_commit(
            subject=f"{agency.name} created a Hireloop account for {company.name}",
            body=(
                f"Hello {company_owner_name},\n\n{agency.name} set up {company.name} on Hireloop for you.\n"
                f"Choose your password with this key within 7 days: {raw}\n"
                f"POST it with your email and a new password to {base_url}/api/v2/auth/password-reset/confirm "
                "(invitation keys are accepted there)."
            ),
            to=email,
        )
    record(kind="company.created", company=company, subject=company, actor=actor, data={"agency_id": agency.pk})
    record(kind="partner_company.created", company=agency, subject=company, actor=actor)
    return company


@transaction.atomic
def update_company(*, company: Company, actor: User, logo=None, **changes) -> Company:
    mapping = {
        "company_owner_email": "owner_email",
        "company_owner_name": "owner_name",
        "company_owner_phone": "owner_phone",
    }
    changed = []
    for field, value in changes.items():
        if value is None:
            continue
        attr = mapping.get(field, field)
        if getattr(company, attr) != value:
            setattr(company, attr, value)
            changed.append(field)
    if logo is not None:
        company.logo.save(logo.name, logo, save=False)
        changed.append("logo")
    if changed:
        company.save()
        record(kind="company.updated", company=company, subject=company, actor=actor, data={"fields": changed})
    return company


@transaction.atomic
def delete_company(*, company: Company, actor: User) -> Company:
    """Soft delete: the company disappears from every list and its keys stop working."""
    if company.deleted_at is None:
        company.deleted_at = timezone.now()
        company.save(update_fields=["deleted_at", "updated_at"])
        record(kind="company.deleted", company=company, subject=company, actor=actor)
    return company


@transaction.atomic
def restore_company(*, company: Company, actor: User) -> Company:
    if company.deleted_at is not None:
        company.deleted_at = None
        company.save(update_fields=["deleted_at", "updated_at"])
        record(kind="company.restored", company=company, subject=company, actor=actor)
    return company


def submit_feedback(*, company: Company, actor: User, api_key: ApiKey | None, **fields) -> Feedback:
    """Store API feedback for staff; five per hour per key (or user)."""
    bucket = f"feedback:key:{api_key.pk}" if api_key else f"feedback:user:{actor.pk}"
    decision = ratelimit.hit(bucket, limit=settings.FEEDBACK_PER_HOUR, window=3600)
    if not decision.allowed:
        raise TooManyRequests(
            f"Feedback is limited to {settings.FEEDBACK_PER_HOUR} submissions per hour.",
            headers={"Retry-After": decision.headers()["Retry-After"]},
        )
    feedback = Feedback.objects.create(company=company, user=actor, api_key=api_key, **fields)
    record(
        kind="feedback.submitted",
        company=company,
        subject=feedback,
        actor=actor,
        data={"issue_type": feedback.issue_type},
    )
    return feedback


# --- team: invite, change, deactivate ---------------------------------------------------------------

INVITATION_TTL_SECONDS = 7 * 24 * 3600


def _active_admins(company: Company) -> int:
    return Membership.objects.filter(company=company, role=Role.ADMIN, is_active=True, user__is_active=True).count()


@transaction.atomic
def invite_member(
    *, company: Company, actor: User, email: str, role: str, first_name: str = "", last_name: str = "", base_url: str
) -> Membership:
    """Add someone to the team; a new account gets an emailed invitation key to choose its password."""
    if role not in Role.values:
        raise ValidationFailed({"role": f"Must be one of {', '.join(Role.values)}."})
    email = email.strip().lower()
    user = User.objects.filter(email=email).first()
    is_new = user is None
    if is_new:
        user = User.objects.create_user(email, None, first_name=first_name.strip(), last_name=last_name.strip())
    membership = Membership.objects.select_for_update().filter(user=user, company=company).first()
    if membership is not None and membership.is_active:
        raise Conflict("This person is already a member of the team.")
    if membership is None:
        membership = Membership.objects.create(user=user, company=company, role=role)
    else:
        membership.role, membership.is_active = role, True
        membership.save(update_fields=["role", "is_active", "updated_at"])
    inviter = actor.full_name or actor.email
    if is_new:
        raw = _issue_one_time_key(user=user, purpose=OneTimeKey.Purpose.INVITATION, ttl_seconds=INVITATION_TTL_SECONDS)
        body = (
            f"Hello {user.first_name or user.email},\n\n{inviter} invited you to {company.name} on Hireloop.\n"
            f"Choose your password within 7 days: POST your email, this key and a new password to "
            f"{base_url}/api/v2/auth/password-reset/confirm\n\nKey: {raw}\n"
        )
    else:
        body = f"Hello {user.first_name or user.email},\n\n{inviter} added you to {company.name} on Hireloop.\n"
    _email_on_commit(subject=f"You're invited to {company.name} on Hireloop", body=body, to=user.email)
    record(
        kind="user.invited",
        company=company,
        subject=user,
        actor=actor,
        data={"email": user.email, "role": role, "new_account": is_new},
    )
    return membership


@transaction.atomic
def update_member(*, company: Company, actor: User, membership: Membership, role=None, is_active=None) -> Membership:
    """Change a team member's role or switch their access to the company on or off."""
    membership = Membership.objects.select_for_update().select_related("user").get(pk=membership.pk)
    if role is not None and role not in Role.values:
        raise ValidationFailed({"role": f"Must be one of {', '.join(Role.values)}."})
    changes = {}
    if role is not None and role != membership.role:
        changes["role"] = role
    if is_active is not None and is_active != membership.is_active:
        changes["is_active"] = is_active
    if not changes:
        return membership
    loses_admin = (
        membership.role == Role.ADMIN
        and membership.is_active
        and (changes.get("role", Role.ADMIN) != Role.ADMIN or changes.get("is_active") is False)
    )
    if loses_admin and _active_admins(company) <= 1:
        raise Conflict("The company needs at least one active admin.")
    for field, value in changes.items():
        setattr(membership, field, value)
    membership.save(update_fields=[*changes, "updated_at"])
    record(
        kind="user.deactivated" if changes.get("is_active") is False else "user.membership_updated",
        company=company,
        subject=membership.user,
        actor=actor,
        data={k: v for k, v in changes.items()},
    )
    return membership


def deactivate_member(*, company: Company, actor: User, membership: Membership) -> Membership:
    """Remove a member's access; their account, history and authored records stay."""
    return update_member(company=company, actor=actor, membership=membership, is_active=False)
