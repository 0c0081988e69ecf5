"""Background tasks through Django's Tasks API: enqueued on commit, run by a worker, failures recorded."""

from django_tasks_db.models import DBTaskResult

from hireloop.core.tasks import enqueue_on_commit
from hireloop.core.testing.tasks import echo_task, failing_task


def test_enqueue_on_commit_waits_for_the_commit(db, run_tasks, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        enqueue_on_commit(echo_task, "later")
    assert not DBTaskResult.objects.exists()
    for callback in callbacks:
        callback()
    assert DBTaskResult.objects.get().status == "READY"
    assert run_tasks() == 1
    result = DBTaskResult.objects.get()
    assert (result.status, result.return_value) == ("SUCCESSFUL", "later")


def test_a_failed_task_is_recorded_with_its_error(db, run_tasks):
    failing_task.enqueue("disk on fire")
    assert run_tasks() == 1
    result = DBTaskResult.objects.get()
    assert result.status == "FAILED"
    assert result.exception_class_path == "builtins.RuntimeError"
    assert "disk on fire" in result.traceback
