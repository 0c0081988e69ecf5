"""The messaging contract other apps rely on: send_email, send_sms, cancel_scheduled."""

from datetime import timedelta

import time_machine
from django.core import mail
from django.utils import timezone

from hireloop.activity.models import Event
from hireloop.messaging.models import Message, MessageStatus, OptOut
from hireloop.messaging.services import cancel_scheduled, send_email, send_sms


def test_send_email_now_is_delivered_by_the_task_and_recorded(tenant, candidate, commit, run_tasks):
    with commit():
        message = send_email(
            company=tenant.company,
            to=["ada@example.com"],
            subject="Interview invitation",
            body_html="<p>Hello <b>Ada</b></p>",
            candidate=candidate,
            actor=tenant.user,
            kind="interview_invitation",
            related=("interview", 12),
        )
    assert message.status == MessageStatus.SCHEDULED
    assert len(mail.outbox) == 0

    assert run_tasks() == 1

    message.refresh_from_db()
    assert message.status == MessageStatus.SENT
    assert message.attempts == 1
    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert sent.to == ["ada@example.com"]
    assert sent.subject == "Interview invitation"
    assert "Hello Ada" in sent.body
    assert sent.extra_headers["Message-ID"] == message.message_id
    assert sent.extra_headers["List-Unsubscribe"].startswith("<http")
    kinds = list(Event.objects.filter(subject_type="message", subject_id=message.pk).values_list("kind", flat=True))
    assert kinds == ["message.scheduled", "message.sent"]
    candidate.refresh_from_db()
    assert candidate.last_message_at is not None


def test_send_email_to_a_referee_needs_no_candidate(tenant, commit, run_tasks):
    with commit():
        send_email(
            company=tenant.company,
            to=["referee@example.com"],
            subject="Reference request",
            body_html="<p>Please answer</p>",
            attachments=[("brief.txt", b"hello", "text/plain")],
            kind="reference_request",
        )
    run_tasks()
    assert mail.outbox[0].to == ["referee@example.com"]
    assert mail.outbox[0].attachments[0][0] == "brief.txt"


def test_scheduled_email_waits_for_its_time(tenant, candidate, commit, run_tasks):
    when = timezone.now() + timedelta(hours=1)
    with commit():
        message = send_email(
            company=tenant.company, to=["ada@example.com"], subject="Later", body_html="x", scheduled_at=when
        )
    assert run_tasks() == 0
    with time_machine.travel(when + timedelta(seconds=1)):
        assert run_tasks() == 1
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT
    assert len(mail.outbox) == 1


def test_cancel_scheduled_stops_delivery_and_counts_only_pending_messages(tenant, commit, run_tasks):
    when = timezone.now() + timedelta(hours=1)
    with commit():
        for kind in ("interview_invitation", "interview_reminder"):
            send_email(
                company=tenant.company,
                to=["ada@example.com"],
                subject=kind,
                body_html="x",
                scheduled_at=when,
                kind=kind,
                related=("interview", 7),
            )
        send_email(
            company=tenant.company, to=["b@example.com"], subject="other", body_html="x", related=("interview", 8)
        )

    assert cancel_scheduled(company=tenant.company, related=("interview", 7), kind="interview_reminder") == 1
    assert cancel_scheduled(company=tenant.company, related=("interview", 7)) == 1
    assert cancel_scheduled(company=tenant.company, related=("interview", 7)) == 0

    with time_machine.travel(when + timedelta(seconds=1)):
        run_tasks()
    assert [m.subject for m in mail.outbox] == ["other"]
    assert Message.objects.filter(related_id=7, status=MessageStatus.CANCELLED).count() == 2


def test_cancel_scheduled_is_scoped_to_the_company(tenant, other_tenant):
    send_email(
        company=tenant.company,
        to=["a@example.com"],
        subject="s",
        body_html="x",
        scheduled_at=timezone.now() + timedelta(hours=1),
        related=("interview", 1),
    )
    assert cancel_scheduled(company=other_tenant.company, related=("interview", 1)) == 0


def test_send_sms_goes_through_the_outbox_provider(tenant, candidate, commit, run_tasks):
    with commit():
        message = send_sms(
            company=tenant.company, to_phone="+1 555 123 0001", body="Your interview is at 10:00", candidate=candidate
        )
    assert message.to == ["+15551230001"]
    run_tasks()
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT
    assert message.provider_id == f"outbox-{message.pk}"


def test_opted_out_recipient_is_suppressed_not_sent(tenant, commit, run_tasks):
    OptOut.objects.create(company=tenant.company, channel="email", address="ada@example.com")
    with commit():
        message = send_email(company=tenant.company, to=["Ada@example.com"], subject="s", body_html="x")
    run_tasks()
    message.refresh_from_db()
    assert message.status == MessageStatus.SUPPRESSED
    assert "unsubscribed" in message.failure_reason
    assert mail.outbox == []
