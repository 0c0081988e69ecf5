"""Events become signed deliveries to real HTTP receivers, retried on the published schedule."""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.db import transaction
from django.utils import timezone

from hireloop.activity.services import record
from hireloop.webhooks import services
from hireloop.webhooks.models import Delivery, DeliveryStatus, Webhook, WebhookEvent
from hireloop.webhooks.tests.helpers import bodies, make_candidate, make_job, record_event, subscribe

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("private_targets")]

SCHEDULE = [30, 120, 600, 1800, 7200, 21600, 43200, 86400]


def test_a_committed_event_is_delivered_once_with_the_envelope(tenant, receiver, run_tasks):
    subscribe(tenant, receiver.url)
    candidate = make_candidate(tenant.company)

    event = record_event("candidate.created", tenant.company, candidate, candidate_id=candidate.pk, data={"x": 1})
    run_tasks()

    [body] = bodies(receiver)
    assert body["id"].startswith("evt_")
    assert body["type"] == "candidate.created"
    assert body["version"] == 1
    assert body["occurred_at"] == int(event.created_at.timestamp())
    assert body["company_id"] == tenant.company.pk
    assert body["action_id"] == event.action_id
    assert body["data"]["id"] == candidate.pk
    assert receiver.requests[0].headers["webhook-id"] == body["id"]
    assert receiver.requests[0].headers["content-type"] == "application/json"
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempt_count, delivery.last_status_code) == ("succeeded", 1, 200)


def test_a_rolled_back_transaction_delivers_nothing(tenant, receiver, run_tasks):
    subscribe(tenant, receiver.url)
    candidate = make_candidate(tenant.company)

    with pytest.raises(RuntimeError), transaction.atomic():
        record(kind="candidate.updated", company=tenant.company, subject=candidate)
        raise RuntimeError("the service failed")
    run_tasks()

    assert receiver.requests == []
    assert not Delivery.objects.exists()


def test_events_outside_the_catalogue_and_unsubscribed_events_are_not_sent(tenant, receiver, run_tasks):
    subscribe(tenant, receiver.url, events=["application.*", "candidate.deleted"])
    candidate = make_candidate(tenant.company)

    record_event("candidate.created", tenant.company, candidate)
    record_event("candidate.resume_parsed", tenant.company, candidate)
    record_event("candidate.deleted", tenant.company, candidate)
    record_event("application.moved", tenant.company, None, subject_type="application", subject_id=7)
    run_tasks()

    assert sorted(b["type"] for b in bodies(receiver)) == ["application.moved", "candidate.deleted"]


def test_job_subscriptions_receive_only_their_jobs_events(tenant, receiver, run_tasks):
    job, other_job = make_job(tenant.company), make_job(tenant.company)
    scoped = subscribe(tenant, receiver.url + "?scope=job", job=job)
    subscribe(tenant, receiver.url + "?scope=company")

    record_event("job.updated", tenant.company, job, job_id=job.pk)
    record_event("job.updated", tenant.company, other_job, job_id=other_job.pk)
    record_event("candidate.created", tenant.company, make_candidate(tenant.company))
    run_tasks()

    by_path = sorted((r.path, r.body and __import__("json").loads(r.body)["data"]["id"]) for r in receiver.requests)
    assert [p for p, _ in by_path].count("/hooks?scope=job") == 1
    assert [p for p, _ in by_path].count("/hooks?scope=company") == 3
    assert Delivery.objects.get(webhook=scoped).event.type == "job.updated"
    assert ("/hooks?scope=job", job.pk) in by_path


def test_another_companys_events_are_not_sent(tenant, other_tenant, receiver, run_tasks):
    subscribe(tenant, receiver.url)

    record_event("candidate.created", other_tenant.company, make_candidate(other_tenant.company))
    run_tasks()

    assert receiver.requests == []


def test_data_comes_from_the_subject_types_payload_builder(tenant, receiver, run_tasks, monkeypatch):
    monkeypatch.setitem(services.PAYLOAD_BUILDERS, "candidate", "hireloop.webhooks.tests.test_delivery.fake_payload")
    subscribe(tenant, receiver.url)
    candidate = make_candidate(tenant.company, first_name="Grace")

    candidate_id = candidate.pk
    record_event("candidate.created", tenant.company, candidate)
    candidate.delete()  # the payload was taken when the event happened
    run_tasks()

    assert bodies(receiver)[0]["data"] == {"id": candidate_id, "first_name": "Grace", "from": "builder"}


def fake_payload(company, candidate_id):
    from hireloop.candidates.models import Candidate

    candidate = Candidate.objects.get(company=company, pk=candidate_id)
    return {"id": candidate.pk, "first_name": candidate.first_name, "from": "builder"}


def test_a_missing_or_empty_builder_falls_back_to_the_events_data(tenant, receiver, run_tasks, monkeypatch):
    monkeypatch.setitem(services.PAYLOAD_BUILDERS, "candidate", "hireloop.nowhere.selectors.webhook_payload")
    monkeypatch.setitem(services.PAYLOAD_BUILDERS, "job", "hireloop.webhooks.tests.test_delivery.no_payload")
    subscribe(tenant, receiver.url)
    candidate, job = make_candidate(tenant.company), make_job(tenant.company)

    record_event("candidate.merged", tenant.company, candidate, data={"merged_id": 3})
    record_event("job.closed", tenant.company, job, job_id=job.pk, data={"status": "Closed"})
    run_tasks()

    assert sorted((b["type"], b["data"]) for b in bodies(receiver)) == [
        ("candidate.merged", {"id": candidate.pk, "merged_id": 3}),
        ("job.closed", {"id": job.pk, "status": "Closed"}),
    ]


def no_payload(company, job_id):
    return None


def test_failures_are_retried_on_the_published_schedule(tenant, receiver, run_tasks, settings):
    assert settings.WEBHOOK_RETRY_SCHEDULE == SCHEDULE
    webhook = subscribe(tenant, receiver.url)
    receiver.statuses = [500, 503, 502]
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        record_event("candidate.created", tenant.company, make_candidate(tenant.company))
        run_tasks()
        assert len(receiver.requests) == 1
        delivery = Delivery.objects.get(webhook=webhook)
        assert delivery.status == "pending" and delivery.next_attempt_at == start + timedelta(seconds=30)

        clock.shift(29)
        run_tasks()
        assert len(receiver.requests) == 1  # not yet due
        clock.shift(1)
        run_tasks()
        assert len(receiver.requests) == 2
        clock.shift(119)
        run_tasks()
        assert len(receiver.requests) == 2
        clock.shift(1)
        run_tasks()
        assert len(receiver.requests) == 3
        clock.shift(600)
        run_tasks()

    assert len(receiver.requests) == 4
    assert len({r.headers["webhook-id"] for r in receiver.requests}) == 1  # the same message each time
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempt_count) == ("succeeded", 4)
    assert [(a.number, a.status_code, a.is_success) for a in delivery.attempts.all()] == [
        (1, 500, False),
        (2, 503, False),
        (3, 502, False),
        (4, 200, True),
    ]
    assert Webhook.objects.get(pk=webhook.pk).consecutive_failures == 0


def test_after_the_last_retry_the_delivery_fails_and_counts_against_the_webhook(tenant, receiver, run_tasks):
    webhook = subscribe(tenant, receiver.url)
    receiver.default_status = 500
    with time_machine.travel(timezone.now(), tick=False) as clock:
        record_event("candidate.created", tenant.company, make_candidate(tenant.company))
        run_tasks()
        for delay in SCHEDULE:
            clock.shift(delay)
            run_tasks()
        clock.shift(10 * 86400)
        run_tasks()

    assert len(receiver.requests) == len(SCHEDULE) + 1
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.next_attempt_at) == ("failed", None)
    webhook.refresh_from_db()
    assert (webhook.is_active, webhook.consecutive_failures) == (True, 1)


def test_410_gone_disables_the_webhook_without_retrying(tenant, receiver, run_tasks):
    webhook = subscribe(tenant, receiver.url)
    receiver.statuses = [410]
    with time_machine.travel(timezone.now(), tick=False) as clock:
        record_event("candidate.created", tenant.company, make_candidate(tenant.company))
        run_tasks()
        clock.shift(3600)
        record_event("candidate.updated", tenant.company, make_candidate(tenant.company))
        run_tasks()

    assert len(receiver.requests) == 1
    webhook.refresh_from_db()
    assert webhook.is_active is False and "410" in webhook.disabled_reason
    assert Delivery.objects.get().status == "failed"


def test_repeated_failed_events_disable_the_webhook_and_email_the_admins(tenant, receiver, run_tasks, settings):
    settings.WEBHOOK_RETRY_SCHEDULE = [60]
    settings.WEBHOOK_DISABLE_AFTER_FAILED_EVENTS = 3
    webhook = subscribe(tenant, receiver.url)
    receiver.default_status = 500
    with time_machine.travel(timezone.now(), tick=False) as clock:

        def events_fail_for_good(count: int) -> None:
            for _ in range(count):
                record_event("candidate.created", tenant.company, make_candidate(tenant.company))
            run_tasks()
            clock.shift(60)
            run_tasks()

        events_fail_for_good(2)
        webhook.refresh_from_db()
        assert (webhook.is_active, webhook.consecutive_failures) == (True, 2)
        receiver.statuses = [200]
        record_event("candidate.created", tenant.company, make_candidate(tenant.company))
        run_tasks()
        webhook.refresh_from_db()
        assert webhook.consecutive_failures == 0  # a success restarts the count
        events_fail_for_good(3)

    webhook.refresh_from_db()
    assert webhook.is_active is False
    assert webhook.disabled_reason == "The last 3 events could not be delivered."
    [message] = [m for m in mail.outbox if "Webhook disabled" in m.subject]
    assert message.to == [tenant.user.email]
    assert receiver.url in message.body or receiver.url in message.alternatives[0][0]


def test_pending_deliveries_of_a_disabled_webhook_are_cancelled(tenant, receiver, run_tasks):
    webhook = subscribe(tenant, receiver.url)
    record_event("candidate.created", tenant.company, make_candidate(tenant.company))
    services.update_webhook(company=tenant.company, actor=tenant.user, webhook=webhook, changes={"is_active": False})
    run_tasks()

    assert receiver.requests == []
    assert Delivery.objects.get().status == "cancelled"


def test_a_claim_abandoned_by_a_killed_worker_is_retried_by_the_sweep(tenant, receiver, run_tasks, settings):
    from django_tasks_db.models import DBTaskResult

    from hireloop.webhooks.tasks import sweep

    subscribe(tenant, receiver.url)
    with time_machine.travel(timezone.now(), tick=False) as clock:
        record_event("candidate.created", tenant.company, make_candidate(tenant.company))
        delivery = Delivery.objects.get()
        # A worker claimed it, then died before answering; its task died with it.
        Delivery.objects.filter(pk=delivery.pk).update(status="delivering", claimed_at=timezone.now(), attempt_count=1)
        DBTaskResult.objects.all().delete()

        assert sweep()["due"] is False  # still within the lease
        assert run_tasks() == 0 and receiver.requests == []  # nothing woken: the claim may still be live
        clock.shift(settings.WEBHOOK_DELIVERY_LEASE_SECONDS + 1)
        assert sweep()["due"] is True
        run_tasks()

    assert len(receiver.requests) == 1
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempt_count) == ("succeeded", 2)


def test_a_lost_delivery_task_is_replaced_by_the_sweep(tenant, receiver, run_tasks):
    from django_tasks_db.models import DBTaskResult

    from hireloop.webhooks.tasks import DELIVER_PATH, sweep

    subscribe(tenant, receiver.url)
    record_event("candidate.created", tenant.company, make_candidate(tenant.company))
    DBTaskResult.objects.filter(task_path=DELIVER_PATH).delete()  # e.g. the process died before enqueueing
    assert run_tasks() == 0

    sweep()
    run_tasks()

    assert len(receiver.requests) == 1


def test_one_delivery_task_waits_for_many_events(tenant, receiver, run_tasks):
    from django_tasks_db.models import DBTaskResult

    from hireloop.webhooks.tasks import DELIVER_PATH

    subscribe(tenant, receiver.url)
    subscribe(tenant, receiver.url + "?second")
    for _ in range(5):
        record_event("candidate.created", tenant.company, make_candidate(tenant.company))

    assert DBTaskResult.objects.filter(task_path=DELIVER_PATH).count() == 1
    assert run_tasks() == 1
    assert len(receiver.requests) == 10


def test_the_sweep_removes_deliveries_older_than_30_days(tenant, receiver, run_tasks, settings):
    from hireloop.webhooks.tasks import sweep

    assert "hireloop.webhooks.tasks.sweep" in settings.WORKER_SWEEPS
    subscribe(tenant, receiver.url)
    with time_machine.travel(timezone.now(), tick=False) as clock:
        record_event("candidate.created", tenant.company, make_candidate(tenant.company))
        run_tasks()
        clock.shift(timedelta(days=29))
        record_event("candidate.updated", tenant.company, make_candidate(tenant.company))
        run_tasks()
        clock.shift(timedelta(days=1, seconds=1))
        assert sweep() == {"due": False, "deleted_events": 1}

        assert list(WebhookEvent.objects.values_list("type", flat=True)) == ["candidate.updated"]
        assert Delivery.objects.count() == 1


def test_redelivery_sends_the_same_event_again_as_a_new_delivery(tenant, receiver, run_tasks):
    subscribe(tenant, receiver.url)
    record_event("candidate.created", tenant.company, make_candidate(tenant.company))
    run_tasks()
    first = Delivery.objects.get()

    copy = services.redeliver(company=tenant.company, actor=tenant.user, delivery=first)
    run_tasks()

    assert len(receiver.requests) == 2
    assert receiver.requests[0].body == receiver.requests[1].body
    copy.refresh_from_db()
    assert (copy.status, copy.redelivery_of_id, copy.event_id) == (DeliveryStatus.SUCCEEDED, first.pk, first.event_id)
