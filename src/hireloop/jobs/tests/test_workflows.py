"""Workflows and stages over the API: the generic kit, stage order, deletion with reassignment, tenancy."""

from hireloop.activity.models import Event
from hireloop.applications.models import Application, StageChange
from hireloop.core.testing.api_kit import ResourceKit, assert_error, ids
from hireloop.jobs import defaults
from hireloop.jobs.models import Stage, Workflow
from hireloop.jobs.services import create_workflow
from hireloop.jobs.tests.helpers import make_application, make_job, stages_of


class TestWorkflowsResource(ResourceKit):
    url = "/workflows"
    key = "workflows"
    create_payload = {"name": "Engineering pipeline", "stages": ["New", "Tech screen", "Onsite", "Offer"]}
    invalid_payload = ({"name": ""}, "name")
    update_payload = {"name": "Renamed pipeline"}
    has_summary_view = False
    list_max_queries = 4

    def make(self, tenant):
        return create_workflow(company=tenant.company, actor=tenant.user, name="Pipeline")

    def check_created(self, tenant, body):
        assert [s["name"] for s in body["stages"]] == self.create_payload["stages"]
        assert [s["position"] for s in body["stages"]] == [0, 1, 2, 3]


def test_workflows_embed_stages_and_the_jobs_using_them(api, tenant):
    job = make_job(tenant)
    listed = {w["id"]: w for w in api.get("/workflows").json()["workflows"]}
    assert [s["name"] for s in listed[job.workflow_id]["stages"]] == defaults.DEFAULT_STAGES
    assert listed[job.workflow_id]["job_ids"] == [job.pk]


def test_default_workflow_is_the_template_of_new_jobs(api, tenant):
    api.post("/workflows", {"name": "House", "stages": ["Inbox", "Call", "Yes"], "is_default": True})
    job = make_job(tenant)
    assert [s.name for s in stages_of(job)] == ["Inbox", "Call", "Yes"]
    assert Workflow.objects.filter(company=tenant.company, is_default=True).count() == 1


def test_jobs_may_share_a_workflow(api, tenant):
    first = make_job(tenant)
    body = api.post("/jobs", {**_job_body(), "workflow_id": first.workflow_id}).json()
    assert body["workflow_id"] == first.workflow_id
    assert_error(api.delete(f"/workflows/{first.workflow_id}"), 409)


def _job_body():
    from hireloop.jobs.tests.helpers import JOB_BODY

    return dict(JOB_BODY)


def test_stages_by_workflow_and_by_job(api, tenant, other_tenant):
    job = make_job(tenant)
    other = make_job(tenant, title="Other")
    by_job = api.get("/workflows/stages", {"job_id": job.alias}).json()["stages"]
    assert [s["name"] for s in by_job] == defaults.DEFAULT_STAGES
    assert all(s["workflow_id"] == job.workflow_id for s in by_job)
    by_workflow = api.get("/workflows/stages", {"workflow_id": other.workflow_id}).json()["stages"]
    assert ids(by_workflow) == [s.pk for s in stages_of(other)]
    assert ids(api.get(f"/workflows/{job.workflow_id}/stages").json()["stages"]) == [s.pk for s in stages_of(job)]
    foreign = make_job(other_tenant)
    assert api.get("/workflows/stages", {"workflow_id": foreign.workflow_id}).json()["stages"] == []
    assert_error(api.get(f"/workflows/{foreign.workflow_id}/stages"), 404)
    assert_error(api.get("/workflows/stages", {"job_id": foreign.pk}), 404)


def test_add_stage_at_a_position_and_reorder(api, tenant):
    job = make_job(tenant)
    url = f"/workflows/{job.workflow_id}/stages"
    added = api.post(url, {"name": "Take-home", "position": 2})
    assert added.status_code == 201 and added.json()["position"] == 2
    names = [s["name"] for s in api.get(url).json()["stages"]]
    assert names == ["Applied", "Screening", "Take-home", "Interview", "Offer", "Hired"]
    assert_error(api.post(url, {"name": "applied"}), 400, fields=["name"])
    stage_ids = [s.pk for s in stages_of(job)]
    reordered = api.put(url, {"stage_ids": list(reversed(stage_ids))}).json()["stages"]
    assert ids(reordered) == list(reversed(stage_ids)) and [s["position"] for s in reordered] == list(range(6))
    assert_error(api.put(url, {"stage_ids": stage_ids[:-1]}), 400, fields=["stage_ids"])
    moved = api.put(f"{url}/{stage_ids[0]}", {"position": 0, "name": "New"}).json()
    assert (moved["name"], moved["position"]) == ("New", 0)


def test_deleting_a_stage_with_applications_needs_a_target(api, tenant):
    job = make_job(tenant)
    applied, screening = stages_of(job)[:2]
    applications = [make_application(tenant, job=job) for _ in range(2)]
    url = f"/workflows/{job.workflow_id}/stages/{applied.pk}"
    error = assert_error(api.delete(url), 409)
    assert error["application_count"] == 2
    other_stage = stages_of(make_job(tenant, title="Other"))[0]
    assert_error(api.delete(url, {"target_stage_id": other_stage.pk}), 400, fields=["target_stage_id"])
    assert api.delete(url, {"target_stage_id": screening.pk}).json() == {"success": True}
    assert not Stage.objects.filter(pk=applied.pk).exists()
    assert set(Application.objects.values_list("stage_id", flat=True)) == {screening.pk}
    assert [s.position for s in stages_of(job)] == [0, 1, 2, 3]
    change = StageChange.objects.filter(application=applications[0]).latest("pk")
    assert (change.from_stage_id, change.to_stage_id, change.source) == (applied.pk, screening.pk, "stage_deleted")
    history = api.get(f"/applications/{applications[0].pk}/stage-history").json()["history"]
    assert history[0]["to_stage_id"] == applied.pk and history[0]["to_stage_name"] is None  # deleted since
    assert Event.objects.filter(kind="application.moved").count() == 2


def test_empty_stage_deletes_without_target_but_the_last_stage_stays(api, tenant):
    workflow = create_workflow(company=tenant.company, actor=tenant.user, name="Two", stages=["A", "B"])
    first, second = workflow.stages.order_by("position")
    assert api.delete(f"/workflows/{workflow.pk}/stages/{first.pk}").json() == {"success": True}
    assert_error(api.delete(f"/workflows/{workflow.pk}/stages/{second.pk}"), 409)


def test_stage_endpoints_of_another_company_are_404(api, other_tenant):
    foreign = make_job(other_tenant)
    stage = stages_of(foreign)[0]
    base = f"/workflows/{foreign.workflow_id}/stages"
    assert_error(api.post(base, {"name": "X"}), 404)
    assert_error(api.put(f"{base}/{stage.pk}", {"name": "X"}), 404)
    assert_error(api.delete(f"{base}/{stage.pk}"), 404)
    assert_error(api.get(f"{base}/{stage.pk}"), 404)
