"""Run queued background tasks in-process, the way `hireloop worker --batch` would."""


def run_due_tasks(*, limit: int = 1000) -> int:
    """Run every ready task (run_after <= now, as seen by a controllable clock). Returns the count."""
    from django_tasks_db.management.commands.db_worker import Worker
    from django_tasks_db.models import DBTaskResult

    worker = Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=limit,
        worker_id="test-worker",
        excluded_queue_names=[],
    )
    ran = 0
    while ran < limit:
        # ready() compares run_after with timezone.now(), so time-machine controls what is due.
        task = DBTaskResult.objects.ready().first()  # priority, then run_after, then enqueue order
        if task is None:
            break
        task.claim(worker.worker_id)
        worker.run_task(task)
        ran += 1
    return ran


# Tasks for tests of the worker itself (the in-process runner above and `hireloop worker`).
from django_tasks import task  # noqa: E402


@task(queue_name="default")
def echo_task(marker: str) -> str:
    """Returns its argument: a test sees that a worker ran it."""
    return marker


@task(queue_name="default")
def failing_task(message: str) -> None:
    """Always fails: a test sees that the error is recorded."""
    raise RuntimeError(message)
