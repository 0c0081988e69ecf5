"""Typed API errors, rendered once into the envelope of 003:
{"error": {"name", "message", "code", "status", "validation_errors"?}}."""

from http import HTTPStatus
from typing import Any

from django.http import JsonResponse


class ApiError(Exception):
    """Base of every error an endpoint or service may raise to the API client."""

    status = 400
    name = "Bad Request"

    def __init__(self, message: str = "", *, code: int = 0, headers: dict[str, str] | None = None, **extra: Any):
        super().__init__(message)
        self.message = message
        self.code = code
        self.headers = headers or {}
        self.extra = extra


class BadRequest(ApiError):
    status, name = 400, "Bad Request"


class ValidationFailed(ApiError):
    """Field-level validation failure: validation_errors maps a field to its message."""

    status, name = 400, "Validation Error"

    def __init__(self, errors: dict[str, str] | str, message: str = ""):
        if isinstance(errors, str):
            errors = {"__all__": errors}
        super().__init__(message or "; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.validation_errors = errors


class Unauthorized(ApiError):
    status, name = 401, "Unauthorized"


class Forbidden(ApiError):
    status, name = 403, "Forbidden"


class NotFound(ApiError):
    status, name = 404, "Not Found"


class Conflict(ApiError):
    status, name = 409, "Conflict"


class Gone(ApiError):
    status, name = 410, "Gone"


class PayloadTooLarge(ApiError):
    status, name = 413, "Payload Too Large"


class UnsupportedMediaType(ApiError):
    status, name = 415, "Unsupported Media Type"


class TooManyRequests(ApiError):
    status, name = 429, "Too Many Requests"


def error_body(status: int, message: str, *, name: str | None = None, code: int = 0, **extra: Any) -> dict:
    error: dict[str, Any] = {
        "name": name or HTTPStatus(status).phrase,
        "message": message,
        "code": code,
        "status": status,
    }
    error.update(extra)
    return {"error": error}


def error_response(status: int, message: str, *, headers: dict[str, str] | None = None, **kwargs: Any) -> JsonResponse:
    response = JsonResponse(error_body(status, message, **kwargs), status=status)
    for key, value in (headers or {}).items():
        response[key] = value
    return response


def api_error_response(exc: ApiError) -> JsonResponse:
    extra = dict(exc.extra)
    if isinstance(exc, ValidationFailed):
        extra["validation_errors"] = exc.validation_errors
    return error_response(exc.status, exc.message, name=exc.name, code=exc.code, headers=exc.headers, **extra)
