"""Background work of webhooks: deliveries, and a sweep that reschedules itself while a worker runs."""

import logging
from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django_tasks import task

logger = logging.getLogger("hireloop.webhooks")

SWEEP_PATH = "hireloop.webhooks.tasks.sweep"
DELIVER_PATH = "hireloop.webhooks.tasks.deliver_webhooks"


@task(queue_name="webhooks")
def deliver_webhooks(delivery_ids: list[int]) -> dict:
    """Attempt each due delivery (one event's fan-out, or one retry); idempotent per delivery."""
    from hireloop.webhooks import services

    return services.deliver_many(delivery_ids=delivery_ids)


@task(queue_name="webhooks")
def sweep() -> dict:
    """Requeue deliveries lost with a killed worker, drop logs older than the retention, then run again later."""
    from hireloop.webhooks import services

    result = {
        "requeued": services.requeue_stalled(include_pending=not _deliveries_waiting()),
        "deleted_events": services.delete_old(),
    }
    _schedule_next()
    return result


def _uses_database_backend() -> bool:
    return settings.TASKS["default"]["BACKEND"].startswith("django_tasks_db")


def _deliveries_waiting() -> bool:
    """Whether due delivery tasks are still queued (a backlog, not lost work)."""
    if not _uses_database_backend():
        return False
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.ready().filter(task_path=DELIVER_PATH).exists()


def _pending_sweeps():
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(task_path=SWEEP_PATH, status=TaskResultStatus.READY)


def _schedule_next() -> None:
    if not _uses_database_backend() or _pending_sweeps().exists():
        return  # one chain of sweeps is enough
    sweep.using(run_after=timezone.now() + timedelta(seconds=settings.WEBHOOK_SWEEP_INTERVAL_SECONDS)).enqueue()


def ensure_sweep_scheduled() -> None:
    """Start the sweep chain unless one is waiting (called when a worker starts)."""
    if not _uses_database_backend():
        return
    if not _pending_sweeps().exists():
        sweep.enqueue()
