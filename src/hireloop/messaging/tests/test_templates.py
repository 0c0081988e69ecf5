"""Email templates, placeholders, notification templates and notification messages."""

from datetime import timedelta

import time_machine
from django.core import mail
from django.utils import timezone

from hireloop.activity.models import Event
from hireloop.applications.models import Application
from hireloop.core.aliases import assign_alias
from hireloop.jobs.models import Job, Workflow
from hireloop.messaging.models import EmailTemplate, Message, MessageStatus
from hireloop.messaging.services import schedule_application_received_email, schedule_rejection_email
from hireloop.messaging.tests.conftest import make_candidate


def _application(tenant, candidate, title="Data <Engineer>"):
    workflow = Workflow.objects.create(company=tenant.company, name="Default")
    job = Job(company=tenant.company, title=title, workflow=workflow)
    assign_alias(job)
    job.save()
    return Application.objects.create(company=tenant.company, candidate=candidate, job=job)


def test_email_template_crud_with_soft_delete(api, tenant):
    created = api.post(
        "/email-templates", {"name": "Invite", "subject": "Hi {{first_name}}", "body": "<p>{{job_title}}</p>"}
    )
    assert created.status_code == 201, created.content
    template_id = created.json()["id"]
    assert created.json()["created_by_user_id"] == tenant.user.pk
    updated = api.put(f"/email-templates/{template_id}", {"subject": "Hello {{first_name}}"})
    assert updated.json()["subject"] == "Hello {{first_name}}"
    assert updated.json()["name"] == "Invite"  # not supplied, kept
    assert api.get("/email-templates").json()["pagination"]["total_count"] == 1
    assert api.delete(f"/email-templates/{template_id}").status_code == 204
    assert api.get(f"/email-templates/{template_id}").status_code == 404
    assert api.get("/email-templates").json()["email_templates"] == []
    assert EmailTemplate.objects.get(pk=template_id).deleted_at is not None
    kinds = list(Event.objects.filter(subject_type="emailtemplate").values_list("kind", flat=True))
    assert sorted(kinds) == ["email_template.created", "email_template.deleted", "email_template.updated"]


def test_template_with_unknown_placeholder_is_400_naming_it(api):
    response = api.post("/email-templates", {"name": "x", "subject": "s", "body": "Hi {{ nickname }}"})
    assert response.status_code == 400
    assert response.json()["error"]["validation_errors"] == {"body": "Unknown placeholder {{nickname}}."}


def test_template_of_another_company_is_404(api, other_tenant):
    theirs = other_tenant.api.post("/email-templates", {"name": "x", "subject": "s", "body": "b"}).json()["id"]
    assert api.get(f"/email-templates/{theirs}").status_code == 404
    assert api.delete(f"/email-templates/{theirs}").status_code == 404


def test_interviewer_cannot_write_templates(tenant):
    assert (
        tenant.member("interviewer")
        .api.post("/email-templates", {"name": "x", "subject": "s", "body": "b"})
        .status_code
        == 403
    )


def test_list_placeholders_filters_by_type_query_and_notification(api):
    keys = [p["key"] for p in api.get("/template-placeholders", {"size": 100}).json()["template_placeholders"]]
    assert {"first_name", "last_name", "job_title", "company_name", "sender_name"} <= set(keys)
    assert "rejection_reason" not in keys
    with_notification = api.get("/template-placeholders", {"is_notification": 1, "size": 100}).json()
    assert "rejection_reason" in [p["key"] for p in with_notification["template_placeholders"]]
    jobs = api.get("/template-placeholders", {"type": "job_variable"}).json()["template_placeholders"]
    assert {p["type"] for p in jobs} == {"job_variable"}
    found = api.get("/template-placeholders", {"q": "FIRST"}).json()["template_placeholders"]
    assert [p["placeholder"] for p in found] == ["{{first_name}}", "{{sender_first_name}}"]


def test_prepare_placeholder_returns_the_tag(api):
    response = api.post("/template-placeholders/prepare", {"type": "system", "system_column_title": "Company name"})
    assert response.status_code == 200
    assert response.json()["placeholder"] == "{{company_name}}"
    assert (
        response.json()["html"] == '<span class="placeholder" data-placeholder="company_name">{{company_name}}</span>'
    )
    assert api.post("/template-placeholders/prepare", {"type": "system", "identifier": "nope"}).status_code == 400
    assert api.post("/template-placeholders/prepare", {"type": "bogus", "identifier": "first_name"}).status_code == 400


def test_job_placeholders_render_with_application_and_are_escaped(api, tenant, candidate):
    application = _application(tenant, candidate)
    response = api.post(
        f"/candidates/{candidate.pk}/messages",
        {
            "to": [candidate.email],
            "subject": "{{job_title}} at {{company_name}}",
            "body": "<p>{{job_title}} — {{sender_name}}</p>",
            "application_id": application.pk,
        },
    )
    assert response.status_code == 201, response.content
    assert response.json()["subject"] == f"Data <Engineer> at {tenant.company.name}"
    assert response.json()["body"] == f"<p>Data &lt;Engineer&gt; — {tenant.user.full_name}</p>"
    assert response.json()["application_id"] == application.pk


def test_application_of_another_candidate_is_404(api, tenant, candidate):
    other = make_candidate(tenant.company, email="b@example.com")
    application = _application(tenant, other)
    response = api.post(
        f"/candidates/{candidate.pk}/messages",
        {"to": [candidate.email], "subject": "s", "body": "b", "application_id": application.pk},
    )
    assert response.status_code == 404


def test_rejection_email_uses_the_company_template_and_the_cancel_window(api, tenant, candidate, commit, run_tasks):
    application = _application(tenant, candidate, title="Engineer")
    api.put(
        "/notification-templates/rejection",
        {"subject": "{{job_title}}: an update", "body": "<p>Sorry {{first_name}}. {{rejection_reason}}</p>"},
    )
    start = timezone.now()
    with time_machine.travel(start, tick=False), commit():
        message = schedule_rejection_email(
            company=tenant.company, application=application, actor=tenant.user, reason="Position filled"
        )
    assert message.is_notification is True
    assert message.kind == "rejection"
    assert message.scheduled_at == start + timedelta(minutes=15)
    assert (message.related_type, message.related_id) == ("application", application.pk)
    got = api.get(f"/notification-messages/{message.pk}").json()
    assert got["subject"] == "Engineer: an update"
    assert got["body"] == "<p>Sorry Ada. Position filled</p>"
    assert got["is_cancelable"] is True

    updated = api.put(
        f"/notification-messages/{message.pk}", {"subject": "Update", "body": "<p>Bye {{first_name}}</p>"}
    )
    assert updated.json()["body"] == "<p>Bye Ada</p>"
    assert updated.json()["scheduled_at"] == got["scheduled_at"]  # omitted = keep

    with time_machine.travel(start + timedelta(minutes=16), tick=False):
        run_tasks()
    assert [m.subject for m in mail.outbox] == ["Update"]
    assert api.delete(f"/notification-messages/{message.pk}").status_code == 409


def test_default_templates_are_listed_and_can_be_disabled(api, tenant, candidate):
    listed = api.get("/notification-templates").json()
    assert [(t["kind"], t["is_default"]) for t in listed] == [("rejection", True), ("application_received", True)]
    response = api.put("/notification-templates/application_received", {"is_enabled": False})
    assert response.json()["is_enabled"] is False and response.json()["is_default"] is False
    application = _application(tenant, candidate)
    assert schedule_application_received_email(company=tenant.company, application=application) is None
    assert api.put("/notification-templates/rejection", {"body": "{{unknown}}"}).status_code == 400
    assert api.get("/notification-templates/nope").status_code == 404


def test_cancel_all_notification_messages_of_a_candidate(api, tenant, candidate, commit, run_tasks):
    application = _application(tenant, candidate)
    with commit():
        first = schedule_rejection_email(company=tenant.company, application=application, actor=tenant.user)
        received = schedule_application_received_email(company=tenant.company, application=application)
    run_tasks()  # the acknowledgement goes now; the rejection waits for its window
    response = api.delete(f"/candidates/{candidate.alias}/notification-messages")
    assert response.status_code == 200
    assert response.json() == {"cancelled": 1}
    assert Message.objects.get(pk=first.pk).status == MessageStatus.CANCELLED
    assert Message.objects.get(pk=received.pk).status == MessageStatus.SENT
    assert api.delete(f"/candidates/{candidate.alias}/notification-messages").json() == {"cancelled": 0}


def test_plain_message_is_not_a_notification_message(api, tenant, candidate):
    message_id = api.post(
        f"/candidates/{candidate.pk}/messages", {"to": [candidate.email], "subject": "s", "body": "b"}
    ).json()["id"]
    assert api.get(f"/notification-messages/{message_id}").status_code == 404
