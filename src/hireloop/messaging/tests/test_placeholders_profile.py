"""Profile-question and job-variable placeholders: listed per company, prepared, rendered and escaped."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from hireloop.applications.models import Application
from hireloop.jobs.tests.helpers import JOB_BODY
from hireloop.messaging.models import Message


def _question(api, text, type="text", options=None):
    response = api.post("/questions", {"text": text, "type": type, "options": options})
    assert response.status_code == 201, response.content
    return response.json()["id"]


def _candidate(api, email="grace@example.com", profile=None):
    response = api.post("/candidates", {"first_name": "Grace", "email": email, "profile": profile or {}})
    assert response.status_code == 201, response.content
    return response.json()["id"]


def _term(api, path, key, name):
    return next(t["id"] for t in api.get(f"/{path}", {"size": 100}).json()[key] if t["name"] == name)


def _job(api, **fields):
    response = api.post("/jobs", {**JOB_BODY, **fields})
    assert response.status_code == 201, response.content
    return response.json()


def _apply(api, candidate_id, job_id):
    response = api.post("/applications", {"candidate_id": candidate_id, "job_id": job_id})
    assert response.status_code == 201, response.content
    return response.json()["id"]


def _send(api, candidate_id, body, subject="Hello", **fields):
    return api.post(
        f"/candidates/{candidate_id}/messages",
        {"to": ["grace@example.com"], "subject": subject, "body": body, **fields},
    )


def test_listing_has_the_companys_profile_questions_and_not_another_companys(api, other_tenant):
    notice = _question(api, "Notice period")
    salary = _question(api, "Expected salary", type="number")
    theirs = _question(other_tenant.api, "Favourite colour")

    listed = api.get("/template-placeholders", {"size": 100}).json()["template_placeholders"]
    by_key = {p["key"]: p for p in listed}
    assert by_key[f"profile_{notice}"] == {
        "key": f"profile_{notice}",
        "label": "Notice period",
        "type": "profile_field",
        "placeholder": f"{{{{profile_{notice}}}}}",
        "is_notification": False,
    }
    assert f"profile_{salary}" in by_key
    assert f"profile_{theirs}" not in by_key
    assert "Favourite colour" not in [p["label"] for p in listed]
    assert {"job_location", "job_department", "job_employment_type", "job_url", "stage_name"} <= set(by_key)

    profile = api.get("/template-placeholders", {"type": "profile_field", "size": 100}).json()
    assert {p["type"] for p in profile["template_placeholders"]} == {"profile_field"}
    assert {f"profile_{notice}", f"profile_{salary}", "first_name"} <= {
        p["key"] for p in profile["template_placeholders"]
    }
    jobs = api.get("/template-placeholders", {"type": "job_variable", "size": 100}).json()["template_placeholders"]
    assert not [p for p in jobs if p["key"].startswith("profile_")]
    found = api.get("/template-placeholders", {"q": "salary"}).json()["template_placeholders"]
    assert [p["key"] for p in found] == [f"profile_{salary}"]


def test_prepare_a_profile_question_by_id_or_exact_text(api, other_tenant):
    notice = _question(api, "Notice period")
    theirs = _question(other_tenant.api, "Favourite colour")
    expected = {
        "key": f"profile_{notice}",
        "type": "profile_field",
        "placeholder": f"{{{{profile_{notice}}}}}",
        "html": f'<span class="placeholder" data-placeholder="profile_{notice}">{{{{profile_{notice}}}}}</span>',
    }
    for payload in (
        {"identifier": str(notice)},
        {"identifier": "Notice period"},
        {"qas_profile_question_id": notice},
    ):
        response = api.post("/template-placeholders/prepare", {"type": "profile_field", **payload})
        assert response.status_code == 200, (payload, response.content)
        assert response.json() == expected
    fixed = api.post("/template-placeholders/prepare", {"type": "profile_field", "identifier": "first_name"})
    assert fixed.json()["placeholder"] == "{{first_name}}"
    theirs_by_id = api.post(
        "/template-placeholders/prepare", {"type": "profile_field", "qas_profile_question_id": theirs}
    )
    assert theirs_by_id.status_code == 400
    for identifier in (str(theirs), "Favourite colour", "Notice", "9" * 30):
        response = api.post("/template-placeholders/prepare", {"type": "profile_field", "identifier": identifier})
        assert response.status_code == 400, identifier
        assert "identifier" in response.json()["error"]["validation_errors"]


def test_message_renders_profile_answers_and_job_variables(api, tenant, settings, smtp_settings, commit, run_tasks):
    settings.PUBLIC_BASE_URL = "https://ats.example.com"
    notice = _question(api, "Notice period")
    languages = _question(api, "Languages", type="multiselect", options=["English", "French", "German"])
    relocate = _question(api, "Willing to relocate", type="boolean")
    note = _question(api, "Anything else?", type="textarea")
    candidate_id = _candidate(
        api,
        profile={
            "Notice period": "1 month",
            "Languages": ["English", "French"],
            "Willing to relocate": "yes",
            "Anything else?": '<script>alert("x")</script> & more',
        },
    )
    job = _job(
        api,
        title="Platform Engineer",
        department_id=_term(api, "departments", "departments", "Engineering"),
        employment_type_id=_term(api, "employment-types", "employment_types", "Full-time"),
    )
    application_id = _apply(api, candidate_id, job["id"])
    stage = Application.objects.select_related("stage").get(pk=application_id).stage.name
    body = (
        f"<p>{{{{profile_{notice}}}}}|{{{{profile_{languages}}}}}|{{{{profile_{relocate}}}}}|{{{{profile_{note}}}}}</p>"
        "<p>{{job_title}}|{{job_location}}|{{job_department}}|{{job_employment_type}}|{{stage_name}}</p>"
        '<p><a href="{{job_url}}">Apply</a></p>'
    )

    with commit():
        response = _send(
            api,
            candidate_id,
            body,
            subject=f"{{{{job_title}}}} in {{{{job_location}}}}: {{{{profile_{note}}}}}",
            application_id=application_id,
            scheduled_at=int(timezone.now().timestamp()),
        )
    run_tasks()

    assert response.status_code == 201, response.content
    expected_body = (
        "<p>1 month|English, French|Yes|&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; more</p>"
        f"<p>Platform Engineer|Lisbon, Portugal|Engineering|Full-time|{stage}</p>"
        f'<p><a href="{job["url"]}">Apply</a></p>'
    )
    assert job["url"].startswith("https://ats.example.com/careers/")
    assert response.json()["body"] == expected_body
    stored = Message.objects.get(pk=response.json()["id"])
    assert stored.body_html == expected_body
    assert stored.subject == 'Platform Engineer in Lisbon, Portugal: <script>alert("x")</script> & more'
    [sent] = smtp_settings.messages()
    html = sent.get_body(("html",)).get_content()
    assert expected_body in html
    assert "<script>" not in html


def test_unanswered_profile_question_renders_empty(api):
    notice = _question(api, "Notice period")
    candidate_id = _candidate(api)

    response = _send(api, candidate_id, f"<p>[{{{{profile_{notice}}}}}]</p>")

    assert response.status_code == 201, response.content
    assert response.json()["body"] == "<p>[]</p>"


def test_unknown_or_foreign_profile_question_is_400_naming_it(api, other_tenant):
    theirs = _question(other_tenant.api, "Favourite colour")
    candidate_id = _candidate(api)

    for key in ("profile_999999", f"profile_{theirs}"):
        response = _send(api, candidate_id, f"<p>{{{{{key}}}}}</p>")
        assert response.status_code == 400, key
        assert response.json()["error"]["validation_errors"] == {"body": f"Unknown placeholder {{{{{key}}}}}."}
        template = api.post("/email-templates", {"name": "x", "subject": f"{{{{{key}}}}}", "body": "b"})
        assert template.status_code == 400, key
        assert template.json()["error"]["validation_errors"] == {"subject": f"Unknown placeholder {{{{{key}}}}}."}
    assert Message.objects.count() == 0


def test_template_with_a_profile_placeholder_is_saved_and_renders(api):
    notice = _question(api, "Notice period")
    candidate_id = _candidate(api, profile={"Notice period": "2 weeks"})
    template = api.post(
        "/email-templates", {"name": "Notice", "subject": "Hi", "body": f"<p>{{{{profile_{notice}}}}}</p>"}
    )
    assert template.status_code == 201, template.content

    response = _send(api, candidate_id, template.json()["body"])

    assert response.json()["body"] == "<p>2 weeks</p>"


def test_job_variables_need_an_application(api):
    candidate_id = _candidate(api)

    response = _send(api, candidate_id, "<p>{{stage_name}}</p>")

    assert response.status_code == 400
    assert response.json()["error"]["validation_errors"] == {
        "body": "Placeholder {{stage_name}} needs application_id to be rendered."
    }


def test_batch_reads_each_candidates_answers_in_one_query_per_message(api):
    notice = _question(api, "Notice period")
    ids = [_candidate(api, email=f"c{i}@example.com", profile={"Notice period": f"{i} weeks"}) for i in range(4)]
    item = {"to": ["c@example.com"], "subject": "Hi", "body": f"<p>{{{{profile_{notice}}}}}</p>"}

    with CaptureQueriesContext(connection) as queries:
        response = api.post("/messages/batch/create", {"messages": [{**item, "candidate_id": i} for i in ids]})

    assert response.status_code == 200
    assert [r["data"]["body"] for r in response.json()["results"]] == [f"<p>{i} weeks</p>" for i in range(4)]
    answer_reads = [q for q in queries.captured_queries if "profileanswer" in q["sql"].lower()]
    assert len(answer_reads) == len(ids)


def test_text_message_renders_a_profile_answer_unescaped(api):
    relocate = _question(api, "Willing to relocate", type="boolean")
    response = api.post(
        "/candidates", {"first_name": "Grace", "phone": "+15551230009", "profile": {"Willing to relocate": "no"}}
    )
    candidate_id = response.json()["id"]

    sms = api.post(
        f"/candidates/{candidate_id}/text-messages", {"body": f"Relocate: {{{{profile_{relocate}}}}} & more"}
    )

    assert sms.status_code == 201, sms.content
    assert Message.objects.get(pk=sms.json()["id"]).body_text == "Relocate: No & more"


def test_listing_placeholders_reads_the_questions_in_one_query(api, settings):
    settings.RATE_LIMIT_ENABLED = False
    _question(api, "Notice period")
    with CaptureQueriesContext(connection) as one:
        api.get("/template-placeholders", {"size": 100})
    for index in range(5):
        _question(api, f"Question {index}")
    with CaptureQueriesContext(connection) as six:
        response = api.get("/template-placeholders", {"size": 100})

    assert len(six) == len(one)
    assert len([p for p in response.json()["template_placeholders"] if p["key"].startswith("profile_")]) == 6
