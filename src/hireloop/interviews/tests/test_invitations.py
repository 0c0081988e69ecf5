"""Invitations as real iCalendar, reminders that never go stale, overdue-evaluation reminders."""

from datetime import UTC, datetime, timedelta

import icalendar
import time_machine
from django.core import mail

from hireloop.activity.models import Event
from hireloop.interviews.tests.helpers import ts

START = ts(2030, 1, 10, 15)
END = ts(2030, 1, 10, 16)
REMINDER_DUE = datetime(2030, 1, 10, 14, 0, 1, tzinfo=UTC)  # INTERVIEW_REMINDER_MINUTES = 60


def calendar_of(message) -> icalendar.Calendar:
    (ics,) = [a for a in message.attachments if a[0].endswith(".ics")]
    content = ics[1] if isinstance(ics[1], bytes) else ics[1].encode()
    return icalendar.Calendar.from_ical(content)


def event_of(message) -> icalendar.Event:
    return calendar_of(message).walk("VEVENT")[0]


def by_recipient(messages) -> dict[str, object]:
    return {m.to[0]: m for m in messages}


def schedule(tenant, application, interviewers, commit, **extra):
    body = {"start_time": START, "end_time": END, "interviewer_ids": [i.user.pk for i in interviewers], **extra}
    with commit():
        response = tenant.api.post(f"/applications/{application.pk}/interviews", body)
    assert response.status_code == 201, response.content
    return response.json()


def test_invitation_is_an_icalendar_request_to_the_candidate_and_each_interviewer(
    tenant, application, interviewer, commit, drain
):
    interview = schedule(tenant, application, [interviewer], commit, notes="Ask about Postgres", location="Room 4")

    drain()

    sent = by_recipient(mail.outbox)
    assert set(sent) == {"ada@example.com", interviewer.user.email}
    for message in sent.values():
        calendar = calendar_of(message)
        event = calendar.walk("VEVENT")[0]
        assert str(calendar["METHOD"]) == "REQUEST"
        assert str(event["UID"]) == interview["ics_uid"]
        assert int(event["SEQUENCE"]) == 0
        assert event.decoded("DTSTART") == datetime(2030, 1, 10, 15, tzinfo=UTC)
        assert event.decoded("DTEND") == datetime(2030, 1, 10, 16, tzinfo=UTC)
        assert str(event["LOCATION"]) == "Room 4"
        attendees = sorted(str(a).removeprefix("mailto:") for a in event["ATTENDEE"])
        assert attendees == sorted(["ada@example.com", interviewer.user.email])
    # Each person reads their own local time; only interviewers get the notes.
    assert "Thursday 10 January 2030, 10:00–11:00 (America/New_York, UTC-05:00)" in sent[interviewer.user.email].body
    assert "15:00–16:00 (Europe/London, UTC+00:00)" in sent["ada@example.com"].body
    assert "Ask about Postgres" in str(event_of(sent[interviewer.user.email])["DESCRIPTION"])
    assert "Ask about Postgres" not in str(event_of(sent["ada@example.com"])["DESCRIPTION"])
    assert "Ask about Postgres" not in sent["ada@example.com"].body


def test_reschedule_sends_a_new_sequence_for_the_same_uid(tenant, application, interviewer, commit, drain):
    interview = schedule(tenant, application, [interviewer], commit)
    drain()
    mail.outbox.clear()

    with commit():
        response = tenant.api.put(
            f"/interviews/{interview['id']}", {"start_time": START + 7200, "end_time": END + 7200}
        )
    drain()

    assert response.json()["sequence"] == 1
    assert len(mail.outbox) == 2
    for message in mail.outbox:
        event = event_of(message)
        assert str(calendar_of(message)["METHOD"]) == "REQUEST"
        assert (str(event["UID"]), int(event["SEQUENCE"])) == (interview["ics_uid"], 1)
        assert event.decoded("DTSTART") == datetime(2030, 1, 10, 17, tzinfo=UTC)
        assert message.subject.startswith("Interview rescheduled")


def test_cancel_sends_everyone_a_cancel_with_the_next_sequence(tenant, application, interviewer, commit, drain):
    interview = schedule(tenant, application, [interviewer], commit)
    drain()
    mail.outbox.clear()

    with commit():
        response = tenant.api.post(f"/interviews/{interview['id']}/cancel", {"reason": "Position filled"})
    drain()

    assert (response.json()["status"], response.json()["cancel_reason"]) == ("cancelled", "Position filled")
    assert set(by_recipient(mail.outbox)) == {"ada@example.com", interviewer.user.email}
    for message in mail.outbox:
        calendar = calendar_of(message)
        event = calendar.walk("VEVENT")[0]
        assert str(calendar["METHOD"]) == "CANCEL"
        assert str(event["STATUS"]) == "CANCELLED"
        assert (str(event["UID"]), int(event["SEQUENCE"])) == (interview["ics_uid"], 1)
    event = Event.objects.get(kind="interview.cancelled")
    assert (event.data["reason"], event.candidate_id) == ("Position filled", application.candidate_id)


def test_removed_interviewer_gets_a_cancel_and_the_newcomer_a_request(tenant, application, interviewer, commit, drain):
    newcomer = tenant.member("hiring_manager")
    interview = schedule(tenant, application, [interviewer], commit)
    drain()
    mail.outbox.clear()

    with commit():
        tenant.api.put(f"/interviews/{interview['id']}", {"interviewer_ids": [newcomer.user.pk]})
    drain()

    sent = by_recipient(mail.outbox)
    assert str(calendar_of(sent[interviewer.user.email])["METHOD"]) == "CANCEL"
    assert str(calendar_of(sent[newcomer.user.email])["METHOD"]) == "REQUEST"
    assert str(calendar_of(sent["ada@example.com"])["METHOD"]) == "REQUEST"


# --- reminders ---------------------------------------------------------------------------------


def reminders():
    return [m for m in mail.outbox if m.subject.startswith("Reminder")]


def test_reminder_is_sent_once_an_hour_before_the_start(tenant, application, interviewer, commit, drain):
    schedule(tenant, application, [interviewer], commit)
    drain()

    with time_machine.travel(REMINDER_DUE - timedelta(minutes=2), tick=False):
        drain()
        assert reminders() == []
    with time_machine.travel(REMINDER_DUE, tick=False):
        drain()
        drain()

    assert sorted(m.to[0] for m in reminders()) == sorted(["ada@example.com", interviewer.user.email])
    assert Event.objects.filter(kind="interview.reminder_sent").count() == 1


def test_cancelled_interview_never_sends_its_reminder(tenant, application, interviewer, commit, drain):
    interview = schedule(tenant, application, [interviewer], commit)
    with commit():
        tenant.api.post(f"/interviews/{interview['id']}/cancel", {})

    with time_machine.travel(REMINDER_DUE, tick=False):
        drain()

    assert reminders() == []
    assert not Event.objects.filter(kind="interview.reminder_sent").exists()


def test_rescheduled_interview_sends_only_the_reminder_of_its_new_time(tenant, application, interviewer, commit, drain):
    interview = schedule(tenant, application, [interviewer], commit)
    with commit():
        tenant.api.put(f"/interviews/{interview['id']}", {"start_time": START + 86400, "end_time": END + 86400})

    with time_machine.travel(REMINDER_DUE, tick=False):
        drain()
        assert reminders() == []
    with time_machine.travel(REMINDER_DUE + timedelta(days=1), tick=False):
        drain()

    assert len(reminders()) == 2
    assert "Friday 11 January 2030" in reminders()[0].body
    assert Event.objects.get(kind="interview.reminder_sent").data == {"application_id": application.pk, "sequence": 1}


def test_an_updated_location_keeps_exactly_one_reminder(tenant, application, interviewer, commit, drain):
    interview = schedule(tenant, application, [interviewer], commit)
    with commit():
        tenant.api.put(f"/interviews/{interview['id']}", {"location": "Room 42, 3rd floor"})

    with time_machine.travel(REMINDER_DUE, tick=False):
        drain()
        drain()

    assert sorted(m.to[0] for m in reminders()) == sorted(["ada@example.com", interviewer.user.email])
    assert Event.objects.get(kind="interview.reminder_sent").data["sequence"] == 1


# --- overdue evaluations -------------------------------------------------------------------------


def test_interviewers_who_did_not_submit_get_one_overdue_reminder(
    tenant, application, interviewer, commit, drain, settings
):
    from hireloop.evaluations.models import EvaluationForm, FormStatus

    diligent = tenant.member("interviewer")
    interview = schedule(tenant, application, [interviewer, diligent], commit)
    drain()
    with time_machine.travel(datetime(2030, 1, 10, 16, 5, tzinfo=UTC), tick=False), commit():
        tenant.api.post(f"/interviews/{interview['id']}/complete")
    EvaluationForm.objects.create(
        company=tenant.company,
        application=application,
        interview_id=interview["id"],
        evaluator=diligent.user,
        status=FormStatus.SUBMITTED,
    )
    mail.outbox.clear()

    with time_machine.travel(datetime(2030, 1, 11, 16, 4, tzinfo=UTC), tick=False):
        drain()
        assert mail.outbox == []
    with time_machine.travel(datetime(2030, 1, 11, 16, 6, tzinfo=UTC), tick=False):
        drain()
        drain()

    assert [m.to for m in mail.outbox] == [[interviewer.user.email]]
    assert mail.outbox[0].subject.startswith("Evaluation overdue")
    assert Event.objects.get(kind="evaluation.reminder_sent").data["user_ids"] == [interviewer.user.pk]
