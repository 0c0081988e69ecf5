"""Wire shapes of webhooks (map §6, plus Hireloop's events, headers, delivery log)."""

from typing import Any, Literal

from ninja import Field, Schema

from hireloop.core.pagination import ListQuery
from hireloop.core.times import OptionalUnixTime, UnixTime


class WebhookIn(Schema):
    url: str = Field(..., description="https URL receiving the events (http only to allowed private targets).")
    events: list[str] | Literal["*"] | None = Field(
        None, description='Event names, "<resource>.*", or "*" (default: all events).'
    )
    description: str = ""
    headers: dict[str, str] | None = Field(None, description="Extra headers sent with every delivery.")
    is_active: bool = True


class WebhookUpdateIn(Schema):
    url: str | None = None
    events: list[str] | Literal["*"] | None = None
    description: str | None = None
    headers: dict[str, str] | None = None
    is_active: bool | None = None


class WebhookOut(Schema):
    id: int
    company_id: int
    job_id: int | None
    url: str
    description: str
    events: list[str]
    headers: dict[str, str]
    is_active: bool
    consecutive_failures: int
    disabled_at: OptionalUnixTime
    disabled_reason: str
    previous_secret_expires_at: OptionalUnixTime = Field(
        None, description="While set and in the future, deliveries are also signed with the previous secret."
    )
    created_at: UnixTime
    updated_at: UnixTime


class WebhookCreatedOut(WebhookOut):
    secret: str = Field(..., description="The signing secret (whsec_…): shown only in this response.")


class SecretOut(Schema):
    id: int
    secret: str
    previous_secret_expires_at: OptionalUnixTime


class EventTypeOut(Schema):
    name: str
    description: str
    version: int
    schema_: dict[str, Any] = Field(..., alias="schema")


class EventCatalogueOut(Schema):
    version: int
    events: list[EventTypeOut]


class AttemptOut(Schema):
    number: int
    requested_at: UnixTime
    status_code: int | None
    latency_ms: int
    response_body: str
    error: str
    success: bool


class DeliveryOut(Schema):
    id: int
    webhook_id: int
    event_id: str
    event_type: str
    status: str
    attempt_count: int
    last_status_code: int | None
    next_attempt_at: OptionalUnixTime
    delivered_at: OptionalUnixTime
    redelivery_of_id: int | None
    created_at: UnixTime
    attempts: list[AttemptOut]


class DeliveryDetailOut(DeliveryOut):
    payload: dict[str, Any]


class DeliveriesQuery(ListQuery):
    status: Literal["pending", "delivering", "succeeded", "failed", "cancelled"] | None = None


class TestIn(Schema):
    url: str
    event: str = Field("ping", description="Event name to imitate (default ping).")
    secret: str | None = Field(None, description="Sign with this whsec_ secret (default: a new one, returned).")


class SendResultOut(Schema):
    event_id: str
    success: bool
    status_code: int | None
    latency_ms: int
    response_body: str
    error: str


class TestOut(SendResultOut):
    secret: str


class PingOut(SendResultOut):
    delivery_id: int
