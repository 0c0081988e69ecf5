"""Evaluation form templates and the stage defaults jobs choose."""

from hireloop.activity.models import Event
from hireloop.evaluations.models import EvaluationQuestion
from hireloop.evaluations.tests.conftest import SCORECARD
from hireloop.interviews.tests.helpers import make_job


def test_create_template_answers_its_questions_with_ids(tenant, template):
    assert template["name"] == "Backend scorecard"
    questions = template["questions"]
    assert [q["text"] for q in questions] == [q["text"] for q in SCORECARD["questions"]]
    assert all(isinstance(q["id"], int) for q in questions)
    assert questions[0] | {"id": 0} == {
        "id": 0,
        "position": 0,
        "section": "",
        "text": "System design",
        "type": "rating",
        "required": True,
        "weight": 2.0,
        "options": [],
    }
    assert questions[3]["options"] == ["junior", "mid", "senior"]
    assert Event.objects.filter(kind="evaluation_template.created", subject_id=template["id"]).count() == 1


def test_single_choice_without_options_is_rejected(tenant):
    response = tenant.api.post(
        "/evaluation-form-templates", {"name": "x", "questions": [{"text": "Pick", "type": "single_choice"}]}
    )

    assert response.status_code == 400
    assert response.json()["error"]["validation_errors"] == {
        "questions.0.options": "A single_choice question needs two options or more."
    }


def test_unknown_question_type_is_rejected(tenant):
    response = tenant.api.post(
        "/evaluation-form-templates", {"name": "x", "questions": [{"text": "Q", "type": "essay"}]}
    )

    assert response.status_code == 400


def test_put_edits_kept_questions_adds_new_and_retires_missing(tenant, template):
    first, second = template["questions"][:2]

    response = tenant.api.put(
        f"/evaluation-form-templates/{template['id']}",
        {
            "name": "Backend v2",
            "questions": [
                {"id": second["id"], "text": "Coding (live)", "type": "rating", "required": True},
                {"text": "Communication", "type": "rating"},
            ],
        },
    )

    body = response.json()
    assert body["name"] == "Backend v2"
    assert [q["text"] for q in body["questions"]] == ["Coding (live)", "Communication"]
    assert body["questions"][0]["id"] == second["id"]
    assert EvaluationQuestion.objects.get(pk=first["id"]).is_active is False


def test_put_with_a_question_of_another_template_is_rejected(tenant, template):
    other = tenant.api.post("/evaluation-form-templates", {"name": "o", "questions": [{"text": "Q"}]}).json()

    response = tenant.api.put(
        f"/evaluation-form-templates/{template['id']}",
        {"questions": [{"id": other["questions"][0]["id"], "text": "stolen"}]},
    )

    assert response.status_code == 400


def test_delete_hides_the_template(tenant, template):
    response = tenant.api.delete(f"/evaluation-form-templates/{template['id']}")

    assert response.status_code == 204
    assert tenant.api.get(f"/evaluation-form-templates/{template['id']}").status_code == 404
    assert tenant.api.get("/evaluation-form-templates").json()["pagination"]["total_count"] == 0


def test_templates_are_private_to_their_company(tenant, other_tenant, template):
    assert other_tenant.api.get(f"/evaluation-form-templates/{template['id']}").status_code == 404
    assert other_tenant.api.put(f"/evaluation-form-templates/{template['id']}", {"name": "x"}).status_code == 404
    assert other_tenant.api.delete(f"/evaluation-form-templates/{template['id']}").status_code == 404
    assert other_tenant.api.get("/evaluation-form-templates").json()["evaluation_form_templates"] == []


def test_interviewers_read_templates_but_do_not_write_them(tenant, template):
    interviewer = tenant.member("interviewer")

    assert interviewer.api.get(f"/evaluation-form-templates/{template['id']}").status_code == 200
    assert interviewer.api.post("/evaluation-form-templates", SCORECARD).status_code == 403


def test_job_chooses_a_default_template_per_stage(tenant, template):
    job = make_job(tenant.company)
    stages = tenant.api.get(f"/jobs/{job.alias}/evaluation-templates").json()["stages"]
    interview_stage = next(s for s in stages if s["stage_name"] == "Interview")

    response = tenant.api.put(
        f"/jobs/{job.pk}/evaluation-templates",
        {"stages": [{"stage_id": interview_stage["stage_id"], "template_id": template["id"]}]},
    )

    chosen = {s["stage_name"]: s["template_id"] for s in response.json()["stages"]}
    assert chosen == {"Applied": None, "Interview": template["id"], "Offer": None}
    cleared = tenant.api.put(
        f"/jobs/{job.pk}/evaluation-templates",
        {"stages": [{"stage_id": interview_stage["stage_id"], "template_id": None}]},
    ).json()
    assert all(s["template_id"] is None for s in cleared["stages"])


def test_stage_of_another_jobs_pipeline_is_rejected(tenant, other_tenant, template):
    job = make_job(tenant.company)
    other_job = make_job(other_tenant.company)
    foreign_stage = other_tenant.api.get(f"/jobs/{other_job.pk}/evaluation-templates").json()["stages"][0]

    response = tenant.api.put(
        f"/jobs/{job.pk}/evaluation-templates",
        {"stages": [{"stage_id": foreign_stage["stage_id"], "template_id": template["id"]}]},
    )

    assert response.status_code == 400
    assert tenant.api.get(f"/jobs/{other_job.pk}/evaluation-templates").status_code == 404
