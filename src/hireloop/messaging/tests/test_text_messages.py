"""Text messages to candidates over the API: POST /candidates/{id}/text-messages, the cancel window, opt-out."""

from datetime import UTC, datetime, timedelta

import time_machine

from hireloop.messaging.models import Message, MessageStatus, OptOut
from hireloop.messaging.tests.conftest import make_candidate

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def test_text_message_waits_for_the_cancel_window_then_goes_through_twilio(
    api,
    tenant,
    candidate,
    twilio,
    commit,
    run_tasks,
):
    with time_machine.travel(T0, tick=False), commit():
        response = api.post(f"/candidates/{candidate.alias}/text-messages", {"body": "Hi {{first_name}}, call me?"})
    assert response.status_code == 201, response.content
    data = response.json()
    assert (data["channel"], data["status"], data["is_cancelable"]) == ("sms", "scheduled", True)
    assert data["to"] == ["+15551230001"]  # the candidate's phone
    assert data["body"] == "Hi Ada, call me?"
    assert data["scheduled_at"] == int((T0 + timedelta(minutes=15)).timestamp())
    with time_machine.travel(T0 + timedelta(minutes=14), tick=False):
        assert run_tasks() == 0
    with time_machine.travel(T0 + timedelta(minutes=16), tick=False):
        assert run_tasks() == 1
        assert api.get(f"/messages/{data['id']}").json()["status"] == "sent"
        assert api.delete(f"/messages/{data['id']}").status_code == 409
    assert twilio.requests[0]["form"]["Body"] == "Hi Ada, call me?"
    assert twilio.requests[0]["form"]["To"] == "+15551230001"


def test_text_message_cancelled_in_the_window_is_never_sent(api, candidate, commit, run_tasks):
    with time_machine.travel(T0, tick=False), commit():
        message_id = api.post(f"/candidates/{candidate.pk}/text-messages", {"body": "Hello"}).json()["id"]
    with time_machine.travel(T0 + timedelta(minutes=14), tick=False):
        assert api.delete(f"/messages/{message_id}").json()["status"] == "cancelled"
    with time_machine.travel(T0 + timedelta(minutes=16), tick=False):
        run_tasks()
    assert Message.objects.get(pk=message_id).status == MessageStatus.CANCELLED


def test_patch_changes_the_text_and_email_fields_are_400(api, candidate):
    message_id = api.post(f"/candidates/{candidate.pk}/text-messages", {"body": "Hello"}).json()["id"]
    response = api.patch(f"/messages/{message_id}", {"body": "Bye {{first_name}}", "to": ["+1 555 123 0002"]})
    assert response.status_code == 200, response.content
    assert (response.json()["body"], response.json()["to"]) == ("Bye Ada", ["+15551230002"])
    response = api.patch(f"/messages/{message_id}", {"subject": "Hi"})
    assert response.status_code == 400
    assert "subject" in response.json()["error"]["validation_errors"]


def test_candidate_without_phone_or_opted_out_number(api, tenant):
    no_phone = make_candidate(tenant.company, phone="")
    response = api.post(f"/candidates/{no_phone.pk}/text-messages", {"body": "Hello"})
    assert response.status_code == 400
    assert "to_phone" in response.json()["error"]["validation_errors"]
    OptOut.objects.create(company=tenant.company, channel="sms", address="+15551230009", source="sms_stop")
    response = api.post(f"/candidates/{no_phone.pk}/text-messages", {"body": "Hello", "to_phone": "+15551230009"})
    assert response.status_code == 409
    assert "opted out" in response.json()["error"]["message"]
    response = api.post(
        f"/candidates/{no_phone.pk}/text-messages", {"body": "Hi {{nickname}}", "to_phone": "+15551230008"}
    )
    assert response.status_code == 400
    assert "{{nickname}}" in response.json()["error"]["validation_errors"]["body"]
