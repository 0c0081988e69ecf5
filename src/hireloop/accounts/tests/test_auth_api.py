"""Registration, login, tokens, logout, password reset and email verification."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail

from hireloop.accounts.authentication import clear_cache
from hireloop.accounts.models import AuthSession, Company, Membership, OneTimeKey, User
from hireloop.activity.models import Event
from hireloop.core.testing.api_kit import assert_error
from hireloop.core.testing.client import ApiClient
from hireloop.core.testing.factories import UserFactory

PASSWORD = "correct horse battery"


@pytest.fixture
def person(db):
    return UserFactory(email="pat@example.com")


def login(email="pat@example.com", password=PASSWORD, client=None):
    return (client or ApiClient()).post("/auth/login", {"email": email, "password": password})


def key_from_last_email(pattern=r"key(?: is)?:\s*\n*\s*(\S+)"):
    return re.search(pattern, mail.outbox[-1].body).group(1)


# --- register ---------------------------------------------------------------------------------


def register(**fields):
    body = {"email": "new@example.com", "password": "a long new password", "company_name": "Newco"} | fields
    return ApiClient().post("/auth/register", body)


def test_register_company_admin_creates_the_company_and_logs_in(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = register(first_name="Nia", last_name="New", user_type="Company", role="Admin")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["message"] == "Registration successful"
    assert body["token_type"] == "Bearer" and body["token"] == body["access"] and body["refresh"]
    assert 890 <= body["expires_in"] <= 900
    assert body["user_type"] == "company" and body["role"] == "admin"
    company = Company.objects.get(name="Newco")
    assert body["user"]["company_id"] == company.pk
    assert body["user"]["companies"] == [{"company_id": company.pk, "company_name": "Newco", "role": "admin"}]
    assert body["user"]["email_verified"] is False
    assert company.owner.email == "new@example.com" and company.is_staffing_agency is False
    assert Membership.objects.get(company=company).role == "admin"
    assert set(Event.objects.values_list("kind", flat=True)) == {"company.created", "user.registered"}
    assert [m.to for m in mail.outbox] == [["new@example.com"]]
    assert ApiClient(body["access"]).get("/users/me").json()["email"] == "new@example.com"


def test_register_staffing_admin_creates_an_agency(db):
    response = register(user_type="staffing")
    assert response.status_code == 201
    assert Company.objects.get(name="Newco").is_staffing_agency is True


@pytest.mark.parametrize("fields", [{"user_type": "Individual"}, {"user_type": "Company", "role": "Employee"}])
def test_register_without_company(db, fields):
    response = register(company_name="", **fields)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["role"] is None and body["user"]["company_id"] is None and body["user"]["companies"] == []
    assert not Company.objects.exists()


@pytest.mark.parametrize(
    "fields,field",
    [
        ({"email": "not-an-email"}, "email"),
        ({"password": "short"}, "password"),
        ({"password": "12345678901"}, "password"),
        ({"user_type": "robot"}, "user_type"),
        ({"role": "overlord"}, "role"),
        ({"company_name": " "}, "company_name"),
    ],
)
def test_register_validation_errors_name_the_field(db, fields, field):
    error = assert_error(register(**fields), 400, name="Validation Error", fields=[field])
    assert not User.objects.exists(), error


def test_register_with_a_taken_email_is_409(person):
    assert_error(register(email="PAT@example.com"), 409, name="Conflict")


# --- login, tokens ---------------------------------------------------------------------------


def test_login_returns_access_and_refresh_tokens(person):
    response = login(email=" PAT@example.com ")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["user"]["id"] == person.pk and body["refresh"] and body["access"].count(".") == 2
    assert AuthSession.objects.filter(user=person, revoked_at__isnull=True).count() == 1
    person.refresh_from_db()
    assert person.last_login is not None


@pytest.mark.parametrize("email,password", [("pat@example.com", "wrong password"), ("nobody@example.com", PASSWORD)])
def test_login_failure_is_401_without_saying_which_part_was_wrong(person, email, password):
    error = assert_error(login(email, password), 401, name="Unauthorized")
    assert error["message"] == "Invalid email or password"


def test_login_of_a_deactivated_user_is_401(person):
    person.is_active = False
    person.save()
    assert_error(login(), 401)


def test_login_validation_error(db):
    assert_error(ApiClient().post("/auth/login", {"email": "x@example.com"}), 400, fields=["password"])


def test_access_token_expires_after_its_ttl(person):
    with time_machine.travel("2030-01-01 09:00Z", tick=False) as clock:
        access = login().json()["access"]
        assert ApiClient(access).get("/users/me").status_code == 200
        clock.shift(timedelta(minutes=15, seconds=1))
        clear_cache()
        error = assert_error(ApiClient(access).get("/users/me"), 401, name="Unauthorized")
    assert "expired" in error["message"]


def test_a_tampered_access_token_is_401(person):
    access = login().json()["access"]
    assert_error(ApiClient(access[:-2] + "xx").get("/users/me"), 401)


def test_refresh_rotates_the_refresh_token(person):
    first = login().json()
    response = ApiClient().post("/auth/token/refresh", {"refresh": first["refresh"]})
    assert response.status_code == 200, response.content
    second = response.json()
    assert second["refresh"] != first["refresh"] and second["access"] != first["access"]
    assert ApiClient(second["access"]).get("/users/me").status_code == 200
    assert ApiClient().post("/auth/token/refresh", {"refresh": second["refresh"]}).status_code == 200


def test_reusing_a_rotated_refresh_token_revokes_the_session(person):
    first = login().json()
    second = ApiClient().post("/auth/token/refresh", {"refresh": first["refresh"]}).json()

    reuse = ApiClient().post("/auth/token/refresh", {"refresh": first["refresh"]})

    error = assert_error(reuse, 401, name="Unauthorized")
    assert "already used" in error["message"]
    assert AuthSession.objects.get(user=person).revoked_at is not None
    assert_error(ApiClient().post("/auth/token/refresh", {"refresh": second["refresh"]}), 401)
    clear_cache()
    assert_error(ApiClient(second["access"]).get("/users/me"), 401)


def test_a_forged_refresh_token_revokes_nothing(person):
    login()
    session = AuthSession.objects.get(user=person)
    response = ApiClient().post("/auth/token/refresh", {"refresh": f"{session.pk}.made-up.0123456789abcdef"})
    assert_error(response, 401)
    session.refresh_from_db()
    assert session.revoked_at is None


def test_refresh_token_expires(person):
    with time_machine.travel("2030-01-01 09:00Z", tick=False) as clock:
        refresh = login().json()["refresh"]
        clock.shift(timedelta(days=14, seconds=1))
        error = assert_error(ApiClient().post("/auth/token/refresh", {"refresh": refresh}), 401)
    assert "expired" in error["message"]


def test_logout_revokes_the_refresh_token_and_soon_the_access_token(person):
    tokens = login().json()
    user_client = ApiClient(tokens["access"])
    response = user_client.post("/auth/logout", {"refresh": tokens["refresh"]})
    assert response.status_code == 200 and response.json() == {"message": "Logged out"}
    assert_error(ApiClient().post("/auth/token/refresh", {"refresh": tokens["refresh"]}), 401)
    # The access token is served from the 5 s credential cache until it expires there.
    clear_cache()
    error = assert_error(user_client.get("/users/me"), 401)
    assert "logged out" in error["message"]


def test_logout_without_body_ends_the_session_of_the_access_token(person):
    tokens = login().json()
    assert ApiClient(tokens["access"]).post("/auth/logout").status_code == 200
    assert AuthSession.objects.get(user=person).revoked_at is not None


def test_access_token_stops_immediately_when_credential_cache_is_off(person, settings):
    settings.API_KEY_CACHE_SECONDS = 0
    tokens = login().json()
    client = ApiClient(tokens["access"])
    assert client.get("/users/me").status_code == 200
    client.post("/auth/logout")
    assert_error(client.get("/users/me"), 401)


def test_logout_cannot_revoke_someone_elses_session(person):
    other = UserFactory()
    theirs = login(other.email).json()
    mine = login().json()
    ApiClient(mine["access"]).post("/auth/logout", {"refresh": theirs["refresh"]})
    assert AuthSession.objects.get(user=other).revoked_at is None


def test_logout_needs_a_token(db):
    assert_error(ApiClient().post("/auth/logout", {"refresh": "x"}), 401)


# --- brute force ---------------------------------------------------------------------------------


def test_login_failures_are_throttled_per_account(person, settings):
    settings.LOGIN_FAILURES_PER_ACCOUNT = 3
    with time_machine.travel("2030-01-01 09:00:00Z", tick=False) as clock:
        for ip in ("10.0.0.1", "10.0.0.2", "10.0.0.3"):
            assert login(password="nope", client=ApiClient(REMOTE_ADDR=ip)).status_code == 401
        blocked = login(client=ApiClient(REMOTE_ADDR="10.0.0.4"))  # right password, another IP
        other_account = login(UserFactory().email, client=ApiClient(REMOTE_ADDR="10.0.0.4"))
        clock.shift(timedelta(minutes=15))
        after_window = login(client=ApiClient(REMOTE_ADDR="10.0.0.4"))
    assert_error(blocked, 429, name="Too Many Requests")
    assert 1 <= int(blocked["Retry-After"]) <= 900
    assert other_account.status_code == 200
    assert after_window.status_code == 200


def test_auth_endpoints_are_throttled_per_ip(person, settings):
    settings.RATE_LIMIT_AUTH_PER_IP = 3
    attacker, bystander = ApiClient(REMOTE_ADDR="10.0.0.66"), ApiClient(REMOTE_ADDR="10.0.0.7")
    with time_machine.travel("2030-01-01 09:00:05Z", tick=False):
        statuses = [login(f"guess{n}@example.com", client=attacker).status_code for n in range(4)]
        blocked_even_with_right_password = login(client=attacker)
        bystander_login = login(client=bystander)
    assert statuses == [401, 401, 401, 429]
    assert_error(blocked_even_with_right_password, 429)
    assert blocked_even_with_right_password["Retry-After"] == "55"
    assert blocked_even_with_right_password["X-RateLimit-Limit"] == "3"
    assert bystander_login.status_code == 200


# --- password reset ----------------------------------------------------------------------------------


def request_reset(email="pat@example.com"):
    return ApiClient().post("/auth/password-reset", {"email": email})


def confirm(key, password="brand new password 42", email="pat@example.com", method="post"):
    path = "/auth/password-reset/confirm" if method == "post" else "/auth/password-reset"
    return ApiClient().request(method, path, {"email": email, "reset_key": key, "password": password})


def test_password_reset_emails_a_single_use_key(person, django_capture_on_commit_callbacks):
    tokens = login().json()
    with django_capture_on_commit_callbacks(execute=True):
        response = request_reset("Pat@Example.com")
    assert response.status_code == 200
    assert mail.outbox[-1].to == ["pat@example.com"]
    key = key_from_last_email()
    assert "http://testserver/api/v2/auth/password-reset/confirm" in mail.outbox[-1].body

    assert confirm(key).status_code == 200
    assert login(password="brand new password 42").status_code == 200
    assert_error(login(), 401)
    # every earlier session is logged out
    assert_error(ApiClient().post("/auth/token/refresh", {"refresh": tokens["refresh"]}), 401)
    error = assert_error(confirm(key, password="another new password 7"), 400, fields=["reset_key"])
    assert error["validation_errors"]["reset_key"] == "Invalid or expired key."
    assert Event.objects.filter(kind="user.password_reset", subject_id=person.pk).count() == 1


def test_password_reset_answers_the_same_for_unknown_emails(person, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        known, unknown = request_reset(), request_reset("ghost@example.com")
    assert known.json() == unknown.json()
    assert len(mail.outbox) == 1


def test_password_reset_key_expires(person, django_capture_on_commit_callbacks):
    with time_machine.travel("2030-01-01 09:00Z", tick=False) as clock:
        with django_capture_on_commit_callbacks(execute=True):
            request_reset()
        clock.shift(timedelta(hours=1, seconds=1))
        response = confirm(key_from_last_email())
    assert_error(response, 400, fields=["reset_key"])


def test_only_the_newest_reset_key_works(person, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        request_reset()
    first = key_from_last_email()
    with django_capture_on_commit_callbacks(execute=True):
        request_reset()
    second = key_from_last_email()
    assert_error(confirm(first), 400, fields=["reset_key"])
    assert confirm(second, method="patch").status_code == 200  # 001's PATCH form


def test_reset_key_is_bound_to_its_email(person, django_capture_on_commit_callbacks):
    UserFactory(email="mallory@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        request_reset()
    assert_error(confirm(key_from_last_email(), email="mallory@example.com"), 400, fields=["reset_key"])


def test_weak_new_password_keeps_the_reset_key_usable(person, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        request_reset()
    key = key_from_last_email()
    assert_error(confirm(key, password="password"), 400, name="Validation Error", fields=["password"])
    assert confirm(key).status_code == 200


# --- email verification ----------------------------------------------------------------------------------


def test_verify_email_with_the_emailed_key(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        access = register().json()["access"]
    key = key_from_last_email(r"this key: (\S+)")
    assert f"/api/v2/auth/verify-email?key={key}" in mail.outbox[-1].body

    response = ApiClient().post("/auth/verify-email", {"key": key})

    assert response.status_code == 200
    assert ApiClient(access).get("/users/me").json()["email_verified"] is True
    assert_error(ApiClient().post("/auth/verify-email", {"key": key}), 400, fields=["key"])


def test_verify_email_link_works_with_get(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        register()
    response = ApiClient().get("/auth/verify-email", {"key": key_from_last_email(r"this key: (\S+)")})
    assert response.status_code == 200
    assert User.objects.get(email="new@example.com").email_verified_at is not None


def test_verification_key_expires(db, django_capture_on_commit_callbacks):
    with time_machine.travel("2030-01-01 09:00Z", tick=False) as clock:
        with django_capture_on_commit_callbacks(execute=True):
            register()
        clock.shift(timedelta(days=3, seconds=1))
        response = ApiClient().post("/auth/verify-email", {"key": key_from_last_email(r"this key: (\S+)")})
    assert_error(response, 400, fields=["key"])


def test_a_reset_key_is_not_a_verification_key(person, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        request_reset()
    assert_error(ApiClient().post("/auth/verify-email", {"key": key_from_last_email()}), 400, fields=["key"])


def test_resend_verification_only_when_unverified(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        access = register().json()["access"]
    client = ApiClient(access)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post("/auth/verify-email/resend").status_code == 200
    assert len(mail.outbox) == 2
    ApiClient().post("/auth/verify-email", {"key": key_from_last_email(r"this key: (\S+)")})
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post("/auth/verify-email/resend").status_code == 200
    assert len(mail.outbox) == 2
    assert OneTimeKey.objects.filter(purpose="email_verification", used_at__isnull=True).count() == 1


def test_register_with_defaults_is_a_company_admin(db):
    response = ApiClient().post(
        "/auth/register", {"email": "d@example.com", "password": "a long new password", "company_name": "Defaultco"}
    )
    assert response.status_code == 201, response.content
    assert response.json()["role"] == "admin"
    assert Company.objects.get(name="Defaultco").owner.email == "d@example.com"
