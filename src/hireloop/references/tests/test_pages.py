"""The public pages: the candidate enters referees, the referee answers, confirms or declines.
Standard HTML forms with CSRF tokens; every unusable link gets a clear page, never a 500."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from hireloop.activity.models import Event
from hireloop.references import services
from hireloop.references.models import Answer, Reference, ReferenceRequest
from hireloop.references.tests.conftest import link_in

UA = (
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.1 Safari/605.1.15"
)


def csrf(page) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode()).group(1)


@pytest.fixture
def candidate_link(api, candidate, outbox, run):
    request = api.post("/reference-requests", {"candidate_id": candidate.pk, "min_references": 2}).json()
    run()
    return request, link_in(outbox.emails_to("ada@example.org")[0].body, "c")


def _referee_form(token: str, rows: list[dict]) -> dict:
    data = {"csrfmiddlewaretoken": token, "rows": str(len(rows))}
    for i, row in enumerate(rows):
        for key, value in row.items():
            data[f"ref-{i}-{key}"] = value
    return data


REFEREES = [
    {"first_name": "Grace", "last_name": "Hopper", "email": "grace@navy.example", "phone": "+14155550123",
     "relationship": "manager", "company_name": "US Navy", "title": "Admiral"},
    {"first_name": "Alan", "last_name": "Turing", "email": "alan@bletchley.example", "phone": "",
     "relationship": "peer", "company_name": "", "title": ""},
]  # fmt: skip


def test_candidate_page_shows_labelled_fields_for_the_minimum(pages, candidate_link):
    _, path = candidate_link

    page = pages.get(path)

    html = page.content.decode()
    assert page.status_code == 200
    assert "Your references for" in html
    assert 'name="viewport"' in html
    assert html.count('<label for="ref-') == 2 * 8
    assert 'id="ref-1-email"' in html and 'id="ref-2-email"' not in html
    assert "no-store" in page["Cache-Control"]
    assert "hl_device" in page.cookies


def test_candidate_enters_referees_and_each_is_invited(pages, candidate_link, outbox, run, candidate):
    request, path = candidate_link
    outbox.clear()
    page = pages.get(path)

    posted = pages.post(path, _referee_form(csrf(page), REFEREES), REMOTE_ADDR="198.51.100.4")
    run()

    assert posted.status_code == 302 and posted["Location"].endswith("?added=2")
    refs = list(Reference.objects.filter(reference_request_id=request["id"]).order_by("pk"))
    assert [r.email for r in refs] == ["grace@navy.example", "alan@bletchley.example"]
    assert all(r.added_by_candidate for r in refs)
    assert len(outbox.emails_to("grace@navy.example")) == 1
    assert len(outbox.emails_to("alan@bletchley.example")) == 1
    assert outbox.sms_to("+14155550123")
    assert ReferenceRequest.objects.get(pk=request["id"]).candidate_ips == ["198.51.100.4"]
    after = pages.get(posted["Location"])
    assert "2 referees added" in after.content.decode()
    assert "Grace Hopper" in after.content.decode()


def test_candidate_form_errors_are_shown_next_to_the_field(pages, candidate_link):
    _, path = candidate_link
    page = pages.get(path)
    rows = [dict(REFEREES[0], email="not-an-email"), REFEREES[1]]

    posted = pages.post(path, _referee_form(csrf(page), rows))

    html = posted.content.decode()
    assert posted.status_code == 400
    assert 'id="ref-0-email-error"' in html and "Enter a valid email address." in html
    assert 'value="Grace"' in html  # what was typed is kept
    assert Reference.objects.count() == 0


def test_candidate_form_needs_at_least_one_referee(pages, candidate_link):
    _, path = candidate_link
    page = pages.get(path)

    posted = pages.post(path, _referee_form(csrf(page), [dict.fromkeys(REFEREES[0], "")]))

    assert posted.status_code == 400
    assert "Enter at least one referee." in posted.content.decode()


def test_post_without_csrf_token_is_refused(pages, candidate_link):
    _, path = candidate_link

    posted = pages.post(path, _referee_form("", REFEREES))

    assert posted.status_code == 403
    assert Reference.objects.count() == 0


def test_forged_and_cross_kind_tokens_show_a_clear_not_found_page(pages, candidate_link):
    _, path = candidate_link
    token = path.split("/")[3]

    forged = pages.get(path.replace(token, token[:-3] + "abc"))
    cross = pages.get(f"/r/q/{token}/")  # a candidate token is not a questionnaire token
    garbage = pages.get("/r/q/%00%ff/")

    for page in (forged, cross, garbage):
        assert page.status_code == 404
        assert "This link is not valid" in page.content.decode()


# --- the questionnaire -------------------------------------------------------------------------------


@pytest.fixture
def referee_link(api, candidate, outbox, run):
    request = api.post("/reference-requests", {"candidate_id": candidate.pk, "min_references": 1}).json()
    ref = api.post(
        "/references",
        {"candidate_id": candidate.pk, "reference_request_id": request["id"], "first_name": "Grace",
         "last_name": "Hopper", "email": "grace@navy.example", "relationship": "manager"},
    ).json()  # fmt: skip
    run()
    return ref, link_in(outbox.emails_to("grace@navy.example")[0].body, "q")


def _answers(reference_id: int) -> dict:
    ref = Reference.objects.get(pk=reference_id)
    data = {}
    for q in ref.question_set.questions.all():
        data[f"q{q.pk}"] = {"scale": "4", "yes_no": "yes", "text": "Great engineer", "single_choice": None}[q.type]
        if q.type == "single_choice":
            data[f"q{q.pk}"] = q.choices[0]
    return data


def test_opening_the_questionnaire_starts_it(pages, referee_link):
    ref, path = referee_link

    page = pages.get(path)

    html = page.content.decode()
    assert page.status_code == 200
    assert "Reference for Ada Lovelace" in html
    assert "<legend" in html and "<fieldset" in html
    assert 'type="radio"' in html
    body = Reference.objects.get(pk=ref["id"])
    assert body.status == "in_progress" and body.started_at is not None
    assert Event.objects.filter(kind="reference.started", subject_id=ref["id"]).count() == 1


def test_missing_required_answers_are_reported_and_nothing_is_saved(pages, referee_link):
    ref, path = referee_link
    page = pages.get(path)
    data = _answers(ref["id"])
    first_key = next(iter(data))
    data[first_key] = ""

    posted = pages.post(path, {"csrfmiddlewaretoken": csrf(page), **data})

    html = posted.content.decode()
    assert posted.status_code == 400
    assert "Please answer this question." in html
    assert f'id="{first_key}-error"' in html
    assert 'value="Great engineer"' in html or "Great engineer</textarea>" in html
    assert Answer.objects.count() == 0
    assert Reference.objects.get(pk=ref["id"]).status == "in_progress"


def test_out_of_range_scale_is_rejected(pages, referee_link):
    ref, path = referee_link
    page = pages.get(path)
    data = _answers(ref["id"])
    scale_key = next(k for k, v in data.items() if v == "4")
    data[scale_key] = "9"

    posted = pages.post(path, {"csrfmiddlewaretoken": csrf(page), **data})

    assert posted.status_code == 400
    assert "Choose a number from 1 to 5." in posted.content.decode()


def test_submitting_completes_the_reference_and_the_link_stops(pages, referee_link, api, outbox, run):
    ref, path = referee_link
    page = pages.get(path)
    outbox.clear()

    posted = pages.post(
        path, {"csrfmiddlewaretoken": csrf(page), **_answers(ref["id"])}, HTTP_USER_AGENT=UA, REMOTE_ADDR="203.0.113.9"
    )
    run()
    again = pages.get(path)
    resubmit = pages.post(path, {"csrfmiddlewaretoken": csrf(page), **_answers(ref["id"])})

    assert posted.status_code == 200 and "Thank you!" in posted.content.decode()
    body = api.get(f"/references/{ref['id']}").json()
    assert body["status"] == "completed" and body["filled"] is True
    assert body["metadata"] == {
        "ip": "203.0.113.9",
        "user_agent": UA,
        "browser": "Safari",
        "browser_version": "17.1",
        "os": "Mac OS X",
        "os_version": "10.15.7",
    }
    assert len(body["answers"]) == Reference.objects.get(pk=ref["id"]).question_set.questions.count()
    assert body["score"] == 75
    assert again.status_code == 410 and "Already submitted" in again.content.decode()
    assert resubmit.status_code == 410
    request = api.get(f"/reference-requests/{body['reference_request_id']}").json()
    assert request["filled"] is True and request["status"] == "completed"
    assert link_in(outbox.emails_to("grace@navy.example")[0].body, "v")  # asked to confirm
    kinds = set(Event.objects.filter(candidate_id=body["candidate_id"]).values_list("kind", flat=True))
    assert {"reference.completed", "reference_request.completed"} <= kinds


def test_verification_link_confirms_once(pages, referee_link, api, outbox, run):
    ref, path = referee_link
    page = pages.get(path)
    outbox.clear()
    pages.post(path, {"csrfmiddlewaretoken": csrf(page), **_answers(ref["id"])})
    run()
    verify_path = link_in(outbox.emails_to("grace@navy.example")[0].body, "v")

    shown = pages.get(verify_path)
    confirmed = pages.post(verify_path, {"csrfmiddlewaretoken": csrf(shown)})
    again = pages.get(verify_path)

    assert shown.status_code == 200 and "Confirm your reference" in shown.content.decode()
    assert confirmed.status_code == 200
    assert api.get(f"/references/{ref['id']}").json()["verified_at"] is not None
    assert again.status_code == 200 and "confirmed" in again.content.decode()
    assert pages.get(path.replace("/r/q/", "/r/v/")).status_code == 404  # questionnaire token is not a verification one


def test_referee_can_decline(pages, referee_link, api):
    ref, path = referee_link
    page = pages.get(path)

    declined = pages.post(path + "decline/", {"csrfmiddlewaretoken": csrf(page), "reason": "Never worked together"})
    again = pages.get(path)

    assert declined.status_code == 200
    body = api.get(f"/references/{ref['id']}").json()
    assert body["status"] == "declined" and body["decline_reason"] == "Never worked together"
    assert again.status_code == 410 and "Reference declined" in again.content.decode()


def test_expired_links_show_a_clear_page(pages, referee_link, candidate_link):
    _, questionnaire = referee_link
    _, candidate_page = candidate_link

    with time_machine.travel(timezone.now() + services.LINK_TTL + timedelta(minutes=1)):
        expired_q = pages.get(questionnaire)
        expired_c = pages.get(candidate_page)

    for page in (expired_q, expired_c):
        assert page.status_code == 410
        assert "This link has expired" in page.content.decode()


def test_deadline_closes_the_links(api, pages, candidate, outbox, run):
    deadline = timezone.now() + timedelta(days=2)
    api.post("/reference-requests", {"candidate_id": candidate.pk, "deadline": int(deadline.timestamp())})
    run()
    path = link_in(outbox.emails[0].body, "c")

    with time_machine.travel(deadline + timedelta(seconds=1)):
        page = pages.get(path)

    assert page.status_code == 410


def test_cancelled_request_closes_the_questionnaire(api, pages, referee_link):
    ref, path = referee_link

    api.post(f"/reference-requests/{ref['reference_request_id']}/cancel")
    page = pages.get(path)

    assert page.status_code == 410 and "This request is closed" in page.content.decode()


def test_candidate_link_of_a_filled_request_says_so(api, pages, candidate_link):
    from hireloop.references.tests.conftest import complete

    request, path = candidate_link
    for name in ("ann", "ben"):
        ref = api.post("/references", {"candidate_id": request["candidate_id"], "reference_request_id": request["id"],
                                       "first_name": name, "email": f"{name}@corp.example"}).json()  # fmt: skip
        complete(ref["id"])

    page = pages.get(path)

    assert page.status_code == 410 and "All references are in" in page.content.decode()


def test_openapi_documents_the_reference_endpoints(db, anon):
    spec = anon.get("/openapi.json").json()

    for path in ("/api/v2/reference-requests", "/api/v2/references/{reference_id}/remind", "/api/v2/documents",
                 "/api/v2/question-sets/{question_set_id}/questions", "/api/v2/analytics/references"):  # fmt: skip
        assert path in spec["paths"], path
