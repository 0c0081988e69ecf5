"""Fraud signals: each rule raises a risk flag with its evidence, recorded in the timeline."""

import pytest

from hireloop.activity.models import Event
from hireloop.references.models import Reference, ReferenceRequest
from hireloop.references.tests.conftest import complete


@pytest.fixture
def request_id(api, candidate):
    return api.post("/reference-requests", {"candidate_id": candidate.pk, "min_references": 3}).json()["id"]


def add(api, candidate, request_id, **fields):
    body = {"candidate_id": candidate.pk, "reference_request_id": request_id, "first_name": "Ann",
            "email": "ann@corp.example", "relationship": "peer", **fields}  # fmt: skip
    r = api.post("/references", body)
    assert r.status_code == 201, r.content
    return r.json()


def codes(api, reference_id: int) -> list[str]:
    return [f["code"] for f in api.get(f"/references/{reference_id}").json()["risk_flags"]]


def test_clean_reference_has_no_flags(api, candidate, request_id):
    ref = add(api, candidate, request_id, relationship="manager", email="ann@acme.example", company="Acme")

    complete(ref["id"], ip="203.0.113.10", device="dev-referee-0001")

    assert codes(api, ref["id"]) == []


def test_free_mail_manager_is_flagged_at_once(api, candidate, request_id):
    ref = add(api, candidate, request_id, relationship="manager", email="boss@gmail.com", company="Acme Corp")

    flags = api.get(f"/references/{ref['id']}").json()["risk_flags"]

    assert flags == [
        {
            "code": "free_email_manager",
            "evidence": "Claims to be the candidate's manager at Acme Corp but uses a free email address "
            "(boss@gmail.com).",
        }
    ]
    event = Event.objects.get(kind="reference.flagged", subject_id=ref["id"])
    assert event.candidate_id == candidate.pk and event.data["codes"] == ["free_email_manager"]


def test_free_mail_peer_is_not_flagged(api, candidate, request_id):
    ref = add(api, candidate, request_id, relationship="peer", email="pal@gmail.com")

    assert codes(api, ref["id"]) == []


def test_referee_phone_equal_to_the_candidates_is_flagged(api, candidate, request_id):
    # The candidate's +1 415 555 0100 written nationally with a separate country code.
    ref = add(api, candidate, request_id, phone="(415) 555-0100", country_code="+1")

    assert codes(api, ref["id"]) == ["candidate_phone_match"]
    patched = api.patch(f"/references/{ref['id']}", {"phone": "+14155550199"}).json()
    assert patched["risk_flags"] == []


def test_submission_from_the_candidates_ip_is_flagged(api, candidate, request_id, pages):
    ReferenceRequest.objects.filter(pk=request_id).update(candidate_ips=["198.51.100.7"])
    ref = add(api, candidate, request_id)

    complete(ref["id"], ip="198.51.100.7")

    flags = api.get(f"/references/{ref['id']}").json()["risk_flags"]
    assert flags == [
        {"code": "candidate_ip_match", "evidence": "Submitted from 198.51.100.7, an IP address the candidate used."}
    ]


def test_candidate_profile_ip_counts_too(api, candidate, request_id):
    candidate.ip = "192.0.2.55"
    candidate.save()
    ref = add(api, candidate, request_id)

    complete(ref["id"], ip="192.0.2.55")

    assert codes(api, ref["id"]) == ["candidate_ip_match"]


def test_submission_from_the_candidates_browser_is_flagged(api, candidate, request_id):
    ReferenceRequest.objects.filter(pk=request_id).update(candidate_devices=["cand-device-123456"])
    ref = add(api, candidate, request_id)

    complete(ref["id"], ip="203.0.113.20", device="cand-device-123456")

    flags = api.get(f"/references/{ref['id']}").json()["risk_flags"]
    assert [f["code"] for f in flags] == ["candidate_device_match"]
    assert "Chrome on Windows" in flags[0]["evidence"]


def test_several_referees_from_one_ip_are_all_flagged(api, candidate, request_id):
    a = add(api, candidate, request_id, first_name="Ann", last_name="A", email="a@corp.example")
    b = add(api, candidate, request_id, first_name="Ben", last_name="B", email="b@corp.example")
    c = add(api, candidate, request_id, first_name="Cat", last_name="C", email="c@corp.example")

    complete(a["id"], ip="203.0.113.50")
    assert codes(api, a["id"]) == []
    complete(b["id"], ip="203.0.113.50")
    complete(c["id"], ip="203.0.113.99")

    assert codes(api, a["id"]) == ["shared_ip"]
    assert codes(api, b["id"]) == ["shared_ip"]
    assert codes(api, c["id"]) == []
    evidence = api.get(f"/references/{b['id']}").json()["risk_flags"][0]["evidence"]
    assert evidence == "2 referees submitted from 203.0.113.50: Ben B, Ann A."


def test_implausibly_fast_completion_is_flagged(api, candidate, request_id):
    ref = add(api, candidate, request_id)
    questions = Reference.objects.get(pk=ref["id"]).question_set.questions.count()

    complete(ref["id"], seconds=5)

    flags = api.get(f"/references/{ref['id']}").json()["risk_flags"]
    assert [f["code"] for f in flags] == ["fast_completion"]
    assert (
        flags[0]["evidence"] == f"Answered {questions} questions in 5 s (under {4 * questions} s is implausibly fast)."
    )


def test_flags_are_recorded_once_per_new_code(api, candidate, request_id):
    ref = add(api, candidate, request_id, relationship="manager", email="boss@yahoo.com")

    api.patch(f"/references/{ref['id']}", {"title": "CTO"})
    api.patch(f"/references/{ref['id']}", {"phone": "+14155550100"})

    kinds = list(Event.objects.filter(kind="reference.flagged", subject_id=ref["id"]).values_list("data", flat=True))
    assert [k["codes"] for k in kinds] == [["free_email_manager"], ["candidate_phone_match"]]
