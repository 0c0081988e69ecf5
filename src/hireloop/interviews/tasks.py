"""Background work of interviews: reminders and (interim) email delivery."""

from django.core.mail import EmailMultiAlternatives
from django_tasks import task


@task(queue_name="email")
def send_interview_reminder(interview_id: int, sequence: int, start_timestamp: int) -> bool:
    """Due `INTERVIEW_REMINDER_MINUTES` before the start it was scheduled for; re-checks the interview."""
    from hireloop.interviews.services import send_reminder

    return send_reminder(interview_id=interview_id, sequence=sequence, start_timestamp=start_timestamp)


@task(queue_name="email")
def deliver_email(
    *, to: list[str], subject: str, body_text: str, body_html: str, attachments: list[list[str]]
) -> int:
    """Deliver one email through Django's email backend (attachments are (name, text, mime type))."""
    message = EmailMultiAlternatives(subject=subject, body=body_text, to=to)
    message.attach_alternative(body_html, "text/html")
    for file_name, content, mime_type in attachments:
        message.attach(file_name, content, mime_type)
    return message.send()
