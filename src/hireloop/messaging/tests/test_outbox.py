"""The staff outbox in the back office: with no SMTP server (the embedded default) every email is readable there."""

from hireloop.core.models import OutboxEmail
from hireloop.messaging.models import Message, MessageStatus
from hireloop.messaging.services import send_email, send_sms


def _staff(user):
    user.is_staff = user.is_superuser = True
    user.save(update_fields=["is_staff", "is_superuser"])
    return user


def test_staff_read_sent_mail_in_the_outbox_without_an_smtp_server(
    tenant, candidate, client, settings, commit, run_tasks
):
    settings.EMAIL_BACKEND = "hireloop.core.email.OutboxEmailBackend"  # the embedded default (tests use locmem)
    with commit():
        email = send_email(
            company=tenant.company,
            candidate=candidate,
            to=[candidate.email],
            subject="Interview next week",
            body_html="<p>Hello <b>Ada</b></p><script>alert(1)</script>",
        )
        sms = send_sms(company=tenant.company, candidate=candidate, to_phone=candidate.phone, body="See you Monday")
    assert run_tasks() == 2
    assert Message.objects.get(pk=email.pk).status == MessageStatus.SENT
    stored = OutboxEmail.objects.get()
    assert stored.subject == "Interview next week" and stored.recipients == ["ada@example.com"]
    assert "List-Unsubscribe" in stored.raw

    client.force_login(_staff(tenant.user))
    outbox = client.get("/admin/core/outboxemail/")
    assert outbox.status_code == 200
    assert "Interview next week" in outbox.content.decode()
    messages = client.get("/admin/messaging/message/?status__exact=sent").content.decode()
    assert "Interview next week" in messages
    page = client.get(f"/admin/messaging/message/{email.pk}/change/").content.decode()
    # The rendered email is shown in a sandboxed frame; its markup is never live in the admin page.
    assert '<iframe sandbox srcdoc="&lt;p&gt;Hello &lt;b&gt;Ada&lt;/b&gt;' in page
    assert "<script>alert(1)</script>" not in page
    assert "See you Monday" in client.get(f"/admin/messaging/message/{sms.pk}/change/").content.decode()


def test_outbox_is_for_staff_only(tenant, client):
    client.force_login(tenant.user)  # a company admin without back-office access
    response = client.get("/admin/messaging/message/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_demo_conversation_is_delivered_to_the_outbox(tenant, settings, django_capture_on_commit_callbacks, run_tasks):
    from hireloop.messaging import demo

    settings.EMAIL_BACKEND = "hireloop.core.email.OutboxEmailBackend"
    with django_capture_on_commit_callbacks(execute=True):
        demo.load(company=tenant.company, admin=tenant.user)
        demo.load(company=tenant.company, admin=tenant.user)  # idempotent
    run_tasks()
    statuses = sorted(Message.objects.filter(company=tenant.company).values_list("direction", "channel", "status"))
    assert statuses == [
        ("inbound", "email", "received"),
        ("outbound", "email", "scheduled"),
        ("outbound", "email", "scheduled"),
        ("outbound", "email", "sent"),
        ("outbound", "sms", "sent"),
    ]
    assert OutboxEmail.objects.count() == 1
    assert tenant.api.get("/email-templates").json()["pagination"]["total_count"] == 3
    reply = Message.objects.get(company=tenant.company, direction="inbound")
    thread = tenant.api.get(f"/candidates/{reply.candidate_id}/messages").json()["messages"]
    assert [m["status"] for m in thread] == ["scheduled", "received", "sent"]  # newest first, reply included
