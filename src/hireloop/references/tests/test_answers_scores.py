"""Answers with recruiter corrections, per-category scores, the PDF report and analytics."""

import io

import pytest
from pypdf import PdfReader

from hireloop.activity.models import Event
from hireloop.references.models import Answer
from hireloop.references.tests.conftest import complete, make_candidate


@pytest.fixture
def completed(api, candidate):
    """A request with a manager (scores 5) and a peer (scores 3 on every scale question), both answered."""
    request = api.post("/reference-requests", {"candidate_id": candidate.pk, "min_references": 2}).json()
    refs = []
    for name, relationship, value in (("Grace", "manager", 5), ("Alan", "peer", 3)):
        ref = api.post("/references", {"candidate_id": candidate.pk, "reference_request_id": request["id"],
                                       "first_name": name, "last_name": "Ref", "email": f"{name}@corp.example",
                                       "relationship": relationship}).json()  # fmt: skip
        complete(ref["id"], values={c: value for c in ("performance", "reliability", "teamwork", "leadership",
                                                         "communication")})  # fmt: skip
        refs.append(ref)
    return request, refs


def scale_answer(reference_id: int) -> Answer:
    return Answer.objects.filter(reference_id=reference_id, type="scale").order_by("order").first()


def test_get_answer(api, completed):
    _, refs = completed
    answer = scale_answer(refs[0]["id"])

    r = api.get(f"/answers/{answer.pk}")

    assert r.status_code == 200
    body = r.json()
    assert body["reference_id"] == refs[0]["id"]
    assert body["type"] == "scale" and body["scale"] == {"min": 1, "max": 5}
    assert body["value"] == "5"
    assert body["question"] == answer.question_text
    assert body["corrected"] is False and body["original_value"] is None


def test_correction_keeps_the_original_and_records_who_changed_what(api, completed, tenant):
    _, refs = completed
    answer = scale_answer(refs[0]["id"])

    first = api.patch(f"/answers/{answer.pk}", {"value": 4, "comment": "Referee said 4 on the phone"})
    second = api.patch(f"/answers/{answer.pk}", {"value": "3"})

    assert first.status_code == 200
    body = second.json()
    assert body["value"] == "3"
    assert body["original_value"] == "5" and body["original_comment"] == ""
    assert body["corrected"] is True and body["corrected_by_id"] == tenant.user.pk
    assert [(c["field"], c["from"], c["to"], c["user_id"]) for c in body["corrections"]] == [
        ("value", "5", "4", tenant.user.pk),
        ("comment", "", "Referee said 4 on the phone", tenant.user.pk),
        ("value", "4", "3", tenant.user.pk),
    ]
    events = Event.objects.filter(kind="answer.corrected", subject_id=answer.pk)
    assert events.count() == 2 and events.first().candidate_id == refs[0]["candidate_id"]


def test_correction_is_validated_against_the_question(api, completed):
    _, refs = completed
    answer = scale_answer(refs[0]["id"])
    yes_no = Answer.objects.filter(reference_id=refs[0]["id"], type="yes_no").first()

    assert api.patch(f"/answers/{answer.pk}", {"value": 11}).status_code == 400
    assert api.patch(f"/answers/{yes_no.pk}", {"value": "maybe"}).status_code == 400
    assert api.patch(f"/answers/{yes_no.pk}", {"value": "No"}).json()["value"] == "no"


def test_another_companys_answer_is_404(other_api, completed):
    _, refs = completed
    answer = scale_answer(refs[0]["id"])

    assert other_api.get(f"/answers/{answer.pk}").status_code == 404
    assert other_api.patch(f"/answers/{answer.pk}", {"value": 1}).status_code == 404


def test_candidate_score_per_category(api, completed, candidate):
    r = api.get(f"/candidates/{candidate.alias}/reference-score")

    assert r.status_code == 200
    body = r.json()
    assert body["candidate_id"] == candidate.pk
    assert body["references_count"] == 2
    # manager: 5 of 1-5 = 100; peer: 3 of 1-5 = 50
    assert body["score"] == 75
    by_category = {c["category"]: c for c in body["categories"]}
    assert by_category["teamwork"] == {"category": "teamwork", "score": 75, "answers_count": 2, "references_count": 2}
    assert set(by_category) == {"performance", "reliability", "teamwork", "leadership", "communication"}
    refs = api.get("/references", {"candidate_id": candidate.pk}).json()["references"]
    assert sorted(r["score"] for r in refs) == [50, 100]


def test_score_without_answers_is_null(api, candidate):
    body = api.get(f"/candidates/{candidate.pk}/reference-score").json()

    assert body == {"candidate_id": candidate.pk, "score": None, "references_count": 0, "answers_count": 0,
                    "categories": []}  # fmt: skip


def test_pdf_report_contains_referees_answers_scores_and_flags(api, completed, candidate):
    _, refs = completed
    api.patch(f"/references/{refs[0]['id']}", {"phone": "+14155550100"})  # the candidate's phone: flagged

    r = api.get("/documents", {"type": "references", "id": candidate.alias})
    also = api.get("/documents", {"type": "candidates", "id": candidate.pk})

    assert r.status_code == 200 and also.status_code == 200
    assert r["Content-Type"] == "application/pdf"
    assert r.content.startswith(b"%PDF-")
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(r.content)).pages)
    assert "Reference report" in text
    assert "Ada Lovelace" in text
    assert "Grace Ref - Manager" in text and "Alan Ref - Peer" in text
    assert "Overall reference score: 75/100" in text
    assert "teamwork: 75/100" in text
    assert "candidate_phone_match" in text
    assert "Solid and kind." in text
    assert "5 of 1-5" in text


def test_documents_validate_type_and_tenancy(api, other_tenant):
    theirs = make_candidate(other_tenant.company)

    assert api.get("/documents", {"type": "invoices", "id": "1"}).status_code == 400
    assert api.get("/documents", {"type": "references", "id": theirs.pk}).status_code == 404


def test_reference_analytics_use_001_field_names(api, completed, candidate, tenant):
    make_candidate(tenant.company, email="other@example.org")

    r = api.get("/analytics/references")

    assert r.status_code == 200
    body = r.json()
    assert body["total_candidates"] == 1
    assert body["total_reference_requests"] == 1
    assert body["total_references"] == 2
    assert body["completed_references"] == 2
    assert body["avg_reference_completion_time"] is not None and body["avg_reference_completion_time"] >= 0
    assert body["avg_candidates_score"] == 75
    assert [d["count"] for d in body["candidate_count_by_date"]] == [1]
    assert [d["count"] for d in body["reference_count_by_date"]] == [2]
    assert body["top_recruiters"] == [
        {"user_id": tenant.user.pk, "name": tenant.user.full_name, "total_references": 2, "completed_references": 2}
    ]


def test_user_analytics(api, completed, tenant, other_tenant):
    mine = api.get(f"/users/{tenant.user.pk}/analytics")
    colleague = tenant.member("recruiter")
    theirs = api.get(f"/users/{colleague.user.pk}/analytics")
    foreign = api.get(f"/users/{other_tenant.user.pk}/analytics")

    assert mine.status_code == 200
    assert mine.json()["total_candidates"] == 1
    assert mine.json()["completed_references"] == 2
    assert mine.json()["avg_candidates_score"] == 75
    assert theirs.json()["total_references"] == 0
    assert foreign.status_code == 404


def test_analytics_of_another_company_stay_apart(other_api, completed):
    body = other_api.get("/analytics/references").json()

    assert body["total_references"] == 0 and body["top_recruiters"] == []
