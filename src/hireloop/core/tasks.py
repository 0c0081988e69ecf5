"""Background work through Django's Tasks API, always enqueued after the transaction commits."""

from django.db import transaction


def enqueue_on_commit(task, *args, **kwargs) -> None:
    """Enqueue `task` once the current transaction commits (immediately outside one).

    A rolled-back change therefore never runs its side effects.
    """
    transaction.on_commit(lambda: task.enqueue(*args, **kwargs))
