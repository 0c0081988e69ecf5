"""Secrets handed to people: API keys, JWT access tokens, refresh tokens, one-time keys.

Only hashes are stored. API keys and refresh tokens are 256-bit random strings, so a
plain SHA-256 is the right hash (a slow password hash would add nothing but latency).
"""

import hashlib
import hmac
import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import jwt
from django.conf import settings

API_KEY_PREFIX = "hl"
JWT_ALGORITHM = "HS256"
JWT_ISSUER = "hireloop"


def sha256(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def constant_time_equal(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())


@dataclass(frozen=True)
class NewApiKey:
    key: str
    prefix: str
    key_hash: str


def generate_api_key() -> NewApiKey:
    """`hl_<prefix>_<secret>`: the prefix is shown in lists and finds the row; the rest is secret."""
    prefix = secrets.token_hex(4)
    key = f"{API_KEY_PREFIX}_{prefix}_{secrets.token_urlsafe(32)}"
    return NewApiKey(key=key, prefix=prefix, key_hash=sha256(key))


def api_key_prefix(token: str) -> str | None:
    parts = token.split("_", 2)
    if len(parts) == 3 and parts[0] == API_KEY_PREFIX and len(parts[1]) == 8:
        return parts[1]
    return None


def random_token() -> str:
    return secrets.token_urlsafe(32)


def new_refresh_token(session_id: int) -> str:
    """`<session id>.<random>.<mac>`: the MAC proves Hireloop issued it, so an old, rotated-out
    token presented again is recognised as reuse (a stolen token) rather than garbage."""
    body = f"{session_id}.{secrets.token_urlsafe(32)}"
    return f"{body}.{_refresh_mac(body)}"


def refresh_token_session_id(token: str) -> int | None:
    """The session a genuine refresh token was issued for (current or rotated out), else None."""
    parts = (token or "").split(".")
    if len(parts) != 3 or not parts[0].isdigit():
        return None
    if not constant_time_equal(parts[2], _refresh_mac(f"{parts[0]}.{parts[1]}")):
        return None
    return int(parts[0])


def _refresh_mac(body: str) -> str:
    return hmac.new(_signing_key().encode(), b"refresh:" + body.encode(), hashlib.sha256).hexdigest()[:32]


def _signing_key() -> str:
    # Derived so that rotating SECRET_KEY invalidates every token, and JWTs never share
    # a key with Django's own signing.
    return hmac.new(settings.SECRET_KEY.encode(), b"hireloop-jwt", hashlib.sha256).hexdigest()


def issue_access_token(*, user_id: int, session_id: int, now: datetime | None = None) -> tuple[str, datetime]:
    now = now or datetime.now(UTC)
    expires = now + timedelta(seconds=settings.JWT_ACCESS_TTL_SECONDS)
    claims = {
        "iss": JWT_ISSUER,
        "sub": str(user_id),
        "sid": session_id,
        "type": "access",
        "iat": int(now.timestamp()),
        "exp": int(expires.timestamp()),
        "jti": uuid.uuid4().hex,
    }
    return jwt.encode(claims, _signing_key(), algorithm=JWT_ALGORITHM), expires


class InvalidToken(Exception):
    pass


def decode_access_token(token: str) -> dict:
    try:
        claims = jwt.decode(
            token,
            _signing_key(),
            algorithms=[JWT_ALGORITHM],
            issuer=JWT_ISSUER,
            options={"require": ["exp", "sub", "sid", "type"]},
        )
    except jwt.ExpiredSignatureError:
        raise InvalidToken("Access token has expired; refresh it with POST /auth/token/refresh") from None
    except jwt.PyJWTError:
        raise InvalidToken("Invalid access token") from None
    if claims.get("type") != "access":
        raise InvalidToken("Invalid access token")
    return claims


def looks_like_jwt(token: str) -> bool:
    return token.count(".") == 2
