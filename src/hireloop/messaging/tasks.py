"""Background delivery of messages (idempotent: every run re-checks the message under a row lock)."""

from django_tasks import task


@task(queue_name="email")
def deliver_message(message_id: int) -> str:
    """Send one due message unless it was cancelled, already sent or is being sent."""
    from hireloop.messaging import services

    return services.deliver(message_id=message_id)
