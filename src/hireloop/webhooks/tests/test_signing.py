"""Deliveries verify with the official `standardwebhooks` library, and with hireloop.webhooks.verify."""

import time
from datetime import timedelta

import pytest
import standardwebhooks
import time_machine
from django.utils import timezone

from hireloop import webhooks
from hireloop.webhooks import services, signing
from hireloop.webhooks.models import Delivery, Webhook
from hireloop.webhooks.tests.helpers import make_candidate, record_event, subscribe

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("private_targets")]


def deliver_one(tenant, receiver, run_tasks):
    record_event("candidate.created", tenant.company, make_candidate(tenant.company))
    run_tasks()
    return receiver.requests[-1]


def test_a_delivery_verifies_with_the_standardwebhooks_library(tenant, receiver, run_tasks):
    webhook = subscribe(tenant, receiver.url)
    assert webhook.secret.startswith("whsec_")

    request = deliver_one(tenant, receiver, run_tasks)

    payload = standardwebhooks.Webhook(webhook.secret).verify(request.body, request.headers)
    assert payload["type"] == "candidate.created"
    assert request.headers["webhook-signature"].startswith("v1,")
    assert abs(int(request.headers["webhook-timestamp"]) - time.time()) < 60


def test_verify_returns_the_payload_and_refuses_a_tampered_body(tenant, receiver, run_tasks):
    webhook = subscribe(tenant, receiver.url)
    request = deliver_one(tenant, receiver, run_tasks)

    assert webhooks.verify(request.body, request.headers, webhook.secret)["type"] == "candidate.created"
    tampered = request.body.replace(b"candidate.created", b"candidate.deleted")
    with pytest.raises(webhooks.WebhookVerificationError, match="No matching signature"):
        webhooks.verify(tampered, request.headers, webhook.secret)
    with pytest.raises(standardwebhooks.webhooks.WebhookVerificationError):
        standardwebhooks.Webhook(webhook.secret).verify(tampered, request.headers)
    with pytest.raises(webhooks.WebhookVerificationError):
        webhooks.verify(request.body, request.headers, signing.new_secret())


def test_verify_refuses_old_replays_and_missing_headers():
    secret = signing.new_secret()
    body = b'{"id":"evt_1"}'
    headers = signing.signature_headers(secrets_=[secret], message_id="evt_1", timestamp=1_000_000, body=body)

    assert webhooks.verify(body, headers, secret, now=1_000_100) == {"id": "evt_1"}
    with pytest.raises(webhooks.WebhookVerificationError, match="too old"):
        webhooks.verify(body, headers, secret, now=1_000_000 + 301)
    with pytest.raises(webhooks.WebhookVerificationError, match="too new"):
        webhooks.verify(body, headers, secret, now=1_000_000 - 301)
    with pytest.raises(webhooks.WebhookVerificationError, match="Missing"):
        webhooks.verify(body, {"webhook-id": "evt_1"}, secret)


def test_our_verify_accepts_what_the_standardwebhooks_library_signs():
    secret = signing.new_secret()
    now = int(time.time())
    signature = standardwebhooks.Webhook(secret).sign("msg_1", timezone.datetime.fromtimestamp(now), '{"a":1}')
    headers = {"Webhook-Id": "msg_1", "Webhook-Timestamp": str(now), "Webhook-Signature": signature}

    assert webhooks.verify('{"a":1}', headers, secret) == {"a": 1}


def test_after_rotation_both_secrets_sign_for_24_hours_then_only_the_new_one(tenant, receiver, run_tasks):
    webhook = subscribe(tenant, receiver.url)
    old_secret = webhook.secret
    with time_machine.travel(timezone.now(), tick=False) as clock:
        services.rotate_secret(company=tenant.company, actor=tenant.user, webhook=webhook)
        new_secret = webhook.secret
        assert new_secret != old_secret

        request = deliver_one(tenant, receiver, run_tasks)
        assert len(request.headers["webhook-signature"].split(" ")) == 2
        for secret in (old_secret, new_secret):
            standardwebhooks.Webhook(secret).verify(request.body, request.headers)

        clock.shift(timedelta(hours=24, seconds=1))
        request = deliver_one(tenant, receiver, run_tasks)
        assert len(request.headers["webhook-signature"].split(" ")) == 1
        standardwebhooks.Webhook(new_secret).verify(request.body, request.headers)
        with pytest.raises(standardwebhooks.webhooks.WebhookVerificationError):
            standardwebhooks.Webhook(old_secret).verify(request.body, request.headers)


def test_secrets_are_stored_encrypted(tenant):
    webhook = subscribe(tenant, "https://93.184.215.14/hooks")

    stored = Webhook.objects.filter(pk=webhook.pk).values_list("secret_encrypted", flat=True).get()
    assert webhook.secret.startswith("whsec_") and webhook.secret not in stored
    assert Webhook.objects.get(pk=webhook.pk).secret == webhook.secret


def test_a_secret_unreadable_after_a_secret_key_change_fails_the_attempt_with_advice(
    tenant, receiver, run_tasks, settings
):
    subscribe(tenant, receiver.url)
    settings.SECRET_KEY = "another-secret-key-" + "x" * 40

    record_event("candidate.created", tenant.company, make_candidate(tenant.company))
    run_tasks()

    assert receiver.requests == []
    attempt = Delivery.objects.get().attempts.get()
    assert "rotate its secret" in attempt.error

    webhook = Webhook.objects.get()
    services.rotate_secret(company=tenant.company, actor=tenant.user, webhook=webhook)  # the way out
    run_tasks()  # nothing due until the retry; the new secret is readable
    assert Webhook.objects.get().secret.startswith("whsec_")
