"""Timeline, disqualify, the question catalogue, forms and taxonomy lists."""

import time_machine

from hireloop.applications.models import Application
from hireloop.candidates.models import Form, ProfileAnswer
from hireloop.candidates.tests.helpers import make_candidate, make_job
from hireloop.core.testing.api_kit import ResourceKit, assert_error, assert_page
from hireloop.notes.services import create_note

# --- activities -------------------------------------------------------------------------------


def test_activities_are_the_candidates_timeline_newest_first_with_type_filters(tenant):
    job = make_job(tenant.company)
    with time_machine.travel("2026-05-01T10:00:00Z", tick=False):
        ada = make_candidate(tenant.company, actor=tenant.user)
    with time_machine.travel("2026-05-02T10:00:00Z", tick=False):
        tenant.api.post(f"/candidates/{ada.pk}/tags", {"tags": ["vip"]})
    with time_machine.travel("2026-05-03T10:00:00Z", tick=False):
        tenant.api.put(f"/candidates/{ada.pk}", {"job_id": job.pk})
    with time_machine.travel("2026-05-04T10:00:00Z", tick=False):
        create_note(company=tenant.company, actor=tenant.user, actor_role="admin", candidate=ada, body="Strong")
    make_candidate(tenant.company)  # someone else's timeline

    response = tenant.api.get(f"/candidates/{ada.alias}/activities")

    items = assert_page_with_top_level_size(response, total=5)
    # The PUT with job_id records candidate.updated and then application.created at the same instant.
    assert [i["event"]["type"] for i in items] == [
        "comment",
        "assign_job",
        "profile_mutation",
        "assign_tags",
        "profile_mutation",
    ]
    application = Application.objects.get(candidate=ada)
    assign = next(i for i in items if i["event"]["type"] == "assign_job")
    assert assign["application_id"] == application.pk and assign["candidate_id"] == ada.pk
    assert assign["created_at"] == 1777802400
    assert assign["event"]["is_text_bubble"] is True and assign["event"]["data"]["full_time"]

    tags_only = tenant.api.get(f"/candidates/{ada.pk}/activities", {"event_type": "assign_tags"}).json()
    assert [i["event"]["type"] for i in tags_only["activities"]] == ["assign_tags"]
    assert "vip" in tags_only["activities"][0]["event"]["data"]["text"]
    window = tenant.api.get(
        f"/candidates/{ada.pk}/activities", {"since": "2026-05-02T00:00:00Z", "until": "2026-05-03T00:00:00Z"}
    ).json()
    assert [i["event"]["type"] for i in window["activities"]] == ["assign_tags"]
    assert_error(tenant.api.get(f"/candidates/{ada.pk}/activities", {"size": 101}), 400, fields=["size"])


def assert_page_with_top_level_size(response, *, total: int) -> list[dict]:
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["page_size"] == 20
    assert body["pagination"]["total_count"] == total
    return body["activities"]


# --- disqualify -------------------------------------------------------------------------------


def test_disqualify_affects_every_active_application_and_returns_their_ids(tenant):
    first, second, third = make_job(tenant.company), make_job(tenant.company), make_job(tenant.company)
    ada = make_candidate(tenant.company)
    for job in (first, second, third):
        tenant.api.put(f"/candidates/{ada.pk}", {"job_id": job.pk})
    Application.objects.filter(candidate=ada, job=third).update(status="hired")
    active = sorted(Application.objects.filter(candidate=ada, status="active").values_list("pk", flat=True))

    response = tenant.api.post(f"/candidates/{ada.pk}/disqualify", {"reasons": [1]})

    assert response.json() == {"success": True, "rejected_applications": active}
    assert Application.objects.filter(candidate=ada, is_disqualified=True).count() == 2
    again = tenant.api.post(f"/candidates/{ada.pk}/disqualify", raw=b"", content_type="")
    assert again.json() == {"success": True, "rejected_applications": []}


# --- questions and forms ----------------------------------------------------------------------


class TestQuestionsResource(ResourceKit):
    url = "/questions"
    key = "questions"
    create_payload = {"text": "Preferred shift", "type": "select", "options": ["Day", "Night"]}
    invalid_payload = ({"text": "Shift", "type": "select"}, "options")
    update_payload = {"text": "Years of experience", "type": "number"}
    has_summary_view = False
    list_max_queries = 4

    def make(self, tenant):
        from hireloop.candidates.models import Question

        return Question.objects.create(company=tenant.company, text="Notice period", type="text")

    def test_kit_list_page_past_the_end_is_empty(self, caller):
        # The question catalogue pages by 25 by default (map §19), not 20.
        assert_page(caller.api.get(self.url, {"page": 999}), self.key, page=999, size=25, total=0)


def test_question_types_are_listed_with_their_options_flag(tenant):
    types = {t["type"]: t for t in tenant.api.get("/questions/types").json()["types"]}
    assert {"text", "number", "select", "multiselect", "date", "boolean", "file"} <= set(types)
    assert types["multiselect"]["has_options"] is True and types["date"]["has_options"] is False


def test_questions_list_defaults_to_25_a_page(tenant):
    for n in range(26):
        tenant.api.post("/questions", {"text": f"Q{n}", "type": "text"})
    assert_page(tenant.api.get("/questions"), "questions", page=1, size=25, total=26)


def test_answers_are_validated_and_stored_by_type(tenant):
    ids = {}
    for text, kind, options in [
        ("Start", "date", None),
        ("Remote", "boolean", None),
        ("Skills", "multiselect", ["Python", "Go", "SQL"]),
        ("Salary", "number", None),
    ]:
        ids[text] = tenant.api.post("/questions", {"text": text, "type": kind, "options": options}).json()["id"]

    body = tenant.api.post(
        "/candidates",
        {
            "first_name": "A",
            "profile": {"Start": "2026-07-01", "remote": "yes", "Skills": "Python, SQL", "Salary": "85000.5"},
        },
    ).json()

    values = {p["question_text"]: p["value"] for p in body["profile"]}
    assert values == {"Start": "2026-07-01", "Remote": True, "Skills": ["Python", "SQL"], "Salary": 85000.5}
    bad = tenant.api.post("/candidates", {"first_name": "B", "profile": {str(ids["Start"]): "next week"}})
    assert_error(bad, 400, fields=[f"profile.{ids['Start']}"])
    cleared = tenant.api.put(f"/candidates/{body['id']}", {"profile": {"Salary": None}}).json()
    assert "Salary" not in {p["question_text"] for p in cleared["profile"]}
    assert ProfileAnswer.objects.filter(candidate_id=body["id"]).count() == 3


def test_every_company_has_a_default_form_that_cannot_be_deleted(tenant):
    forms = tenant.api.get("/forms").json()["forms"]
    assert [f["is_default"] for f in forms] == [True]
    assert_error(tenant.api.delete(f"/forms/{forms[0]['id']}"), 409, name="Conflict")


def test_forms_compose_questions_and_set_their_status(tenant):
    q1 = tenant.api.post("/questions", {"text": "Portfolio", "type": "url"}).json()["id"]
    q2 = tenant.api.post("/questions", {"text": "Visa", "type": "boolean"}).json()["id"]

    form = tenant.api.post("/forms", {"name": "Engineering", "questions": [q2, q1]}).json()
    assert [(q["id"], q["status"], q["position"]) for q in form["questions"]] == [
        (q2, "optional", 0),
        (q1, "optional", 1),
    ]

    updated = tenant.api.put(f"/forms/{form['id']}/questions/{q1}", {"status": "required"}).json()
    assert [(q["id"], q["status"]) for q in updated["questions"]] == [(q2, "optional"), (q1, "required")]
    assert_error(tenant.api.put(f"/forms/{form['id']}/questions/{q1}", {"status": "mandatory"}), 400, fields=["status"])

    renamed = tenant.api.put(f"/forms/{form['id']}", {"name": "Eng", "questions": [q1]}).json()
    assert renamed["name"] == "Eng" and [(q["id"], q["status"]) for q in renamed["questions"]] == [(q1, "required")]
    assert_error(tenant.api.post("/forms", {"name": "X", "questions": [987654]}), 400, fields=["questions"])
    assert tenant.api.delete(f"/forms/{form['id']}").json() == {"success": True}
    assert not Form.objects.filter(pk=form["id"]).exists()


def test_forms_of_another_company_are_404(tenant, other_tenant):
    foreign = other_tenant.api.post("/forms", {"name": "Theirs"}).json()
    assert_error(tenant.api.get(f"/forms/{foreign['id']}"), 404)
    assert_error(tenant.api.put(f"/forms/{foreign['id']}", {"name": "Mine"}), 404)


# --- taxonomy ---------------------------------------------------------------------------------


def test_sources_are_created_and_listed_under_both_paths(tenant, other_tenant):
    created = tenant.api.post("/sources", {"name": "LinkedIn"})
    assert created.status_code == 201
    assert_error(tenant.api.post("/sources", {"name": "linkedin"}), 409)
    other_tenant.api.post("/sources", {"name": "Indeed"})

    expected = {"sources": [{"id": created.json()["id"], "name": "LinkedIn"}]}
    assert tenant.api.get("/sources").json() == expected
    assert tenant.api.get("/taxonomy/sources").json() == expected


def test_origins_include_the_standard_ones(tenant):
    make_candidate(tenant.company)
    names = [o["name"] for o in tenant.api.get("/origins").json()["origins"]]
    assert {"API", "Career site", "Import", "Referral"} <= set(names)
    assert tenant.api.get("/taxonomy/origins").json()["origins"] == tenant.api.get("/origins").json()["origins"]


# --- demo -------------------------------------------------------------------------------------


def test_demo_candidates_load_twice_without_duplicates(tenant):
    from hireloop.candidates import demo
    from hireloop.candidates.models import Candidate

    demo.load(company=tenant.company, admin=tenant.user)
    demo.load(company=tenant.company, admin=tenant.user)

    assert Candidate.objects.filter(company=tenant.company).count() == len(demo.PEOPLE)
    kenji = tenant.api.get("/candidates", {"q": "watanabe"}).json()["candidates"][0]
    assert kenji["timezone"] == "Asia/Tokyo" and kenji["phones"] == ["+81312345678"]


def test_back_office_pages_render(tenant):
    from django.test import Client

    from hireloop.accounts.models import User
    from hireloop.candidates.models import CandidateFile

    ada = make_candidate(tenant.company)
    tenant.api.post(
        f"/candidates/{ada.pk}/files", {"file": {"data": "aGVsbG8=", "file_name": "a.txt", "mime_type": "x"}}
    )
    staff = User.objects.create_superuser("staff@hireloop.example", "correct horse battery")
    client = Client()
    client.force_login(staff)
    stored = CandidateFile.objects.get(candidate=ada)
    for path in (
        "/admin/candidates/candidate/",
        f"/admin/candidates/candidate/{ada.pk}/change/",
        "/admin/candidates/candidatefile/",
        f"/admin/candidates/candidatefile/{stored.pk}/change/",
        "/admin/candidates/question/",
        "/admin/candidates/form/",
    ):
        assert client.get(path).status_code == 200, path
