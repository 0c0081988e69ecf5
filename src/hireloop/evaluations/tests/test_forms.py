"""Filling, scoring and submitting evaluation forms; who may read whose."""

import pytest

from hireloop.activity.models import Event
from hireloop.evaluations.models import EvaluationForm
from hireloop.interviews.tests.helpers import make_application, ts


def new_form(member, application, **body):
    response = member.api.post(f"/applications/{application.pk}/evaluation-forms", body)
    assert response.status_code == 201, response.content
    return response.json()


def answer(member, form, values, **extra):
    ids = [q["id"] for q in form["questions"]]
    answers = [{"question_id": ids[i], "value": v} for i, v in values.items()]
    return member.api.put(f"/evaluation-forms/{form['id']}", {"answers": answers, **extra})


def filled_and_submitted(member, application, template, design, coding, recommendation):
    form = new_form(member, application, template_id=template["id"])
    assert answer(member, form, {0: design, 1: coding}, recommendation=recommendation).status_code == 200
    response = member.api.post(f"/evaluation-forms/{form['id']}/submit")
    assert response.status_code == 200, response.content
    return response.json()


def test_new_form_is_a_draft_with_the_templates_questions(tenant, application, template):
    form = new_form(tenant, application, template_id=template["id"])

    assert form["status"] == "draft"
    assert [q["id"] for q in form["questions"]] == [q["id"] for q in template["questions"]]
    assert form["answers"] == []
    assert (form["application_id"], form["candidate_id"], form["job_id"]) == (
        application.pk,
        application.candidate_id,
        application.job_id,
    )
    assert form["evaluator"] == {"id": tenant.user.pk, "name": tenant.user.full_name, "email": tenant.user.email}
    assert form["template_name"] == "Backend scorecard"
    assert form["score"] is None and form["submitted_at"] is None


def test_form_uses_the_stage_default_when_no_template_is_given(tenant, application, template):
    tenant.api.put(
        f"/jobs/{application.job_id}/evaluation-templates",
        {"stages": [{"stage_id": application.stage_id, "template_id": template["id"]}]},
    )

    form = new_form(tenant, application)

    assert form["template_id"] == template["id"]
    assert form["stage_id"] == application.stage_id


def test_form_uses_the_interviews_template(tenant, application, template):
    interview = tenant.api.post(
        f"/applications/{application.pk}/interviews",
        {
            "start_time": ts(2030, 1, 1, 10),
            "end_time": ts(2030, 1, 1, 11),
            "interviewer_ids": [tenant.user.pk],
            "evaluation_template_id": template["id"],
        },
    ).json()

    form = new_form(tenant, application, interview_id=interview["id"])
    again = tenant.api.post(f"/applications/{application.pk}/evaluation-forms", {"interview_id": interview["id"]})

    assert (form["template_id"], form["interview_id"]) == (template["id"], interview["id"])
    assert again.status_code == 409


def test_form_without_any_template_is_a_validation_error(tenant, application):
    response = tenant.api.post(f"/applications/{application.pk}/evaluation-forms", {})

    assert response.status_code == 400
    assert "template_id" in response.json()["error"]["validation_errors"]


def test_weighted_total_is_the_weighted_mean_of_rating_answers(tenant, application, template):
    form = new_form(tenant, application, template_id=template["id"])

    # design (weight 2) = 5, coding (weight 1) = 2 -> (10 + 2) / 3 = 4.0; yes/no and text do not score
    response = answer(tenant, form, {0: 5, 1: 2, 2: True, 3: "senior", 4: "Strong on indexes"})

    body = response.json()
    assert (body["score"], body["weighted_total"], body["max_score"]) == (4.0, 4.0, 5)
    assert [(a["value"], a["score"], a["weight"]) for a in body["answers"]] == [
        (5, 5.0, 2.0),
        (2, 2.0, 1.0),
        (True, None, 1.0),
        ("senior", None, 1.0),
        ("Strong on indexes", None, 1.0),
    ]


def test_answers_merge_and_null_clears_one(tenant, application, template):
    form = new_form(tenant, application, template_id=template["id"])
    answer(tenant, form, {0: 4, 1: 4})

    body = answer(tenant, form, {1: None}).json()

    assert [(a["question"], a["value"]) for a in body["answers"]] == [("System design", 4)]
    assert body["score"] == 4.0


@pytest.mark.parametrize(
    ("index", "value"),
    [(0, 6), (0, 0), (0, 3.5), (0, "5"), (0, True), (2, "maybe"), (3, "principal"), (4, 12)],
)
def test_answer_of_the_wrong_kind_is_rejected(tenant, application, template, index, value):
    form = new_form(tenant, application, template_id=template["id"])

    response = answer(tenant, form, {index: value})

    assert response.status_code == 400
    assert list(response.json()["error"]["validation_errors"]) == ["answers.0.value"]
    assert EvaluationForm.objects.get(pk=form["id"]).answers == {}


def test_answer_to_a_question_not_on_the_form_is_rejected(tenant, application, template):
    form = new_form(tenant, application, template_id=template["id"])

    response = tenant.api.put(f"/evaluation-forms/{form['id']}", {"answers": [{"question_id": 999999, "value": 3}]})

    assert response.status_code == 400


def test_submit_requires_required_answers_and_a_recommendation(tenant, application, template):
    form = new_form(tenant, application, template_id=template["id"])
    answer(tenant, form, {1: 3})

    response = tenant.api.post(f"/evaluation-forms/{form['id']}/submit")

    assert response.status_code == 400
    assert response.json()["error"]["validation_errors"] == {
        f"answers.{form['questions'][0]['id']}": "Required: System design",
        "recommendation": "Required: one of strong_no, no, yes, strong_yes.",
    }
    assert EvaluationForm.objects.get(pk=form["id"]).status == "draft"


def test_submit_makes_the_form_read_only_and_records_the_event(tenant, application, template):
    interviewer = tenant.member("interviewer")

    submitted = filled_and_submitted(interviewer, application, template, 4, 3, "yes")
    edit = answer(interviewer, submitted, {0: 1})
    resubmit = interviewer.api.post(f"/evaluation-forms/{submitted['id']}/submit")

    assert submitted["status"] == "submitted"
    assert submitted["submitted_at"] is not None
    assert (submitted["summary_score"], submitted["score"]) == ("yes", round((8 + 3) / 3, 2))
    assert edit.status_code == 403
    assert resubmit.status_code == 409
    event = Event.objects.get(kind="evaluation.submitted")
    assert (event.candidate_id, event.job_id, event.actor_id) == (
        application.candidate_id,
        application.job_id,
        interviewer.user.pk,
    )
    assert event.data["recommendation"] == "yes"


def test_admin_may_amend_a_submitted_form_and_the_change_is_audited(tenant, application, template):
    interviewer = tenant.member("interviewer")
    submitted = filled_and_submitted(interviewer, application, template, 4, 3, "yes")

    response = tenant.api.put(f"/evaluation-forms/{submitted['id']}", {"recommendation": "strong_yes"})

    assert response.status_code == 200
    assert response.json()["recommendation"] == "strong_yes"
    audit = Event.objects.get(kind="evaluation.amended")
    assert audit.actor_id == tenant.user.pk
    assert audit.data["before"] == {"recommendation": "yes"}
    assert audit.data["after"] == {"recommendation": "strong_yes"}


def test_nobody_but_the_evaluator_edits_or_submits_a_draft(tenant, application, template):
    author = tenant.member("interviewer")
    colleague = tenant.member("hiring_manager")
    form = new_form(author, application, template_id=template["id"])

    assert answer(colleague, form, {0: 1}).status_code == 404  # others' drafts are invisible
    assert tenant.api.post(f"/evaluation-forms/{form['id']}/submit").status_code == 403


# --- independence ------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["interviewer", "recruiter"])
def test_evaluator_sees_others_only_after_submitting_their_own(tenant, application, template, role):
    first = tenant.member("interviewer")
    late = tenant.member(role)
    theirs = filled_and_submitted(first, application, template, 5, 5, "strong_yes")
    mine = new_form(late, application, template_id=template["id"])

    before_list = late.api.get(f"/applications/{application.pk}/evaluation-forms").json()["evaluation_forms"]
    before_get = late.api.get(f"/evaluation-forms/{theirs['id']}")
    before_summary = late.api.get(f"/applications/{application.pk}/evaluation-summary")
    answer(late, mine, {0: 2, 1: 2}, recommendation="no")
    late.api.post(f"/evaluation-forms/{mine['id']}/submit")
    after_list = late.api.get(f"/applications/{application.pk}/evaluation-forms").json()["evaluation_forms"]
    after_get = late.api.get(f"/evaluation-forms/{theirs['id']}")

    assert [f["id"] for f in before_list] == [mine["id"]]
    assert before_get.status_code == 403
    assert before_summary.status_code == 403
    assert sorted(f["id"] for f in after_list) == sorted([theirs["id"], mine["id"]])
    assert after_get.json()["recommendation"] == "strong_yes"


def test_the_candidate_timeline_keeps_others_verdicts_sealed_until_the_reader_submits(tenant, application, template):
    first = tenant.member("interviewer")
    late = tenant.member("interviewer")
    filled_and_submitted(first, application, template, 5, 5, "strong_yes")
    mine = new_form(late, application, template_id=template["id"])

    def submitted_details(member):
        url = f"/candidates/{application.candidate_id}/activities"
        events = member.api.get(url, {"event_type": "candidate_rate"}).json()["activities"]
        return [e["event"]["data"].get("details") for e in events if e["event"]["kind"] == "evaluation.submitted"]

    before = submitted_details(late)
    answer(late, mine, {0: 2, 1: 2}, recommendation="no")
    late.api.post(f"/evaluation-forms/{mine['id']}/submit")
    after = submitted_details(late)

    assert before == [None]  # the event is listed, its verdict is not
    assert sorted(d["recommendation"] for d in after) == ["no", "strong_yes"]
    assert [d["recommendation"] for d in submitted_details(tenant)] == ["no", "strong_yes"]  # admin


@pytest.mark.parametrize("role", ["admin", "hiring_manager"])
def test_admins_and_hiring_managers_see_submitted_forms_without_submitting(tenant, application, template, role):
    reader = tenant if role == "admin" else tenant.member(role)
    submitted = filled_and_submitted(tenant.member("interviewer"), application, template, 3, 3, "yes")

    listed = reader.api.get(f"/applications/{application.pk}/evaluation-forms").json()["evaluation_forms"]

    assert [f["id"] for f in listed] == [submitted["id"]]
    assert reader.api.get(f"/evaluation-forms/{submitted['id']}").status_code == 200


def test_hiring_manager_does_not_see_other_peoples_drafts(tenant, application, template):
    manager = tenant.member("hiring_manager")
    draft = new_form(tenant.member("interviewer"), application, template_id=template["id"])

    listed = manager.api.get(f"/applications/{application.pk}/evaluation-forms").json()["evaluation_forms"]

    assert listed == []
    assert manager.api.get(f"/evaluation-forms/{draft['id']}").status_code == 404


# --- summary and tenancy ----------------------------------------------------------------------


def test_summary_counts_submitted_evaluations_and_averages_their_scores(tenant, application, template):
    filled_and_submitted(tenant.member("interviewer"), application, template, 5, 5, "strong_yes")
    filled_and_submitted(tenant.member("interviewer"), application, template, 2, 2, "no")
    new_form(tenant.member("interviewer"), application, template_id=template["id"])  # a draft does not count

    summary = tenant.api.get(f"/applications/{application.pk}/evaluation-summary").json()

    assert summary == {
        "application_id": application.pk,
        "evaluation_count": 2,
        "average_score": 3.5,
        "recommendation_counts": {"strong_no": 0, "no": 1, "yes": 0, "strong_yes": 1},
    }


def test_summary_of_an_application_without_evaluations(tenant, application):
    summary = tenant.api.get(f"/applications/{application.pk}/evaluation-summary").json()

    assert (summary["evaluation_count"], summary["average_score"]) == (0, None)


def test_forms_and_applications_of_another_company_are_not_found(tenant, other_tenant, application, template):
    form = new_form(tenant, application, template_id=template["id"])
    foreign_application = make_application(other_tenant.company)

    assert other_tenant.api.get(f"/evaluation-forms/{form['id']}").status_code == 404
    assert other_tenant.api.put(f"/evaluation-forms/{form['id']}", {"summary": "x"}).status_code == 404
    assert other_tenant.api.post(f"/evaluation-forms/{form['id']}/submit").status_code == 404
    assert other_tenant.api.get(f"/applications/{application.pk}/evaluation-forms").status_code == 404
    foreign_template = other_tenant.api.post(
        f"/applications/{foreign_application.pk}/evaluation-forms", {"template_id": template["id"]}
    )
    assert foreign_template.status_code == 400
    assert tenant.api.post(f"/applications/{foreign_application.pk}/evaluation-forms", {}).status_code == 404


def test_interview_of_another_application_is_rejected(tenant, application, template):
    other = make_application(tenant.company)
    interview = tenant.api.post(
        f"/applications/{other.pk}/interviews",
        {"start_time": ts(2030, 1, 1, 10), "end_time": ts(2030, 1, 1, 11), "interviewer_ids": [tenant.user.pk]},
    ).json()

    response = tenant.api.post(
        f"/applications/{application.pk}/evaluation-forms",
        {"template_id": template["id"], "interview_id": interview["id"]},
    )

    assert response.status_code == 400
    assert response.json()["error"]["validation_errors"] == {"interview_id": "No such interview for this application."}
