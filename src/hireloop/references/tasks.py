"""Background work of reference checks: automatic reminders."""

from django_tasks import task


@task(queue_name="default")
def send_scheduled_reminder(*, target: str, object_id: int, slot: int) -> bool:
    """Automatic reminder `slot` of a request (to the candidate) or a reference (to the referee)."""
    from hireloop.references.services import send_scheduled_reminder as send

    return send(target=target, object_id=object_id, slot=slot)
