"""Applications over the API (003): the generic kit, create rules, the full object, filters, query counts."""

import base64

import pytest
from django_tasks_db.models import DBTaskResult

from hireloop.activity.models import Event
from hireloop.applications.models import Application, StageChange
from hireloop.candidates.models import Candidate
from hireloop.core.testing.api_kit import ResourceKit, assert_error, ids
from hireloop.jobs.tests.helpers import make_application, make_candidate, make_job, stages_of

PDF = base64.b64encode(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n").decode()


class TestApplicationsResource(ResourceKit):
    url = "/applications"
    key = "applications"
    update_payload = {"custom_fields": {"referral": "yes"}}
    invalid_payload = ({"job_id": 1}, "candidate_id")
    list_max_queries = 9

    def payload_for_create(self, tenant):
        job = make_job(tenant)
        candidate = make_candidate(tenant.company)
        return {"candidate_id": candidate.alias, "job_id": job.pk}

    def check_created(self, tenant, body):
        assert body["status"] == "active" and body["stage"]["name"] == "Applied"

    def make(self, tenant):
        return make_application(tenant)


def test_created_application_is_the_003_object(api, tenant, django_capture_on_commit_callbacks):
    job = make_job(tenant, internal_job_id="REQ-1")
    candidate = make_candidate(tenant.company, phone="+351 900")
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post("/applications?include=job", {"candidate_id": candidate.pk, "job_id": job.alias})
    assert response.status_code == 201, response.content
    body = response.json()
    first = stages_of(job)[0]
    assert body["stage"] == {"id": first.pk, "name": "Applied"}
    assert (body["candidate_id"], body["job_id"], body["job_alias"]) == (candidate.pk, job.pk, job.alias)
    assert body["company_id"] == tenant.company.pk and body["internal_job_id"] == "REQ-1"
    assert body["status"] == "active" and body["is_disqualified"] is False
    for field in (
        "cv",
        "rejected_at",
        "rejection_reason",
        "hired_at",
        "hiring_team",
        "custom_fields",
        "ai_score",
        "ai_recommendation",
        "ai_scoring_updated_at",
        "last_message_at",
        "days_since_last_message",
    ):
        assert body[field] is None, field
    assert body["candidate"]["emails"] == ["ada@example.com"] and body["candidate"]["phones"] == ["+351 900"]
    assert body["job"]["id"] == job.pk and body["job"]["ai_scoring_criteria"] == []
    assert isinstance(body["created_at"], int) and body["url_backoffice"].endswith(candidate.alias)
    event = Event.objects.get(kind="application.created")
    assert (event.candidate_id, event.job_id, event.actor_id) == (candidate.pk, job.pk, tenant.user.pk)
    assert DBTaskResult.objects.filter(task_path__endswith="score_application_task", args_kwargs__args=[body["id"]])
    history = StageChange.objects.get(application_id=body["id"])
    assert (history.from_stage_id, history.to_stage_id, history.moved_by_type) == (None, first.pk, "system")


def test_second_application_to_the_same_job_is_409_with_the_existing_id(api, tenant):
    application = make_application(tenant)
    response = api.post("/applications", {"candidate_id": application.candidate_id, "job_id": application.job_id})
    error = assert_error(response, 409, name="Conflict")
    assert error["application_id"] == application.pk


@pytest.mark.parametrize("status", ["Closed", "Archived"])
def test_closed_or_archived_jobs_take_no_applications(api, tenant, status):
    job = make_job(tenant)
    api.patch(f"/jobs/{job.pk}/status", {"status": status})
    candidate = make_candidate(tenant.company)
    assert_error(api.post("/applications", {"candidate_id": candidate.pk, "job_id": job.pk}), 409)
    assert not Application.objects.exists()


def test_create_at_a_given_stage_and_with_a_cv(api, tenant):
    job = make_job(tenant)
    candidate = make_candidate(tenant.company)
    stage = stages_of(job)[2]
    response = api.post(
        "/applications",
        {
            "candidate_id": candidate.pk,
            "job_id": job.pk,
            "stage_id": stage.pk,
            "cv": {"data": PDF, "file_name": "ada.pdf", "mime_type": "application/pdf"},
        },
    )
    body = response.json()
    assert body["stage"]["id"] == stage.pk
    assert body["cv"]["file"]["orig_file_name"] == "ada.pdf" and body["cv"]["file"]["file_type"] == "application/pdf"
    download = api.client.get(body["cv"]["url"], headers={"Authorization": f"Bearer {api.token}"})
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")


def test_an_application_cv_is_parsed_into_the_candidates_resume_profile(
    api, tenant, run_tasks, django_capture_on_commit_callbacks
):
    from hireloop.ai.embeddings import minilm_available
    from hireloop.ai.models import ParseStatus, ResumeProfile
    from hireloop.ai.tests.resume_files import pdf_bytes

    if not minilm_available():
        pytest.skip("needs the `ai` extra (the local embedding model)")
    job = make_job(tenant)
    candidate = make_candidate(tenant.company)
    cv = {"data": base64.b64encode(pdf_bytes()).decode(), "file_name": "maria.pdf", "mime_type": "application/pdf"}
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post("/applications", {"candidate_id": candidate.pk, "job_id": job.pk, "cv": cv})
    assert response.status_code == 201, response.content
    run_tasks()
    profile = ResumeProfile.objects.get(candidate=candidate)
    assert profile.status == ParseStatus.PARSED and profile.file_name == "maria.pdf"
    assert "Spark" in profile.text
    cv = api.get(f"/applications/{response.json()['id']}", {"include": "cv.text"}).json()["cv"]
    assert cv["file"]["orig_file_name"] == "maria.pdf" and "Spark" in cv["text"]


def test_every_id_in_the_create_body_is_tenant_scoped(api, tenant, other_tenant):
    job = make_job(tenant)
    candidate = make_candidate(tenant.company)
    foreign_job = make_job(other_tenant)
    foreign_candidate = make_candidate(other_tenant.company)
    foreign_stage = stages_of(foreign_job)[0]
    other_job_stage = stages_of(make_job(tenant, title="Other"))[0]
    cases = [
        ({"candidate_id": foreign_candidate.pk, "job_id": job.pk}, 400),
        ({"candidate_id": foreign_candidate.alias, "job_id": job.pk}, 400),
        ({"candidate_id": candidate.pk, "job_id": foreign_job.pk}, 400),
        ({"candidate_id": candidate.pk, "job_id": job.pk, "stage_id": foreign_stage.pk}, 400),
        ({"candidate_id": candidate.pk, "job_id": job.pk, "stage_id": other_job_stage.pk}, 400),
    ]
    for body, status in cases:
        assert_error(api.post("/applications", body), status)
    assert not Application.objects.exists()


def test_knockout_wrong_answer_disqualifies_at_once(api, tenant):
    job = make_job(
        tenant,
        knockout_questions=[
            {"text": "Can you work in the EU?", "expected_answer": "Yes", "disqualify_on_wrong_answer": True},
            {"text": "Do you have a car?", "expected_answer": "Yes", "disqualify_on_wrong_answer": False},
        ],
    )
    fine = api.post(
        "/applications",
        {"candidate_id": make_candidate(tenant.company).pk, "job_id": job.pk, "answers": {"2": "No", "1": "yes"}},
    ).json()
    assert fine["is_disqualified"] is False and fine["answers"] == {"1": "Yes", "2": "No"}
    out = api.post(
        "/applications",
        {
            "candidate_id": make_candidate(tenant.company).pk,
            "job_id": job.pk,
            "answers": {"Can you work in the EU?": False},
        },
    ).json()
    assert out["is_disqualified"] is True and out["rejection_reason"][0]["name"] == "Failed screening questions"
    assert Event.objects.filter(kind="application.disqualified", subject_id=out["id"]).exists()
    bad = api.post(
        "/applications", {"candidate_id": make_candidate(tenant.company).pk, "job_id": job.pk, "answers": {"9": "Yes"}}
    )
    assert_error(bad, 400, fields=["answers"])


def test_list_filters_and_sorting(api, tenant):
    job = make_job(tenant)
    other_job = make_job(tenant, title="Designer")
    a = make_application(tenant, job=job)
    b = make_application(tenant, job=job)
    c = make_application(tenant, job=other_job)
    Application.objects.filter(pk=a.pk).update(ai_score=80.4)
    Application.objects.filter(pk=b.pk).update(ai_score=40)
    second = stages_of(job)[1]
    api.post(f"/applications/{b.pk}/move", {"stage_id": second.pk})
    api.post(f"/applications/{c.pk}/reject", {"suppress_notification": True})

    def listed(**query):
        return ids(api.get("/applications", query).json()["applications"])

    assert listed(job_id=job.pk) == [b.pk, a.pk]
    assert listed(job_id=job.alias, stage_id=second.pk) == [b.pk]
    assert listed(candidate_id=a.candidate_id) == [a.pk]
    assert listed(status="rejected") == [c.pk]
    assert listed(status="pending") == [b.pk, a.pk]
    assert listed(ai_score_min=50) == [a.pk]
    assert listed(ai_score_max=50) == [b.pk]
    assert listed(sort="-ai_score") == [a.pk, b.pk, c.pk]
    assert listed(sort="created_at") == [a.pk, b.pk, c.pk]
    assert listed(created_after=4102444800) == []
    assert api.get("/applications", {"sort": "-ai_score"}).json()["applications"][0]["ai_score"] == 80
    assert_error(api.get("/applications", {"sort": "name"}), 400, fields=["sort"])
    summary = api.get("/applications", {"view": "summary"}).json()["applications"][0]
    assert "candidate" not in summary and "cv" not in summary and "stage" in summary


@pytest.mark.parametrize("include,queries", [("", 9), ("candidate", 9), ("candidate,cv.text,job", 10)])
def test_list_query_count_is_pinned_whatever_the_page(
    api, tenant, settings, django_assert_max_num_queries, include, queries
):
    settings.RATE_LIMIT_ENABLED = False
    for i in range(3):
        job = make_job(tenant, title=f"Job {i}")
        api.post(f"/jobs/{job.pk}/hiring-team", {"user_id": tenant.user.pk})
        for _ in range(4):
            make_application(tenant, job=job)
    api.get("/applications")
    with django_assert_max_num_queries(queries):
        body = api.get("/applications", {"include": include, "size": 100}).json()
    assert len(body["applications"]) == 12
    assert all(a["hiring_team"][0]["id"] == tenant.user.pk for a in body["applications"])


def test_delete_records_the_event_and_frees_the_candidate_to_apply_again(api, tenant):
    application = make_application(tenant)
    assert api.delete(f"/applications/{application.pk}").json() == {"success": True}
    assert Event.objects.filter(kind="application.deleted", subject_id=application.pk).exists()
    again = api.post("/applications", {"candidate_id": application.candidate_id, "job_id": application.job_id})
    assert again.status_code == 201


def test_update_moves_disqualifies_and_sets_custom_fields(api, tenant):
    application = make_application(tenant)
    stage = stages_of(application.job)[1]
    body = api.put(f"/applications/{application.pk}", {"stage_id": stage.pk, "custom_fields": {"notice": "30d"}}).json()
    assert body["stage"]["id"] == stage.pk and body["custom_fields"] == {"notice": "30d"}
    body = api.put(f"/applications/{application.pk}", {"is_disqualified": True}).json()
    assert body["is_disqualified"] is True and body["disqualified_at"]
    assert_error(api.put(f"/applications/{application.pk}", {"stage_id": stages_of(application.job)[2].pk}), 409)
    assert api.put(f"/applications/{application.pk}", {"is_disqualified": False}).json()["is_disqualified"] is False


def test_attachments(api, tenant):
    application = make_application(tenant)
    response = api.post(
        f"/applications/{application.pk}/attachments",
        {"file": {"data": PDF, "file_name": "offer.pdf", "mime_type": "application/pdf"}},
    )
    assert response.status_code == 201
    listed = api.get(f"/applications/{application.pk}/attachments").json()["attachments"]
    assert [a["file"]["orig_file_name"] for a in listed] == ["offer.pdf"]
    assert api.get(f"/applications/{application.pk}").json()["cv"] is None
    bad = api.post(
        f"/applications/{application.pk}/attachments",
        {"file": {"data": "%%%", "file_name": "x", "mime_type": "text/plain"}},
    )
    assert_error(bad, 400)


def test_cv_falls_back_to_the_candidates_parsed_resume(api, tenant):
    from hireloop.ai.models import ResumeProfile

    application = make_application(tenant)
    ResumeProfile.objects.create(
        company=tenant.company, candidate_id=application.candidate_id, file_name="cv.docx", text="Python developer"
    )
    body = api.get(f"/applications/{application.pk}", {"include": "cv.text"}).json()
    assert body["cv"]["file"]["orig_file_name"] == "cv.docx" and body["cv"]["text"] == "Python developer"
    assert "text" not in api.get(f"/applications/{application.pk}").json()["cv"]


def test_ai_score_route_answers_404_until_scored(api, tenant):
    application = make_application(tenant)
    error = assert_error(api.get(f"/applications/{application.pk}/ai-score"), 404)
    assert "not been scored" in error["message"]


def test_webhook_payload_is_the_get_body(api, tenant, settings):
    from hireloop.applications.selectors import webhook_payload

    settings.PUBLIC_BASE_URL = "https://hire.example.com"
    application = make_application(tenant)
    assert webhook_payload(tenant.company, application.pk) == api.get(f"/applications/{application.pk}").json()
    assert webhook_payload(tenant.company, 999999) is None


def test_candidate_updated_at_moves_with_every_transition(api, tenant):
    application = make_application(tenant)
    Candidate.objects.filter(pk=application.candidate_id).update(updated_at="2020-01-01T00:00:00Z")
    api.post(f"/applications/{application.pk}/advance")
    assert Candidate.objects.get(pk=application.candidate_id).updated_at.year > 2020


class TestRejectionReasonsResource(ResourceKit):
    url = "/rejection-reasons"
    key = "rejection_reasons"
    create_payload = {"name": "Relocation not possible"}
    invalid_payload = ({"name": ""}, "name")
    can_update = False
    has_summary_view = False
    list_max_queries = 2

    def make(self, tenant):
        from hireloop.applications.models import RejectionReason

        return RejectionReason.objects.create(company=tenant.company, name=f"Reason {RejectionReason.objects.count()}")


def test_application_received_email_is_scheduled_once_on_create(api, tenant, django_capture_on_commit_callbacks):
    from hireloop.messaging.models import Message

    job = make_job(tenant)
    candidate = make_candidate(tenant.company)
    with django_capture_on_commit_callbacks(execute=True):
        body = api.post("/applications", {"candidate_id": candidate.pk, "job_id": job.pk}).json()
    assert Message.objects.filter(application_id=body["id"], kind="application_received").count() == 1
    target = make_job(tenant, title="Other")
    with django_capture_on_commit_callbacks(execute=True):
        moved = api.post(f"/applications/{body['id']}/transfer", {"job_id": target.pk}).json()
    assert not Message.objects.filter(application_id=moved["id"]).exists()


def test_update_with_a_foreign_stage_is_400_and_changes_nothing(api, tenant, other_tenant):
    application = make_application(tenant)
    foreign_stage = stages_of(make_job(other_tenant))[1]
    assert_error(api.put(f"/applications/{application.pk}", {"stage_id": foreign_stage.pk}), 400, fields=["stage_id"])
    application.refresh_from_db()
    assert application.stage.name == "Applied"


def test_interviewers_read_but_cannot_change_applications(tenant):
    application = make_application(tenant)
    interviewer = tenant.member("interviewer")
    assert interviewer.api.get(f"/applications/{application.pk}").status_code == 200
    assert_error(interviewer.api.post(f"/applications/{application.pk}/advance"), 403)
    from hireloop.jobs.tests.helpers import JOB_BODY

    assert_error(interviewer.api.post("/jobs", JOB_BODY), 403)


def test_openapi_lists_the_routes(api):
    schema = api.client.get("/api/v2/openapi.json").json()
    for path in (
        "/api/v2/applications/batch/move",
        "/api/v2/jobs/{id}/status",
        "/api/v2/taxonomy/departments",
        "/api/v2/workflows/{id}/stages/{stage_id}",
        "/api/v2/applications/{id}/stage-history",
    ):
        assert path in schema["paths"], path


def test_one_put_can_move_and_disqualify(api, tenant):
    application = make_application(tenant)
    stage = stages_of(application.job)[1]
    body = api.put(f"/applications/{application.pk}", {"stage_id": stage.pk, "is_disqualified": True}).json()
    assert body["stage"]["id"] == stage.pk and body["is_disqualified"] is True
