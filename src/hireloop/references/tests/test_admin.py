"""The back office shows reference checks without exposing link secrets."""

from django.test import Client

from hireloop.accounts.models import User
from hireloop.references.tests.conftest import complete


def test_back_office_pages_render(api, candidate, db):
    request = api.post("/reference-requests", {"candidate_id": candidate.pk, "min_references": 1}).json()
    ref = api.post("/references", {"candidate_id": candidate.pk, "reference_request_id": request["id"],
                                   "first_name": "Ann", "email": "ann@corp.example"}).json()  # fmt: skip
    complete(ref["id"])
    staff = User.objects.create_superuser("staff@hireloop.example", "correct horse battery")
    client = Client()
    client.force_login(staff)

    pages = [
        "/admin/references/questionset/",
        f"/admin/references/questionset/{request['question_set_id']}/change/",
        "/admin/references/referencerequest/",
        f"/admin/references/referencerequest/{request['id']}/change/",
        "/admin/references/reference/",
        f"/admin/references/reference/{ref['id']}/change/",
    ]
    for path in pages:
        response = client.get(path)
        assert response.status_code == 200, path
        assert b"token_nonce" not in response.content
