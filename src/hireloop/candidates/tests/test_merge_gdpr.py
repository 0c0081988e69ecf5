"""Duplicates, merge (dry run and real: nothing lost), anonymize and export."""

from django.core.files.storage import default_storage

from hireloop.activity.models import Event
from hireloop.ai.models import ResumeProfile
from hireloop.applications.models import Application
from hireloop.candidates.models import Candidate, CandidateEmail, CandidateFile, ProfileAnswer
from hireloop.candidates.tests.helpers import file_payload, make_candidate, make_job
from hireloop.core.testing.api_kit import assert_error
from hireloop.messaging.models import Message
from hireloop.notes.models import Note
from hireloop.references.models import Reference


def _rich(tenant, **fields):
    """A candidate with a row in every neighbouring table."""
    candidate = make_candidate(tenant.company, profile={"Shift": "Day"}, **fields)
    api = tenant.api
    api.post(f"/candidates/{candidate.pk}/tags", {"tags": ["shared", f"only-{candidate.pk}"]})
    api.post(f"/candidates/{candidate.pk}/files", {"file": file_payload(name=f"doc-{candidate.pk}.pdf")})
    Note.objects.create(company=tenant.company, candidate=candidate, author=tenant.user, body=f"<p>{candidate.pk}</p>")
    Message.objects.create(company=tenant.company, candidate=candidate, to=[candidate.email], subject="Hello")
    Reference.objects.create(
        company=tenant.company, candidate=candidate, first_name="Ref", email="ref@example.com", token_nonce="n"
    )
    return candidate


def _counts(candidate):
    return {
        "applications": Application.objects.filter(candidate=candidate).count(),
        "files": CandidateFile.objects.filter(candidate=candidate).count(),
        "notes": Note.objects.filter(candidate=candidate).count(),
        "messages": Message.objects.filter(candidate=candidate).count(),
        "references": Reference.objects.filter(candidate=candidate).count(),
        "events": Event.objects.filter(candidate_id=candidate.pk).count(),
    }


def test_duplicates_are_found_with_their_reasons(tenant, other_tenant):
    ada = make_candidate(
        tenant.company,
        first_name="Ada",
        last_name="Lovelace",
        city="London",
        phone="+44 20 7946 0958",
        linkedin="linkedin.com/in/ada",
    )
    # Two records sharing an address can exist (e.g. imported before deduplication).
    same_email = make_candidate(tenant.company)
    CandidateEmail.objects.create(company=tenant.company, candidate=same_email, email=ada.email, position=1)
    same_phone = make_candidate(tenant.company, phone="020 7946 0958", country="GB")
    same_linkedin = make_candidate(tenant.company, linkedin="https://www.linkedin.com/in/ADA/")
    same_name_city = make_candidate(tenant.company, first_name="ada", last_name="LOVELACE", city="london")
    make_candidate(tenant.company, first_name="Ada", last_name="Lovelace", city="Paris")
    make_candidate(other_tenant.company, email=ada.email)

    body = tenant.api.get(f"/candidates/{ada.alias}/duplicates").json()

    found = {d["candidate"]["id"]: d["reasons"] for d in body["duplicates"]}
    assert found == {
        same_email.pk: ["email"],
        same_phone.pk: ["phone"],
        same_linkedin.pk: ["linkedin"],
        same_name_city.pk: ["name_and_city"],
    }


def test_merge_dry_run_reports_and_writes_nothing(tenant):
    kept, duplicate = _rich(tenant), _rich(tenant)
    before = (_counts(kept), _counts(duplicate), Event.objects.count())

    response = tenant.api.post(f"/candidates/{kept.pk}/merge", {"duplicate_id": duplicate.alias, "dry_run": True})

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["dry_run"] is True
    assert body["moved"]["notes.note"] == 1
    assert body["moved"]["messaging.message"] == 1
    assert body["moved"]["references.reference"] == 1
    assert body["moved"]["candidates.candidatefile"] == 1
    assert body["moved"]["candidates.candidatetag"] == 1  # "shared" is already on the kept candidate
    assert (_counts(kept), _counts(duplicate), Event.objects.count()) == before
    assert Candidate.objects.filter(pk=duplicate.pk).exists()


def test_merge_moves_everything_and_loses_nothing(tenant):
    job, other_job = make_job(tenant.company), make_job(tenant.company, title="Designer")
    kept = _rich(tenant, first_name="Ada", last_name="", email="ada@example.com")
    duplicate = _rich(tenant, first_name="Augusta", last_name="King", email="augusta@example.com", city="London")
    tenant.api.put(f"/candidates/{duplicate.pk}", {"job_id": other_job.pk})
    ResumeProfile.objects.create(company=tenant.company, candidate=duplicate, text="resume of the duplicate")
    expected = {k: v + _counts(duplicate)[k] for k, v in _counts(kept).items()}

    body = tenant.api.post(f"/candidates/{kept.pk}/merge", {"duplicate_id": duplicate.pk}).json()

    assert not Candidate.objects.filter(pk=duplicate.pk).exists()
    after = _counts(kept)
    assert after["events"] == expected["events"] + 1  # + candidate.merged
    assert {k: v for k, v in after.items() if k != "events"} == {k: v for k, v in expected.items() if k != "events"}
    candidate = body["candidate"]
    assert candidate["emails"] == ["ada@example.com", "augusta@example.com"]
    assert candidate["first_name"] == "Ada" and candidate["last_name"] == "King" and candidate["city"] == "London"
    assert [a["job"]["id"] for a in candidate["applications"]] == [other_job.pk]
    assert sorted(tenant.api.get(f"/candidates/{kept.pk}/tags").json()["tags"]) == sorted(
        ["shared", f"only-{kept.pk}", f"only-{duplicate.pk}"]
    )
    assert ResumeProfile.objects.get(candidate=kept).text == "resume of the duplicate"
    assert ProfileAnswer.objects.filter(candidate=kept).count() == 1
    # Both had the tag "shared" and an answer to "Shift": the kept candidate's rows win.
    assert sorted(body["conflicts"], key=lambda c: c["model"]) == [
        {"type": "kept_existing", "model": "candidates.candidatetag", "rows": 1},
        {"type": "kept_existing", "model": "candidates.profileanswer", "rows": 1},
    ]
    merged = Event.objects.get(kind="candidate.merged")
    assert merged.candidate_id == kept.pk and merged.data["duplicate_id"] == duplicate.pk
    assert tenant.api.get("/candidates?q=augusta@").json()["candidates"][0]["id"] == kept.pk
    assert job.pk  # the other job stays untouched


def test_merge_with_both_applied_to_the_same_job_keeps_one_application_and_reports_it(tenant):
    job = make_job(tenant.company)
    kept, duplicate = make_candidate(tenant.company), make_candidate(tenant.company)
    tenant.api.put(f"/candidates/{kept.pk}", {"job_id": job.pk})
    tenant.api.put(f"/candidates/{duplicate.pk}", {"job_id": job.pk})
    removed = Application.objects.get(candidate=duplicate)

    body = tenant.api.post(f"/candidates/{kept.pk}/merge", {"duplicate_id": duplicate.pk}).json()

    kept_application = Application.objects.get(candidate=kept)
    clash = [c for c in body["conflicts"] if c["type"] == "application"]
    assert clash == [
        {
            "type": "application",
            "job_id": job.pk,
            "kept_application_id": kept_application.pk,
            "removed_application_id": removed.pk,
            "removed_application_stage_id": removed.stage_id,
            # its stage history (the initial "applied" entry) is kept, on the kept application
            "moved_to_kept_application": {"applications.stagechange": 1},
            "dropped_as_duplicates": {},
        }
    ]
    assert Application.objects.filter(job=job).count() == 1


def test_merge_refuses_itself_and_other_companies(tenant, other_tenant):
    ada = make_candidate(tenant.company)
    foreign = make_candidate(other_tenant.company)
    assert_error(tenant.api.post(f"/candidates/{ada.pk}/merge", {"duplicate_id": ada.pk}), 400, fields=["duplicate_id"])
    assert_error(tenant.api.post(f"/candidates/{ada.pk}/merge", {"duplicate_id": foreign.pk}), 404)
    assert Candidate.objects.filter(pk=foreign.pk).exists()


def test_anonymize_erases_the_person_and_keeps_pipeline_statistics(tenant, django_capture_on_commit_callbacks):
    job = make_job(tenant.company)
    ada = _rich(tenant, first_name="Ada", last_name="Lovelace", city="London", phone="+44 20 7946 0958")
    tenant.api.put(f"/candidates/{ada.pk}", {"job_id": job.pk, "cv": file_payload(name="ada-cv.pdf")})
    names = list(CandidateFile.objects.filter(candidate=ada).values_list("file", flat=True))

    with django_capture_on_commit_callbacks(execute=True):
        response = tenant.api.post(f"/candidates/{ada.pk}/anonymize")

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["first_name"] == "Anonymized" and body["last_name"] is None
    assert body["emails"] == [] and body["phones"] == [] and body["profile"] == [] and body["city"] is None
    assert len(body["applications"]) == 1  # statistics stay
    assert _counts(ada) == {
        "applications": 1,
        "files": 0,
        "notes": 0,
        "messages": 0,
        "references": 0,
        "events": Event.objects.filter(candidate_id=ada.pk).count(),
    }
    assert not any(default_storage.exists(n) for n in names)
    assert tenant.api.get("/candidates", {"q": "lovelace"}).json()["candidates"] == []
    assert all(e.data == {} for e in Event.objects.filter(candidate_id=ada.pk).exclude(kind="candidate.anonymized"))
    assert Event.objects.filter(kind="candidate.anonymized", candidate_id=ada.pk).exists()


def test_export_contains_every_stored_datum(tenant):
    ada = _rich(tenant, first_name="Ada", email="ada@example.com")

    response = tenant.api.get(f"/candidates/{ada.alias}/export")

    assert response.status_code == 200
    body = response.json()
    assert body["candidate"]["emails"] == ["ada@example.com"]
    assert body["record"]["first_name"] == "Ada"
    assert set(body["tags"]) == {"shared", f"only-{ada.pk}"}
    related = body["related"]
    for label in (
        "notes.note",
        "messaging.message",
        "references.reference",
        "candidates.candidatefile",
        "candidates.candidateemail",
        "candidates.profileanswer",
    ):
        assert len(related[label]) == 1, label
    assert related["messaging.message"][0]["subject"] == "Hello"
    assert {e["kind"] for e in body["events"]} >= {"candidate.created", "file.added"}
