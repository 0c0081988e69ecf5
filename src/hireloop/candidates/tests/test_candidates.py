"""Candidate list filters, create/update semantics, dedupe, timezones and incremental sync."""

from datetime import timedelta

import pytest
import time_machine
from django.test.utils import override_settings
from django.utils import timezone

from hireloop.activity.models import Event
from hireloop.applications.models import Application
from hireloop.candidates.models import Candidate, CandidateEmail, Question
from hireloop.candidates.tests.helpers import file_payload, make_candidate, make_job
from hireloop.core.testing.api_kit import assert_error, assert_page, ids


def _list(tenant, **query):
    response = tenant.api.get("/candidates", query)
    assert response.status_code == 200, response.content[:300]
    return response.json()["candidates"]


# --- list filters -------------------------------------------------------------------------------


def test_email_filter_matches_any_of_the_candidates_emails_exactly(tenant):
    ada = make_candidate(tenant.company, email="ada@example.com")
    tenant.api.put(f"/candidates/{ada.pk}", {"email": "ada.work@example.com"})
    make_candidate(tenant.company, email="adam@example.com")

    assert ids(_list(tenant, email="ADA@example.com")) == [ada.pk]
    assert ids(_list(tenant, email="ada.work@example.com")) == [ada.pk]
    assert _list(tenant, email="ada@example") == []


def test_q_matches_part_of_a_name_or_any_email_case_insensitively(tenant):
    ada = make_candidate(tenant.company, first_name="Ada", last_name="Lovelace", email="countess@analytical.org")
    grace = make_candidate(tenant.company, first_name="Grace", last_name="Hopper", email="gh@navy.mil")

    assert ids(_list(tenant, q="lovel")) == [ada.pk]
    assert ids(_list(tenant, q="ANALYTICAL")) == [ada.pk]
    assert ids(_list(tenant, q="grace hop")) == [grace.pk]
    assert ids(_list(tenant, q="gh")) == [grace.pk]  # shorter than a trigram still works
    assert _list(tenant, q="nobody") == []


def test_q_combines_with_other_filters_all_must_match(tenant):
    ada = make_candidate(tenant.company, first_name="Ada", last_name="Lovelace")
    make_candidate(tenant.company, first_name="Ada", last_name="Byron")

    assert ids(_list(tenant, q="ada", full_name="ada lovelace")) == [ada.pk]
    assert _list(tenant, q="byron", full_name="Ada Lovelace") == []


def test_linkedin_filter_normalises_urls_and_aliases(tenant):
    ada = make_candidate(tenant.company, linkedin="https://www.linkedin.com/in/Ada-Lovelace/")
    make_candidate(tenant.company)

    assert ids(_list(tenant, linkedin="ada-lovelace")) == [ada.pk]
    assert ids(_list(tenant, linkedin="linkedin.com/in/ada-lovelace?trk=x")) == [ada.pk]


def test_job_and_stage_filters(tenant):
    job = make_job(tenant.company)
    first, second = job.workflow.stages.order_by("position")[:2]
    applied = make_candidate(tenant.company)
    interviewing = make_candidate(tenant.company)
    make_candidate(tenant.company)
    tenant.api.put(f"/candidates/{applied.pk}", {"job_id": job.pk})
    tenant.api.put(f"/candidates/{interviewing.pk}", {"job_id": job.pk, "stage_id": second.pk})

    assert set(ids(_list(tenant, job_id=job.pk))) == {applied.pk, interviewing.pk}
    assert ids(_list(tenant, job_id=job.pk, stage_id=first.pk)) == [applied.pk]


def test_created_after_accepts_unix_seconds_and_iso(tenant):
    with time_machine.travel("2026-01-01T00:00:00Z", tick=False):
        make_candidate(tenant.company)
    with time_machine.travel("2026-03-01T00:00:00Z", tick=False):
        new = make_candidate(tenant.company)

    assert ids(_list(tenant, created_after="2026-02-01T00:00:00Z")) == [new.pk]
    assert ids(_list(tenant, created_after=str(int(new.created_at.timestamp())))) == [new.pk]
    assert_error(tenant.api.get("/candidates", {"created_after": "1780000000000"}), 400, fields=["created_after"])


def test_summary_view_omits_profile_and_applications(tenant):
    make_candidate(tenant.company, profile={"Current title": "Engineer"})

    full = _list(tenant)[0]
    summary = _list(tenant, view="summary", include="applications")[0]

    assert full["profile"] == [
        {"question_id": full["profile"][0]["question_id"], "question_text": "Current title", "value": "Engineer"}
    ]
    assert "applications" not in full  # only with include=applications
    assert "profile" not in summary and "applications" not in summary
    assert summary["emails"] == full["emails"]


def test_list_with_include_applications_has_a_fixed_query_count(tenant, django_assert_max_num_queries):
    job = make_job(tenant.company)
    other = make_job(tenant.company, title="Designer")
    for _ in range(12):
        candidate = make_candidate(tenant.company, profile={"Years": "5"})
        tenant.api.put(f"/candidates/{candidate.pk}", {"job_id": job.pk})
        tenant.api.put(f"/candidates/{candidate.pk}", {"job_id": other.pk})
        tenant.api.post(f"/candidates/{candidate.pk}/tags", {"tags": ["x"]})
    tenant.api.get("/candidates")  # warm the credential cache

    # count, page, emails, phones, answers+questions, applications+jobs+stages, plus auth/rate bookkeeping
    with override_settings(RATE_LIMIT_ENABLED=False), django_assert_max_num_queries(7):
        response = tenant.api.get("/candidates", {"include": "applications", "size": 100})

    items = assert_page(response, "candidates", page=1, size=100, total=12)
    assert all(len(item["applications"]) == 2 for item in items)
    assert items[0]["applications"][0]["job"] == {"id": job.pk, "title": job.title, "status": job.status}
    assert items[0]["applications"][0]["stage"]["name"] == "Applied"


# --- create / update ----------------------------------------------------------------------------


def test_create_with_profile_by_text_and_by_question_id(tenant):
    question = Question.objects.create(company=tenant.company, text="Years of experience", type="number")

    response = tenant.api.post(
        "/candidates",
        {
            "first_name": "Alice",
            "email": "Alice.Johnson@Example.com",
            "phone": "(415) 555-2671",
            "profile": {"Current job title": "Senior Engineer", str(question.pk): "7", "Last name": "Johnson"},
        },
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["emails"] == ["alice.johnson@example.com"]
    assert body["phones"] == ["+14155552671"]
    assert body["last_name"] == "Johnson"  # a library field named in the profile
    assert {(p["question_text"], p["value"]) for p in body["profile"]} == {
        ("Current job title", "Senior Engineer"),
        ("Years of experience", 7),
    }
    assert body["origin"]["name"] == "API"
    assert Event.objects.filter(kind="candidate.created", candidate_id=body["id"]).count() == 1


def test_profile_answers_are_validated_against_the_question_type(tenant):
    number = Question.objects.create(company=tenant.company, text="Age", type="number")
    choice = Question.objects.create(company=tenant.company, text="Shift", type="select", options=["Day", "Night"])

    bad_number = tenant.api.post("/candidates", {"first_name": "A", "profile": {str(number.pk): "old"}})
    bad_choice = tenant.api.post("/candidates", {"first_name": "A", "profile": {"Shift": "Evening"}})
    unknown = tenant.api.post("/candidates", {"first_name": "A", "profile": {"999999": "x"}})

    assert_error(bad_number, 400, name="Validation Error", fields=[f"profile.{number.pk}"])
    assert_error(bad_choice, 400, name="Validation Error", fields=["profile.Shift"])
    assert_error(unknown, 400, name="Validation Error", fields=["profile.999999"])
    assert not Candidate.objects.filter(company=tenant.company).exists()
    assert choice.pk


def test_create_with_job_puts_the_candidate_in_the_first_stage_or_the_given_one(tenant):
    job = make_job(tenant.company)
    offer = job.workflow.stages.get(name="Offer")

    first = tenant.api.post("/candidates", {"first_name": "A", "email": "a@x.io", "job_id": job.pk}).json()
    chosen = tenant.api.post(
        "/candidates", {"first_name": "B", "email": "b@x.io", "job_id": job.alias, "stage_id": offer.pk}
    ).json()

    assert first["applications"][0]["stage"]["name"] == "Applied"
    assert chosen["applications"][0]["stage"] == {"id": offer.pk, "name": "Offer"}


def test_create_with_a_job_of_another_company_is_404_and_writes_nothing(tenant, other_tenant):
    foreign = make_job(other_tenant.company)

    response = tenant.api.post("/candidates", {"first_name": "A", "job_id": foreign.pk})

    assert_error(response, 404, name="Not Found")
    assert not Candidate.objects.filter(company=tenant.company).exists()


def test_stage_without_job_is_a_validation_error(tenant):
    assert_error(tenant.api.post("/candidates", {"stage_id": 1}), 400, fields=["stage_id"])


def test_duplicate_email_returns_the_existing_candidate_with_blanks_filled(tenant):
    job = make_job(tenant.company)
    ada = make_candidate(tenant.company, first_name="Ada", last_name="", email="ada@example.com")

    response = tenant.api.post(
        "/candidates",
        {"first_name": "Augusta", "last_name": "King", "email": "ADA@example.com", "city": "London", "job_id": job.pk},
    )

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["id"] == ada.pk
    assert body["first_name"] == "Ada"  # existing values are kept
    assert body["last_name"] == "King" and body["city"] == "London"  # blanks are filled
    assert body["timezone"] == "Europe/London"
    assert len(body["applications"]) == 1
    assert Candidate.objects.filter(company=tenant.company).count() == 1

    again = tenant.api.post("/candidates", {"email": "ada@example.com", "job_id": job.pk})
    assert again.status_code == 200 and len(again.json()["applications"]) == 1


def test_the_same_email_in_another_company_is_a_different_candidate(tenant, other_tenant):
    make_candidate(other_tenant.company, email="ada@example.com")
    response = tenant.api.post("/candidates", {"email": "ada@example.com"})
    assert response.status_code == 201


def test_update_to_an_email_of_another_candidate_is_a_conflict(tenant):
    make_candidate(tenant.company, email="taken@example.com")
    ada = make_candidate(tenant.company)

    error = assert_error(tenant.api.put(f"/candidates/{ada.pk}", {"email": "taken@example.com"}), 409)
    assert "merge" in error["message"]


def test_update_email_makes_it_primary_and_keeps_the_old_one(tenant):
    ada = make_candidate(tenant.company, email="old@example.com")

    body = tenant.api.put(f"/candidates/{ada.alias}", {"email": "new@example.com"}).json()

    assert body["emails"] == ["new@example.com", "old@example.com"]
    assert ids(_list(tenant, q="old@")) == [ada.pk]


@pytest.mark.parametrize(
    "place,expected",
    [
        ({"city": "Portland", "state": "Oregon", "country": "US"}, "America/Los_Angeles"),
        ({"city": "Portland", "state": "ME"}, "America/New_York"),
        ({"city": "Sydney", "country": "Australia"}, "Australia/Sydney"),
        ({"city": "München", "country": "DE"}, "Europe/Berlin"),
        ({"country": "Japan"}, "Asia/Tokyo"),
        ({"city": "Xyzzyville"}, None),
    ],
)
def test_timezone_is_resolved_offline_from_city_and_country(tenant, place, expected):
    body = tenant.api.post("/candidates", {"first_name": "T", **place}).json()
    assert body["timezone"] == expected


def test_an_explicit_timezone_wins_over_the_resolved_one(tenant):
    body = tenant.api.post(
        "/candidates", {"first_name": "T", "city": "Paris", "country": "FR", "timezone": "America/New_York"}
    ).json()
    assert body["timezone"] == "America/New_York"
    assert_error(tenant.api.post("/candidates", {"timezone": "Mars/Olympus"}), 400, fields=["timezone"])


def test_create_with_cv_stores_a_resume(tenant):
    body = tenant.api.post("/candidates", {"first_name": "C", "cv": file_payload()}).json()

    resume = tenant.api.get(f"/candidates/{body['id']}/resume").json()
    assert resume["type"] == "resume" and resume["file"]["file_type"] == "application/pdf"


# --- updated_after covers nested changes ------------------------------------------------------


def test_updated_after_sees_changes_to_tags_files_and_profile_answers(tenant):
    start = timezone.now() - timedelta(days=1)
    with time_machine.travel(start, tick=False):
        tagged, filed, answered, untouched = (make_candidate(tenant.company) for _ in range(4))
    since = int((start + timedelta(hours=1)).timestamp())
    assert _list(tenant, updated_after=since) == []

    tenant.api.post(f"/candidates/{tagged.pk}/tags", {"tags": ["vip"]})
    tenant.api.post(f"/candidates/{filed.pk}/files", {"file": file_payload()})
    tenant.api.put(f"/candidates/{answered.pk}", {"profile": {"Notice period": "1 month"}})

    assert set(ids(_list(tenant, updated_after=since))) == {tagged.pk, filed.pk, answered.pk}
    assert untouched.pk not in ids(_list(tenant, updated_after=since))


def test_deleting_a_candidate_records_an_event_and_removes_contact_rows(tenant):
    ada = make_candidate(tenant.company)

    assert tenant.api.delete(f"/candidates/{ada.alias}").json() == {"success": True}

    assert not CandidateEmail.objects.filter(candidate_id=ada.pk).exists()
    assert Event.objects.filter(kind="candidate.deleted", candidate_id=ada.pk).exists()


def test_other_company_candidate_is_404_on_every_sub_resource(tenant, other_tenant):
    foreign = make_candidate(other_tenant.company)
    for method, path, body in [
        ("get", f"/candidates/{foreign.pk}/tags", None),
        ("post", f"/candidates/{foreign.pk}/tags", {"tags": ["x"]}),
        ("delete", f"/candidates/{foreign.alias}/tags/x", None),
        ("get", f"/candidates/{foreign.pk}/files", None),
        ("post", f"/candidates/{foreign.pk}/files", {"file": file_payload()}),
        ("get", f"/candidates/{foreign.pk}/resume", None),
        ("get", f"/candidates/{foreign.pk}/activities", None),
        ("post", f"/candidates/{foreign.pk}/disqualify", {}),
    ]:
        assert_error(tenant.api.request(method, path, body), 404, name="Not Found")
    assert Application.objects.count() == 0


def test_openapi_documents_every_candidate_path(db, anon):
    paths = anon.get("/openapi.json").json()["paths"]
    for path in (
        "/api/v2/candidates",
        "/api/v2/candidates/batch/tags",
        "/api/v2/candidates/{id}",
        "/api/v2/candidates/{id}/tags/{tag}",
        "/api/v2/candidates/{id}/files",
        "/api/v2/candidates/{id}/resume",
        "/api/v2/candidates/{id}/activities",
        "/api/v2/candidates/{id}/disqualify",
        "/api/v2/candidates/{id}/duplicates",
        "/api/v2/candidates/{id}/merge",
        "/api/v2/candidates/{id}/anonymize",
        "/api/v2/candidates/{id}/export",
        "/api/v2/questions/types",
        "/api/v2/forms/{form_id}/questions/{question_id}",
        "/api/v2/taxonomy/sources",
        "/api/v2/attachments",
        "/api/v2/attachments/{category}/{file_uuid}/{file_name}",
    ):
        assert path in paths, path
    assert {"get", "post"} <= set(paths["/api/v2/candidates"])
    assert {"post", "delete"} <= set(paths["/api/v2/candidates/batch/tags"])


def test_webhook_payload_is_the_candidate_as_get_returns_it(tenant, settings):
    from hireloop.candidates.selectors import webhook_payload

    settings.PUBLIC_BASE_URL = "http://testserver"
    job = make_job(tenant.company)
    ada = make_candidate(tenant.company, profile={"Shift": "Day"})
    tenant.api.put(f"/candidates/{ada.pk}", {"job_id": job.pk})

    assert webhook_payload(tenant.company, ada.pk) == tenant.api.get(f"/candidates/{ada.pk}").json()
    tenant.api.delete(f"/candidates/{ada.pk}")
    assert webhook_payload(tenant.company, ada.pk) is None


def test_days_since_last_message_is_computed_at_request_time(tenant):
    ada = make_candidate(tenant.company)
    assert tenant.api.get(f"/candidates/{ada.pk}").json()["days_since_last_message"] is None
    with time_machine.travel("2026-06-01T12:00:00Z", tick=False):
        Candidate.objects.filter(pk=ada.pk).update(last_message_at=timezone.now())  # as messaging does
    with time_machine.travel("2026-06-04T11:00:00Z", tick=False):
        body = tenant.api.get(f"/candidates/{ada.pk}").json()
    assert body["last_message_at"] == 1780315200
    assert body["days_since_last_message"] == 2


def test_total_count_follows_creates_and_deletes_at_once(tenant):
    def total():
        return tenant.api.get("/candidates").json()["pagination"]["total_count"]

    ada = make_candidate(tenant.company)
    assert total() == 1  # now cached
    make_candidate(tenant.company)
    assert total() == 2
    tenant.api.delete(f"/candidates/{ada.pk}")
    assert total() == 1
    assert tenant.api.get("/candidates", {"q": "ada"}).json()["pagination"]["total_count"] == 1
