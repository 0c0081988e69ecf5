"""The published event catalogue: which activity kinds are sent to webhooks, and what their payload is.

An event is an activity row (hireloop.activity.services.record). Publishing a new kind to webhooks
is one line here; payloads of a resource come from the builders in services.PAYLOAD_BUILDERS.
"""

from dataclasses import dataclass

ENVELOPE_VERSION = 1


@dataclass(frozen=True)
class EventType:
    name: str
    description: str
    resource: str  # the `data` object's kind
    version: int = 1


_E = EventType

EVENT_TYPES: tuple[EventType, ...] = (
    _E("candidate.created", "A candidate was added.", "candidate"),
    _E("candidate.updated", "A candidate's details changed.", "candidate"),
    _E("candidate.deleted", "A candidate was deleted; data is the candidate as it was.", "candidate"),
    _E("candidate.merged", "A duplicate candidate was merged into this one.", "candidate"),
    _E("candidate.anonymized", "A candidate's personal data was erased.", "candidate"),
    _E("application.created", "A candidate applied or was added to a job.", "application"),
    _E("application.updated", "An application's details changed.", "application"),
    _E("application.moved", "An application moved to another pipeline stage.", "application"),
    _E("application.hired", "An application was marked hired.", "application"),
    _E("application.rejected", "An application was rejected.", "application"),
    _E("application.unrejected", "A rejected application was reopened.", "application"),
    _E("application.disqualified", "An application was disqualified.", "application"),
    _E("application.deleted", "An application was deleted; data is the application as it was.", "application"),
    _E("application.ai_scored", "The AI scored an application against its job.", "application"),
    _E("job.created", "A job was created.", "job"),
    _E("job.updated", "A job's details changed.", "job"),
    _E("job.published", "A job was published.", "job"),
    _E("job.closed", "A job was closed.", "job"),
    _E("job.deleted", "A job was deleted; data is the job as it was.", "job"),
    _E("note.created", "A note was written on a candidate.", "note"),
    _E("file.added", "A file was attached to a candidate.", "file"),
    _E("interview.scheduled", "An interview was scheduled.", "interview"),
    _E("interview.updated", "An interview was changed.", "interview"),
    _E("interview.cancelled", "An interview was cancelled.", "interview"),
    _E("interview.completed", "An interview took place.", "interview"),
    _E("evaluation.submitted", "An interviewer submitted an evaluation.", "evaluation"),
    _E("message.sent", "A message to a candidate was sent.", "message"),
    _E("message.failed", "A message could not be delivered.", "message"),
    _E("message.received", "A candidate's reply was received.", "message"),
    _E("reference.completed", "A referee completed a reference.", "reference"),
    _E("reference_request.completed", "Every reference of a request was completed.", "reference_request"),
    _E("assessment.completed", "A candidate completed an assessment.", "assessment"),
    _E("subscription.updated", "The company's plan or billing subscription changed.", "subscription"),
    _E("ping", "A test event sent by POST /webhooks/{id}/ping or /webhooks/test.", "ping"),
)

BY_NAME: dict[str, EventType] = {event.name: event for event in EVENT_TYPES}
RESOURCES: frozenset[str] = frozenset(event.resource for event in EVENT_TYPES)


def data_schema(resource: str) -> dict:
    if resource == "ping":
        return {
            "type": "object",
            "properties": {"webhook_id": {"type": ["integer", "null"]}, "message": {"type": "string"}},
            "required": ["message"],
        }
    return {
        "type": "object",
        "description": f"The {resource.replace('_', ' ')} as the API returns it.",
        "properties": {"id": {"type": ["integer", "null"]}},
        "required": ["id"],
        "additionalProperties": True,
    }


def payload_schema(event: EventType) -> dict:
    """JSON Schema of the request body sent for `event`."""
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": event.name,
        "type": "object",
        "properties": {
            "id": {"type": "string", "pattern": "^evt_", "description": "Unique; the webhook-id header."},
            "type": {"const": event.name},
            "version": {"const": event.version},
            "occurred_at": {"type": "integer", "description": "Unix seconds of the change."},
            "company_id": {"type": "integer"},
            "action_id": {
                "type": ["string", "null"],
                "description": "Shared by the events of one API request.",
            },
            "data": data_schema(event.resource),
        },
        "required": ["id", "type", "version", "occurred_at", "company_id", "action_id", "data"],
    }


def matches(patterns: list[str], name: str) -> bool:
    """Whether a subscription's event list covers `name` ("*", exact name, or "<resource>.*")."""
    for pattern in patterns:
        if pattern == "*" or pattern == name:
            return True
        if pattern.endswith(".*") and name.startswith(pattern[:-1]):
            return True
    return False


def validate_patterns(patterns: list[str]) -> list[str]:
    """The unknown entries of an event list (empty when all are valid)."""
    prefixes = {event.name.split(".", 1)[0] for event in EVENT_TYPES}
    unknown = []
    for pattern in patterns:
        if pattern == "*" or pattern in BY_NAME:
            continue
        if pattern.endswith(".*") and pattern[:-2] in prefixes:
            continue
        unknown.append(pattern)
    return unknown
