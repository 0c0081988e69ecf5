"""Background work of webhooks: draining due deliveries, and a sweep that reschedules itself while a worker runs.

Delivery rows are the queue; a `deliver_due` task drains them in batches. At most one such task waits
in the queue at a time: an event committed while one waits is picked up by it, since it has not
started yet. With the database task backend this is checked with one query per commit.
"""

import logging
import time
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone
from django_tasks import task

logger = logging.getLogger("hireloop.webhooks")

SWEEP_PATH = "hireloop.webhooks.tasks.sweep"
DELIVER_PATH = "hireloop.webhooks.tasks.deliver_due"
# A task hands over to a fresh one after this long, so other queues' tasks get a turn on this worker.
DRAIN_SECONDS = 10


@task(queue_name="webhooks")
def deliver_due() -> dict:
    """Send due deliveries batch after batch until none is left (or DRAIN_SECONDS passed)."""
    from hireloop.webhooks import services

    started = time.monotonic()
    totals: dict[str, int] = {}
    while True:
        outcomes = services.deliver_due()
        for name, count in outcomes.items():
            totals[name] = totals.get(name, 0) + count
        if outcomes["claimed"] < services.BATCH_SIZE:
            return totals
        if not _uses_database_backend():
            continue  # other backends run each task once per enqueue: keep draining here
        # A backlog: let another worker help, and hand over after a while.
        ensure_delivery_task()
        if time.monotonic() - started > DRAIN_SECONDS:
            return totals


@task(queue_name="webhooks")
def sweep() -> dict:
    """Wake delivery if anything is due (e.g. a killed worker's claims expired), drop old logs, run again later."""
    from hireloop.webhooks import services

    due = services.has_due_work()
    if due:
        ensure_delivery_task()
    result = {"due": due, "deleted_events": services.delete_old()}
    _schedule_next()
    return result


def _uses_database_backend() -> bool:
    return settings.TASKS["default"]["BACKEND"].startswith("django_tasks_db")


def ensure_delivery_task(*, run_after: datetime | None = None) -> None:
    """Enqueue a delivery task unless one that will start no earlier than `run_after` is already waiting."""
    if _uses_database_backend():
        from django_tasks.base import TaskResultStatus
        from django_tasks_db.models import DBTaskResult

        waiting = DBTaskResult.objects.filter(task_path=DELIVER_PATH, status=TaskResultStatus.READY)
        if run_after is None:
            if waiting.ready().exists():
                return
        elif waiting.filter(run_after=run_after).exists():
            return
    (deliver_due.using(run_after=run_after) if run_after else deliver_due).enqueue()


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
