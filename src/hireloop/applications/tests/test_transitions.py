"""Application state machine over the API: move, advance, hire, reject, unreject, disqualify, transfer,
stage history, batches; every illegal transition answers 409 and changes nothing."""

import pytest

from hireloop.activity.models import Event
from hireloop.applications.models import Application, RejectionReason
from hireloop.core.testing.api_kit import assert_error
from hireloop.jobs.tests.helpers import make_application, make_candidate, make_job, stages_of
from hireloop.messaging.models import Message


def _in_state(tenant, state: str) -> Application:
    application = make_application(tenant)
    fields = {
        "active": {},
        "disqualified": {"is_disqualified": True},
        "hired": {"status": "hired"},
        "rejected": {"status": "rejected"},
    }[state]
    Application.objects.filter(pk=application.pk).update(**fields)
    application.refresh_from_db()
    return application


def _action(api, application, action: str):
    second = stages_of(application.job)[1]
    return {
        "move": lambda: api.post(f"/applications/{application.pk}/move", {"stage_id": second.pk}),
        "advance": lambda: api.post(f"/applications/{application.pk}/advance"),
        "hire": lambda: api.post(f"/applications/{application.pk}/hire"),
        "reject": lambda: api.post(f"/applications/{application.pk}/reject", {"suppress_notification": True}),
        "unreject": lambda: api.post(f"/applications/{application.pk}/unreject"),
        "disqualify": lambda: api.put(f"/applications/{application.pk}", {"is_disqualified": True}),
        "requalify": lambda: api.put(f"/applications/{application.pk}", {"is_disqualified": False}),
        "transfer": lambda: api.post(
            f"/applications/{application.pk}/transfer", {"job_id": make_job_for(application).pk}
        ),
    }[action]()


def make_job_for(application):
    from hireloop.jobs import services

    return services.create_job(
        company=application.company,
        actor=None,
        data={"status": "Public", "title": "Other", "description": "", "location_city": "", "location_country": ""},
    )


# Allowed: (state, action) → state after. Everything else is a 409 that changes nothing.
ALLOWED = {
    ("active", "move"): "active",
    ("active", "advance"): "active",
    ("active", "hire"): "hired",
    ("active", "reject"): "rejected",
    ("active", "disqualify"): "disqualified",
    ("active", "transfer"): "rejected",
    ("disqualified", "reject"): "rejected",
    ("disqualified", "requalify"): "active",
    ("rejected", "unreject"): "active",
}
STATES = ["active", "disqualified", "hired", "rejected"]
ACTIONS = ["move", "advance", "hire", "reject", "unreject", "disqualify", "requalify", "transfer"]
NO_OPS = {("active", "requalify"), ("hired", "requalify"), ("rejected", "requalify"), ("disqualified", "disqualify")}


def _state(application: Application) -> str:
    application.refresh_from_db()
    if application.status == "active" and application.is_disqualified:
        return "disqualified"
    return application.status


@pytest.mark.parametrize("state,action", [(s, a) for s in STATES for a in ACTIONS if (s, a) in ALLOWED])
def test_allowed_transitions(api, tenant, state, action):
    application = _in_state(tenant, state)
    response = _action(api, application, action)
    assert response.status_code == 200, response.content
    assert _state(application) == ALLOWED[(state, action)]


@pytest.mark.parametrize(
    "state,action", [(s, a) for s in STATES for a in ACTIONS if (s, a) not in ALLOWED and (s, a) not in NO_OPS]
)
def test_illegal_transitions_are_409_and_change_nothing(api, tenant, state, action):
    application = _in_state(tenant, state)
    before = Application.objects.filter(pk=application.pk).values().get()
    events = Event.objects.filter(kind__startswith="application.").count()
    assert_error(_action(api, application, action), 409, name="Conflict")
    assert Application.objects.filter(pk=application.pk).values().get() == before
    assert Event.objects.filter(kind__startswith="application.").count() == events


def test_move_records_history_and_event(api, tenant):
    application = make_application(tenant)
    applied, screening, interview = stages_of(application.job)[:3]
    api.post(f"/applications/{application.pk}/move", {"stage_id": interview.pk})
    api.post(f"/applications/{application.pk}/move", {"stage_id": interview.pk})  # already there: nothing
    api.post(f"/applications/{application.pk}/move", {"stage_id": screening.pk})
    history = api.get(f"/applications/{application.pk}/stage-history").json()["history"]
    assert [(h["from_stage_name"], h["to_stage_name"], h["moved_by_type"], h["moved_by_user_id"]) for h in history] == [
        (None, "Applied", "system", None),
        ("Applied", "Interview", "user", tenant.user.pk),
        ("Interview", "Screening", "user", tenant.user.pk),
    ]
    assert history[1]["source"] == "api_v2" and isinstance(history[1]["moved_at"], int)
    moved = Event.objects.filter(kind="application.moved", subject_id=application.pk).order_by("pk")
    assert [e.data["to_stage_id"] for e in moved] == [interview.pk, screening.pk]
    assert moved[0].candidate_id == application.candidate_id and moved[0].job_id == application.job_id


def test_move_to_a_stage_of_another_job_or_company_is_rejected(api, tenant, other_tenant):
    application = make_application(tenant)
    other_stage = stages_of(make_job(tenant, title="Other"))[1]
    foreign_stage = stages_of(make_job(other_tenant))[1]
    assert_error(api.post(f"/applications/{application.pk}/move", {"stage_id": other_stage.pk}), 400)
    assert_error(api.post(f"/applications/{application.pk}/move", {"stage_id": foreign_stage.pk}), 400)
    foreign_application = make_application(other_tenant)
    assert_error(api.post(f"/applications/{foreign_application.pk}/move", {"stage_id": other_stage.pk}), 404)
    application.refresh_from_db()
    assert application.stage.name == "Applied"
    assert not Event.objects.filter(kind="application.moved").exists()


def test_advance_walks_the_pipeline_and_stops_at_the_last_stage(api, tenant):
    application = make_application(tenant)
    names = [api.post(f"/applications/{application.pk}/advance").json()["stage"]["name"] for _ in range(4)]
    assert names == ["Screening", "Interview", "Offer", "Hired"]
    error = assert_error(api.post(f"/applications/{application.pk}/advance"), 409)
    assert "last stage" in error["message"]


def test_hire_moves_to_the_hired_stage_and_stamps_hired_at(api, tenant):
    application = make_application(tenant)
    body = api.post(f"/applications/{application.pk}/hire").json()
    assert body["status"] == "hired" and body["hired_at"] and body["stage"]["name"] == "Hired"
    assert Event.objects.filter(kind="application.hired", subject_id=application.pk).exists()


def test_reject_with_reason_emails_the_candidate_unless_suppressed(
    api, tenant, django_capture_on_commit_callbacks, run_tasks
):
    reason = RejectionReason.objects.get(company=None, name="Position filled")
    application = make_application(tenant)
    with django_capture_on_commit_callbacks(execute=True):
        body = api.post(f"/applications/{application.pk}/reject", {"rejection_reason_id": reason.pk}).json()
    assert body["status"] == "rejected" and body["rejected_at"]
    assert body["rejection_reason"] == [{"id": reason.pk, "name": "Position filled"}]
    assert Message.objects.filter(application_id=application.pk, kind="rejection").count() == 1
    quiet = make_application(tenant, candidate=make_candidate(tenant.company, email="b@example.com"))
    with django_capture_on_commit_callbacks(execute=True):
        api.post(f"/applications/{quiet.pk}/reject", {"suppress_notification": True})
    assert not Message.objects.filter(application_id=quiet.pk).exists()
    unrejected = api.post(f"/applications/{application.pk}/unreject").json()
    assert unrejected["status"] == "active" and unrejected["rejected_at"] is None
    assert unrejected["rejection_reason"] is None


def test_reject_without_a_body_is_allowed(api, tenant):
    application = make_application(tenant)
    response = api.post(f"/applications/{application.pk}/reject")
    assert response.status_code == 200 and response.json()["rejection_reason"] is None


def test_unknown_or_foreign_rejection_reason_is_400(api, tenant, other_tenant):
    foreign = RejectionReason.objects.create(company=other_tenant.company, name="Secret")
    application = make_application(tenant)
    for reason_id in (foreign.pk, 999999):
        assert_error(
            api.post(f"/applications/{application.pk}/reject", {"rejection_reason_id": reason_id}),
            400,
            fields=["rejection_reason_id"],
        )
    application.refresh_from_db()
    assert application.status == "active"


def test_disqualify_service_validates_reason_ids(tenant, other_tenant):
    from hireloop.applications.services import disqualify_application
    from hireloop.core.errors import ValidationFailed

    application = make_application(tenant)
    foreign = RejectionReason.objects.create(company=other_tenant.company, name="Secret")
    with pytest.raises(ValidationFailed):
        disqualify_application(company=tenant.company, application=application, reason_ids=[foreign.pk])
    own = RejectionReason.objects.filter(company=None).first()
    result = disqualify_application(company=tenant.company, application=application, reason_ids=[own.pk])
    assert result.is_disqualified and result.rejection_reasons == [{"id": own.pk, "name": own.name}]


def test_transfer_creates_a_new_application_and_closes_the_old_one(api, tenant):
    application = make_application(tenant)
    target = make_job(tenant, title="Designer")
    stage = stages_of(target)[2]
    body = api.post(f"/applications/{application.pk}/transfer", {"job_id": target.alias, "stage_id": stage.pk}).json()
    assert body["job_id"] == target.pk and body["stage"]["id"] == stage.pk and body["id"] != application.pk
    old = api.get(f"/applications/{application.pk}").json()
    assert old["status"] == "rejected" and old["transferred_to_id"] == body["id"]
    assert old["rejection_reason"][0]["name"] == "Transferred to another job"
    assert_error(api.post(f"/applications/{application.pk}/unreject"), 409)
    assert_error(api.post(f"/applications/{body['id']}/transfer", {"job_id": application.job_id}), 409)


def test_transfer_to_a_foreign_job_is_400(api, tenant, other_tenant):
    application = make_application(tenant)
    assert_error(api.post(f"/applications/{application.pk}/transfer", {"job_id": make_job(other_tenant).pk}), 400)


# --- batches -----------------------------------------------------------------------------------


def test_batch_move_reports_each_item_and_one_failure_does_not_stop_the_others(api, tenant, other_tenant):
    job = make_job(tenant)
    moving = [make_application(tenant, job=job) for _ in range(3)]
    hired = make_application(tenant, job=job)
    api.post(f"/applications/{hired.pk}/hire")
    elsewhere = make_application(tenant)
    foreign = make_application(other_tenant)
    stage = stages_of(job)[2]
    ids = [moving[0].pk, hired.pk, moving[1].pk, elsewhere.pk, foreign.pk, 999999, moving[2].pk]
    response = api.post("/applications/batch/move", {"ids": ids, "stage_id": stage.pk})
    assert response.status_code == 200
    results = response.json()["results"]
    assert [r["id"] for r in results] == ids
    outcome = {r["id"]: r.get("error", {}).get("status") or r["data"]["stage"]["id"] for r in results}
    assert outcome == {
        moving[0].pk: stage.pk,
        moving[1].pk: stage.pk,
        moving[2].pk: stage.pk,
        hired.pk: 409,
        elsewhere.pk: 400,
        foreign.pk: 404,
        999999: 404,
    }
    assert Application.objects.filter(stage=stage).count() == 3
    foreign.refresh_from_db()
    assert foreign.stage.name == "Applied"


def test_batch_limits_and_foreign_stage(api, tenant, other_tenant):
    stage = stages_of(make_job(tenant))[0]
    assert_error(api.post("/applications/batch/move", {"ids": list(range(1, 102)), "stage_id": stage.pk}), 400)
    assert_error(api.post("/applications/batch/move", {"ids": [], "stage_id": stage.pk}), 400)
    application = make_application(tenant)
    foreign_stage = stages_of(make_job(other_tenant))[0]
    assert_error(api.post("/applications/batch/move", {"ids": [application.pk], "stage_id": foreign_stage.pk}), 400)


def test_batch_reject_partial_failure(api, tenant):
    reason = RejectionReason.objects.filter(company=None).first()
    first = make_application(tenant)
    already = make_application(tenant)
    api.post(f"/applications/{already.pk}/reject", {"suppress_notification": True})
    response = api.post(
        "/applications/batch/reject",
        {"ids": [first.pk, already.pk], "rejection_reason_id": reason.pk, "suppress_notification": True},
    ).json()
    assert response["results"][0]["data"]["status"] == "rejected"
    assert response["results"][1]["error"]["status"] == 409
    assert_error(api.post("/applications/batch/reject", {"ids": [first.pk], "rejection_reason_id": 999999}), 400)


def test_foreign_ids_in_transfer_and_batch_bodies_never_act(api, tenant, other_tenant):
    application = make_application(tenant)
    target = make_job(tenant, title="Designer")
    foreign_stage = stages_of(make_job(other_tenant))[1]
    assert_error(
        api.post(f"/applications/{application.pk}/transfer", {"job_id": target.pk, "stage_id": foreign_stage.pk}),
        400,
        fields=["stage_id"],
    )
    foreign = make_application(other_tenant)
    results = api.post(
        "/applications/batch/reject", {"ids": [foreign.pk, application.pk], "suppress_notification": True}
    ).json()["results"]
    assert results[0] == {
        "id": foreign.pk,
        "error": {"status": 404, "name": "Not Found", "message": "Application not found"},
    }
    assert results[1]["data"]["status"] == "rejected"
    foreign.refresh_from_db()
    assert foreign.status == "active" and not Application.objects.filter(job=target).exists()
