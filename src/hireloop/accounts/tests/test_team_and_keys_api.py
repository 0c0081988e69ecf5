"""Ping, /users/me, team members, API keys, roles, company selection, tenant isolation."""

import time
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from hireloop.accounts.authentication import clear_cache
from hireloop.accounts.models import ApiKey, Membership
from hireloop.activity.models import Event
from hireloop.core.testing.api_kit import assert_error, ids
from hireloop.core.testing.client import ApiClient
from hireloop.core.testing.factories import CompanyFactory, MembershipFactory, make_api_key

# --- ping ---------------------------------------------------------------------------------------


def test_ping_is_public(db, anon):
    response = anon.get("/ping")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok" and body["authenticated"] is False and body["user_id"] is None
    assert abs(body["time"] - time.time()) < 5


def test_ping_says_who_is_calling(tenant):
    body = tenant.api.get("/ping").json()
    assert body["authenticated"] is True
    assert (body["user_id"], body["company_id"]) == (tenant.user.pk, tenant.company.pk)


# --- /users/me ----------------------------------------------------------------------------------


def test_me_shows_the_user_and_their_companies(tenant):
    body = tenant.api.get("/users/me").json()
    assert body["id"] == tenant.user.pk and body["email"] == tenant.user.email
    assert body["role"] == "admin" and body["company_id"] == tenant.company.pk
    assert body["companies"] == [
        {"company_id": tenant.company.pk, "company_name": tenant.company.name, "role": "admin"}
    ]
    assert isinstance(body["created_at"], int)


def test_update_me_changes_the_profile_and_records_it(tenant):
    response = tenant.api.put("/users/me", {"first_name": "Ada", "timezone": "Europe/Berlin", "phone": "+4930123"})
    assert response.status_code == 200, response.content
    assert (response.json()["first_name"], response.json()["timezone"]) == ("Ada", "Europe/Berlin")
    tenant.user.refresh_from_db()
    assert (tenant.user.first_name, tenant.user.phone) == ("Ada", "+4930123")
    event = Event.objects.get(kind="user.updated")
    assert event.data == {"fields": ["first_name", "phone", "timezone"], "password_changed": False}
    assert event.company == tenant.company and event.actor == tenant.user


def test_update_me_rejects_an_unknown_timezone(tenant):
    assert_error(tenant.api.put("/users/me", {"timezone": "Mars/Olympus"}), 400, fields=["timezone"])


def test_changing_password_needs_the_current_one(tenant):
    error = assert_error(
        tenant.api.put("/users/me", {"password": "a brand new secret"}), 400, fields=["current_password"]
    )
    assert "current password" in error["validation_errors"]["current_password"]
    response = tenant.api.put(
        "/users/me", {"password": "a brand new secret", "current_password": "correct horse battery"}
    )
    assert response.status_code == 200
    tenant.user.refresh_from_db()
    assert tenant.user.check_password("a brand new secret")
    assert Event.objects.get(kind="user.updated").data["password_changed"] is True


def test_update_me_with_nothing_changed_records_nothing(tenant):
    assert tenant.api.put("/users/me", {}).status_code == 200
    assert not Event.objects.filter(kind="user.updated").exists()


def test_update_me_does_not_undo_a_verification_made_meanwhile(tenant):
    tenant.api.get("/users/me")  # the credential cache now holds an unverified copy of the user
    tenant.user.__class__.objects.filter(pk=tenant.user.pk).update(email_verified_at=timezone.now())
    tenant.api.put("/users/me", {"first_name": "Ada"})
    tenant.user.refresh_from_db()
    assert tenant.user.email_verified_at is not None


# --- team ------------------------------------------------------------------------------------------


def test_users_lists_team_members_with_their_role(tenant, other_tenant):
    interviewer = tenant.member("interviewer")
    body = tenant.api.get("/users").json()
    roles = {user["id"]: user["role"] for user in body["users"]}
    assert roles == {tenant.user.pk: "admin", interviewer.user.pk: "interviewer"}
    assert body["users"][0].keys() >= {"email", "full_name", "default_mail_account_id", "email_verified"}


def test_get_user_of_the_company(tenant):
    recruiter = tenant.member("recruiter")
    body = tenant.api.get(f"/users/{recruiter.user.pk}").json()
    assert (body["id"], body["role"], body["email"]) == (recruiter.user.pk, "recruiter", recruiter.user.email)


def test_users_of_another_company_are_404(tenant, other_tenant):
    assert_error(tenant.api.get(f"/users/{other_tenant.user.pk}"), 404, name="Not Found")


def test_every_role_sees_the_team(tenant):
    for role in ("recruiter", "hiring_manager", "interviewer"):
        assert tenant.member(role).api.get("/users").status_code == 200


# --- company selection ------------------------------------------------------------------------------


@pytest.fixture
def two_company_user(tenant):
    """tenant's admin is also an interviewer at a second company."""
    second = CompanyFactory(name="Second")
    MembershipFactory(user=tenant.user, company=second, role="interviewer")
    return second


def test_company_id_selects_one_of_the_users_companies(tenant, two_company_user):
    body = tenant.api.get("/ping", {"company_id": two_company_user.pk}).json()
    assert body["company_id"] == two_company_user.pk
    users = tenant.api.get("/users", {"company_id": two_company_user.pk}).json()["users"]
    assert [(u["id"], u["role"]) for u in users] == [(tenant.user.pk, "interviewer")]
    # the role follows the selected company: an interviewer there may not read the audit log
    assert_error(tenant.api.get("/audit-log", {"company_id": two_company_user.pk}), 403)


def test_company_id_in_a_json_body_selects_the_company(tenant, two_company_user):
    MembershipFactory(user=tenant.user, company=CompanyFactory(), role="admin")
    response = tenant.api.post("/api-keys", {"name": "there", "company_id": two_company_user.pk})
    assert_error(response, 403)  # interviewer there
    assert not ApiKey.objects.filter(name="there").exists()


def test_jwt_users_default_to_their_first_company(tenant, two_company_user):
    tokens = ApiClient().post("/auth/login", {"email": tenant.user.email, "password": "correct horse battery"}).json()
    assert tokens["user"]["company_id"] == tenant.company.pk
    assert [c["company_id"] for c in tokens["user"]["companies"]] == [tenant.company.pk, two_company_user.pk]
    client = ApiClient(tokens["access"])
    assert client.get("/ping").json()["company_id"] == tenant.company.pk
    assert client.get("/ping", {"company_id": two_company_user.pk}).json()["company_id"] == two_company_user.pk


def test_a_company_the_user_does_not_belong_to_is_404(tenant, other_tenant):
    error = assert_error(tenant.api.get("/users", {"company_id": other_tenant.company.pk}), 404, name="Not Found")
    assert error["message"] == "Company not found"


def test_a_non_numeric_company_id_is_a_validation_error(tenant):
    assert_error(tenant.api.get("/users", {"company_id": "abc"}), 400, fields=["company_id"])


def test_a_deactivated_membership_loses_access(tenant, two_company_user):
    Membership.objects.filter(company=two_company_user).update(is_active=False)
    clear_cache()
    assert_error(tenant.api.get("/users", {"company_id": two_company_user.pk}), 404)


# --- API keys ---------------------------------------------------------------------------------------


def test_created_key_works_and_its_secret_is_shown_once(tenant):
    created = tenant.api.post("/api-keys", {"name": "sync", "scopes": ["read"], "expires_at": int(time.time()) + 3600})
    assert created.status_code == 201, created.content
    body = created.json()
    row = ApiKey.objects.get(pk=body["id"])
    assert body["key"] not in row.key_hash and row.key_hash != body["key"]
    assert row.prefix == body["prefix"] and row.user == tenant.user and row.expires_at is not None
    assert ApiClient(body["key"]).get("/ping").json()["user_id"] == tenant.user.pk
    listed = tenant.api.get("/api-keys").json()["api_keys"]
    assert all("key" not in item for item in listed)
    event = Event.objects.get(kind="api_key.created")
    assert event.data == {"name": "sync", "prefix": body["prefix"], "scopes": ["read"]}
    assert body["key"] not in str(event.data)


def test_key_last_used_is_recorded(tenant):
    key = ApiKey.objects.get(company=tenant.company)
    assert key.last_used_at is None
    tenant.api.get("/ping")
    key.refresh_from_db()
    assert key.last_used_at is not None


def test_api_key_validation_errors(tenant):
    assert_error(tenant.api.post("/api-keys", {"name": "x", "scopes": []}), 400, fields=["scopes"])
    assert_error(tenant.api.post("/api-keys", {"name": "x", "scopes": ["admin"]}), 400, fields=["scopes.0"])
    assert_error(tenant.api.post("/api-keys", {"name": "x", "expires_at": 1000}), 400, fields=["expires_at"])
    assert_error(tenant.api.post("/api-keys", {}), 400, fields=["name"])


def test_read_scope_key_cannot_write(tenant):
    reader = ApiClient(make_api_key(user=tenant.user, company=tenant.company, scopes=["read"]))
    assert reader.get("/api-keys").status_code == 200
    error = assert_error(reader.post("/api-keys", {"name": "escalate"}), 403, name="Forbidden")
    assert "read scope" in error["message"]
    assert_error(reader.put("/users/me", {"first_name": "X"}), 403)
    assert not ApiKey.objects.filter(name="escalate").exists()


def test_revoked_key_is_rejected(tenant):
    victim = tenant.member("recruiter")
    key = ApiKey.objects.get(user=victim.user)
    assert victim.api.get("/ping").json()["authenticated"] is True
    response = tenant.api.delete(f"/api-keys/{key.pk}")
    assert response.status_code == 200 and response.json()["revoked_at"] is not None
    clear_cache()  # a revocation takes effect within API_KEY_CACHE_SECONDS in every process
    error = assert_error(victim.api.get("/users"), 401, name="Unauthorized")
    assert "revoked" in error["message"]
    assert Event.objects.filter(kind="api_key.revoked", subject_id=key.pk).count() == 1
    # revoking again changes nothing
    assert tenant.api.delete(f"/api-keys/{key.pk}").status_code == 200
    assert Event.objects.filter(kind="api_key.revoked").count() == 1


def test_revocation_is_immediate_without_the_credential_cache(tenant, settings):
    settings.API_KEY_CACHE_SECONDS = 0
    victim = tenant.member("recruiter")
    victim.api.get("/ping")
    tenant.api.delete(f"/api-keys/{ApiKey.objects.get(user=victim.user).pk}")
    assert_error(victim.api.get("/users"), 401)


def test_expired_key_is_rejected(tenant):
    with time_machine.travel("2030-01-01 09:00Z", tick=False) as clock:
        created = tenant.api.post("/api-keys", {"name": "short", "expires_at": int(time.time()) + 60}).json()
        client = ApiClient(created["key"])
        assert client.get("/users").status_code == 200
        clock.shift(timedelta(seconds=61))
        error = assert_error(client.get("/users"), 401)  # even from the credential cache
    assert "expired" in error["message"]


def test_key_of_a_user_removed_from_the_company_stops_working(tenant):
    leaver = tenant.member("recruiter")
    Membership.objects.filter(user=leaver.user).delete()
    clear_cache()
    assert_error(leaver.api.get("/users"), 401)


def test_admin_creates_a_key_for_a_team_member(tenant):
    recruiter = tenant.member("recruiter")
    body = tenant.api.post("/api-keys", {"name": "for rec", "user_id": recruiter.user.pk}).json()
    assert ApiKey.objects.get(pk=body["id"]).user == recruiter.user
    assert ApiClient(body["key"]).get("/ping").json()["user_id"] == recruiter.user.pk


def test_admin_cannot_create_a_key_for_someone_outside_the_company(tenant, other_tenant):
    response = tenant.api.post("/api-keys", {"name": "x", "user_id": other_tenant.user.pk})
    assert_error(response, 404)


def test_recruiter_manages_only_their_own_keys(tenant):
    recruiter = tenant.member("recruiter")
    admin_key = ApiKey.objects.get(user=tenant.user)
    listed = recruiter.api.get("/api-keys").json()["api_keys"]
    assert ids(listed) == [ApiKey.objects.get(user=recruiter.user).pk]
    assert_error(recruiter.api.delete(f"/api-keys/{admin_key.pk}"), 404)
    assert_error(recruiter.api.post("/api-keys", {"name": "x", "user_id": tenant.user.pk}), 403)
    assert recruiter.api.post("/api-keys", {"name": "mine"}).status_code == 201


def test_admin_sees_every_key_of_the_company(tenant, other_tenant):
    tenant.member("recruiter")
    listed = tenant.api.get("/api-keys").json()["api_keys"]
    assert set(ids(listed)) == set(ApiKey.objects.filter(company=tenant.company).values_list("pk", flat=True))


@pytest.mark.parametrize("role", ["interviewer", "hiring_manager"])
def test_interviewers_and_hiring_managers_cannot_manage_api_keys(tenant, role):
    member = tenant.member(role)
    own_key = ApiKey.objects.get(user=member.user)
    for response in (
        member.api.get("/api-keys"),
        member.api.post("/api-keys", {"name": "x"}),
        member.api.delete(f"/api-keys/{own_key.pk}"),
    ):
        error = assert_error(response, 403, name="Forbidden")
        assert "manage_api_keys" in error["message"]


def test_key_of_a_deleted_company_stops_working(tenant):
    tenant.company.deleted_at = timezone.now()
    tenant.company.save()
    clear_cache()
    assert_error(tenant.api.get("/users"), 401)
