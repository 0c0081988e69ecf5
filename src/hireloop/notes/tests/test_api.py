"""Notes over the API: sanitising, visibility, mentions, timeline events, tenancy."""

from django.core import mail

from hireloop.activity.models import Event
from hireloop.messaging.tests.conftest import make_candidate
from hireloop.notes.models import Note


def _candidate(tenant):
    return make_candidate(tenant.company)


def test_create_note_by_alias_sanitises_html_and_records_on_the_timeline(api, tenant):
    candidate = _candidate(tenant)
    response = api.post(
        "/notes?include=user",
        {"candidate_id": candidate.alias, "body": '<p onclick="x()">Strong <b>yes</b><script>alert(1)</script></p>'},
    )
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["body"] == "<p>Strong <b>yes</b></p>"
    assert data["candidate_id"] == candidate.pk
    assert data["user_id"] == tenant.user.pk
    assert data["visibility"] == "all"
    assert data["user"]["email"] == tenant.user.email
    event = Event.objects.get(kind="note.created")
    assert (event.candidate_id, event.subject_id, event.actor_id) == (candidate.pk, data["id"], tenant.user.pk)


def test_list_notes_by_id_or_alias_newest_first(api, tenant, settings, django_assert_max_num_queries):
    settings.RATE_LIMIT_ENABLED = False
    candidate = _candidate(tenant)
    ids = [api.post("/notes", {"candidate_id": candidate.pk, "body": f"n{i}"}).json()["id"] for i in range(3)]
    with django_assert_max_num_queries(4):
        listed = api.get("/notes", {"candidate_id": candidate.alias, "include": "user"}).json()
    assert [n["id"] for n in listed["notes"]] == list(reversed(ids))
    assert listed["pagination"]["total_count"] == 3
    assert listed["notes"][0]["user"]["id"] == tenant.user.pk


def test_private_note_is_visible_only_to_author_and_admins(api, tenant):
    candidate = _candidate(tenant)
    recruiter = tenant.member("recruiter")
    other = tenant.member("recruiter")
    note_id = recruiter.api.post(
        "/notes", {"candidate_id": candidate.pk, "body": "private thought", "visibility": "private"}
    ).json()["id"]
    assert recruiter.api.get(f"/notes/{note_id}").status_code == 200
    assert api.get(f"/notes/{note_id}").status_code == 200  # admin
    assert other.api.get(f"/notes/{note_id}").status_code == 404
    assert other.api.get("/notes", {"candidate_id": candidate.pk}).json()["notes"] == []
    assert other.api.delete(f"/notes/{note_id}").status_code == 404


def test_mentioned_users_are_emailed(api, tenant, django_capture_on_commit_callbacks, run_tasks):
    candidate = _candidate(tenant)
    colleague = tenant.member("hiring_manager")
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(
            "/notes",
            {"candidate_id": candidate.pk, "body": "<p>Please look</p>", "mention_user_ids": [colleague.user.pk]},
        )
    assert response.status_code == 201
    run_tasks()
    assert [m.to for m in mail.outbox] == [[colleague.user.email]]
    assert "mentioned you in a note on Ada Lovelace" in mail.outbox[0].subject
    assert "Please look" in mail.outbox[0].body


def test_mention_of_a_stranger_is_400(api, tenant, other_tenant):
    candidate = _candidate(tenant)
    response = api.post(
        "/notes", {"candidate_id": candidate.pk, "body": "x", "mention_user_ids": [other_tenant.user.pk]}
    )
    assert response.status_code == 400
    assert "mention_user_ids" in response.json()["error"]["validation_errors"]
    assert Note.objects.count() == 0


def test_update_and_delete_by_author_only(api, tenant):
    candidate = _candidate(tenant)
    author = tenant.member("recruiter")
    other = tenant.member("recruiter")
    note_id = author.api.post("/notes", {"candidate_id": candidate.pk, "body": "v1"}).json()["id"]
    assert other.api.put(f"/notes/{note_id}", {"body": "hack"}).status_code == 403
    response = author.api.put(f"/notes/{note_id}", {"body": "<i>v2</i>", "visibility": "private"})
    assert response.status_code == 200
    assert (response.json()["body"], response.json()["visibility"]) == ("<i>v2</i>", "private")
    assert api.delete(f"/notes/{note_id}").status_code == 204  # admin may delete
    assert Note.objects.count() == 0
    kinds = list(Event.objects.filter(subject_type="note").order_by("pk").values_list("kind", flat=True))
    assert kinds == ["note.created", "note.updated", "note.deleted"]


def test_empty_or_script_only_body_is_400(api, tenant):
    candidate = _candidate(tenant)
    response = api.post("/notes", {"candidate_id": candidate.pk, "body": "<script>x</script>"})
    assert response.status_code == 400
    assert response.json()["error"]["validation_errors"] == {"body": "The note is empty."}


def test_bad_visibility_is_400(api, tenant):
    response = api.post("/notes", {"candidate_id": _candidate(tenant).pk, "body": "x", "visibility": "secret"})
    assert response.status_code == 400


def test_other_company_candidate_and_note_are_404(api, tenant, other_tenant):
    theirs = make_candidate(other_tenant.company)
    assert api.post("/notes", {"candidate_id": theirs.pk, "body": "x"}).status_code == 404
    assert api.get("/notes", {"candidate_id": theirs.alias}).status_code == 404
    their_note = other_tenant.api.post("/notes", {"candidate_id": theirs.pk, "body": "x"}).json()["id"]
    assert api.get(f"/notes/{their_note}").status_code == 404
    assert api.put(f"/notes/{their_note}", {"body": "y"}).status_code == 404


def test_admin_may_write_on_behalf_of_a_member_but_a_recruiter_may_not(api, tenant):
    candidate = _candidate(tenant)
    member = tenant.member("recruiter")
    response = api.post("/notes", {"candidate_id": candidate.pk, "body": "x", "user_id": member.user.pk})
    assert response.status_code == 201
    assert response.json()["user_id"] == member.user.pk
    response = member.api.post("/notes", {"candidate_id": candidate.pk, "body": "x", "user_id": tenant.user.pk})
    assert response.status_code == 403


def test_demo_notes_mention_a_colleague_and_keep_one_private(tenant, django_capture_on_commit_callbacks, run_tasks):
    from hireloop.accounts.models import Membership, Role
    from hireloop.core.testing.factories import UserFactory
    from hireloop.notes import demo

    recruiter = UserFactory()
    Membership.objects.create(user=recruiter, company=tenant.company, role=Role.RECRUITER)
    make_candidate(tenant.company)
    with django_capture_on_commit_callbacks(execute=True):
        demo.load(company=tenant.company, admin=tenant.user)
        demo.load(company=tenant.company, admin=tenant.user)
    assert sorted(Note.objects.values_list("visibility", "mention_user_ids")) == [
        ("all", [recruiter.pk]),
        ("private", []),
    ]
    run_tasks()
    assert [m.to for m in mail.outbox] == [[recruiter.email]]
