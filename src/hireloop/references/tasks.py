"""Background work of reference checks: automatic reminders and (interim) email delivery."""

from django.core.mail import EmailMultiAlternatives
from django_tasks import task


@task(queue_name="default")
def send_scheduled_reminder(*, target: str, object_id: int, slot: int) -> bool:
    """Automatic reminder `slot` of a request (to the candidate) or a reference (to the referee)."""
    from hireloop.references.services import send_scheduled_reminder as send

    return send(target=target, object_id=object_id, slot=slot)


@task(queue_name="email")
def deliver_email(*, to: str, subject: str, body_text: str, body_html: str) -> None:
    """Interim delivery through Django's email backend, until the messaging app sends for us."""
    message = EmailMultiAlternatives(subject=subject, body=body_text, to=[to])
    message.attach_alternative(body_html, "text/html")
    message.send()
