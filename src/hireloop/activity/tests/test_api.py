"""GET /audit-log: the company's events for admins, filtered and paged."""

from datetime import UTC, datetime

import pytest
import time_machine

from hireloop.activity.services import record
from hireloop.core.testing.api_kit import assert_error, assert_page


@pytest.fixture
def history(tenant, other_tenant):
    """Five events of company A at known times, one of company B."""
    recruiter = tenant.member("recruiter")
    rows = [
        ("2030-01-01 09:00Z", "candidate.created", tenant.user, "candidate", 1),
        ("2030-01-01 10:00Z", "candidate.updated", recruiter.user, "candidate", 1),
        ("2030-01-01 11:00Z", "application.moved", recruiter.user, "application", 5),
        ("2030-01-01 12:00Z", "application.hired", tenant.user, "application", 5),
        ("2030-01-01 13:00Z", "candidate.created", tenant.user, "candidate", 2),
    ]
    events = []
    for when, kind, actor, subject_type, subject_id in rows:
        with time_machine.travel(when, tick=False):
            events.append(
                record(kind=kind, company=tenant.company, actor=actor, subject_type=subject_type, subject_id=subject_id)
            )
    record(kind="candidate.created", company=other_tenant.company, subject_type="candidate", subject_id=1)
    return {"events": events, "recruiter": recruiter}


def kinds(response):
    return [event["kind"] for event in response.json()["events"]]


def test_audit_log_lists_the_company_events_newest_first(tenant, history):
    response = tenant.api.get("/audit-log")
    items = assert_page(response, "events", page=1, size=20, total=5)
    assert [item["id"] for item in items] == [event.pk for event in reversed(history["events"])]
    first = items[-1]
    assert first["created_at"] == int(datetime(2030, 1, 1, 9, tzinfo=UTC).timestamp())
    assert first.keys() >= {"subject_type", "subject_id", "actor_id", "actor_type", "data", "ip", "action_id"}


@pytest.mark.parametrize(
    "query,expected",
    [
        ({"kind": "candidate.created"}, ["candidate.created", "candidate.created"]),
        ({"kind": "application."}, ["application.hired", "application.moved"]),
        ({"subject_type": "application", "subject_id": 5}, ["application.hired", "application.moved"]),
        ({"created_after": "2030-01-01T11:00:00Z"}, ["candidate.created", "application.hired", "application.moved"]),
        (
            {"created_before": str(int(datetime(2030, 1, 1, 10, tzinfo=UTC).timestamp()))},
            ["candidate.updated", "candidate.created"],
        ),
        (
            {"created_after": "2030-01-01T10:00:00+00:00", "created_before": "2030-01-01T11:00:00Z"},
            ["application.moved", "candidate.updated"],
        ),
    ],
)
def test_audit_log_filters(tenant, history, query, expected):
    assert kinds(tenant.api.get("/audit-log", query)) == expected


def test_audit_log_filters_by_actor(tenant, history):
    response = tenant.api.get("/audit-log", {"actor_id": history["recruiter"].user.pk})
    assert kinds(response) == ["application.moved", "candidate.updated"]


def test_audit_log_pages(tenant, history):
    assert_page(tenant.api.get("/audit-log", {"size": 2, "page": 3}), "events", page=3, size=2, total=5)


@pytest.mark.parametrize(
    "query,field",
    [
        ({"created_after": "yesterday"}, "created_after"),
        ({"created_before": "2030-01-01T10:00:00"}, "created_before"),
        ({"created_after": "1893456000000"}, "created_after"),
        ({"actor_id": "me"}, "actor_id"),
    ],
)
def test_audit_log_rejects_bad_filters(tenant, query, field):
    assert_error(tenant.api.get("/audit-log", query), 400, name="Validation Error", fields=[field])


@pytest.mark.parametrize("role", ["recruiter", "hiring_manager", "interviewer"])
def test_audit_log_is_for_admins_only(tenant, role):
    error = assert_error(tenant.member(role).api.get("/audit-log"), 403, name="Forbidden")
    assert "view_audit_log" in error["message"]


def test_audit_log_needs_a_token(db, anon):
    assert_error(anon.get("/audit-log"), 401)


def test_audit_log_query_count_is_pinned(tenant, history, settings, django_assert_max_num_queries):
    tenant.api.get("/audit-log")
    settings.RATE_LIMIT_ENABLED = False
    with django_assert_max_num_queries(2):
        assert tenant.api.get("/audit-log", {"size": 100}).status_code == 200
