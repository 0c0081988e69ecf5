from typing import Any

from ninja import Field, Schema

from hireloop.core.pagination import ListQuery
from hireloop.core.times import UnixTime


class EventOut(Schema):
    id: int
    kind: str
    subject_type: str
    subject_id: int | None
    actor_id: int | None
    actor_type: str
    candidate_id: int | None
    job_id: int | None
    data: dict[str, Any]
    ip: str | None
    user_agent: str
    action_id: str
    created_at: UnixTime


class AuditLogQuery(ListQuery):
    kind: str | None = Field(None, description="Exact kind, or a prefix ending in '.' (e.g. 'application.')")
    actor_id: int | None = None
    subject_type: str | None = None
    subject_id: int | None = None
    created_after: str | None = Field(None, description="Unix seconds or ISO-8601")
    created_before: str | None = Field(None, description="Unix seconds or ISO-8601")
