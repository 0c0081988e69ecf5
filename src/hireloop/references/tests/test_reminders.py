"""Reminders: automatic at 24 h, 48 h and 96 h after the invitation (at most 3), manual ones limited to
one per 12 h per target, and none for completed or cancelled requests."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.utils import timezone

from hireloop.activity.models import Event
from hireloop.references.tests.conftest import complete


@pytest.fixture
def start():
    with time_machine.travel(datetime(2030, 3, 1, 9, 0, tzinfo=UTC), tick=False) as traveller:
        yield traveller


def reminders_to(outbox, address: str) -> list:
    return [m for m in outbox.emails_to(address) if m.subject.startswith("Reminder:")]


def test_candidate_is_reminded_at_24_48_and_96_hours_then_never_again(start, api, candidate, outbox, run):
    request = api.post("/reference-requests", {"candidate_id": candidate.pk}).json()
    run()
    t0 = timezone.now()
    sent = []
    for hours in (23, 25, 47, 49, 95, 97, 200):
        start.move_to(t0 + timedelta(hours=hours))
        run()
        sent.append(len(reminders_to(outbox, "ada@example.org")))

    assert sent == [0, 1, 1, 2, 2, 3, 3]
    reminder = api.get(f"/reference-requests/{request['id']}").json()["reminder"]
    assert reminder["count"] == 3
    assert reminder["count_exceeded"] is True
    assert reminder["next_scheduled_at"] is None
    assert reminder["latest_sent_at"] == int((t0 + timedelta(hours=97)).timestamp())
    assert len([b for b in outbox.sms_to("+14155550100") if b.startswith("Reminder:")]) == 3
    assert Event.objects.filter(kind="reference_request.reminder_sent", candidate_id=candidate.pk).count() == 3


def test_next_scheduled_at_follows_the_schedule(start, api, candidate, run):
    request = api.post("/reference-requests", {"candidate_id": candidate.pk}).json()
    t0 = timezone.now()

    start.move_to(t0 + timedelta(hours=25))
    run()
    reminder = api.get(f"/reference-requests/{request['id']}").json()["reminder"]

    assert reminder["count"] == 1 and reminder["count_exceeded"] is False
    assert reminder["next_scheduled_at"] == int((t0 + timedelta(hours=48)).timestamp())


def test_referees_are_reminded_until_they_answer(start, api, candidate, outbox, run):
    request = api.post("/reference-requests", {"candidate_id": candidate.pk, "min_references": 2}).json()
    refs = [
        api.post("/references", {"candidate_id": candidate.pk, "reference_request_id": request["id"],
                                 "first_name": n, "email": f"{n}@corp.example"}).json()
        for n in ("ann", "ben")
    ]  # fmt: skip
    run()
    t0 = timezone.now()

    start.move_to(t0 + timedelta(hours=25))
    run()
    complete(refs[0]["id"])
    start.move_to(t0 + timedelta(hours=49))
    run()

    assert len(reminders_to(outbox, "ann@corp.example")) == 1
    assert len(reminders_to(outbox, "ben@corp.example")) == 2
    assert api.get(f"/references/{refs[0]['id']}").json()["reminder"]["next_scheduled_at"] is None


def test_completed_request_gets_no_more_reminders(start, api, candidate, outbox, run):
    request = api.post("/reference-requests", {"candidate_id": candidate.pk, "min_references": 1}).json()
    done = api.post("/references", {"candidate_id": candidate.pk, "reference_request_id": request["id"],
                                    "first_name": "Ann", "email": "ann@corp.example"}).json()  # fmt: skip
    slow = api.post("/references", {"candidate_id": candidate.pk, "reference_request_id": request["id"],
                                    "first_name": "Ben", "email": "ben@corp.example"}).json()  # fmt: skip
    run()
    complete(done["id"])
    assert api.get(f"/reference-requests/{request['id']}").json()["status"] == "completed"

    start.move_to(timezone.now() + timedelta(hours=100))
    run()

    assert reminders_to(outbox, "ada@example.org") == []
    assert reminders_to(outbox, "ben@corp.example") == []
    assert api.post(f"/reference-requests/{request['id']}/remind").status_code == 409
    assert api.post(f"/references/{slow['id']}/remind").status_code == 409
    body = api.get(f"/reference-requests/{request['id']}").json()
    assert body["reminder"]["next_scheduled_at"] is None


def test_cancelled_request_gets_no_reminders(start, api, candidate, outbox, run):
    request = api.post("/reference-requests", {"candidate_id": candidate.pk}).json()
    api.post(f"/reference-requests/{request['id']}/cancel")

    start.move_to(timezone.now() + timedelta(hours=100))
    run()

    assert reminders_to(outbox, "ada@example.org") == []
    assert api.post(f"/reference-requests/{request['id']}/remind").status_code == 409


def test_manual_reminder_is_limited_to_one_per_12_hours(start, api, candidate, outbox, run):
    request = api.post("/reference-requests", {"candidate_id": candidate.pk}).json()
    run()

    first = api.post(f"/reference-requests/{request['id']}/remind")
    second = api.post(f"/reference-requests/{request['id']}/remind")
    state = api.get(f"/reference-requests/{request['id']}").json()["reminder"]
    start.move_to(timezone.now() + timedelta(hours=12, seconds=1))
    third = api.post(f"/reference-requests/{request['id']}/remind")
    run()

    assert first.status_code == 200
    assert first.json()["reminder"]["count"] == 1 and first.json()["reminder"]["rate_exceeded"] is True
    assert second.status_code == 429
    assert second["Retry-After"] == str(12 * 3600)
    error = second.json()["error"]
    assert error["retry_at"] == int(timezone.now().timestamp()) - 1  # now is 12 h + 1 s later
    assert error["rate_exceeded"] is True
    assert "next one is allowed at" in error["message"]
    assert state["rate_exceeded"] is True
    assert third.status_code == 200
    assert len(reminders_to(outbox, "ada@example.org")) == 2


def test_manual_reminders_count_towards_the_maximum(start, api, candidate):
    request = api.post("/reference-requests", {"candidate_id": candidate.pk}).json()
    statuses = []
    for _ in range(4):
        statuses.append(api.post(f"/reference-requests/{request['id']}/remind").status_code)
        start.move_to(timezone.now() + timedelta(hours=13))

    assert statuses == [200, 200, 200, 409]


def test_manual_referee_reminder_is_rate_limited_per_referee(start, api, candidate, outbox, run):
    refs = [
        api.post("/references", {"candidate_id": candidate.pk, "first_name": n, "email": f"{n}@corp.example"}).json()
        for n in ("ann", "ben")
    ]
    run()

    ann_first = api.post(f"/references/{refs[0]['id']}/remind")
    ben_first = api.post(f"/references/{refs[1]['id']}/remind")
    ann_again = api.post(f"/references/{refs[0]['id']}/remind")
    run()

    assert ann_first.status_code == ben_first.status_code == 200
    assert ann_again.status_code == 429 and int(ann_again["Retry-After"]) == 12 * 3600
    assert len(reminders_to(outbox, "ann@corp.example")) == 1
    assert Event.objects.filter(kind="reference.reminder_sent", subject_id=refs[0]["id"]).count() == 1


def test_verification_reminder_needs_a_completed_reference_and_is_rate_limited(start, api, candidate, outbox, run):
    ref = api.post("/references", {"candidate_id": candidate.pk, "first_name": "Ann", "email": "ann@corp.example"})
    ref = ref.json()

    early = api.post(f"/references/{ref['id']}/remind-verification")
    complete(ref["id"])
    first = api.post(f"/references/{ref['id']}/remind-verification")
    again = api.post(f"/references/{ref['id']}/remind-verification")
    run()

    assert early.status_code == 409
    assert first.status_code == 200
    assert again.status_code == 429 and again["Retry-After"] == str(12 * 3600)
    confirm_mails = [m for m in outbox.emails_to("ann@corp.example") if "Confirm" in m.subject]
    assert len(confirm_mails) == 2  # on completion, then the reminder
    assert Event.objects.filter(kind="reference.verification_reminder_sent", subject_id=ref["id"]).count() == 1
