import base64
import datetime as dt
import json

import pytest

from hireloop.ai import skills
from hireloop.ai.parsing import ParseError, parse_resume, parse_text
from hireloop.ai.tests import resume_files
from hireloop.cli import main

TODAY = dt.date(2026, 11, 1)
CONTRACT_KEYS = {
    "name",
    "emails",
    "phones",
    "location",
    "links",
    "headline",
    "summary",
    "skills",
    "experience",
    "education",
    "certifications",
    "languages",
    "total_years_experience",
    "text",
    "parser",
}


def _check_maria(resume: dict) -> None:
    assert set(resume) == CONTRACT_KEYS
    assert resume["name"] == "Maria Fernández" or resume["name"] == "Maria Fern?ndez"
    assert resume["emails"] == ["maria.fernandez@example.org"]
    assert resume["phones"] == ["+34612345678"]
    assert resume["links"]["linkedin"] == "https://linkedin.com/in/mariaf"
    assert resume["links"]["github"] == "https://github.com/mariaf"
    assert resume["location"] == "Madrid, Spain"
    canon = {s["canonical"] for s in resume["skills"]}
    assert {"Python", "SQL", "Apache Spark", "Apache Airflow", "Kubernetes", "Tableau", "Snowflake"} <= canon
    titles = [(e["title"], e["company"], e["start"], e["end"], e["is_current"]) for e in resume["experience"]]
    assert titles[0][0] == "Senior Data Engineer" and titles[0][2:] == ("2019-03", None, True)
    assert titles[1] == ("Data Analyst", "Banco Santander", "2015-06", "2019-02", False)
    assert resume["education"][0]["degree"] == "MSc"
    assert resume["education"][0]["field"] == "Data Science"
    assert resume["education"][0]["end"] == "2015"
    assert resume["languages"] == ["Spanish", "English"]
    assert resume["total_years_experience"] == pytest.approx(11.4, abs=0.1)


def test_given_a_text_resume_when_parsed_then_every_contract_field_is_filled():
    resume = parse_resume(resume_files.RESUME_TEXT.encode(), "cv.txt", today=TODAY)
    _check_maria(resume)
    assert resume["parser"] == {"method": "rules+taxonomy", "version": "1.0.0", "format": "txt"}


def test_given_a_pdf_resume_when_parsed_then_the_same_fields_come_out():
    resume = parse_resume(resume_files.pdf_bytes(), "cv.pdf", today=TODAY)
    _check_maria(resume)
    assert resume["parser"]["format"] == "pdf"


def test_given_a_docx_resume_when_parsed_then_the_same_fields_come_out():
    resume = parse_resume(resume_files.docx_bytes(), "cv.docx", today=TODAY)
    _check_maria(resume)
    assert resume["parser"]["format"] == "docx"


def test_given_html_and_rtf_resumes_when_parsed_then_text_and_contacts_are_read():
    html = (
        "<html><body><h1>Li Wei</h1><p>li.wei@example.cn</p><h2>Skills</h2><ul><li>Python</li><li>Go</li></ul>"
        "<p>Experience building services for many years at scale</p></body></html>"
    )
    resume = parse_resume(html.encode(), "cv.html")
    assert resume["name"] == "Li Wei" and resume["emails"] == ["li.wei@example.cn"]
    assert {s["canonical"] for s in resume["skills"]} >= {"Python", "Go"}
    rtf = (
        r"{\rtf1\ansi{\fonttbl\f0 Arial;}\f0 Tom Baker\par tom@example.com\par Skills\par "
        r"Excel, SQL, Tableau reporting for finance teams\par}"
    )
    resume = parse_resume(rtf.encode(), "cv.rtf")
    assert resume["name"] == "Tom Baker" and resume["emails"] == ["tom@example.com"]
    assert {"Excel", "SQL", "Tableau"} <= {s["canonical"] for s in resume["skills"]}


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (lambda: resume_files.encrypted_pdf_bytes(), "encrypted"),
        (lambda: resume_files.image_only_pdf_bytes(), "no_text"),
        (lambda: resume_files.zip_bomb_docx_bytes(), "zip_bomb"),
        (lambda: b"%PDF-1.7\n garbage that is not a pdf at all " * 3, "broken"),
        (lambda: b"PK\x03\x04 not really a zip", "broken"),
        (lambda: b"\x00\x01\x02binary" * 100, "unsupported"),
        (lambda: b"hi", "no_text"),
    ],
    ids=["encrypted-pdf", "image-only-pdf", "zip-bomb", "broken-pdf", "broken-docx", "binary", "too-short"],
)
def test_given_an_unreadable_file_when_parsed_then_a_clear_reason_and_no_result(content, code):
    with pytest.raises(ParseError) as info:
        parse_resume(content(), "cv.bin")
    assert info.value.code == code
    assert info.value.reason.endswith(".") or info.value.reason.endswith(")")


def test_given_aliases_when_looked_up_then_the_taxonomy_maps_them_to_canonical_skills():
    assert skills.canonical("JS").name == "JavaScript"
    assert skills.canonical("k8s").name == "Kubernetes"
    assert skills.canonical("Postgres").name == "PostgreSQL"
    found = [s.name for s in skills.find_skills("Wrote C++ and C# services; Go and React.js, CI/CD")]
    assert found == ["C++", "C#", "Go", "React", "CI/CD"]
    assert skills.find_skills("we go to the market") == []
    assert skills.taxonomy()["licence"].startswith("Apache-2.0")


def test_given_dates_in_many_formats_when_parsed_then_experience_spans_are_normalised():
    text = (
        "Ana Costa\n\nExperience\nEngineer, Foo Labs\nSept. 2018 – Jun 2020\nDeveloper at Bar Inc\n2016/01 to 2018/08\n"
    )
    resume = parse_text(text, today=TODAY)
    spans = [(e["start"], e["end"]) for e in resume["experience"]]
    assert spans == [("2018-09", "2020-06"), ("2016-01", "2018-08")]
    assert resume["total_years_experience"] == 4.5


def test_given_a_resume_file_when_posted_to_parse_then_the_structured_json_is_returned_and_nothing_stored(tenant):
    body = {
        "data": base64.b64encode(resume_files.pdf_bytes()).decode(),
        "file_name": "cv.pdf",
        "mime_type": "application/pdf",
    }
    response = tenant.api.post("/resumes/parse", body)
    assert response.status_code == 200
    data = response.json()
    assert set(data) == CONTRACT_KEYS
    assert data["emails"] == ["maria.fernandez@example.org"]
    assert data["parser"]["format"] == "pdf"


def test_given_an_encrypted_pdf_when_posted_to_parse_then_422_names_the_reason(tenant):
    body = {
        "data": base64.b64encode(resume_files.encrypted_pdf_bytes()).decode(),
        "file_name": "cv.pdf",
        "mime_type": "application/pdf",
    }
    response = tenant.api.post("/resumes/parse", body)
    assert response.status_code == 422
    assert response.json()["error"]["message"] == "The PDF is password-protected."
    assert response.json()["error"]["reason"] == "encrypted"


def test_given_no_credentials_when_parsing_then_401(db, anon):
    assert (
        anon.post("/resumes/parse", {"data": "aGk=", "file_name": "a.txt", "mime_type": "text/plain"}).status_code
        == 401
    )


def test_given_a_file_when_cli_parse_resume_json_then_it_prints_the_contract(tmp_path, capsys):
    path = tmp_path / "cv.docx"
    path.write_bytes(resume_files.docx_bytes())
    assert main(["parse-resume", str(path), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert set(data) == CONTRACT_KEYS and data["phones"] == ["+34612345678"]
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(resume_files.encrypted_pdf_bytes())
    assert main(["parse-resume", str(bad)]) == 1
    assert "password-protected" in capsys.readouterr().err
