"""record(): one event row per state change, with who, what, from where."""

import pytest

from hireloop.activity.models import Event
from hireloop.activity.services import record, reset_hooks
from hireloop.core.testing.client import ApiClient

seen: list[Event] = []


def collect(event: Event) -> None:
    seen.append(event)


@pytest.fixture
def hooks(settings):
    seen.clear()
    settings.ACTIVITY_HOOKS = ["hireloop.activity.tests.test_services.collect"]
    reset_hooks()
    yield seen
    reset_hooks()


def test_record_writes_the_subject_actor_and_related_ids(tenant):
    event = record(
        kind="candidate.created",
        company=tenant.company,
        subject=tenant.user,
        actor=tenant.user,
        candidate_id=7,
        job_id=9,
        data={"source": "api"},
    )
    event.refresh_from_db()
    assert (event.kind, event.subject_type, event.subject_id) == ("candidate.created", "user", tenant.user.pk)
    assert (event.actor, event.actor_type, event.candidate_id, event.job_id) == (tenant.user, "user", 7, 9)
    assert event.data == {"source": "api"} and event.company == tenant.company
    assert event.ip is None and len(event.action_id) == 32


def test_record_without_actor_is_a_system_event(tenant):
    event = record(kind="job.closed", company=tenant.company, subject_type="job", subject_id=3)
    assert (event.actor_type, event.subject_type, event.subject_id, event.data) == ("system", "job", 3, {})


def test_events_of_one_request_share_the_action_id_ip_and_user_agent(db):
    client = ApiClient(REMOTE_ADDR="203.0.113.9", HTTP_USER_AGENT="curl/8")
    response = client.post(
        "/auth/register", {"email": "a@example.com", "password": "long enough secret", "company_name": "A"}
    )
    assert response.status_code == 201
    events = list(Event.objects.order_by("pk"))
    assert [e.kind for e in events] == ["company.created", "user.registered"]
    assert {(e.ip, e.user_agent) for e in events} == {("203.0.113.9", "curl/8")}
    assert len({e.action_id for e in events}) == 1
    client.post("/auth/login", {"email": "a@example.com", "password": "wrong"})
    client.post("/auth/password-reset", {"email": "a@example.com"})
    assert Event.objects.exclude(action_id=events[0].action_id).count() == 1


def test_configured_hooks_receive_every_event(tenant, hooks):
    event = record(kind="note.added", company=tenant.company)
    assert hooks == [event]


def test_forwarded_for_is_trusted_only_behind_a_configured_proxy(db, settings):
    body = {"email": "b@example.com", "password": "long enough secret", "company_name": "B"}
    ApiClient(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.7").post("/auth/register", body)
    assert Event.objects.get(kind="user.registered").ip == "10.0.0.1"
    settings.TRUSTED_PROXY_COUNT = 1
    body["email"] = "c@example.com"
    ApiClient(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 198.51.100.7").post("/auth/register", body)
    assert Event.objects.filter(kind="user.registered").latest("pk").ip == "198.51.100.7"
