"""Request pipeline of the API, once for every endpoint:

RequestContext  -> ip, user agent, action id for activity events
ApiErrorEnvelope -> any error under /api/ (Django 404/405/500 included) becomes the 003 envelope
ApiRequest      -> 415 for non-JSON bodies, bearer authentication, API key scopes,
                   rate limits with X-RateLimit-* headers, Idempotency-Key replay
"""

import logging

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from hireloop.core import context, idempotency, ratelimit
from hireloop.core.errors import (
    ApiError,
    Forbidden,
    TooManyRequests,
    UnsupportedMediaType,
    api_error_response,
    error_response,
)

logger = logging.getLogger("hireloop.api")

API_PREFIX = "/api/"
API_V2_PREFIX = "/api/v2/"
AUTH_PREFIX = "/api/v2/auth/"
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


class RequestContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        info = context.RequestInfo(
            ip=context.client_ip(request),
            user_agent=request.META.get("HTTP_USER_AGENT", "")[:300],
            base_url=f"{request.scheme}://{request.get_host()}" if _host_is_valid(request) else None,
        )
        token = context.set_current(info)
        try:
            return self.get_response(request)
        finally:
            context.reset(token)


def _host_is_valid(request: HttpRequest) -> bool:
    try:
        request.get_host()
    except Exception:
        return False
    return True


def _is_json(response: HttpResponse) -> bool:
    return response.get("Content-Type", "").startswith("application/json")


class ApiErrorEnvelopeMiddleware:
    """Under /api/, no error leaves as HTML: Django's and Ninja's own errors get the envelope."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not request.path.startswith(API_PREFIX) or response.status_code < 400 or _is_json(response):
            return response
        status = response.status_code
        messages = {
            404: "The requested URL was not found on this server.",
            405: f"Method {request.method} is not allowed on this URL.",
            500: "Internal server error.",
        }
        enveloped = error_response(status, messages.get(status, ""))
        for header in (
            "Allow",
            "Retry-After",
            "X-RateLimit-Limit",
            "X-RateLimit-Remaining",
            "X-RateLimit-Reset",
        ):
            if header in response:
                enveloped[header] = response[header]
        return enveloped

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not request.path.startswith(API_PREFIX):
            return None
        if isinstance(exception, ApiError):
            return api_error_response(exception)
        logger.exception("Unhandled error on %s %s", request.method, request.path)
        return error_response(500, "Internal server error.")


def _content_type_error(request: HttpRequest) -> ApiError | None:
    if request.method not in UNSAFE_METHODS:
        return None
    if any(request.path.startswith(p) for p in settings.API_RAW_BODY_PATHS):
        return None
    content_type = request.META.get("CONTENT_TYPE", "").split(";")[0].strip().lower()
    has_body = bool(request.META.get("CONTENT_LENGTH") not in (None, "", "0"))
    if content_type in ("", "application/json") or content_type.endswith("+json"):
        return None
    if has_body or content_type in FORM_TYPES:
        return UnsupportedMediaType("Content-Type must be application/json")
    return None


class ApiRequestMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith(API_V2_PREFIX):
            return self.get_response(request)
        request.auth_ctx = None
        request.auth_error = None
        request.rate_decision = None
        response = self._handle(request)
        # Rate-limit headers go on every response, the 429 and replays included.
        if request.rate_decision is not None:
            for key, value in request.rate_decision.headers().items():
                response[key] = value
        return response

    def _handle(self, request: HttpRequest) -> HttpResponse:
        record = None
        try:
            _authenticate(request)
            decision = _rate_limit(request)
            if decision is not None and not decision.allowed:
                raise TooManyRequests(f"Rate limit exceeded: {decision.limit} requests per window; retry later.")
            # After counting, so a 415 carries the rate-limit headers like every other answer.
            error = _content_type_error(request)
            if error is not None:
                raise error
            ctx = request.auth_ctx
            key = request.META.get("HTTP_IDEMPOTENCY_KEY")
            if key is not None and request.method == "POST" and ctx is not None and ctx.company is not None:
                record, replay = idempotency.begin(request, company=ctx.company, key=key)
                if replay is not None:
                    return replay
            response = self.get_response(request)
        except ApiError as exc:
            if record is not None:
                record.delete()
            return api_error_response(exc)
        if record is not None:
            idempotency.finish(record, response)
        return response


def _authenticate(request: HttpRequest) -> None:
    from hireloop.accounts.authentication import authenticate, bearer_token

    token = bearer_token(request)
    if token is None:
        return
    try:
        request.auth_ctx = authenticate(request, token)
    except ApiError as exc:
        request.auth_error = exc
        return
    ctx = request.auth_ctx
    if ctx.api_key is not None and request.method in UNSAFE_METHODS and "write" not in ctx.scopes:
        request.auth_ctx = None
        raise Forbidden("This API key has the read scope only; create a key with the write scope.")


def _rate_limit(request: HttpRequest) -> ratelimit.RateDecision | None:
    if not settings.RATE_LIMIT_ENABLED:
        return None
    window = settings.RATE_LIMIT_WINDOW_SECONDS
    ctx = request.auth_ctx
    if ctx is not None:
        limit = settings.RATE_LIMIT_PLANS.get(ctx.plan, settings.RATE_LIMIT_PLANS["free"])
        decision = ratelimit.hit(ctx.rate_limit_bucket, limit=limit, window=window)
    elif request.auth_error is not None or request.path.startswith(AUTH_PREFIX):
        # Failed tokens and auth endpoints share a strict per-IP budget (brute force).
        decision = ratelimit.hit(
            f"ip-auth:{context.client_ip(request)}", limit=settings.RATE_LIMIT_AUTH_PER_IP, window=window
        )
    else:
        limit = settings.RATE_LIMIT_PLANS["free"]
        decision = ratelimit.hit(f"ip:{context.client_ip(request)}", limit=limit, window=window)
    request.rate_decision = decision
    return decision
