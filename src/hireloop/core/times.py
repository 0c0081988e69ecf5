"""Unix-second timestamps on the wire, aware datetimes inside."""

from datetime import UTC, datetime
from typing import Annotated

from django.utils import timezone
from pydantic import PlainSerializer

from hireloop.core.errors import ValidationFailed


def to_unix(value: datetime | None) -> int | None:
    return None if value is None else int(value.timestamp())


UnixTime = Annotated[datetime, PlainSerializer(to_unix, return_type=int)]
OptionalUnixTime = Annotated[datetime | None, PlainSerializer(to_unix, return_type=int | None)]


def parse_time(value: str | int | float | None, *, field: str) -> datetime | None:
    """Parse unix seconds or ISO-8601 with an offset; fractional seconds are truncated."""
    if value is None or value == "":
        return None
    if isinstance(value, int | float) or (isinstance(value, str) and value.strip().lstrip("-").isdigit()):
        seconds = int(float(value))
        if seconds < 0:
            raise ValidationFailed({field: "Must be a Unix timestamp in seconds (>= 0)."})
        if seconds > 10**11:
            raise ValidationFailed({field: "Looks like milliseconds: send Unix seconds."})
        return datetime.fromtimestamp(seconds, tz=UTC)
    try:
        parsed = datetime.fromisoformat(str(value).strip().replace("Z", "+00:00"))
    except ValueError:
        raise ValidationFailed({field: "Must be Unix seconds or an ISO-8601 date-time."}) from None
    if parsed.tzinfo is None:
        raise ValidationFailed({field: "ISO-8601 date-time must carry a timezone offset (e.g. Z)."})
    return parsed.replace(microsecond=0)


def now() -> datetime:
    return timezone.now()
