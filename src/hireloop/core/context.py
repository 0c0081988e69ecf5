"""Per-request context that services read without being handed the request:
client IP, user agent and the action id that links every event of one request."""

import contextvars
import uuid
from dataclasses import dataclass, field


@dataclass
class RequestInfo:
    ip: str | None = None
    user_agent: str = ""
    action_id: str = field(default_factory=lambda: uuid.uuid4().hex)
    base_url: str | None = None


_current: contextvars.ContextVar[RequestInfo | None] = contextvars.ContextVar("hireloop_request", default=None)


def current() -> RequestInfo:
    info = _current.get()
    if info is None:
        # Outside a request (tasks, CLI): one action per call site is good enough.
        info = RequestInfo()
    return info


def set_current(info: RequestInfo | None) -> contextvars.Token:
    return _current.set(info)


def reset(token: contextvars.Token) -> None:
    _current.reset(token)


def client_ip(request) -> str | None:
    from django.conf import settings

    if getattr(settings, "TRUSTED_PROXY_COUNT", 0):
        forwarded = [p.strip() for p in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if p.strip()]
        if forwarded:
            return forwarded[-settings.TRUSTED_PROXY_COUNT]
    return request.META.get("REMOTE_ADDR")


def public_base_url(request=None) -> str:
    """Base for links sent to people: PUBLIC_BASE_URL, else the scheme and host of the request."""
    from django.conf import settings

    if settings.PUBLIC_BASE_URL:
        return settings.PUBLIC_BASE_URL
    if request is not None:
        return f"{request.scheme}://{request.get_host()}"
    info = _current.get()
    if info is not None and info.base_url:
        return info.base_url
    return "http://localhost:8000"
