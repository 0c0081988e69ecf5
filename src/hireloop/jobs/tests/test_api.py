"""Jobs over the API: the generic kit, the JobBody fields, HTML sanitising, status machine, boards, team."""

import pytest

from hireloop.activity.models import Event
from hireloop.core.testing.api_kit import ResourceKit, assert_error, ids
from hireloop.jobs import defaults
from hireloop.jobs.models import Department, Job, Stage
from hireloop.jobs.tests.helpers import JOB_BODY, make_job


class TestJobsResource(ResourceKit):
    url = "/jobs"
    key = "jobs"
    alias_field = "alias"
    create_payload = {**JOB_BODY, "salary_min": 50000, "salary_max": 70000, "is_remote": True}
    invalid_payload = ({**JOB_BODY, "title": ""}, "title")
    update_payload = {"title": "Senior Backend Engineer", "requirements": "Python, Django"}
    list_max_queries = 4

    def make(self, tenant):
        return make_job(tenant)


def test_create_job_answers_the_job_body_fields_and_gets_its_own_default_pipeline(api, tenant):
    department = Department.objects.filter(company=None).first()
    response = api.post(
        "/jobs?include=workflow,pipeline_stages",
        {
            **JOB_BODY,
            "internal_title": "BE-2",
            "internal_job_id": "REQ-7",
            "salary_min": 60000,
            "salary_max": 80000,
            "salary_currency": "eur",
            "salary_period": "annually",
            "department_id": department.pk,
            "resume_field_status": "required",
            "requirements": "Python, Django, PostgreSQL",
            "job_focus": "technical",
            "form_id": 42,
            "knockout_questions": [
                {"text": "Can you work in the EU?", "expected_answer": "Yes", "disqualify_on_wrong_answer": True}
            ],
            "ai_scoring_criteria": [
                {"title": "Python", "text": "5+ years of Python", "weight": 8},
                {"text": "Django", "weight": 3, "position": 0},
            ],
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "Public" and body["is_active"] is True and body["published_at"] is not None
    assert body["location"]["city"] == "Lisbon" and body["location"]["country"] == "Portugal"
    assert body["salary_currency"] == "EUR" and body["salary_range"] == "60,000–80,000 EUR annually"
    assert body["department"] == {"id": department.pk, "name": department.name}
    assert (body["form_id"], body["job_focus"], body["resume_field_status"]) == (42, "technical", "required")
    assert body["knockout_questions"] == [
        {"id": 1, "text": "Can you work in the EU?", "expected_answer": "Yes", "disqualify_on_wrong_answer": True}
    ]
    assert [(c["position"], c["text"], c["weight"]) for c in body["ai_scoring_criteria"]] == [
        (0, "Django", 3),
        (1, "5+ years of Python", 8),
    ]
    assert [s["name"] for s in body["pipeline_stages"]] == defaults.DEFAULT_STAGES
    assert body["workflow"]["name"] == "Backend Engineer"
    assert body["alias"] and body["url"].endswith(f"/jobs/{body['alias']}")
    assert [e.kind for e in Event.objects.filter(job_id=body["id"]).order_by("pk")] == ["job.created", "job.published"]


def test_create_job_requires_the_map_fields(api):
    response = api.post("/jobs", {"title": "x"})
    assert_error(response, 400, name="Validation Error", fields=["status", "description"])


def test_description_html_is_sanitised(api):
    response = api.post(
        "/jobs",
        {
            **JOB_BODY,
            "description": '<p onclick="steal()">Hi <b>there</b><script>alert(1)</script>'
            '<a href="javascript:alert(1)">x</a><img src=x onerror=alert(1)></p>',
        },
    )
    description = response.json()["description"]
    assert "script" not in description and "onclick" not in description and "onerror" not in description
    assert "javascript:" not in description
    assert description.startswith("<p>Hi <b>there</b>")
    update = api.put(f"/jobs/{response.json()['id']}", {"description": "<div style='x' onmouseover='y()'>ok</div>"})
    assert update.json()["description"] == "<div>ok</div>"


def test_unknown_or_foreign_taxonomy_and_workflow_ids_are_validation_errors(api, tenant, other_tenant):
    foreign_job = make_job(other_tenant)
    foreign_department = Department.objects.create(company=other_tenant.company, name="Secret")
    for field, value in [
        ("department_id", foreign_department.pk),
        ("category_id", 999999),
        ("workflow_id", foreign_job.workflow_id),
        ("parent_job_id", foreign_job.pk),
        ("employment_type_id", 999999),
    ]:
        assert_error(api.post("/jobs", {**JOB_BODY, field: value}), 400, name="Validation Error", fields=[field])
    assert not Job.objects.filter(company=tenant.company).exists()


def test_list_filters(api, tenant):
    draft = make_job(tenant, title="Data Analyst", status="Draft", internal_title="DA internal")
    public = make_job(tenant, title="Designer")
    engineering = Department.objects.get(company=None, name="Engineering")
    tagged = make_job(tenant, title="Platform", department_id=engineering.pk)
    assert ids(api.get("/jobs", {"status": "draft"}).json()["jobs"]) == [draft.pk]
    assert ids(api.get("/jobs", {"q": "internal"}).json()["jobs"]) == [draft.pk]
    assert ids(api.get("/jobs", {"department_id": engineering.pk}).json()["jobs"]) == [tagged.pk]
    assert set(ids(api.get("/jobs", {"is_active": "true"}).json()["jobs"])) == {public.pk, tagged.pk}
    assert ids(api.get("/jobs", {"created_at_end": 1}).json()["jobs"]) == []
    assert len(api.get("/jobs", {"updated_after": 1}).json()["jobs"]) == 3
    summary = api.get("/jobs", {"view": "summary", "include": "hiring_team"}).json()["jobs"][0]
    assert "description" not in summary and "hiring_team" not in summary and "ai_scoring_criteria" not in summary


def test_list_with_every_include_has_a_pinned_query_count(api, tenant, settings, django_assert_max_num_queries):
    settings.RATE_LIMIT_ENABLED = False
    for i in range(5):
        job = make_job(tenant, title=f"Job {i}")
        api.post(f"/jobs/{job.pk}/hiring-team", {"user_id": tenant.user.pk})
    api.get("/jobs")
    with django_assert_max_num_queries(6):
        body = api.get("/jobs", {"include": "workflow,hiring_team,pipeline_stages"}).json()
    assert all(j["hiring_team"][0]["id"] == tenant.user.pk and len(j["pipeline_stages"]) == 5 for j in body["jobs"])


# --- status machine ----------------------------------------------------------------------------

ALL_STATUSES = [name for _, name in defaults.STATUSES]
ILLEGAL = [(a, b) for a in ALL_STATUSES for b in ALL_STATUSES if a != b and b not in defaults.STATUS_TRANSITIONS[a]]
LEGAL = [(a, b) for a in ALL_STATUSES for b in defaults.STATUS_TRANSITIONS[a]]


def _job_in(tenant, status: str) -> Job:
    job = make_job(tenant, status="Draft")
    Job.objects.filter(pk=job.pk).update(status=status)
    return job


@pytest.mark.parametrize("current,target", LEGAL)
def test_legal_status_transitions(api, tenant, current, target):
    job = _job_in(tenant, current)
    response = api.patch(f"/jobs/{job.alias}/status", {"status": target})
    assert response.status_code == 200, response.content
    assert response.json()["status"] == target
    kind = Event.objects.filter(job_id=job.pk).latest("pk").kind
    expected = "job.published" if target in {"Public", "Internal"} else "job.closed"
    assert kind == (expected if target not in {"On hold", "Draft"} else "job.updated")


@pytest.mark.parametrize("current,target", ILLEGAL)
def test_illegal_status_transitions_are_409(api, tenant, current, target):
    job = _job_in(tenant, current)
    assert_error(api.patch(f"/jobs/{job.pk}/status", {"status": target}), 409, name="Conflict")
    job.refresh_from_db()
    assert job.status == current


def test_status_also_accepts_post_and_unknown_status_is_400(api, tenant):
    job = make_job(tenant, status="Draft")
    assert api.post(f"/jobs/{job.pk}/status", {"status": "public"}).json()["status"] == "Public"
    assert_error(api.patch(f"/jobs/{job.pk}/status", {"status": "Open"}), 400, fields=["status"])
    assert api.patch(f"/jobs/{job.pk}/status", {"status": "Public"}).status_code == 200  # no-op


def test_statuses_and_taxonomies_are_listed_under_both_paths(api):
    for path, key in [
        ("statuses", "statuses"),
        ("departments", "departments"),
        ("categories", "categories"),
        ("education-levels", "education_levels"),
        ("employment-types", "employment_types"),
        ("experience-levels", "experience_levels"),
        ("rejection-reasons", "rejection_reasons"),
    ]:
        plain = api.get(f"/{path}", {"size": 100}).json()
        twin = api.get(f"/taxonomy/{path}", {"size": 100}).json()
        assert plain == twin and set(plain) == {key, "pagination"} and plain[key], path
    assert [s["name"] for s in api.get("/statuses").json()["statuses"]] == ALL_STATUSES


class TestDepartmentsResource(ResourceKit):
    url = "/departments"
    key = "departments"
    create_payload = {"name": "Robotics"}
    invalid_payload = ({"name": ""}, "name")
    update_payload = {"name": "Robotics R&D"}
    has_summary_view = False
    list_max_queries = 2

    def make(self, tenant):
        return Department.objects.create(company=tenant.company, name=f"Dept {Department.objects.count()}")


def test_built_in_departments_cannot_be_changed(api):
    built_in = Department.objects.filter(company=None).first()
    assert_error(api.delete(f"/departments/{built_in.pk}"), 403)
    assert_error(api.post("/departments", {"name": built_in.name.upper()}), 409)


# --- delete, update -----------------------------------------------------------------------------


def test_delete_job_removes_its_own_pipeline_and_records_the_event(api, tenant):
    job = make_job(tenant)
    workflow_id = job.workflow_id
    assert api.delete(f"/jobs/{job.alias}").json() == {"success": True}
    assert not Stage.objects.filter(workflow_id=workflow_id).exists()
    assert Event.objects.filter(kind="job.deleted", job_id=job.pk).exists()


def test_update_with_status_runs_the_state_machine(api, tenant):
    job = make_job(tenant, status="Draft")
    assert_error(api.put(f"/jobs/{job.pk}", {"status": "Closed"}), 409)
    assert api.put(f"/jobs/{job.pk}", {"status": "Internal"}).json()["status"] == "Internal"


def test_scoring_inputs_changes_enqueue_a_rescore(api, tenant, django_capture_on_commit_callbacks):
    from django_tasks_db.models import DBTaskResult

    job = make_job(tenant)
    with django_capture_on_commit_callbacks(execute=True):
        api.put(f"/jobs/{job.pk}", {"title": "Renamed"})
    assert not DBTaskResult.objects.filter(task_path__endswith="rescore_job_task").exists()
    with django_capture_on_commit_callbacks(execute=True):
        api.put(f"/jobs/{job.pk}", {"requirements": "Rust"})
    assert DBTaskResult.objects.filter(task_path__endswith="rescore_job_task", args_kwargs__args=[job.pk]).exists()


# --- hiring team, boards ------------------------------------------------------------------------


def test_hiring_team_add_list_remove(api, tenant, other_tenant):
    job = make_job(tenant)
    colleague = tenant.member("hiring_manager")
    response = api.post(f"/jobs/{job.alias}/hiring-team", {"user_id": colleague.user.pk})
    assert response.status_code == 201
    assert response.json()["hiring_team"][0] == {
        "id": colleague.user.pk,
        "full_name": colleague.user.full_name,
        "email": colleague.user.email,
        "role": "hiring_manager",
    }
    assert_error(api.post(f"/jobs/{job.pk}/hiring-team", {"user_id": other_tenant.user.pk}), 400, fields=["user_id"])
    assert api.delete(f"/jobs/{job.pk}/hiring-team/{colleague.user.pk}").json() == {"hiring_team": []}
    assert_error(api.delete(f"/jobs/{job.pk}/hiring-team/{colleague.user.pk}"), 404)


def test_job_boards_publish_and_remove(api, tenant, other_tenant):
    job = make_job(tenant)
    draft = make_job(tenant, status="Draft")
    boards = {b["id"] for b in api.get("/boards").json()["boards"]}
    assert {"careers", "indeed", "linkedin"} <= boards
    state = {b["board"]: b["status"] for b in api.get(f"/jobs/{job.pk}/job-boards").json()["job_boards"]}
    assert state["careers"] == "active" and state["indeed"] == "not_published"
    published = api.post(f"/jobs/{job.alias}/job-boards", {"boards": ["indeed"]}).json()
    assert {b["board"]: b["status"] for b in published["job_boards"]}["indeed"] == "active"
    removed = api.delete(f"/jobs/{job.pk}/job-boards", {"boards": ["indeed"]}).json()
    assert {b["board"]: b["status"] for b in removed["job_boards"]}["indeed"] == "inactive"
    assert_error(api.post(f"/jobs/{job.pk}/job-boards", {"boards": ["myspace"]}), 400, fields=["boards"])
    assert_error(api.post(f"/jobs/{draft.pk}/job-boards", {}), 409)

    other = make_job(tenant, title="Other")
    batch = api.post("/jobs/batch-job-boards", {"jobs": [job.pk, other.pk], "boards": ["linkedin"]}).json()
    assert [j["job_id"] for j in batch["jobs"]] == [job.pk, other.pk]
    listed = api.client.get(
        f"/api/v2/jobs/batch-job-boards?jobs={job.pk}&jobs={other.pk}", headers={"Authorization": f"Bearer {api.token}"}
    ).json()
    assert all({b["board"]: b["status"] for b in j["job_boards"]}["linkedin"] == "active" for j in listed["jobs"])
    api.delete("/jobs/batch-job-boards", {"jobs": [job.pk, other.pk]})
    foreign = make_job(other_tenant)
    assert_error(api.post("/jobs/batch-job-boards", {"jobs": [job.pk, foreign.pk]}), 404)


def test_webhook_payload_is_the_get_body(api, tenant, settings):
    from hireloop.jobs.selectors import webhook_payload

    settings.PUBLIC_BASE_URL = "https://hire.example.com"
    job = make_job(tenant)
    assert webhook_payload(tenant.company, job.pk) == api.get(f"/jobs/{job.pk}").json()
    assert webhook_payload(tenant.company, 999999) is None
