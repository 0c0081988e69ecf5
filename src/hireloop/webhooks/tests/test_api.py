"""The webhooks API: subscriptions per company and per job, catalogue, log, replay, ping and test."""

import json

import pytest
import standardwebhooks

from hireloop.core.testing.api_kit import ResourceKit, assert_error
from hireloop.webhooks import services
from hireloop.webhooks.models import Delivery, Webhook
from hireloop.webhooks.tests.helpers import make_candidate, make_job, record_event, subscribe

PUBLIC_URL = "https://93.184.215.14/hooks"  # a public address literal: no DNS needed


class TestWebhooksResource(ResourceKit):
    url = "/webhooks"
    key = "webhooks"
    create_payload = {"url": PUBLIC_URL, "events": ["candidate.created"], "description": "CRM sync"}
    invalid_payload = ({"url": "ftp://example.com/x"}, "url")
    update_payload = {"description": "Data warehouse", "events": "*"}
    has_summary_view = False
    delete_status = 204
    list_max_queries = 5

    def make(self, tenant):
        return Webhook.objects.create(company=tenant.company, url=PUBLIC_URL, events=["*"], secret="whsec_c2VjcmV0")

    def check_created(self, tenant, body):
        assert body["secret"].startswith("whsec_")
        assert body["events"] == ["candidate.created"] and body["job_id"] is None

    def check_updated(self, tenant, obj, body):
        assert (body["description"], body["events"]) == ("Data warehouse", ["*"])


@pytest.fixture
def webhook(tenant):
    return subscribe(tenant, PUBLIC_URL)


def test_the_secret_is_returned_on_create_only(api):
    created = api.post("/webhooks", {"url": PUBLIC_URL}).json()

    assert created["secret"].startswith("whsec_") and created["events"] == ["*"]
    assert "secret" not in api.get(f"/webhooks/{created['id']}").json()
    assert all("secret" not in w for w in api.get("/webhooks").json()["webhooks"])


@pytest.mark.parametrize(
    "body,field",
    [
        ({"url": "http://93.184.215.14/hooks"}, "url"),  # public receivers must use https
        ({"url": PUBLIC_URL, "events": ["candidate.exploded"]}, "events"),
        ({"url": PUBLIC_URL, "events": []}, "events"),
        ({"url": PUBLIC_URL, "headers": {"Webhook-Signature": "forged"}}, "headers"),
        ({"url": PUBLIC_URL, "headers": {"X-Bad": "a\r\nb"}}, "headers"),
    ],
)
def test_invalid_subscriptions_are_refused(api, body, field):
    assert_error(api.post("/webhooks", body), 400, name="Validation Error", fields=[field])


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8000/hooks",
        "https://127.0.0.1/hooks",
        "https://10.1.2.3/hooks",
        "https://169.254.169.254/latest/meta-data",
        "https://192.168.1.10/hooks",
        "https://[::1]/hooks",
        "https://[::ffff:127.0.0.1]/hooks",
        "https://localhost/hooks",
    ],
)
def test_private_loopback_and_link_local_targets_are_refused_by_default(api, settings, url):
    assert settings.WEBHOOK_ALLOW_PRIVATE_TARGETS is False
    response = api.post("/webhooks", {"url": url})
    error = assert_error(response, 400, fields=["url"])
    assert "WEBHOOK_ALLOW_PRIVATE_TARGETS" in error["validation_errors"]["url"]


def test_only_admins_manage_webhooks(tenant):
    recruiter = tenant.member("recruiter")
    assert_error(recruiter.api.get("/webhooks"), 403)
    assert_error(recruiter.api.post("/webhooks", {"url": PUBLIC_URL}), 403)


def test_the_event_catalogue_is_published_with_schemas(api):
    body = api.get("/webhooks/events").json()

    names = [e["name"] for e in body["events"]]
    for name in (
        "candidate.anonymized",
        "application.moved",
        "application.ai_scored",
        "job.published",
        "interview.completed",
        "message.received",
        "reference_request.completed",
        "subscription.updated",
        "ping",
    ):
        assert name in names
    moved = next(e for e in body["events"] if e["name"] == "application.moved")
    assert moved["version"] == 1 and moved["description"]
    assert moved["schema"]["properties"]["type"] == {"const": "application.moved"}
    assert set(moved["schema"]["required"]) == {
        "id",
        "type",
        "version",
        "occurred_at",
        "company_id",
        "action_id",
        "data",
    }


def test_company_paths_list_and_create_company_wide_webhooks(tenant, api, other_tenant):
    job = make_job(tenant.company)
    subscribe(tenant, PUBLIC_URL, job=job)
    base = f"/companies/{tenant.company.pk}/webhooks"

    created = api.post(base, {"url": PUBLIC_URL + "/company"})
    assert created.status_code == 201 and created.json()["job_id"] is None
    listed = api.get(base).json()
    assert [w["url"] for w in listed["webhooks"]] == [PUBLIC_URL + "/company"]
    assert listed["pagination"]["total_count"] == 1
    assert api.delete(f"{base}/{created.json()['id']}").status_code == 204
    assert not Webhook.objects.filter(job__isnull=True).exists()
    assert_error(api.get(f"/companies/{other_tenant.company.pk}/webhooks"), 404)
    assert_error(api.post(f"/companies/{other_tenant.company.pk}/webhooks", {"url": PUBLIC_URL}), 404)


def test_job_paths_accept_id_or_alias_and_scope_to_the_job(tenant, api, other_tenant):
    job, other_job = make_job(tenant.company), make_job(tenant.company)
    company_wide = subscribe(tenant, PUBLIC_URL)

    created = api.post(f"/jobs/{job.alias}/webhooks", {"url": PUBLIC_URL + "/job"})
    assert created.status_code == 201
    assert created.json()["job_id"] == job.pk and created.json()["secret"].startswith("whsec_")
    assert [w["job_id"] for w in api.get(f"/jobs/{job.pk}/webhooks").json()["webhooks"]] == [job.pk]
    assert api.get(f"/jobs/{other_job.pk}/webhooks").json()["webhooks"] == []
    assert_error(api.delete(f"/jobs/{other_job.pk}/webhooks/{created.json()['id']}"), 404)
    assert_error(api.delete(f"/jobs/{job.pk}/webhooks/{company_wide.pk}"), 404)
    assert api.delete(f"/jobs/{job.alias}/webhooks/{created.json()['id']}").status_code == 204
    foreign_job = make_job(other_tenant.company)
    assert_error(api.get(f"/jobs/{foreign_job.pk}/webhooks"), 404)
    assert_error(api.post(f"/jobs/{foreign_job.alias}/webhooks", {"url": PUBLIC_URL}), 404)


def test_rotate_secret_returns_the_new_secret_and_the_overlap_end(api, webhook):
    old = webhook.secret
    body = api.post(f"/webhooks/{webhook.pk}/rotate-secret").json()

    webhook.refresh_from_db()
    assert body["secret"] == webhook.secret != old and webhook.previous_secret == old
    assert body["previous_secret_expires_at"] == int(webhook.previous_secret_expires_at.timestamp())
    assert api.get(f"/webhooks/{webhook.pk}").json()["previous_secret_expires_at"] == body["previous_secret_expires_at"]


def test_turning_a_disabled_webhook_on_resets_its_failures(api, webhook):
    Webhook.objects.filter(pk=webhook.pk).update(is_active=False, consecutive_failures=5, disabled_reason="x")

    body = api.put(f"/webhooks/{webhook.pk}", {"is_active": True}).json()

    assert (body["is_active"], body["consecutive_failures"], body["disabled_reason"]) == (True, 0, "")


# --- with a real receiver ----------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("private_targets")
def test_the_delivery_log_shows_attempts_and_a_delivery_can_be_redelivered(tenant, api, receiver, run_tasks):
    webhook = subscribe(tenant, receiver.url)
    receiver.statuses = [500]
    receiver.response_body = b"x" * 100_000  # read up to a cap, stored truncated
    record_event("candidate.created", tenant.company, make_candidate(tenant.company))
    run_tasks()

    page = api.get(f"/webhooks/{webhook.pk}/deliveries").json()
    [item] = page["deliveries"]
    assert (item["status"], item["attempt_count"], item["last_status_code"]) == ("pending", 1, 500)
    assert item["event_type"] == "candidate.created" and item["event_id"].startswith("evt_")
    assert item["next_attempt_at"] is not None
    [attempt] = item["attempts"]
    assert (attempt["number"], attempt["status_code"], attempt["success"]) == (1, 500, False)
    assert len(attempt["response_body"]) == 2000 and attempt["latency_ms"] >= 0
    assert api.get(f"/webhooks/{webhook.pk}/deliveries", {"status": "succeeded"}).json()["deliveries"] == []

    assert_error(api.post(f"/deliveries/{item['id']}/redeliver"), 409)  # still being retried
    Delivery.objects.filter(pk=item["id"]).update(status="failed", next_attempt_at=None)
    response = api.post(f"/deliveries/{item['id']}/redeliver")
    assert response.status_code == 202
    assert (response.json()["status"], response.json()["redelivery_of_id"]) == ("pending", item["id"])
    run_tasks()

    detail = api.get(f"/deliveries/{response.json()['id']}").json()
    assert detail["status"] == "succeeded" and detail["attempts"][0]["status_code"] == 200
    assert detail["payload"]["id"] == item["event_id"]
    assert json.loads(receiver.requests[-1].body)["id"] == item["event_id"]


def test_the_delivery_log_is_company_private(
    tenant, api, other_tenant, webhook, django_assert_max_num_queries, settings
):
    for _ in range(3):
        record_event("candidate.created", tenant.company, make_candidate(tenant.company))
    delivery = Delivery.objects.filter(webhook=webhook).first()
    other = other_tenant.api
    assert_error(other.get(f"/webhooks/{webhook.pk}/deliveries"), 404)
    assert_error(other.get(f"/deliveries/{delivery.pk}"), 404)
    assert_error(other.post(f"/deliveries/{delivery.pk}/redeliver"), 404)
    settings.RATE_LIMIT_ENABLED = False
    # authentication, then webhook, count, page and attempts: pinned so the log cannot grow an N+1
    with django_assert_max_num_queries(7):
        assert len(api.get(f"/webhooks/{webhook.pk}/deliveries").json()["deliveries"]) == 3


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("private_targets")
def test_ping_sends_a_signed_ping_now_and_logs_it(tenant, api, receiver):
    webhook = subscribe(tenant, receiver.url)
    receiver.statuses = [202]

    body = api.post(f"/webhooks/{webhook.pk}/ping").json()

    assert (body["success"], body["status_code"], body["response_body"]) == (True, 202, '{"ok":true}')
    [request] = receiver.requests
    payload = standardwebhooks.Webhook(webhook.secret).verify(request.body, request.headers)
    assert payload["type"] == "ping" and payload["data"]["webhook_id"] == webhook.pk
    assert payload["id"] == body["event_id"]
    assert Delivery.objects.get(pk=body["delivery_id"]).status == "succeeded"


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("private_targets")
def test_webhooks_test_sends_to_any_url_and_returns_the_answer(api, receiver):
    receiver.statuses = [418]

    body = api.post("/webhooks/test", {"url": receiver.url, "event": "application.moved"}).json()

    assert (body["success"], body["status_code"]) == (False, 418)
    [request] = receiver.requests
    payload = standardwebhooks.Webhook(body["secret"]).verify(request.body, request.headers)
    assert payload["type"] == "application.moved"
    assert not Delivery.objects.exists()


def test_webhooks_test_refuses_private_targets_by_default(api):
    assert_error(api.post("/webhooks/test", {"url": "http://127.0.0.1:9/x"}), 400, fields=["url"])


@pytest.mark.django_db(transaction=True)
def test_a_target_that_became_private_is_refused_at_delivery_time(tenant, receiver, run_tasks, settings):
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = True
    webhook = subscribe(tenant, receiver.url)
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = False

    record_event("candidate.created", tenant.company, make_candidate(tenant.company))
    run_tasks()

    assert receiver.requests == []
    attempt = Delivery.objects.get(webhook=webhook).attempts.get()
    assert attempt.status_code is None and "WEBHOOK_ALLOW_PRIVATE_TARGETS" in attempt.error


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("private_targets")
def test_redirects_are_not_followed(tenant, receiver, run_tasks):
    subscribe(tenant, receiver.url)
    receiver.statuses = [302]

    record_event("candidate.created", tenant.company, make_candidate(tenant.company))
    run_tasks()

    assert len(receiver.requests) == 1
    assert Delivery.objects.get().status == "pending"  # a redirect is a failure, retried later


def test_services_refuse_unknown_test_events(tenant):
    from hireloop.core.errors import ValidationFailed

    with pytest.raises(ValidationFailed):
        services.send_test(company=tenant.company, url=PUBLIC_URL, event_type="nope")


def test_a_disabled_webhooks_deliveries_cannot_be_redelivered(tenant, api, webhook):
    record_event("candidate.created", tenant.company, make_candidate(tenant.company))
    delivery = Delivery.objects.get(webhook=webhook)
    Delivery.objects.filter(pk=delivery.pk).update(status="failed")
    Webhook.objects.filter(pk=webhook.pk).update(is_active=False)

    error = assert_error(api.post(f"/deliveries/{delivery.pk}/redeliver"), 409)

    assert "is_active" in error["message"]
    assert Delivery.objects.filter(webhook=webhook).count() == 1


def test_an_update_with_unknown_events_is_refused_and_changes_nothing(api, webhook):
    assert_error(api.put(f"/webhooks/{webhook.pk}", {"events": ["nope.*"]}), 400, fields=["events"])

    webhook.refresh_from_db()
    assert webhook.events == ["*"]
