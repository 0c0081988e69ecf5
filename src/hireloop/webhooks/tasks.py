"""Background work of webhooks: draining due deliveries, and the sweep every worker runs (settings.WORKER_SWEEPS).

Delivery rows are the queue; a `deliver_due` task drains them in batches. At most one such task waits
in the queue at a time: an event committed while one waits is picked up by it, since it has not
started yet. With the database task backend this is checked with one query per commit.
"""

import logging
import time
from datetime import datetime

from django.conf import settings
from django_tasks import task

logger = logging.getLogger("hireloop.webhooks")

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


def sweep() -> dict:
    """Wake delivery if anything is due (e.g. a killed worker's claims expired) and drop old logs.

    One of settings.WORKER_SWEEPS: every worker runs it periodically (core/sweeps.py).
    """
    from hireloop.webhooks import services

    due = services.has_due_work()
    if due:
        ensure_delivery_task()
    return {"due": due, "deleted_events": services.delete_old()}


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
