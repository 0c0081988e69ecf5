"""Partner companies of staffing agencies (map §7) and API feedback (map §24)."""

import base64
import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail

from hireloop.accounts.authentication import clear_cache
from hireloop.accounts.models import Company, Feedback, Membership, User
from hireloop.activity.models import Event
from hireloop.core.testing.api_kit import assert_error, ids
from hireloop.core.testing.client import ApiClient

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)
CLIENT = {"name": "Globex", "company_owner_email": "hank@globex.example", "company_owner_name": "Hank Scorpio"}


@pytest.fixture
def agency(tenant):
    tenant.company.is_staffing_agency = True
    tenant.company.save(update_fields=["is_staffing_agency"])
    return tenant


def create_client(agency, **fields):
    response = agency.api.post("/companies", CLIENT | fields)
    assert response.status_code == 201, response.content
    return Company.objects.get(pk=response.json()["id"])


def test_agency_creates_a_client_and_its_owner_is_invited(agency, django_capture_on_commit_callbacks):
    recruiter = agency.member("recruiter")
    interviewer = agency.member("interviewer")
    with django_capture_on_commit_callbacks(execute=True):
        response = agency.api.post(
            "/companies",
            CLIENT
            | {
                "website": "https://globex.example",
                "company_owner_phone": "+15550100",
                "logo": {"data": base64.b64encode(PNG).decode(), "file_name": "logo.png", "mime_type": "image/png"},
            },
        )
    assert response.status_code == 201, response.content
    body = response.json()
    client = Company.objects.get(pk=body["id"])
    assert body["agency_id"] == agency.company.pk and body["is_deleted"] is False
    assert (body["company_owner_name"], body["company_owner_phone"]) == ("Hank Scorpio", "+15550100")
    assert body["logo_url"].endswith(".png")
    owner = User.objects.get(email="hank@globex.example")
    assert (owner.first_name, owner.last_name, owner.has_usable_password()) == ("Hank", "Scorpio", False)
    roles = dict(Membership.objects.filter(company=client).values_list("user__email", "role"))
    assert roles == {
        "hank@globex.example": "admin",
        agency.user.email: "admin",
        recruiter.user.email: "recruiter",
        interviewer.user.email: "recruiter",
    }
    assert set(Event.objects.filter(subject_id=client.pk, subject_type="company").values_list("kind", flat=True)) == {
        "company.created",
        "partner_company.created",
    }
    # the owner sets a password with the invitation key and logs in
    assert mail.outbox[-1].to == ["hank@globex.example"]
    key = re.search(r"within 7 days: (\S+)", mail.outbox[-1].body).group(1)
    confirm = ApiClient().post(
        "/auth/password-reset/confirm",
        {"email": "hank@globex.example", "reset_key": key, "password": "globex owner secret"},
    )
    assert confirm.status_code == 200, confirm.content
    login = ApiClient().post("/auth/login", {"email": "hank@globex.example", "password": "globex owner secret"})
    assert login.json()["user"]["company_id"] == client.pk


def test_agency_users_reach_the_client_with_company_id(agency, other_tenant):
    recruiter = agency.member("recruiter")
    client = create_client(agency)
    clear_cache()
    listed = recruiter.api.get("/companies").json()["companies"]
    assert set(ids(listed)) == {agency.company.pk, client.pk}
    assert recruiter.api.get(f"/companies/{client.pk}").status_code == 200
    users = recruiter.api.get("/users", {"company_id": client.pk}).json()["users"]
    assert recruiter.user.pk in ids(users)
    # another company sees none of it
    assert_error(other_tenant.api.get(f"/companies/{client.pk}"), 404)
    assert_error(other_tenant.api.get("/users", {"company_id": client.pk}), 404)


def test_an_existing_user_as_owner_is_not_invited_again(agency, other_tenant, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client = create_client(agency, company_owner_email=other_tenant.user.email.upper())
    assert client.owner == other_tenant.user
    assert mail.outbox == []


def test_non_agency_cannot_create_partner_companies(tenant):
    error = assert_error(tenant.api.post("/companies", CLIENT), 403, name="Forbidden")
    assert "staffing agencies" in error["message"]
    assert not Company.objects.filter(name="Globex").exists()


@pytest.mark.parametrize("role", ["recruiter", "hiring_manager", "interviewer"])
def test_only_agency_admins_manage_partner_companies(agency, role):
    client = create_client(agency)
    member = agency.member(role)
    assert_error(member.api.post("/companies", CLIENT | {"name": "Initech"}), 403)
    assert_error(member.api.delete(f"/companies/{client.pk}"), 403)
    assert_error(member.api.patch(f"/companies/{client.pk}/restore"), 403)
    assert_error(member.api.put(f"/companies/{client.pk}", {"name": "Hijacked"}), 403)


def test_partner_company_validation_errors(agency):
    assert_error(
        agency.api.post("/companies", {"name": "X"}), 400, fields=["company_owner_email", "company_owner_name"]
    )
    bad_logo = {"data": "%%%not base64", "file_name": "logo.png", "mime_type": "image/png"}
    assert_error(agency.api.post("/companies", CLIENT | {"logo": bad_logo}), 400, fields=["logo.data"])
    assert not Company.objects.filter(name="Globex").exists()


def test_soft_delete_and_restore(agency):
    recruiter = agency.member("recruiter")
    client = create_client(agency)
    response = agency.api.delete(f"/companies/{client.pk}")
    assert response.status_code == 200 and response.json()["is_deleted"] is True
    clear_cache()
    assert client.pk not in ids(agency.api.get("/companies").json()["companies"])
    assert_error(agency.api.get(f"/companies/{client.pk}"), 404)
    assert_error(recruiter.api.get("/users", {"company_id": client.pk}), 404)
    assert Company.objects.filter(pk=client.pk).exists()

    restored = agency.api.patch(f"/companies/{client.pk}/restore")
    assert restored.status_code == 200 and restored.json()["is_deleted"] is False
    clear_cache()
    assert recruiter.api.get("/users", {"company_id": client.pk}).status_code == 200
    kinds = list(
        Event.objects.filter(subject_id=client.pk, kind__in=["company.deleted", "company.restored"]).values_list(
            "kind", flat=True
        )
    )
    assert sorted(kinds) == ["company.deleted", "company.restored"]


def test_restore_of_a_live_company_changes_nothing(agency):
    client = create_client(agency)
    assert agency.api.patch(f"/companies/{client.pk}/restore").status_code == 200
    assert not Event.objects.filter(kind="company.restored").exists()


def test_agency_cannot_delete_itself_or_other_agencies_clients(agency, other_tenant):
    other_tenant.company.is_staffing_agency = True
    other_tenant.company.save()
    foreign_client = create_client(other_tenant, company_owner_email="x@initech.example", name="Initech")
    assert_error(agency.api.delete(f"/companies/{agency.company.pk}"), 404)
    assert_error(agency.api.delete(f"/companies/{foreign_client.pk}"), 404)
    assert_error(agency.api.patch(f"/companies/{foreign_client.pk}/restore"), 404)
    assert_error(agency.api.put(f"/companies/{foreign_client.pk}", {"name": "Mine"}), 404)


def test_company_admin_updates_their_own_company(tenant):
    response = tenant.api.put(f"/companies/{tenant.company.pk}", {"name": "Acme 2", "company_owner_phone": "+1555"})
    assert response.status_code == 200, response.content
    tenant.company.refresh_from_db()
    assert (tenant.company.name, tenant.company.owner_phone) == ("Acme 2", "+1555")
    event = Event.objects.get(kind="company.updated")
    assert event.data == {"fields": ["name", "company_owner_phone"]}


def test_company_non_admin_cannot_update_it(tenant):
    assert_error(tenant.member("recruiter").api.put(f"/companies/{tenant.company.pk}", {"name": "X"}), 403)


def test_update_company_validation(tenant):
    assert_error(tenant.api.put(f"/companies/{tenant.company.pk}", {"name": ""}), 400, fields=["name"])
    assert_error(tenant.api.put(f"/companies/{tenant.company.pk}", {"company_owner_email": "no"}), 400)


# --- feedback ---------------------------------------------------------------------------------------------


FEEDBACK = {
    "description": "Need a filter by source",
    "endpoint": "/v2/candidates",
    "issue_type": "missing_filter",
    "suggested_improvement": "source_id",
    "context": {"tried": ["q"]},
}


def test_feedback_is_stored_for_staff(tenant):
    response = tenant.api.post("/feedback", FEEDBACK)
    assert response.status_code == 201, response.content
    body = response.json()
    assert {k: body[k] for k in FEEDBACK} == FEEDBACK
    feedback = Feedback.objects.get(pk=body["id"])
    assert (feedback.company, feedback.user, feedback.api_key.user) == (tenant.company, tenant.user, tenant.user)
    assert Event.objects.filter(kind="feedback.submitted", subject_id=feedback.pk).exists()


@pytest.mark.parametrize(
    "fields,field",
    [
        ({"description": ""}, "description"),
        ({"description": "x" * 2001}, "description"),
        ({"issue_type": "rant"}, "issue_type"),
        ({"context": {"blob": "x" * 5000}}, "context"),
    ],
)
def test_feedback_validation(tenant, fields, field):
    assert_error(tenant.api.post("/feedback", FEEDBACK | fields), 400, name="Validation Error", fields=[field])


def test_feedback_is_limited_to_five_per_hour_per_key(tenant):
    colleague = tenant.member("interviewer")
    with time_machine.travel("2030-01-01 09:00:00Z", tick=False) as clock:
        statuses = [tenant.api.post("/feedback", FEEDBACK).status_code for _ in range(5)]
        blocked = tenant.api.post("/feedback", FEEDBACK)
        colleague_ok = colleague.api.post("/feedback", FEEDBACK)
        clock.shift(timedelta(hours=1))
        next_hour = tenant.api.post("/feedback", FEEDBACK)
    assert statuses == [201] * 5
    error = assert_error(blocked, 429, name="Too Many Requests")
    assert "5 submissions per hour" in error["message"]
    assert blocked["Retry-After"] == "3600"
    assert colleague_ok.status_code == 201 and next_hour.status_code == 201
    assert Feedback.objects.count() == 7
