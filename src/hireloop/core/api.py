"""The API object shared by every app: auth, error rendering, OpenAPI metadata."""

import logging
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import HttpBearer

from hireloop.core.errors import ApiError, Unauthorized, ValidationFailed, api_error_response, error_response

logger = logging.getLogger("hireloop.api")

_LOCATIONS = {"body", "query", "path", "header", "cookie", "form", "file"}


class BearerAuth(HttpBearer):
    """`Authorization: Bearer <API key or JWT access token>`; resolved once by ApiRequestMiddleware."""

    def __call__(self, request: HttpRequest):
        ctx = getattr(request, "auth_ctx", None)
        if ctx is not None:
            return ctx
        error = getattr(request, "auth_error", None)
        if error is not None:
            raise error
        raise Unauthorized("Missing bearer token: send Authorization: Bearer <API key or access token>")

    def authenticate(self, request: HttpRequest, token: str):  # pragma: no cover - __call__ decides
        return None


def _field_name(loc: tuple | list) -> str:
    parts = [str(p) for p in loc]
    if parts and parts[0] in _LOCATIONS:
        location = parts.pop(0)
        # body params are nested under the parameter name ("payload"); query schemas are flat
        if (
            location == "body"
            and len(parts) > 1
            or location in ("query", "path")
            and len(parts) > 1
            and parts[0] in ("query", "filters", "params")
        ):
            parts.pop(0)
    return ".".join(parts) or "body"


def _message(error: dict[str, Any]) -> str:
    message = error.get("msg", "Invalid value")
    if error.get("type") == "missing":
        return "This field is required."
    return message.removeprefix("Value error, ")


def validation_errors(errors: list[dict[str, Any]]) -> dict[str, str]:
    result: dict[str, str] = {}
    for error in errors:
        field = _field_name(error.get("loc", ()))
        result.setdefault(field, _message(error))
    return result


def build_api() -> NinjaAPI:
    api = NinjaAPI(
        title="Hireloop API",
        version="2.0.0",
        description=(
            "Hireloop's REST API. Conventions follow the 100Hires v2 API: Bearer auth, JSON bodies, "
            '`{"<resource>": [...], "pagination": {...}}` lists, unix-second timestamps and the '
            '`{"error": {name, message, code, status}}` envelope.'
        ),
        urls_namespace="api-v2",
        auth=BearerAuth(),
        docs_url="/docs",
        openapi_url="/openapi.json",
    )

    @api.exception_handler(ApiError)
    def on_api_error(request, exc: ApiError):
        return api_error_response(exc)

    @api.exception_handler(NinjaValidationError)
    def on_validation_error(request, exc: NinjaValidationError):
        return api_error_response(ValidationFailed(validation_errors(exc.errors)))

    @api.exception_handler(AuthenticationError)
    def on_authentication_error(request, exc):
        return api_error_response(Unauthorized("Invalid or missing bearer token"))

    @api.exception_handler(HttpError)
    def on_http_error(request, exc: HttpError):
        message = str(exc)
        if exc.status_code == 400 and ("JSON" in message or "parse request body" in message):
            message = f"Malformed JSON body: {message}"
        return error_response(exc.status_code, message)

    @api.exception_handler(Http404)
    def on_404(request, exc):
        return error_response(404, str(exc) or "Not found")

    @api.exception_handler(PermissionDenied)
    def on_permission_denied(request, exc):
        return error_response(403, str(exc) or "Forbidden")

    @api.exception_handler(DjangoValidationError)
    def on_django_validation(request, exc: DjangoValidationError):
        if hasattr(exc, "message_dict"):
            errors = {field: " ".join(messages) for field, messages in exc.message_dict.items()}
        else:
            errors = {"__all__": " ".join(exc.messages)}
        return api_error_response(ValidationFailed(errors))

    @api.exception_handler(Exception)
    def on_unexpected(request, exc: Exception):
        logger.exception("Unhandled error on %s %s", request.method, request.path)
        return error_response(500, "Internal server error.")

    return api
