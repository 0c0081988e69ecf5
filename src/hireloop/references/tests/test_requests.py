"""Reference requests and references through the API: messages sent, validation, tenancy, lists."""

import pytest

from hireloop.activity.models import Event
from hireloop.references.models import Reference, ReferenceRequest
from hireloop.references.tests.conftest import link_in, make_candidate

REFEREE = {
    "first_name": "Grace",
    "last_name": "Hopper",
    "email": "grace@navy.example",
    "phone": "+14155550123",
    "relationship": "manager",
    "company": "US Navy",
    "title": "Rear Admiral",
}


@pytest.fixture
def open_request(api, candidate, outbox):
    r = api.post(
        "/reference-requests", {"candidate_id": candidate.pk, "min_references": 2, "min_manager_references": 1}
    )
    assert r.status_code == 201, r.content
    return r.json()


def test_creating_a_request_emails_and_texts_the_candidate_a_link(api, candidate, outbox, run, tenant, settings):
    settings.PUBLIC_BASE_URL = "https://jobs.example.com"

    r = api.post(
        "/reference-requests",
        {
            "candidate_id": candidate.alias,
            "min_references": 3,
            "min_manager_references": 1,
            "notes": "Final round",
            "deadline": "2099-01-01T00:00:00Z",
        },
    )
    run()

    assert r.status_code == 201, r.content
    body = r.json()
    assert body["candidate_id"] == candidate.pk
    assert body["status"] == "open" and body["filled"] is False
    assert body["min_references"] == 3 and body["min_manager_references"] == 1
    assert body["deadline"] == 4070908800
    assert body["reminder"]["count"] == 0
    assert body["reminder"]["next_scheduled_at"] - body["created_at"] in (24 * 3600, 24 * 3600 + 1)
    assert body["question_set_id"] is not None  # the ready-made manager reference set
    emails = outbox.emails_to("ada@example.org")
    assert len(emails) == 1
    assert "references" in emails[0].subject
    assert "https://jobs.example.com/r/c/" in emails[0].body
    texts = outbox.sms_to("+14155550100")
    assert len(texts) == 1 and "https://jobs.example.com/r/c/" in texts[0]
    assert Event.objects.filter(kind="reference_request.created", candidate_id=candidate.pk).count() == 1


def test_links_fall_back_to_the_calling_host(api, candidate, outbox, run):
    api.post("/reference-requests", {"candidate_id": candidate.pk})
    run()

    assert "http://testserver/r/c/" in outbox.emails[0].body


def test_request_validation(api, candidate, other_tenant):
    from hireloop.references.tests.conftest import make_candidate

    theirs = make_candidate(other_tenant.company)
    no_contact = make_candidate(candidate.company, email="", phone="")

    assert api.post("/reference-requests", {"candidate_id": theirs.pk}).status_code == 404
    assert api.post("/reference-requests", {"candidate_id": "nope123"}).status_code == 404
    too_many = api.post(
        "/reference-requests", {"candidate_id": candidate.pk, "min_references": 1, "min_manager_references": 2}
    )
    assert too_many.status_code == 400
    assert "min_manager_references" in too_many.json()["error"]["validation_errors"]
    past = api.post("/reference-requests", {"candidate_id": candidate.pk, "deadline": 1000})
    assert past.status_code == 400
    assert api.post("/reference-requests", {"candidate_id": no_contact.pk}).status_code == 400
    assert ReferenceRequest.objects.count() == 0


def test_question_set_of_another_company_is_404(api, other_api, candidate):
    theirs = other_api.post("/question-sets", {"name": "x", "questions": [{"text": "q", "type": "text"}]}).json()

    r = api.post("/reference-requests", {"candidate_id": candidate.pk, "question_set_id": theirs["id"]})

    assert r.status_code == 404
    assert ReferenceRequest.objects.count() == 0


def test_adding_a_referee_to_an_open_request_invites_them(api, open_request, candidate, outbox, run):
    outbox.clear()

    r = api.post("/references", {"candidate_id": candidate.pk, "reference_request_id": open_request["id"], **REFEREE})
    run()

    assert r.status_code == 201, r.content
    body = r.json()
    assert body["status"] == "invited"
    assert body["relationship"] == "manager"
    assert body["company"] == body["company_name"] == "US Navy"
    assert body["question_set_id"] == open_request["question_set_id"]
    assert body["risk_flags"] == []
    assert body["metadata"] is None
    assert body["answers"] == []
    mails = outbox.emails_to("grace@navy.example")
    assert len(mails) == 1 and "Ada Lovelace" in mails[0].subject
    link_in(mails[0].body, "q")
    assert len(outbox.sms_to("+14155550123")) == 1
    assert api.get(f"/reference-requests/{open_request['id']}").json()["references_count"] == 1


def test_same_referee_twice_on_one_request_is_rejected(api, open_request, candidate):
    api.post("/references", {"candidate_id": candidate.pk, "reference_request_id": open_request["id"], **REFEREE})

    again = api.post(
        "/references", {"candidate_id": candidate.pk, "reference_request_id": open_request["id"], **REFEREE}
    )

    assert again.status_code == 400
    assert "email" in again.json()["error"]["validation_errors"]


def test_request_of_another_candidate_is_rejected(api, open_request, tenant):
    someone_else = make_candidate(tenant.company, email="bob@example.org", phone="")

    r = api.post(
        "/references", {"candidate_id": someone_else.pk, "reference_request_id": open_request["id"], **REFEREE}
    )

    assert r.status_code == 400
    assert Reference.objects.count() == 0


def test_cancelled_request_takes_no_referees(api, open_request, candidate):
    cancelled = api.post(f"/reference-requests/{open_request['id']}/cancel")

    r = api.post("/references", {"candidate_id": candidate.pk, "reference_request_id": open_request["id"], **REFEREE})

    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    assert r.status_code == 409


def test_referee_without_request_gets_the_set_of_their_relationship(api, candidate, outbox, run):
    r = api.post(
        "/references", {"candidate_id": candidate.pk, **REFEREE, "relationship": "peer", "email": "p@corp.example"}
    )
    run()

    assert r.status_code == 201
    sets = {s["id"]: s["library_key"] for s in api.get("/question-sets", {"size": 100}).json()["question_sets"]}
    assert sets[r.json()["question_set_id"]] == "peer_reference"
    assert len(outbox.emails_to("p@corp.example")) == 1


def test_referee_validation(api, candidate):
    bad_email = api.post("/references", {"candidate_id": candidate.pk, **REFEREE, "email": "not-an-email"})
    bad_relationship = api.post("/references", {"candidate_id": candidate.pk, **REFEREE, "relationship": "friend"})
    missing = api.post("/references", {"candidate_id": candidate.pk, "email": "x@y.example"})

    assert bad_email.status_code == 400 and "email" in bad_email.json()["error"]["validation_errors"]
    assert bad_relationship.status_code == 400
    assert missing.status_code == 400 and "first_name" in missing.json()["error"]["validation_errors"]


def test_patch_and_delete_a_reference(api, candidate, tenant):
    ref = api.post("/references", {"candidate_id": candidate.pk, **REFEREE}).json()

    patched = api.patch(f"/references/{ref['id']}", {"title": "Admiral", "company_name": "Navy", "internal_id": "X-1"})
    deleted = api.delete(f"/references/{ref['id']}")

    assert patched.status_code == 200
    assert patched.json()["title"] == "Admiral"
    assert patched.json()["company"] == "Navy"
    assert patched.json()["internal_id"] == "X-1"
    assert deleted.status_code == 204
    assert api.get(f"/references/{ref['id']}").status_code == 404
    kinds = list(Event.objects.filter(subject_type="reference", subject_id=ref["id"]).values_list("kind", flat=True))
    assert kinds == ["reference.created", "reference.updated", "reference.deleted"]


def test_lists_filter_and_paginate(api, open_request, candidate, tenant):
    other = make_candidate(tenant.company, email="zed@example.org", phone="")
    api.post("/references", {"candidate_id": candidate.pk, "reference_request_id": open_request["id"], **REFEREE})
    api.post("/references", {"candidate_id": other.pk, **REFEREE, "email": "z@corp.example"})

    by_candidate = api.get("/references", {"candidate_id": candidate.alias})
    by_request = api.get("/references", {"reference_request_id": open_request["id"], "view": "summary"})
    requests = api.get("/reference-requests", {"candidate_id": candidate.pk, "status": "open"})

    assert by_candidate.json()["pagination"]["total_count"] == 1
    assert by_request.json()["references"][0]["answers"] is None
    assert [r["id"] for r in requests.json()["reference_requests"]] == [open_request["id"]]
    assert api.get("/references", {"size": 1}).json()["pagination"] == {
        "page_size": 1,
        "page_count": 2,
        "page": 1,
        "total_count": 2,
    }


def test_another_companys_references_and_requests_are_404(api, other_api, other_tenant):
    theirs = make_candidate(other_tenant.company)
    request = other_api.post("/reference-requests", {"candidate_id": theirs.pk}).json()
    ref = other_api.post(
        "/references", {"candidate_id": theirs.pk, "reference_request_id": request["id"], **REFEREE}
    ).json()

    assert api.get(f"/reference-requests/{request['id']}").status_code == 404
    assert api.post(f"/reference-requests/{request['id']}/remind").status_code == 404
    assert api.get(f"/references/{ref['id']}").status_code == 404
    assert api.patch(f"/references/{ref['id']}", {"title": "x"}).status_code == 404
    assert api.delete(f"/references/{ref['id']}").status_code == 404
    assert api.post(f"/references/{ref['id']}/remind").status_code == 404
    assert api.get("/references").json()["pagination"]["total_count"] == 0
    assert api.get("/reference-requests").json()["pagination"]["total_count"] == 0


def test_unauthenticated_and_form_bodies_are_refused(anon, api, candidate):
    assert anon.get("/references").status_code == 401
    assert anon.post("/reference-requests", {"candidate_id": candidate.pk}).status_code == 401
    form = api.post("/reference-requests", raw=b"candidate_id=1", content_type="application/x-www-form-urlencoded")
    assert form.status_code == 415


def test_list_query_counts_are_flat(api, open_request, candidate, settings, django_assert_max_num_queries):
    settings.RATE_LIMIT_ENABLED = False
    for i in range(3):
        api.post("/references", {"candidate_id": candidate.pk, "reference_request_id": open_request["id"],
                                 **REFEREE, "email": f"r{i}@corp.example"})  # fmt: skip

    with django_assert_max_num_queries(3):
        refs = api.get("/references")
    with django_assert_max_num_queries(2):
        requests = api.get("/reference-requests")
    assert refs.json()["pagination"]["total_count"] == 3
    assert requests.json()["reference_requests"][0]["references_count"] == 3
