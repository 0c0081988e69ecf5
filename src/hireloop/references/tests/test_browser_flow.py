"""The whole reference check in a real headless Chromium (JavaScript off, phone-sized screen):
request -> the candidate enters 3 referees -> emails (SMTP) and texts -> each referee answers -> the
request is filled once the minimums are met -> the PDF report holds the answers and the risk flags."""

import io
import os
import shutil

import pytest
from pypdf import PdfReader

from hireloop.references.models import Reference
from hireloop.references.tests.conftest import Committing, link_in

CHROMIUM = "/usr/bin/chromium"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not shutil.which(CHROMIUM), reason="Debian's chromium is not installed at /usr/bin/chromium"),
]

REFEREES = [
    # A manager with a free-mail address: flagged.
    {"first_name": "Grace", "last_name": "Hopper", "email": "grace.hopper@gmail.com", "phone": "",
     "relationship": "manager", "company_name": "Navy Labs", "title": "Director"},
    # Gives the candidate's own phone number (written nationally): flagged.
    {"first_name": "Alan", "last_name": "Turing", "email": "alan@bletchley.example", "phone": "415 555 0100",
     "country_code": "+1", "relationship": "peer", "company_name": "Bletchley", "title": "Analyst"},
    {"first_name": "Joan", "last_name": "Clarke", "email": "joan@bletchley.example", "phone": "+447700900123",
     "relationship": "direct_report", "company_name": "Bletchley", "title": "Cryptanalyst"},
]  # fmt: skip


@pytest.fixture
def browser(monkeypatch):
    playwright_api = pytest.importorskip("playwright.sync_api")
    # Playwright's sync API runs an event loop in this thread; the ORM calls of the test are still synchronous.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield browser
        browser.close()


def phone_context(browser):
    return browser.new_context(java_script_enabled=False, viewport={"width": 390, "height": 844}, is_mobile=True)


def answer_questionnaire(page, reference: Reference, *, skip_first: bool = False) -> None:
    for i, question in enumerate(reference.question_set.questions.all()):
        if skip_first and i == 0:
            continue
        name = f"q{question.pk}"
        if question.type == "text":
            page.get_by_label(question.text).fill(f"{reference.first_name} says: dependable and sharp.")
        elif question.type == "scale":
            page.check(f'input[name="{name}"][value="4"]')
        elif question.type == "yes_no":
            page.check(f'input[name="{name}"][value="yes"]')
        else:
            page.check(f'input[name="{name}"] >> nth=0')


def test_reference_check_end_to_end_in_chromium(live_server, browser, tenant, candidate, settings, smtp_outbox, run):
    outbox = smtp_outbox  # email goes over real SMTP to a loopback server; SMS to the outbox provider
    settings.PUBLIC_BASE_URL = live_server.url
    api = Committing(tenant.api)

    # The recruiter asks for 3 references, one of them a manager.
    created = api.post(
        "/reference-requests", {"candidate_id": candidate.alias, "min_references": 3, "min_manager_references": 1}
    )
    assert created.status_code == 201, created.content
    request_id = created.json()["id"]
    run()
    candidate_mail = outbox.emails_to("ada@example.org")
    assert len(candidate_mail) == 1
    candidate_path = link_in(candidate_mail[0].body, "c")
    assert any(live_server.url + candidate_path in body for body in outbox.sms_to("+14155550100"))

    # The candidate enters three referees on their phone, JavaScript off.
    candidate_context = phone_context(browser)
    page = candidate_context.new_page()
    page.goto(live_server.url + candidate_path)
    assert page.title().startswith("Your references for")
    for i, referee in enumerate(REFEREES):
        for field in ("first_name", "last_name", "email", "phone", "country_code", "company_name", "title"):
            if referee.get(field):
                page.fill(f"#ref-{i}-{field}", referee[field])
        page.select_option(f"#ref-{i}-relationship", referee["relationship"])
    assert page.get_by_label("First name").count() == 3  # every input has its label
    page.get_by_role("button", name="Send to my referees").click()
    assert "3 referees added" in page.inner_text("main")
    candidate_context.close()
    run()

    # Each referee gets an email and, where they have a phone, a text with their own link.
    references = {r.email: r for r in Reference.objects.filter(reference_request_id=request_id)}
    assert set(references) == {r["email"] for r in REFEREES}
    links = {}
    for email in references:
        mails = outbox.emails_to(email)
        assert len(mails) == 1
        links[email] = link_in(mails[0].body, "q")
    assert len(outbox.sms_to("+14155550100")) == 2  # the candidate's invitation, then Alan's (same number)
    assert len(outbox.sms_to("+447700900123")) == 1

    # Each referee answers in their own browser; the first one forgets a required answer first.
    for n, referee in enumerate(REFEREES):
        reference = references[referee["email"]]
        context = phone_context(browser)
        page = context.new_page()
        page.goto(live_server.url + links[referee["email"]])
        assert f"Reference for {candidate.full_name}" in page.inner_text("h1")
        if n == 0:
            answer_questionnaire(page, reference, skip_first=True)
            page.get_by_role("button", name="Submit my reference").click()
            assert "need" in page.inner_text("#error-summary")
            assert page.inner_text(".error") == "Please answer this question."
        answer_questionnaire(page, reference)
        page.get_by_role("button", name="Submit my reference").click()
        assert page.inner_text("h1") == "Thank you!"
        page.goto(live_server.url + links[referee["email"]])
        assert page.inner_text("h1") == "Already submitted"
        context.close()
        state = api.get(f"/reference-requests/{request_id}").json()
        assert state["filled"] is (n == 2), state
    run()

    # Filled once the minimums are met.
    state = api.get(f"/reference-requests/{request_id}").json()
    assert state["status"] == "completed" and state["completed_references_count"] == 3
    refs = api.get("/references", {"reference_request_id": request_id}).json()["references"]
    grace = next(r for r in refs if r["first_name"] == "Grace")
    assert "Chrome" in grace["metadata"]["browser"] and grace["metadata"]["ip"] == "127.0.0.1"
    flags = {r["first_name"]: {f["code"] for f in r["risk_flags"]} for r in refs}
    assert "free_email_manager" in flags["Grace"]
    assert "candidate_phone_match" in flags["Alan"]
    for codes in flags.values():  # same machine as the candidate, one IP, filled by a robot in seconds
        assert {"candidate_ip_match", "shared_ip", "fast_completion"} <= codes

    # The PDF report carries the referees, their answers and the flags.
    pdf = api.get("/documents", {"type": "references", "id": candidate.alias})
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    for referee in REFEREES:
        assert f"{referee['first_name']} {referee['last_name']}" in text
        assert f"{referee['first_name']} says: dependable and sharp." in text
    assert "Grace Hopper - Manager" in text
    for code in ("free_email_manager", "candidate_phone_match", "shared_ip", "fast_completion"):
        assert code in text
    assert "Overall reference score: 75/100" in text
    assert os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] == "true"
