"""Who is calling: resolve `Authorization: Bearer` (API key or JWT) and the selected company.

Lookups are cached in-process for API_KEY_CACHE_SECONDS so an authenticated request costs no
query; revoking a key or logging out takes effect within that many seconds.
"""

import json
import threading
import time
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from hireloop.accounts import tokens
from hireloop.accounts.models import ApiKey, AuthSession, Company, Membership, Role, Scope, User
from hireloop.core.errors import Forbidden, NotFound, Unauthorized, ValidationFailed
from hireloop.core.permissions import has_permission

LAST_USED_WRITE_INTERVAL = timedelta(seconds=60)
_MAX_CACHE_ENTRIES = 10_000


@dataclass
class AuthContext:
    """The authenticated caller of one request."""

    user: User
    company: Company | None
    role: str | None
    api_key: ApiKey | None = None
    scopes: frozenset[str] = frozenset({Scope.READ, Scope.WRITE})
    session_id: int | None = None
    memberships: dict[int, tuple[Company, str]] = field(default_factory=dict)

    @property
    def rate_limit_bucket(self) -> str:
        return f"key:{self.api_key.pk}" if self.api_key else f"user:{self.user.pk}"

    @property
    def plan(self) -> str:
        return self.company.plan if self.company else "free"

    def require_company(self) -> Company:
        if self.company is None:
            raise Forbidden("This account has no company; register a company account to use this endpoint.")
        return self.company

    def require(self, permission: str) -> None:
        """Raise 403 unless the caller's role in the selected company grants `permission`."""
        self.require_company()
        if not has_permission(self.role, permission):
            raise Forbidden(f"Your role ({self.role}) does not allow this action ({permission}).")


class _TTLCache:
    def __init__(self) -> None:
        self._data: dict[str, tuple[float, object]] = {}
        self._lock = threading.Lock()

    def get(self, key: str):
        entry = self._data.get(key)
        if entry is None or entry[0] < time.monotonic():
            return None
        return entry[1]

    def set(self, key: str, value: object, ttl: float) -> None:
        with self._lock:
            if len(self._data) >= _MAX_CACHE_ENTRIES:
                self._data.clear()
            self._data[key] = (time.monotonic() + ttl, value)

    def clear(self) -> None:
        with self._lock:
            self._data.clear()


_cache = _TTLCache()


def clear_cache() -> None:
    """Forget cached credentials (tests; a process may also call it after a mass revocation)."""
    _cache.clear()


@dataclass
class _Identity:
    user: User
    api_key: ApiKey | None
    session_id: int | None
    memberships: dict[int, tuple[Company, str]]
    last_used_written: float = 0.0


def _memberships(user: User) -> dict[int, tuple[Company, str]]:
    rows = (
        Membership.objects.filter(user=user, is_active=True, company__deleted_at__isnull=True)
        .select_related("company")
        .order_by("created_at", "pk")
    )
    return {m.company_id: (m.company, m.role) for m in rows}


def _identity_for_api_key(token: str) -> _Identity:
    prefix = tokens.api_key_prefix(token)
    if prefix is None:
        raise Unauthorized("Invalid API key")
    key = ApiKey.objects.select_related("user", "company").filter(prefix=prefix).first()
    if key is None or not tokens.constant_time_equal(key.key_hash, tokens.sha256(token)):
        raise Unauthorized("Invalid API key")
    if key.revoked_at is not None:
        raise Unauthorized("This API key has been revoked")
    if key.expires_at is not None and key.expires_at <= timezone.now():
        raise Unauthorized("This API key has expired")
    if not key.user.is_active:
        raise Unauthorized("The owner of this API key is deactivated")
    if key.company.deleted_at is not None:
        raise Unauthorized("The company of this API key has been deleted")
    memberships = _memberships(key.user)
    if key.company_id not in memberships:
        raise Unauthorized("The owner of this API key no longer belongs to its company")
    return _Identity(user=key.user, api_key=key, session_id=None, memberships=memberships)


def _identity_for_session(session_id: int, user_id: int) -> _Identity:
    session = AuthSession.objects.select_related("user").filter(pk=session_id, user_id=user_id).first()
    if session is None or session.revoked_at is not None:
        raise Unauthorized("This session has been logged out; log in again")
    if not session.user.is_active:
        raise Unauthorized("This account is deactivated")
    return _Identity(user=session.user, api_key=None, session_id=session.pk, memberships=_memberships(session.user))


def _touch_api_key(identity: _Identity) -> None:
    now_mono = time.monotonic()
    if now_mono - identity.last_used_written < LAST_USED_WRITE_INTERVAL.total_seconds():
        return
    identity.last_used_written = now_mono
    now = timezone.now()
    ApiKey.objects.filter(pk=identity.api_key.pk).exclude(last_used_at__gt=now - LAST_USED_WRITE_INTERVAL).update(
        last_used_at=now
    )


def identify(token: str) -> _Identity:
    """Resolve a bearer token to a user (and key or session), cached for a few seconds."""
    if tokens.looks_like_jwt(token):
        try:
            claims = tokens.decode_access_token(token)
        except tokens.InvalidToken as exc:
            raise Unauthorized(str(exc)) from None
        cache_key = f"s:{claims['sid']}:{claims['sub']}"
        identity = _cache.get(cache_key)
        if identity is None:
            identity = _identity_for_session(int(claims["sid"]), int(claims["sub"]))
            _cache.set(cache_key, identity, settings.API_KEY_CACHE_SECONDS)
        return identity
    cache_key = "k:" + tokens.sha256(token)
    identity = _cache.get(cache_key)
    if identity is None:
        identity = _identity_for_api_key(token)
        _cache.set(cache_key, identity, settings.API_KEY_CACHE_SECONDS)
    if identity.api_key.expires_at is not None and identity.api_key.expires_at <= timezone.now():
        raise Unauthorized("This API key has expired")
    _touch_api_key(identity)
    return identity


def requested_company_id(request) -> int | None:
    """company_id from the query string or the top level of a JSON body."""
    raw = request.GET.get("company_id")
    if raw is None and request.method in ("POST", "PUT", "PATCH", "DELETE") and request.body:
        try:
            body = json.loads(request.body)
        except (ValueError, UnicodeDecodeError):
            body = None
        if isinstance(body, dict):
            raw = body.get("company_id")
    if raw is None or raw == "":
        return None
    try:
        return int(raw)
    except (TypeError, ValueError):
        raise ValidationFailed({"company_id": "Must be an integer company id."}) from None


def authenticate(request, token: str) -> AuthContext:
    """Build the AuthContext of a request or raise Unauthorized / NotFound."""
    identity = identify(token)
    company_id = requested_company_id(request)
    memberships = identity.memberships
    if company_id is None:
        if identity.api_key is not None:
            company_id = identity.api_key.company_id
        elif memberships:
            company_id = next(iter(memberships))
    if company_id is not None and company_id not in memberships:
        raise NotFound("Company not found")
    company, role = memberships.get(company_id, (None, None)) if company_id is not None else (None, None)
    scopes = frozenset(identity.api_key.scopes) if identity.api_key else frozenset({Scope.READ, Scope.WRITE})
    return AuthContext(
        user=identity.user,
        company=company,
        role=role,
        api_key=identity.api_key,
        scopes=scopes,
        session_id=identity.session_id,
        memberships=memberships,
    )


def bearer_token(request) -> str | None:
    header = request.META.get("HTTP_AUTHORIZATION", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


__all__ = ["AuthContext", "Role", "authenticate", "bearer_token", "clear_cache", "identify"]
