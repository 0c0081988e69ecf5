"""Delivery over real SMTP (aiosmtpd on 127.0.0.1), mail accounts, retries, never twice."""

import logging
from datetime import timedelta

import time_machine
from django.utils import timezone

from hireloop.activity.models import Event
from hireloop.messaging.models import MailAccount, Message, MessageStatus
from hireloop.messaging.services import send_email
from hireloop.messaging.tasks import deliver_message


def test_smtp_delivery_has_multipart_bodies_attachments_and_unsubscribe_headers(
    tenant, candidate, smtp_settings, commit, run_tasks
):
    with commit():
        message = send_email(
            company=tenant.company,
            to=["ada@example.com"],
            cc=["hr@example.com"],
            bcc=["archive@example.com"],
            subject="Offer letter",
            body_html="<p>Congratulations <b>Ada</b></p>",
            attachments=[("offer.pdf", b"%PDF-1.4 offer", "application/pdf")],
            headers={"X-Hireloop-Kind": "offer"},
            candidate=candidate,
            kind="offer",
        )
    run_tasks()

    assert len(smtp_settings.envelopes) == 1
    envelope = smtp_settings.envelopes[0]
    assert sorted(envelope.rcpt_tos) == ["ada@example.com", "archive@example.com", "hr@example.com"]
    received = smtp_settings.messages()[0]
    assert received["Subject"] == "Offer letter"
    assert received["To"] == "ada@example.com"
    assert received["Cc"] == "hr@example.com"
    assert received["Bcc"] is None
    assert received["Message-ID"] == message.message_id
    assert received["X-Hireloop-Kind"] == "offer"
    assert received["List-Unsubscribe"].strip() == f"<{message.unsubscribe_url}>"
    assert received["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert received.get_content_type() == "multipart/mixed"
    text = received.get_body(preferencelist=("plain",)).get_content()
    html = received.get_body(preferencelist=("html",)).get_content()
    assert "Congratulations Ada" in text and "Unsubscribe: http" in text
    assert "<b>Ada</b>" in html and "Unsubscribe</a>" in html
    attachments = list(received.iter_attachments())
    assert [(a.get_filename(), a.get_content_type(), a.get_content()) for a in attachments] == [
        ("offer.pdf", "application/pdf", b"%PDF-1.4 offer")
    ]
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT


def test_reply_carries_threading_headers(api, tenant, candidate, smtp_settings, commit, run_tasks):
    now = int(timezone.now().timestamp())
    with commit():
        first = api.post(
            f"/candidates/{candidate.pk}/messages",
            {"to": [candidate.email], "subject": "Hello", "body": "<p>1</p>", "scheduled_at": now},
        ).json()
    with commit():
        second = api.post(
            f"/candidates/{candidate.pk}/messages",
            {
                "to": [candidate.email],
                "subject": "Re: Hello",
                "body": "<p>2</p>",
                "scheduled_at": now,
                "reply_to_email_id": first["id"],
            },
        ).json()
    run_tasks()
    assert second["in_reply_to"] == first["message_id"]
    assert second["reply_to_email_id"] == first["id"]
    by_subject = {m["Subject"]: m for m in smtp_settings.messages()}
    assert by_subject["Re: Hello"]["In-Reply-To"] == first["message_id"]
    assert by_subject["Re: Hello"]["References"] == first["message_id"]
    assert by_subject["Hello"]["In-Reply-To"] is None


def test_mail_account_password_is_encrypted_never_returned_never_logged(
    api, tenant, candidate, auth_smtp_server, commit, run_tasks, caplog
):
    caplog.set_level(logging.DEBUG)
    password = "s3cret-Pa55"
    response = api.post(
        f"/users/{tenant.user.pk}/mail-accounts",
        {
            "email": "recruiter@acme.example",
            "display_name": "Rita Recruiter",
            "smtp_host": "127.0.0.1",
            "smtp_port": auth_smtp_server.port,
            "smtp_security": "none",
            "smtp_username": "mailer",
            "smtp_password": password,
        },
    )
    assert response.status_code == 201, response.content
    account = response.json()
    assert account["has_password"] is True
    assert account["is_default"] is True
    assert account["last_test_ok"] is True
    assert password not in response.content.decode()
    stored = MailAccount.objects.get(pk=account["id"])
    assert password not in stored.smtp_password_encrypted
    assert password not in repr(stored)

    for path in (
        "/companies/mail-accounts",
        f"/companies/{tenant.company.pk}/mail-accounts",
        f"/users/{tenant.user.pk}/mail-accounts",
    ):
        listed = api.get(path)
        assert listed.status_code == 200
        assert password not in listed.content.decode()
    assert [a["id"] for a in api.get(f"/users/{tenant.user.pk}/mail-accounts").json()["mail_accounts"]] == [
        account["id"]
    ]

    # The user's mailbox is their default sender: the message goes through it, authenticated.
    with commit():
        sent = api.post(
            f"/candidates/{candidate.pk}/messages",
            {"to": [candidate.email], "subject": "Hi", "body": "<p>x</p>", "scheduled_at": 0},
        ).json()
    assert sent["from_account_id"] == account["id"]
    run_tasks()
    assert auth_smtp_server.logins == ["mailer", "mailer"]  # the connection test, then the delivery
    assert auth_smtp_server.messages()[0]["From"] == "Rita Recruiter <recruiter@acme.example>"
    assert password not in caplog.text
    assert not any(password in str(e.data) for e in Event.objects.all())


def test_failed_connection_test_is_400_and_nothing_is_stored(api, tenant, auth_smtp_server):
    response = api.post(
        f"/users/{tenant.user.pk}/mail-accounts",
        {
            "email": "r@acme.example",
            "smtp_host": "127.0.0.1",
            "smtp_port": auth_smtp_server.port,
            "smtp_security": "none",
            "smtp_username": "mailer",
            "smtp_password": "wrong-password",
        },
    )
    assert response.status_code == 400
    assert "authentication failed" in response.json()["error"]["validation_errors"]["smtp_host"]
    assert "wrong-password" not in response.content.decode()
    assert not MailAccount.objects.filter(is_system=False).exists()


def test_member_cannot_connect_a_mailbox_for_someone_else(tenant):
    recruiter = tenant.member("recruiter")
    response = recruiter.api.post(
        f"/users/{tenant.user.pk}/mail-accounts",
        {"email": "x@acme.example", "smtp_host": "127.0.0.1", "test_connection": False},
    )
    assert response.status_code == 403


def test_company_default_sender_comes_from_default_from_email(api, tenant, settings):
    settings.DEFAULT_FROM_EMAIL = "Jobs <jobs@acme.example>"
    listed = api.get("/companies/mail-accounts").json()["mail_accounts"]
    assert [(a["email"], a["provider"], a["is_system"]) for a in listed] == [("jobs@acme.example", "system", True)]


def _unreachable_account(tenant) -> MailAccount:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # nothing listens here once the probe closes
    return MailAccount.objects.create(
        company=tenant.company,
        user=tenant.user,
        email="r@acme.example",
        smtp_host="127.0.0.1",
        smtp_port=port,
        smtp_security="none",
    )


def test_provider_failure_is_retried_with_backoff_then_failed_with_reason(
    tenant, candidate, settings, commit, run_tasks
):
    from hireloop.messaging.services import create_email

    settings.MESSAGE_MAX_ATTEMPTS = 3
    settings.MESSAGE_RETRY_BASE_SECONDS = 60
    account = _unreachable_account(tenant)
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        with commit():
            message = create_email(
                company=tenant.company,
                to=["ada@example.com"],
                subject="s",
                body_html="x",
                mail_account=account,
                candidate=candidate,
            )
        with commit():
            run_tasks()
    message.refresh_from_db()
    assert (message.status, message.attempts) == (MessageStatus.SCHEDULED, 1)
    assert message.next_attempt_at == start + timedelta(seconds=60)
    assert "SMTP unavailable" in message.failure_reason
    with time_machine.travel(start + timedelta(seconds=61), tick=False), commit():
        run_tasks()
    message.refresh_from_db()
    assert (message.status, message.attempts) == (MessageStatus.SCHEDULED, 2)
    assert message.next_attempt_at == start + timedelta(seconds=61 + 120)
    with time_machine.travel(start + timedelta(seconds=61 + 121), tick=False), commit():
        run_tasks()
    message.refresh_from_db()
    assert (message.status, message.attempts) == (MessageStatus.FAILED, 3)
    assert message.failed_at is not None
    kinds = list(Event.objects.filter(subject_type="message").order_by("pk").values_list("kind", flat=True))
    assert kinds == ["message.scheduled", "message.retry_scheduled", "message.retry_scheduled", "message.failed"]


def test_a_message_enqueued_twice_is_sent_once(tenant, commit, run_tasks, mailoutbox):
    with commit():
        message = send_email(company=tenant.company, to=["a@example.com"], subject="once", body_html="x")
    deliver_message.enqueue(message.pk)
    deliver_message.enqueue(message.pk)
    assert run_tasks() == 3
    assert len(mailoutbox) == 1
    assert Message.objects.get(pk=message.pk).attempts == 1


def test_abandoned_claim_is_recovered_after_the_lease(tenant, commit, run_tasks, mailoutbox):
    from hireloop.messaging.services import requeue_stalled

    message = send_email(company=tenant.company, to=["a@example.com"], subject="s", body_html="x")
    # A worker claimed it and died before sending (kill -9): status stays "sending".
    Message.objects.filter(pk=message.pk).update(status=MessageStatus.SENDING, claimed_at=timezone.now())
    assert requeue_stalled() == 0
    with time_machine.travel(timezone.now() + timedelta(minutes=11)):
        assert requeue_stalled() == 1
        run_tasks()
    assert len(mailoutbox) == 1
    assert Message.objects.get(pk=message.pk).status == MessageStatus.SENT
