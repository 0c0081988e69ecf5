"""Inbound replies (raw MIME email, Twilio SMS webhook), unsubscribe links and STOP opt-out."""

from email.message import EmailMessage

import pytest
from django.core import mail

from hireloop.activity.models import Event
from hireloop.messaging.models import Message, MessageStatus, OptOut
from hireloop.messaging.services import send_email, send_sms
from hireloop.messaging.tests.conftest import TOKEN, make_candidate

SECRET = "inbound-test-secret"


@pytest.fixture
def inbound(settings):
    settings.INBOUND_EMAIL_SECRET = SECRET
    settings.PUBLIC_BASE_URL = "https://ats.example.com"


def _reply_to(original: Message, *, body="Thanks, Tuesday works.", message_id="<reply-1@mail.example>") -> bytes:
    reply = EmailMessage()
    reply["From"] = "Ada Lovelace <ada@example.com>"
    reply["To"] = original.from_address
    reply["Subject"] = f"Re: {original.subject}"
    reply["Message-ID"] = message_id
    reply["In-Reply-To"] = original.message_id
    reply["References"] = original.message_id
    reply.set_content(body)
    reply.add_alternative(f"<p>{body}</p><script>steal()</script>", subtype="html")
    reply.add_attachment(b"cv bytes", maintype="application", subtype="pdf", filename="cv.pdf")
    return reply.as_bytes()


def _post_mime(anon, raw: bytes, secret=SECRET):
    return anon.post(
        "/messages/inbound/email",
        raw=raw,
        content_type="message/rfc822",
        headers={"X-Hireloop-Inbound-Secret": secret},
    )


def test_email_reply_is_threaded_onto_the_candidate(inbound, api, anon, tenant, candidate, commit, run_tasks):
    with commit():
        original = send_email(
            company=tenant.company, to=[candidate.email], subject="Interview", body_html="x", candidate=candidate
        )
    run_tasks()
    original.refresh_from_db()

    response = _post_mime(anon, _reply_to(original))

    assert response.status_code == 200, response.content
    assert response.json()["matched"] is True
    assert response.json()["candidate_id"] == candidate.pk
    reply = Message.objects.get(pk=response.json()["id"])
    assert (reply.direction, reply.status, reply.channel) == ("inbound", MessageStatus.RECEIVED, "email")
    assert reply.reply_to_message_id == original.pk
    assert reply.in_reply_to == original.message_id
    assert reply.body_text.strip() == "Thanks, Tuesday works."
    assert reply.body_html == "<p>Thanks, Tuesday works.</p>"  # script removed
    assert [a.file_name for a in reply.attachments.all()] == ["cv.pdf"]
    candidate.refresh_from_db()
    assert candidate.last_message_at == reply.received_at
    event = Event.objects.get(kind="message.received")
    assert (event.candidate_id, event.subject_id, event.actor_type) == (candidate.pk, reply.pk, "candidate")
    conversation = api.get(f"/candidates/{candidate.pk}/messages").json()["messages"]
    assert [m["direction"] for m in conversation] == ["inbound", "outbound"]

    # The mail server retrying the same reply does not duplicate it.
    assert _post_mime(anon, _reply_to(original)).json()["id"] == reply.pk
    assert Message.objects.filter(direction="inbound").count() == 1


def test_reply_to_unknown_thread_is_not_matched(inbound, anon, tenant):
    original = Message(subject="x", from_address="a@b.c", message_id="<nobody@nowhere>")
    response = _post_mime(anon, _reply_to(original))
    assert response.status_code == 200
    assert response.json() == {"matched": False, "id": None, "candidate_id": None}


def test_inbound_email_needs_the_shared_secret(inbound, anon, db):
    assert _post_mime(anon, b"Subject: x\r\n\r\nhi", secret="wrong").status_code == 401
    assert _post_mime(anon, b"Subject: x\r\n\r\nhi", secret="").status_code == 401


def test_unsubscribe_link_opts_out_and_further_sends_are_409(inbound, api, anon, tenant, candidate, commit, run_tasks):
    with commit():
        message = send_email(
            company=tenant.company, to=[candidate.email], subject="Hi", body_html="x", candidate=candidate
        )
    assert message.unsubscribe_url.startswith("https://ats.example.com/api/v2/unsubscribe/")
    path = message.unsubscribe_url.removeprefix("https://ats.example.com")
    page = anon.get(path)
    assert page.status_code == 200 and b"<form method='post'>" in page.content
    assert not OptOut.objects.exists()  # a GET (link scanner) changes nothing

    response = anon.post(path, raw=b"List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded")

    assert response.status_code == 200
    optout = OptOut.objects.get()
    assert (optout.address, optout.channel, optout.source, optout.candidate_id) == (
        candidate.email,
        "email",
        "list_unsubscribe",
        candidate.pk,
    )
    run_tasks()
    assert mail.outbox == []  # the pending message was suppressed
    assert Message.objects.get(pk=message.pk).status == MessageStatus.SUPPRESSED
    response = api.post(f"/candidates/{candidate.pk}/messages", {"to": [candidate.email], "subject": "s", "body": "b"})
    assert response.status_code == 409
    assert "has unsubscribed from email" in response.json()["error"]["message"]


def test_tampered_unsubscribe_token_is_400(anon, db):
    assert anon.post("/unsubscribe/bogus.token", raw=b"", content_type="text/plain").status_code == 400


# --- SMS: Twilio through the official SDK against a local fake --------------------------------


def test_sms_is_sent_through_the_twilio_sdk(twilio, tenant, candidate, commit, run_tasks):
    with commit():
        message = send_sms(company=tenant.company, to_phone="+15551230001", body="See you at 10", candidate=candidate)
    run_tasks()
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT
    assert message.provider_id == "SM" + "1".rjust(32, "0")
    assert message.from_address == "+15550009999"
    assert twilio.requests[0]["form"] == {"To": "+15551230001", "From": "+15550009999", "Body": "See you at 10"}


def test_twilio_rejection_fails_without_retry_and_5xx_is_retried(twilio, tenant, commit, run_tasks, settings):
    settings.MESSAGE_RETRY_BASE_SECONDS = 0
    with commit():
        bad = send_sms(company=tenant.company, to_phone="+15005550001", body="x")
    with commit():
        run_tasks()
    bad.refresh_from_db()
    assert (bad.status, bad.attempts) == (MessageStatus.FAILED, 1)
    assert bad.failure_reason == "Twilio error 21211: Unable to create record: Invalid 'To' Phone Number"

    twilio.requests.clear()
    with commit():
        flaky = send_sms(company=tenant.company, to_phone="+15005550009", body="x")
    with commit():
        run_tasks()  # 503, retry scheduled with no delay
    with commit():
        run_tasks()
    flaky.refresh_from_db()
    assert (flaky.status, flaky.attempts) == (MessageStatus.SENT, 2)


def test_invalid_phone_is_400(tenant):
    from hireloop.core.errors import ValidationFailed

    with pytest.raises(ValidationFailed) as error:
        send_sms(company=tenant.company, to_phone="12", body="x")
    assert "E.164" in error.value.validation_errors["to_phone"]


def _twilio_post(anon, form: dict):
    from twilio.request_validator import RequestValidator

    url = "https://ats.example.com/api/v2/messages/inbound/sms"
    signature = RequestValidator(TOKEN).compute_signature(url, form)
    from urllib.parse import urlencode

    return anon.post(
        "/messages/inbound/sms",
        raw=urlencode(form).encode(),
        content_type="application/x-www-form-urlencoded",
        headers={"X-Twilio-Signature": signature},
    )


def test_inbound_sms_reply_and_stop_opt_out(twilio, tenant, anon, candidate, commit, run_tasks):
    with commit():
        send_sms(company=tenant.company, to_phone=candidate.phone, body="Interview at 10?", candidate=candidate)
    run_tasks()
    form = {"From": candidate.phone, "To": "+15550009999", "Body": "Yes!", "MessageSid": "SMinbound1"}
    response = _twilio_post(anon, form)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/xml"
    reply = Message.objects.get(direction="inbound")
    assert (reply.candidate_id, reply.body_text, reply.status) == (candidate.pk, "Yes!", MessageStatus.RECEIVED)
    assert Event.objects.filter(kind="message.received", candidate_id=candidate.pk).count() == 1
    candidate.refresh_from_db()
    assert candidate.last_message_at is not None

    _twilio_post(anon, {**form, "Body": " STOP ", "MessageSid": "SMinbound2"})
    assert OptOut.objects.filter(company=tenant.company, channel="sms", address=candidate.phone).exists()
    with commit():
        suppressed = send_sms(company=tenant.company, to_phone=candidate.phone, body="again", candidate=candidate)
    run_tasks()
    assert suppressed.status == MessageStatus.SUPPRESSED
    assert len(twilio.requests) == 1  # only the first SMS reached Twilio

    _twilio_post(anon, {**form, "Body": "START", "MessageSid": "SMinbound3"})
    assert not OptOut.objects.filter(channel="sms").exists()


def test_inbound_sms_with_a_bad_signature_is_403(twilio, anon, tenant):
    make_candidate(tenant.company)
    response = anon.post(
        "/messages/inbound/sms",
        raw=b"From=%2B15551230001&Body=hi",
        content_type="application/x-www-form-urlencoded",
        headers={"X-Twilio-Signature": "forged"},
    )
    assert response.status_code == 403
    assert not Message.objects.exists()
