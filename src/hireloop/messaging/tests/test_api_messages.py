"""Candidate messages over the API: scheduling, the cancel window, edits, lists, batch, placeholders."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import mail

from hireloop.activity.models import Event
from hireloop.messaging.models import Message, MessageStatus, OptOut
from hireloop.messaging.tests.conftest import make_candidate

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _send(api, candidate, **fields):
    body = {"to": [candidate.email], "subject": "Hello {{first_name}}", "body": "<p>Hi {{first_name}}</p>"}
    body.update(fields)
    return api.post(f"/candidates/{candidate.alias}/messages", body)


def test_send_defaults_to_the_cancel_window_and_renders_placeholders(api, tenant, candidate, commit):
    with time_machine.travel(T0, tick=False), commit():
        response = _send(api, candidate)
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["scheduled_at"] == int((T0 + timedelta(minutes=15)).timestamp())
    assert data["status"] == "scheduled"
    assert data["is_scheduled"] is True
    assert data["is_cancelable"] is True
    assert data["subject"] == "Hello Ada"
    assert data["body"] == "<p>Hi Ada</p>"
    assert data["candidate_id"] == candidate.pk
    assert data["from_account_id"] is not None
    event = Event.objects.get(kind="message.scheduled", subject_id=data["id"])
    assert event.candidate_id == candidate.pk
    assert event.actor_id == tenant.user.pk


def test_cancel_window_setting_changes_the_default(api, candidate, settings):
    settings.MESSAGE_CANCEL_WINDOW_SECONDS = 60
    with time_machine.travel(T0, tick=False):
        data = _send(api, candidate).json()
    assert data["scheduled_at"] == int(T0.timestamp()) + 60


def test_cancel_at_14_minutes_means_never_sent(api, candidate, commit, run_tasks):
    with time_machine.travel(T0, tick=False), commit():
        message_id = _send(api, candidate).json()["id"]
    with time_machine.travel(T0 + timedelta(minutes=14), tick=False):
        response = api.delete(f"/messages/{message_id}")
    assert response.status_code == 200
    assert response.json()["status"] == "cancelled"
    assert response.json()["is_cancelable"] is False
    with time_machine.travel(T0 + timedelta(minutes=16), tick=False):
        assert run_tasks() == 1  # the delivery task runs and finds the message cancelled
    assert mail.outbox == []
    assert Message.objects.get(pk=message_id).status == MessageStatus.CANCELLED


def test_cancel_at_16_minutes_after_delivery_is_409_already_sent(api, candidate, commit, run_tasks):
    with time_machine.travel(T0, tick=False), commit():
        message_id = _send(api, candidate).json()["id"]
    with time_machine.travel(T0 + timedelta(minutes=16), tick=False):
        run_tasks()
        response = api.delete(f"/messages/{message_id}")
    assert response.status_code == 409
    assert response.json()["error"]["message"] == "Message already sent"
    assert len(mail.outbox) == 1
    assert api.get(f"/messages/{message_id}").json()["is_cancelable"] is False


def test_explicit_scheduled_at_now_is_honoured(api, candidate, commit, run_tasks):
    with time_machine.travel(T0, tick=False):
        with commit():
            response = _send(api, candidate, scheduled_at=int(T0.timestamp()))
        assert response.json()["scheduled_at"] == int(T0.timestamp())
        run_tasks()
    assert len(mail.outbox) == 1
    assert Message.objects.get().status == MessageStatus.SENT


def test_put_and_patch_change_a_pending_message_then_409_once_sent(api, candidate, commit, run_tasks):
    with time_machine.travel(T0, tick=False), commit():
        message_id = _send(api, candidate).json()["id"]
    with time_machine.travel(T0 + timedelta(minutes=1), tick=False):
        response = api.patch(f"/messages/{message_id}", {"subject": "Changed {{last_name}}"})
        assert response.status_code == 200
        assert response.json()["subject"] == "Changed Lovelace"
        assert response.json()["body"] == "<p>Hi Ada</p>"
        response = api.put(
            f"/messages/{message_id}",
            {"to": ["other@example.com"], "subject": "New", "body": "<p>New body</p>", "cc": ["cc@example.com"]},
        )
        assert response.status_code == 200
        assert response.json()["to"] == ["other@example.com"]
        assert response.json()["cc"] == ["cc@example.com"]
    with time_machine.travel(T0 + timedelta(minutes=20), tick=False):
        run_tasks()
        response = api.patch(f"/messages/{message_id}", {"subject": "too late"})
    assert response.status_code == 409
    assert mail.outbox[0].subject == "New"
    assert mail.outbox[0].to == ["other@example.com"]


def test_reschedule_later_moves_delivery(api, candidate, commit, run_tasks):
    with time_machine.travel(T0, tick=False), commit():
        message_id = _send(api, candidate).json()["id"]
    later = T0 + timedelta(hours=2)
    with time_machine.travel(T0 + timedelta(minutes=1), tick=False), commit():
        assert api.patch(f"/messages/{message_id}", {"scheduled_at": int(later.timestamp())}).status_code == 200
    with time_machine.travel(T0 + timedelta(minutes=30), tick=False):
        run_tasks()
    assert mail.outbox == []
    with time_machine.travel(later + timedelta(seconds=1), tick=False):
        run_tasks()
    assert len(mail.outbox) == 1


def test_candidate_conversation_lists_scheduled_only_with_is_scheduled(api, candidate, commit, run_tasks):
    with time_machine.travel(T0, tick=False), commit():
        sent_id = _send(api, candidate, scheduled_at=int(T0.timestamp())).json()["id"]
        pending_id = _send(api, candidate).json()["id"]
    with time_machine.travel(T0, tick=False):
        run_tasks()
    all_ids = [m["id"] for m in api.get(f"/candidates/{candidate.pk}/messages").json()["messages"]]
    assert sorted(all_ids) == sorted([sent_id, pending_id])
    scheduled = api.get(f"/candidates/{candidate.alias}/messages", {"is_scheduled": 1}).json()
    assert [m["id"] for m in scheduled["messages"]] == [pending_id]
    assert scheduled["pagination"]["total_count"] == 1


def test_list_messages_by_account_status_and_dates(api, tenant, candidate, commit, run_tasks):
    with time_machine.travel(T0, tick=False), commit():
        sent = _send(api, candidate, scheduled_at=int(T0.timestamp())).json()
        pending = _send(api, candidate).json()
    with time_machine.travel(T0, tick=False):
        run_tasks()
    account_id = sent["from_account_id"]
    listed = api.get("/messages", {"from_account_id": account_id, "status": "sent"}).json()
    assert [m["id"] for m in listed["messages"]] == [sent["id"]]
    listed = api.get("/messages", {"from_account_id": account_id, "status": "scheduled"}).json()
    assert [m["id"] for m in listed["messages"]] == [pending["id"]]
    listed = api.get(
        "/messages", {"from_account_id": account_id, "date_from": int(T0.timestamp()) + 60, "status": "all"}
    ).json()
    assert [m["id"] for m in listed["messages"]] == [pending["id"]]
    listed = api.get("/messages", {"from_account_id": account_id, "date_to": int(T0.timestamp())}).json()
    assert [m["id"] for m in listed["messages"]] == [sent["id"]]
    assert api.get("/messages", {"from_account_id": account_id + 999}).json()["messages"] == []


def test_list_messages_query_count_is_flat(api, tenant, candidate, settings, django_assert_max_num_queries):
    settings.RATE_LIMIT_ENABLED = False
    for _ in range(5):
        _send(api, candidate)
    with django_assert_max_num_queries(3):
        response = api.get("/messages")
    assert len(response.json()["messages"]) == 5


def test_unknown_placeholder_is_400_naming_it(api, candidate):
    response = _send(api, candidate, body="<p>Hi {{favourite_color}}</p>")
    assert response.status_code == 400
    assert response.json()["error"]["validation_errors"] == {"body": "Unknown placeholder {{favourite_color}}."}
    assert Message.objects.count() == 0


def test_job_placeholder_without_application_is_400(api, candidate):
    response = _send(api, candidate, subject="About {{job_title}}")
    assert response.status_code == 400
    assert "needs application_id" in response.json()["error"]["validation_errors"]["subject"]


def test_placeholder_values_are_html_escaped(api, tenant):
    candidate = make_candidate(tenant.company, first_name="<script>alert(1)</script>")
    data = _send(api, candidate).json()
    assert data["body"] == "<p>Hi &lt;script&gt;alert(1)&lt;/script&gt;</p>"
    assert data["subject"] == "Hello <script>alert(1)</script>"  # a subject is plain text


def test_unsubscribed_candidate_is_409_naming_the_reason(api, tenant, candidate):
    OptOut.objects.create(company=tenant.company, channel="email", address=candidate.email)
    response = _send(api, candidate)
    assert response.status_code == 409
    assert response.json()["error"]["message"] == f"Not sent: {candidate.email} has unsubscribed from email."


def test_other_company_candidate_and_message_are_404(api, other_tenant, commit):
    theirs = make_candidate(other_tenant.company)
    assert _send(api, theirs).status_code == 404
    message_id = _send(other_tenant.api, theirs).json()["id"]
    assert api.get(f"/messages/{message_id}").status_code == 404
    assert api.delete(f"/messages/{message_id}").status_code == 404
    assert api.patch(f"/messages/{message_id}", {"subject": "x"}).status_code == 404


def test_from_account_of_another_company_is_404(api, other_tenant, candidate):
    theirs = make_candidate(other_tenant.company)
    their_account = _send(other_tenant.api, theirs).json()["from_account_id"]
    response = _send(api, candidate, from_account_id=their_account)
    assert response.status_code == 404


def test_interviewer_cannot_send(tenant, candidate):
    interviewer = tenant.member("interviewer")
    assert _send(interviewer.api, candidate).status_code == 403


def test_batch_create_gives_per_item_results(api, tenant, other_tenant, commit):
    mine = make_candidate(tenant.company)
    theirs = make_candidate(other_tenant.company)
    item = {"to": ["ada@example.com"], "subject": "Hi {{first_name}}", "body": "<p>x</p>"}
    with commit():
        response = api.post(
            "/messages/batch/create",
            {
                "messages": [
                    {**item, "candidate_id": mine.pk},
                    {**item, "candidate_id": theirs.pk},
                    {**item, "candidate_id": mine.pk, "body": "{{nope}}"},
                    {**item, "candidate_id": mine.pk, "to": ["not-an-email"]},
                ]
            },
        )
    assert response.status_code == 200
    results = response.json()["results"]
    assert [r["index"] for r in results] == [0, 1, 2, 3]
    assert results[0]["data"]["subject"] == "Hi Ada" and results[0]["id"] == results[0]["data"]["id"]
    assert results[1]["id"] is None and results[1]["error"]["status"] == 404
    assert results[2]["error"]["validation_errors"] == {"body": "Unknown placeholder {{nope}}."}
    assert results[3]["error"]["status"] == 400
    assert Message.objects.filter(company=tenant.company).count() == 1


def test_batch_over_100_items_is_400(api, candidate):
    item = {"candidate_id": candidate.pk, "to": ["a@example.com"], "subject": "s", "body": "b"}
    response = api.post("/messages/batch/create", {"messages": [item] * 101})
    assert response.status_code == 400
    assert Message.objects.count() == 0


@pytest.mark.parametrize("path", ["/messages", "/candidates/x/messages", "/messages/1"])
def test_requires_authentication(db, anon, path):
    assert anon.get(path).status_code == 401


def test_links_use_the_requests_host_unless_public_base_url_is_set(api, candidate, settings):
    settings.PUBLIC_BASE_URL = None
    settings.ALLOWED_HOSTS = ["ats.acme.example"]
    headers = {"Host": "ats.acme.example"}
    body = {"to": [candidate.email], "subject": "Hi", "body": "<p>Hi</p>"}
    data = api.post(f"/candidates/{candidate.pk}/messages", body, headers=headers).json()
    assert Message.objects.get(pk=data["id"]).unsubscribe_url.startswith("http://ats.acme.example/api/v2/unsubscribe/")
    settings.PUBLIC_BASE_URL = "https://careers.acme.example"
    data = api.post(f"/candidates/{candidate.pk}/messages", body, headers=headers).json()
    assert Message.objects.get(pk=data["id"]).unsubscribe_url.startswith(
        "https://careers.acme.example/api/v2/unsubscribe/"
    )
