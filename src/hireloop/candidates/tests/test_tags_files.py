"""Tags (one, many, batch) and files: limits, sniffing, storage, download, resume text."""

import base64
from urllib.parse import quote

from django.core.files.storage import default_storage

from hireloop.activity.models import Event
from hireloop.candidates.models import CandidateFile, CandidateTag
from hireloop.candidates.tests.helpers import PDF_BYTES, PNG_BYTES, b64, file_payload, make_candidate
from hireloop.core.testing.api_kit import assert_error
from hireloop.core.testing.client import ApiClient

# --- tags -------------------------------------------------------------------------------------


def test_tags_are_added_once_listed_in_order_and_removed_case_sensitively(tenant):
    ada = make_candidate(tenant.company)

    first = tenant.api.post(f"/candidates/{ada.alias}/tags", {"tags": ["Senior", "Remote"]}).json()
    again = tenant.api.post(f"/candidates/{ada.pk}/tags", {"tags": ["Remote", "Urgent"]}).json()

    assert first["tags"] == ["Senior", "Remote"]
    assert again == {
        "tags": ["Senior", "Remote", "Urgent"],
        "pagination": {"page_size": 20, "page_count": 1, "page": 1, "total_count": 3},
    }
    assert_error(tenant.api.delete(f"/candidates/{ada.pk}/tags/remote"), 404, name="Not Found")
    assert tenant.api.delete(f"/candidates/{ada.pk}/tags/Remote").json() == {"success": True}
    assert tenant.api.get(f"/candidates/{ada.pk}/tags").json()["tags"] == ["Senior", "Urgent"]
    assert Event.objects.filter(kind="candidate.updated", candidate_id=ada.pk, data__change="tags").count() == 3


def test_a_tag_with_spaces_and_unicode_is_removed_through_its_url_encoded_path(tenant):
    ada = make_candidate(tenant.company)
    tenant.api.post(f"/candidates/{ada.pk}/tags", {"tags": ["Fällt auf / gut"]})

    response = tenant.api.delete(f"/candidates/{ada.pk}/tags/{quote('Fällt auf / gut', safe='')}")

    assert response.status_code == 200, response.content
    assert tenant.api.get(f"/candidates/{ada.pk}/tags").json()["tags"] == []


def test_blank_tags_are_rejected(tenant):
    ada = make_candidate(tenant.company)
    assert_error(tenant.api.post(f"/candidates/{ada.pk}/tags", {"tags": ["  "]}), 400, fields=["tags"])
    assert_error(tenant.api.post(f"/candidates/{ada.pk}/tags", {"tags": []}), 400, fields=["tags"])


def test_batch_tags_report_each_item_and_unknown_ids_fail_alone(tenant, other_tenant):
    ada, grace = make_candidate(tenant.company), make_candidate(tenant.company)
    foreign = make_candidate(other_tenant.company)

    response = tenant.api.post(
        "/candidates/batch/tags", {"ids": [ada.pk, grace.alias, foreign.pk, 987654], "tags": ["pool", "2026"]}
    )

    assert response.status_code == 200, response.content
    results = response.json()["results"]
    assert results[0] == {"id": ada.pk, "data": {"id": ada.pk, "alias": ada.alias, "tags": ["pool", "2026"]}}
    assert results[1]["data"]["id"] == grace.pk
    for failed, item in zip(results[2:], (foreign.pk, 987654), strict=True):
        assert failed == {
            "id": item,
            "error": {"name": "Not Found", "message": "Candidate not found", "code": 0, "status": 404},
        }
    assert not CandidateTag.objects.filter(candidate=foreign).exists()

    removed = tenant.api.delete("/candidates/batch/tags", {"ids": [ada.pk, grace.pk], "tags": ["pool"]}).json()
    assert [r["data"]["tags"] for r in removed["results"]] == [["2026"], ["2026"]]


def test_batch_tags_take_at_most_100_ids(tenant):
    response = tenant.api.post("/candidates/batch/tags", {"ids": list(range(1, 102)), "tags": ["x"]})
    assert_error(response, 400, name="Validation Error", fields=["ids"])


def test_company_tags_are_listed_under_both_paths(tenant):
    tenant.api.post(f"/candidates/{make_candidate(tenant.company).pk}/tags", {"tags": ["b", "a"]})
    expected = ["a", "b"]
    assert [t["name"] for t in tenant.api.get("/tags").json()["tags"]] == expected
    assert [t["name"] for t in tenant.api.get("/taxonomy/tags").json()["tags"]] == expected


# --- files ------------------------------------------------------------------------------------


def test_upload_sniffs_the_type_from_the_bytes_and_stores_under_a_random_name(tenant):
    ada = make_candidate(tenant.company)

    response = tenant.api.post(
        f"/candidates/{ada.pk}/files", {"file": file_payload(PNG_BYTES, "photo.pdf", "application/pdf")}
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["file"] == {
        "is_image": True,
        "orig_file_name": "photo.pdf",
        "file_ext": "pdf",
        "file_type": "image/png",
        "readable_size": f"{len(PNG_BYTES)} B",
        "size": len(PNG_BYTES),
    }
    assert body["type"] == "other" and body["relative_time"] == "a few seconds ago"
    stored = CandidateFile.objects.get(uuid=body["uuid"])
    assert "photo" not in stored.file.name and default_storage.exists(stored.file.name)
    assert Event.objects.filter(kind="file.added", candidate_id=ada.pk).count() == 1


def test_files_are_listed_newest_first(tenant):
    ada = make_candidate(tenant.company)
    tenant.api.post(f"/candidates/{ada.pk}/files", {"file": file_payload(name="a.pdf")})
    tenant.api.post(f"/candidates/{ada.pk}/files", {"file": file_payload(name="b.pdf")})

    files = tenant.api.get(f"/candidates/{ada.pk}/files").json()["files"]
    assert [f["file"]["orig_file_name"] for f in files] == ["b.pdf", "a.pdf"]


def test_a_file_over_the_size_limit_is_a_clear_400(tenant, settings):
    settings.MAX_UPLOAD_BYTES = 1024 * 1024
    ada = make_candidate(tenant.company)

    response = tenant.api.post(f"/candidates/{ada.pk}/files", {"file": file_payload(b"x" * (1024 * 1024 + 1))})

    error = assert_error(response, 400, name="Validation Error", fields=["file"])
    assert "1 MB limit" in error["validation_errors"]["file"]
    assert not CandidateFile.objects.exists()


def test_bytes_that_are_not_base64_are_a_400(tenant):
    ada = make_candidate(tenant.company)
    payload = {"file": {"data": "%%%not base64%%%", "file_name": "a.pdf", "mime_type": "application/pdf"}}
    assert_error(tenant.api.post(f"/candidates/{ada.pk}/files", payload), 400, fields=["file.data"])


def test_download_streams_the_bytes_with_headers_and_needs_the_company(tenant, other_tenant):
    ada = make_candidate(tenant.company)
    name = "Lebenslauf Jürgen.pdf"
    body = tenant.api.post(f"/candidates/{ada.pk}/files", {"file": file_payload(name=name)}).json()

    response = tenant.api.get(body["url"])

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Length"] == str(len(PDF_BYTES))
    assert "filename*=utf-8''Lebenslauf%20J%C3%BCrgen.pdf" in response["Content-Disposition"]
    assert_error(other_tenant.api.get(body["url"]), 404)
    assert_error(ApiClient().get(body["url"]), 401)


def test_resume_with_text_content_uses_the_parsed_text(tenant, run_tasks, django_capture_on_commit_callbacks):
    ada = make_candidate(tenant.company)
    with django_capture_on_commit_callbacks(execute=True):
        cv = file_payload(b"Ada Lovelace\nMathematician\nPython developer with ten years\n", "cv.txt")
        tenant.api.put(f"/candidates/{ada.pk}", {"cv": cv})
    assert run_tasks() == 1

    plain = tenant.api.get(f"/candidates/{ada.pk}/resume").json()
    with_text = tenant.api.get(f"/candidates/{ada.pk}/resume", {"include": "text_content"}).json()
    summary = tenant.api.get(f"/candidates/{ada.pk}/resume", {"include": "text_content", "view": "summary"}).json()

    assert "text" not in plain and "text" not in summary
    assert "Mathematician" in with_text["text"]
    stored = CandidateFile.objects.get(candidate=ada)
    assert stored.parse_status == "parsed"


def test_a_file_uploaded_as_resume_is_parsed(tenant, run_tasks, django_capture_on_commit_callbacks):
    ada = make_candidate(tenant.company)
    cv = file_payload(b"Ada Lovelace\nMathematician\nPython developer with ten years\n", "cv.txt")
    with django_capture_on_commit_callbacks(execute=True):
        body = tenant.api.post(f"/candidates/{ada.pk}/files", {"file": cv, "type": "resume"}).json()
    assert (body["type"], body["parse_status"], body["parse_error"]) == ("resume", "pending", None)
    assert run_tasks() == 1
    assert tenant.api.get(f"/candidates/{ada.pk}/files").json()["files"][0]["parse_status"] == "parsed"

    resume = tenant.api.get(f"/candidates/{ada.pk}/resume", {"include": "text_content"}).json()
    assert resume["uuid"] == body["uuid"] and "Mathematician" in resume["text"]
    assert CandidateFile.objects.get(candidate=ada).parse_status == "parsed"


def test_contacts_read_from_a_resume_fill_only_blanks_and_are_searchable(
    tenant, run_tasks, django_capture_on_commit_callbacks
):
    from hireloop.activity.models import Event

    ada = make_candidate(tenant.company, email="", phone="")
    cv = file_payload(b"Ada Lovelace\nada.lovelace@example.org | +44 20 7946 0958\nPython developer\n", "cv.txt")
    with django_capture_on_commit_callbacks(execute=True):
        tenant.api.post(f"/candidates/{ada.pk}/files", {"file": cv, "type": "resume"})
    run_tasks()

    found = tenant.api.get("/candidates", {"email": "ada.lovelace@example.org"}).json()["candidates"]
    assert [c["id"] for c in found] == [ada.pk]
    assert found[0]["emails"] == ["ada.lovelace@example.org"] and found[0]["phones"] == ["+442079460958"]
    assert tenant.api.get("/candidates", {"q": "lovelace@exa"}).json()["candidates"][0]["id"] == ada.pk
    update = Event.objects.filter(kind="candidate.updated", candidate_id=ada.pk).latest("pk")
    assert update.data == {"fields": ["email", "phone"], "source": "resume"}


def test_no_resume_is_404(tenant):
    ada = make_candidate(tenant.company)
    tenant.api.post(f"/candidates/{ada.pk}/files", {"file": file_payload()})
    assert_error(tenant.api.get(f"/candidates/{ada.pk}/resume"), 404, name="Not Found")


def test_deleting_a_candidate_deletes_their_stored_files(tenant, django_capture_on_commit_callbacks):
    ada = make_candidate(tenant.company)
    body = tenant.api.post(f"/candidates/{ada.pk}/files", {"file": file_payload()}).json()
    name = CandidateFile.objects.get(uuid=body["uuid"]).file.name

    with django_capture_on_commit_callbacks(execute=True):
        tenant.api.delete(f"/candidates/{ada.pk}")

    assert not CandidateFile.objects.filter(uuid=body["uuid"]).exists()
    assert not default_storage.exists(name)


def test_attachments_are_checked_against_their_object(tenant, other_tenant):
    ada = make_candidate(tenant.company)
    foreign = make_candidate(other_tenant.company)
    payload = file_payload()

    created = tenant.api.post("/attachments", {"category": "candidate", "object_id": ada.pk, "file": payload})
    denied = tenant.api.post("/attachments", {"category": "candidate", "object_id": foreign.pk, "file": payload})
    logo = tenant.api.post("/attachments", {"category": "company_header", "file": file_payload(PNG_BYTES, "h.png")})
    voicemail = tenant.api.post("/attachments", {"category": "voicemail", "file": payload})

    assert created.status_code == 201 and "/attachments/candidate/" in created.json()["url"]
    assert_error(denied, 404)
    assert logo.status_code == 201 and tenant.api.get(logo.json()["url"]).status_code == 200
    assert_error(voicemail, 400, fields=["file.file_name"])
    assert base64.b64decode(payload["data"]) == PDF_BYTES
    assert b64(PDF_BYTES) == payload["data"]
