import pytest

from hireloop.activity.models import Event
from hireloop.ai import services
from hireloop.ai.models import ApplicationScore, ResumeProfile
from hireloop.ai.tests import resume_files
from hireloop.ai.tests.test_scoring import JOB_DESCRIPTION, JOB_TITLE, STRONG, WEAK
from hireloop.applications.models import Application
from hireloop.candidates.models import Candidate
from hireloop.core.aliases import assign_alias
from hireloop.jobs.models import Job, Workflow


def _candidate(company, **fields):
    candidate = Candidate(company=company, **fields)
    assign_alias(candidate)
    candidate.save()
    return candidate


def _job(company, title=JOB_TITLE, description=JOB_DESCRIPTION):
    workflow = Workflow.objects.create(company=company, name="Default")
    job = Job(company=company, title=title, description=description, workflow=workflow, status="Published")
    assign_alias(job)
    job.save()
    return job


def _with_resume(company, text, **fields):
    candidate = _candidate(company, **fields)
    with_capture = services.ingest_resume(
        company=company, candidate=candidate, content=text.encode(), file_name="cv.txt"
    )
    assert with_capture.status == "parsed"
    return candidate


@pytest.fixture
def scored_setup(tenant, django_capture_on_commit_callbacks, run_tasks):
    job = _job(tenant.company)
    strong = _candidate(tenant.company)
    application = Application.objects.create(company=tenant.company, candidate=strong, job=job)
    with django_capture_on_commit_callbacks(execute=True):
        services.ingest_resume(company=tenant.company, candidate=strong, content=STRONG.encode(), file_name="cv.txt")
    return job, strong, application


def test_given_a_resume_uploaded_when_tasks_run_then_the_application_is_scored_and_fields_filled(
    tenant, scored_setup, run_tasks
):
    job, candidate, application = scored_setup
    assert tenant.api.get(f"/applications/{application.pk}/ai-score").status_code == 404
    assert run_tasks() == 1
    application.refresh_from_db()
    candidate.refresh_from_db()
    score = ApplicationScore.objects.get(application=application)
    assert application.ai_score == score.total_score >= 80
    assert application.ai_recommendation == "strong_yes"
    assert application.ai_scoring_updated_at == score.scored_at
    assert (candidate.first_name, candidate.last_name, candidate.email) == ("Jane", "Doe", "jane.doe@example.com")
    assert candidate.phone == "+442079460958"
    event = Event.objects.get(kind="application.ai_scored")
    assert (event.subject_id, event.job_id, event.candidate_id) == (application.pk, job.pk, candidate.pk)
    assert event.data["total_score"] == score.total_score and event.data["input_hash"] == score.input_hash
    assert Event.objects.filter(kind="candidate.resume_parsed", candidate_id=candidate.pk).count() == 1


def test_given_a_scored_application_when_get_ai_score_then_the_003_shape_with_provenance(
    tenant, scored_setup, run_tasks
):
    job, _, application = scored_setup
    run_tasks()
    response = tenant.api.get(f"/applications/{application.pk}/ai-score")
    assert response.status_code == 200
    score = response.json()["score"]
    assert set(score) >= {
        "uuid",
        "job_id",
        "job_title",
        "job_url",
        "summary",
        "total_score",
        "criteria",
        "rate",
        "date",
    }
    assert score["job_id"] == job.pk and score["job_title"] == JOB_TITLE
    assert score["rate"] == score["recommendation"] == "strong_yes"
    assert score["method"] == "embedding+taxonomy+template-prose"
    assert [c["criterion_title"] for c in score["criteria"]] == [
        "Required skills",
        "Experience level",
        "Education",
        "Role fit",
    ]
    assert set(score["criteria"][0]) == {
        "criterion_title",
        "criterion_text",
        "score",
        "justification",
        "followup_questions",
    }
    assert score["provenance"]["input_hash"] and score["provenance"]["criteria_version"]
    assert score["provenance"]["models"][0]["name"].startswith("all-MiniLM-L6-v2")


def test_given_unchanged_inputs_when_rescored_then_nothing_is_written(
    tenant, scored_setup, run_tasks, django_capture_on_commit_callbacks
):
    _, _, application = scored_setup
    run_tasks()
    first = ApplicationScore.objects.get(application=application)
    with django_capture_on_commit_callbacks(execute=True):
        assert tenant.api.post(f"/applications/{application.pk}/ai-score").status_code == 202
    assert run_tasks() == 1
    again = ApplicationScore.objects.get(application=application)
    assert again.scored_at == first.scored_at and again.updated_at == first.updated_at
    assert Event.objects.filter(kind="application.ai_scored").count() == 1


def test_given_changed_job_criteria_when_job_rescored_then_a_new_score(
    tenant, scored_setup, run_tasks, django_capture_on_commit_callbacks
):
    job, _, application = scored_setup
    run_tasks()
    first = ApplicationScore.objects.get(application=application)
    Job.objects.filter(pk=job.pk).update(description="Registered nurse for a cardiac ward; 3 years of patient care.")
    with django_capture_on_commit_callbacks(execute=True):
        response = tenant.api.post(f"/jobs/{job.pk}/rescore")
    assert response.status_code == 202 and response.json() == {"queued": 1}
    run_tasks()
    second = ApplicationScore.objects.get(application=application)
    assert second.input_hash != first.input_hash
    assert second.total_score < first.total_score
    assert Event.objects.filter(kind="application.ai_scored").count() == 2


def test_given_another_company_when_reading_or_requesting_scores_then_404(
    tenant, other_tenant, scored_setup, run_tasks
):
    job, _, application = scored_setup
    run_tasks()
    assert other_tenant.api.get(f"/applications/{application.pk}/ai-score").status_code == 404
    assert other_tenant.api.post(f"/applications/{application.pk}/ai-score").status_code == 404
    assert other_tenant.api.post(f"/jobs/{job.pk}/rescore").status_code == 404
    assert other_tenant.api.get(f"/jobs/{job.pk}/matches").status_code == 404


def test_given_an_interviewer_when_requesting_a_rescore_then_403(tenant, scored_setup):
    _, _, application = scored_setup
    interviewer = tenant.member("interviewer")
    assert interviewer.api.post(f"/applications/{application.pk}/ai-score").status_code == 403
    assert interviewer.api.get(f"/applications/{application.pk}/ai-score").status_code == 404


def test_given_candidates_with_resumes_when_matching_a_job_then_ranked_with_evidence_including_non_applicants(
    tenant, other_tenant
):
    job = _job(tenant.company)
    strong = _with_resume(tenant.company, STRONG)
    weak = _with_resume(tenant.company, WEAK)
    Application.objects.create(company=tenant.company, candidate=weak, job=job)
    _with_resume(other_tenant.company, STRONG)  # never visible to tenant
    response = tenant.api.get(f"/jobs/{job.alias}/matches", query={"size": 5})
    assert response.status_code == 200
    matches = response.json()["matches"]
    assert [m["candidate_id"] for m in matches] == [strong.pk, weak.pk]
    assert matches[0]["applied"] is False and matches[1]["applied"] is True
    assert matches[0]["score"] > matches[1]["score"]
    assert matches[0]["evidence"] and "Python" in matches[0]["matched_skills"]


def test_given_resumes_when_searching_semantically_then_the_relevant_candidate_comes_first(tenant):
    strong = _with_resume(tenant.company, STRONG)
    weak = _with_resume(tenant.company, WEAK)
    response = tenant.api.get("/candidates/search", query={"query": "cardiac ward nursing"})
    assert response.status_code == 200
    body = response.json()
    assert [c["candidate_id"] for c in body["candidates"]] == [weak.pk, strong.pk]
    assert body["method"] == "embedding"
    assert "cardiac" in body["candidates"][0]["snippet"].lower()
    assert "Sam" not in body["candidates"][0]["snippet"]


def test_given_a_broken_file_when_ingested_then_failed_with_reason_and_no_score(tenant, run_tasks):
    candidate = _candidate(tenant.company)
    profile = services.ingest_resume(
        company=tenant.company, candidate=candidate, content=resume_files.encrypted_pdf_bytes(), file_name="cv.pdf"
    )
    assert (profile.status, profile.failure_reason, profile.text) == ("failed", "The PDF is password-protected.", "")
    assert Event.objects.get(kind="candidate.resume_parse_failed").data["code"] == "encrypted"
    job = _job(tenant.company)
    application = Application.objects.create(company=tenant.company, candidate=candidate, job=job)
    with pytest.raises(services.NoResume):
        services.score_application(company=tenant.company, application=application)
    assert ResumeProfile.objects.filter(status="parsed").count() == 0


def test_given_a_person_typed_name_when_resume_parsed_then_it_is_not_overwritten(tenant):
    candidate = _with_resume(tenant.company, STRONG, first_name="Janet", email="typed@example.com")
    candidate.refresh_from_db()
    assert (candidate.first_name, candidate.last_name, candidate.email) == ("Janet", "", "typed@example.com")
    assert candidate.phone == "+442079460958"


def test_given_no_parsed_resume_when_requesting_a_score_then_409_and_get_says_not_scored(tenant):
    job = _job(tenant.company)
    application = Application.objects.create(company=tenant.company, candidate=_candidate(tenant.company), job=job)
    response = tenant.api.post(f"/applications/{application.pk}/ai-score")
    assert response.status_code == 409
    assert response.json()["error"]["message"] == "The candidate has no parsed resume to score."
    response = tenant.api.get(f"/applications/{application.pk}/ai-score")
    assert response.status_code == 404
    assert response.json()["error"]["message"] == "This application has not been scored yet."


def test_given_job_criteria_when_scoring_then_they_are_used_in_position_order():
    from types import SimpleNamespace

    from hireloop.ai.selectors import job_criteria

    job = SimpleNamespace(
        title="Nurse",
        description="",
        ai_scoring_criteria=[
            {"title": "Bedside care", "text": "Patient Care on a busy ward", "weight": 2, "position": 1},
            {"title": "Records", "text": "Keeps records in EHR", "weight": 1, "position": 0},
            {"title": "", "text": ""},
        ],
    )
    assert [(c.title, c.text, c.weight) for c in job_criteria(job)] == [
        ("Records", "Keeps records in EHR", 1.0),
        ("Bedside care", "Patient Care on a busy ward", 2.0),
    ]


def test_given_many_candidates_when_matching_then_queries_stay_bounded(tenant, django_assert_max_num_queries):
    job = _job(tenant.company)
    for _ in range(6):
        _with_resume(tenant.company, STRONG)
    with django_assert_max_num_queries(13):
        response = tenant.api.get(f"/jobs/{job.pk}/matches", query={"size": 6})
    assert response.status_code == 200 and len(response.json()["matches"]) == 6


def test_given_the_lexical_fallback_when_searching_and_matching_then_results_and_method_say_so(tenant, monkeypatch):
    from hireloop.ai import embeddings

    monkeypatch.setenv("HIRELOOP_AI_EMBEDDER", "lexical")
    embeddings.get_embedder.cache_clear()
    try:
        job = _job(tenant.company)
        strong = _with_resume(tenant.company, STRONG)
        weak = _with_resume(tenant.company, WEAK)
        body = tenant.api.get("/candidates/search", query={"query": "cardiac ward patient care"}).json()
        matches = tenant.api.get(f"/jobs/{job.pk}/matches").json()["matches"]
    finally:
        embeddings.get_embedder.cache_clear()
    assert body["method"] == "lexical" and body["candidates"][0]["candidate_id"] == weak.pk
    assert [m["candidate_id"] for m in matches] == [strong.pk, weak.pk]
    assert matches[0]["method"] == "lexical+taxonomy+template-prose"


def test_given_no_resume_file_model_when_parse_and_store_runs_then_it_reports_it(settings):
    from hireloop.ai.tasks import parse_and_store

    settings.AI_RESUME_FILE_MODEL = "candidates.NoSuchFile"
    assert parse_and_store.call(1) == "no_model"


def test_given_a_parsed_resume_when_an_unreadable_file_follows_then_the_good_profile_and_score_stay(tenant):
    candidate = _with_resume(tenant.company, STRONG)
    failed = services.ingest_resume(
        company=tenant.company, candidate=candidate, content=resume_files.encrypted_pdf_bytes(), file_name="new.pdf"
    )
    assert (failed.status, failed.failure_reason) == ("failed", "The PDF is password-protected.")
    kept = ResumeProfile.objects.get(candidate=candidate)
    assert (kept.status, kept.file_name) == ("parsed", "cv.txt") and "Python" in kept.text
    assert Event.objects.filter(kind="candidate.resume_parse_failed", candidate_id=candidate.pk).count() == 1


def test_given_one_post_with_a_job_and_a_cv_when_tasks_run_then_the_application_is_scored(
    tenant, run_tasks, django_capture_on_commit_callbacks
):
    import base64

    from hireloop.jobs.tests.helpers import make_job

    job = make_job(tenant, title=JOB_TITLE, description=JOB_DESCRIPTION, status="Public")
    cv = {"data": base64.b64encode(STRONG.encode()).decode(), "file_name": "cv.txt", "mime_type": "text/plain"}
    with django_capture_on_commit_callbacks(execute=True):
        response = tenant.api.post("/candidates", {"first_name": "Jane", "job_id": job.pk, "cv": cv})
    assert response.status_code == 201, response.content
    for _ in range(5):  # parse, then score (each task may queue the next)
        with django_capture_on_commit_callbacks(execute=True):
            if not run_tasks():
                break

    application = Application.objects.get(candidate_id=response.json()["id"], job=job)
    assert application.ai_score is not None and application.ai_recommendation
    score = tenant.api.get(f"/applications/{application.pk}/ai-score").json()["score"]
    assert score["total_score"] == application.ai_score and score["method"]
