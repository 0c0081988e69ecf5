"""The conventions every endpoint inherits from core: envelope, 415, rate limits, idempotency, docs."""

import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.urls import path

from hireloop import urls as root_urls
from hireloop.accounts.models import ApiKey
from hireloop.core.models import IdempotencyRecord
from hireloop.core.testing.api_kit import assert_error
from hireloop.core.testing.client import ApiClient

# --- error envelope --------------------------------------------------------------------------


def test_malformed_json_is_a_400_envelope(api):
    response = api.post("/api-keys", raw=b'{"name": "half')
    error = assert_error(response, 400, name="Bad Request")
    assert error["message"].startswith("Malformed JSON body")
    assert not ApiKey.objects.filter(name="half").exists()


@pytest.mark.parametrize("path", ["/api/v2/no-such-thing", "/api/v2/users/not-a-number", "/api/v3/ping", "/api/x"])
def test_unknown_urls_under_api_are_404_envelopes(api, path):
    assert_error(api.get(path), 404, name="Not Found")


def test_unknown_url_outside_api_is_not_json(db, anon):
    response = anon.client.get("/no-such-page/")
    assert response.status_code == 404
    assert not response["Content-Type"].startswith("application/json")


def _broken_view(request):
    raise RuntimeError("something internal that must not leak")


urlpatterns = [path("api/v2/broken", _broken_view), *root_urls.urlpatterns]


@pytest.mark.urls("hireloop.core.tests.test_api_conventions")
def test_an_unhandled_error_under_api_is_a_500_envelope_without_details(api):
    response = api.get("/broken")
    error = assert_error(response, 500, name="Internal Server Error")
    assert error["message"] == "Internal server error."
    assert "something internal" not in response.content.decode()


def test_wrong_method_is_a_405_envelope_with_allow(api):
    response = api.delete("/ping")
    assert_error(response, 405, name="Method Not Allowed")
    assert response["Allow"] == "GET"


# --- content type ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "content_type,raw",
    [
        ("application/x-www-form-urlencoded", b"name=x"),
        ("multipart/form-data; boundary=xyz", b"--xyz--"),
        ("text/plain", b'{"name": "x"}'),
    ],
)
def test_non_json_bodies_are_415_and_still_counted(api, content_type, raw):
    response = api.post("/api-keys", raw=raw, content_type=content_type)
    assert_error(response, 415, name="Unsupported Media Type")
    assert response["X-RateLimit-Remaining"].isdigit()
    assert ApiKey.objects.count() == 1  # only the fixture's key


@pytest.mark.parametrize("content_type", ["application/json; charset=utf-8", "application/merge-patch+json"])
def test_json_content_types_with_parameters_or_suffix_are_accepted(api, content_type):
    response = api.post("/api-keys", {"name": "ok"}, content_type=content_type)
    assert response.status_code == 201, response.content


def test_a_post_without_body_or_content_type_is_not_415(api):
    # 003 sends several action POSTs with no body at all.
    response = api.post("/auth/verify-email/resend", raw=b"", content_type="")
    assert response.status_code == 200, response.content


# --- OpenAPI and docs ---------------------------------------------------------------------------


def test_openapi_document_is_3_1_and_lists_the_api(db, anon):
    response = anon.get("/openapi.json")
    assert response.status_code == 200
    document = response.json()
    assert document["openapi"].startswith("3.1")
    assert document["info"]["title"] == "Hireloop API"
    assert {"/api/v2/ping", "/api/v2/api-keys", "/api/v2/audit-log"} <= set(document["paths"])
    assert document["components"]["securitySchemes"]["BearerAuth"]["scheme"] == "bearer"


def test_docs_page_uses_only_local_assets(db, anon):
    response = anon.get("/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "cdn" not in html.lower()
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert assets, html
    for asset in assets:
        assert asset.startswith("/"), f"external asset {asset}"
        assert anon.client.get(asset).status_code == 200, asset


# --- rate limits --------------------------------------------------------------------------------


@pytest.fixture
def tiny_plans(settings):
    settings.RATE_LIMIT_PLANS = {"free": 3, "pro": 5, "enterprise": 10}
    settings.RATE_LIMIT_WINDOW_SECONDS = 60
    return settings


def test_rate_limit_headers_count_down_then_429_with_retry_after(api, tiny_plans):
    with time_machine.travel("2030-01-01 12:00:10Z", tick=False):
        remaining = [api.get("/users")["X-RateLimit-Remaining"] for _ in range(3)]
        blocked = api.get("/users")
    assert remaining == ["2", "1", "0"]
    error = assert_error(blocked, 429, name="Too Many Requests")
    assert "3 requests" in error["message"]
    assert blocked["X-RateLimit-Limit"] == "3"
    assert blocked["X-RateLimit-Remaining"] == "0"
    window_end = int(datetime(2030, 1, 1, 12, 1, tzinfo=UTC).timestamp())
    assert blocked["X-RateLimit-Reset"] == str(window_end)
    assert blocked["Retry-After"] == "50"


def test_rate_limit_window_resets(api, tiny_plans):
    with time_machine.travel("2030-01-01 12:00:10Z", tick=False) as clock:
        for _ in range(4):
            api.get("/users")
        assert api.get("/users").status_code == 429
        clock.shift(timedelta(seconds=60))
        response = api.get("/users")
    assert response.status_code == 200
    assert response["X-RateLimit-Remaining"] == "2"


def test_rate_limit_follows_the_company_plan(tenant, tiny_plans):
    tenant.company.plan = "pro"
    tenant.company.save(update_fields=["plan"])
    response = tenant.api.get("/users")
    assert response["X-RateLimit-Limit"] == "5"


def test_each_api_key_has_its_own_budget(tenant, tiny_plans):
    colleague = tenant.member("recruiter")
    with time_machine.travel("2030-01-01 12:00:10Z", tick=False):
        for _ in range(3):
            tenant.api.get("/users")
        assert tenant.api.get("/users").status_code == 429
        response = colleague.api.get("/users")
    assert response.status_code == 200
    assert response["X-RateLimit-Remaining"] == "2"


def test_anonymous_requests_are_counted_per_ip(db, anon, tiny_plans):
    with time_machine.travel("2030-01-01 12:00:10Z", tick=False):
        statuses = [anon.get("/ping").status_code for _ in range(4)]
        elsewhere = ApiClient(REMOTE_ADDR="10.0.0.9").get("/ping")
    assert statuses == [200, 200, 200, 429]
    assert elsewhere.status_code == 200


def test_invalid_tokens_share_the_strict_per_ip_auth_budget(db, tiny_plans):
    tiny_plans.RATE_LIMIT_AUTH_PER_IP = 2
    guesser = ApiClient("hl_00000000_guess")
    with time_machine.travel("2030-01-01 12:00:10Z", tick=False):
        first, second, third = (guesser.get("/users") for _ in range(3))
    assert_error(first, 401, name="Unauthorized")
    assert_error(second, 401, name="Unauthorized")
    assert_error(third, 429, name="Too Many Requests")
    assert third["X-RateLimit-Limit"] == "2"


def test_rate_limits_can_be_switched_off(api, settings):
    settings.RATE_LIMIT_ENABLED = False
    response = api.get("/users")
    assert response.status_code == 200
    assert "X-RateLimit-Limit" not in response


# --- idempotency ----------------------------------------------------------------------------------


def test_idempotency_key_replays_the_first_response(api, tenant):
    first = api.post("/api-keys", {"name": "sync"}, headers={"Idempotency-Key": "abc-1"})
    again = api.post("/api-keys", {"name": "sync"}, headers={"Idempotency-Key": "abc-1"})
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first
    assert ApiKey.objects.filter(company=tenant.company, name="sync").count() == 1


def test_idempotency_key_with_a_different_body_is_409(api, tenant):
    api.post("/api-keys", {"name": "sync"}, headers={"Idempotency-Key": "abc-2"})
    response = api.post("/api-keys", {"name": "other"}, headers={"Idempotency-Key": "abc-2"})
    assert_error(response, 409, name="Conflict")
    assert not ApiKey.objects.filter(name="other").exists()


def test_idempotency_keys_are_per_company(tenant, other_tenant):
    tenant.api.post("/api-keys", {"name": "sync"}, headers={"Idempotency-Key": "shared"})
    response = other_tenant.api.post("/api-keys", {"name": "sync"}, headers={"Idempotency-Key": "shared"})
    assert response.status_code == 201
    assert "Idempotent-Replayed" not in response
    assert ApiKey.objects.filter(name="sync").count() == 2


def test_idempotency_records_expire_after_24_hours(api, tenant):
    with time_machine.travel("2030-01-01 00:00Z") as clock:
        api.post("/api-keys", {"name": "sync"}, headers={"Idempotency-Key": "daily"})
        clock.shift(timedelta(hours=24, seconds=1))
        response = api.post("/api-keys", {"name": "sync"}, headers={"Idempotency-Key": "daily"})
    assert response.status_code == 201
    assert "Idempotent-Replayed" not in response
    assert ApiKey.objects.filter(name="sync").count() == 2


def test_idempotency_does_not_keep_errors_raised_before_the_endpoint(api, tenant, settings):
    settings.RATE_LIMIT_PLANS = {"free": 1, "pro": 1, "enterprise": 1}
    with time_machine.travel("2030-01-01 12:00:10Z", tick=False):
        api.get("/ping")
        blocked = api.post("/api-keys", {"name": "sync"}, headers={"Idempotency-Key": "k"})
    assert blocked.status_code == 429
    assert not IdempotencyRecord.objects.exists()
    with time_machine.travel("2030-01-01 12:01:10Z", tick=False):
        response = api.post("/api-keys", {"name": "sync"}, headers={"Idempotency-Key": "k"})
    assert response.status_code == 201


def test_too_long_idempotency_key_is_a_validation_error(api):
    response = api.post("/api-keys", {"name": "sync"}, headers={"Idempotency-Key": "x" * 256})
    assert_error(response, 400, name="Validation Error", fields=["Idempotency-Key"])


def test_idempotency_key_is_ignored_on_get(api):
    api.get("/users", headers={"Idempotency-Key": "g"})
    assert not IdempotencyRecord.objects.exists()
