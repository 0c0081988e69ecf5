"""Background work of interviews: reminders before the start."""

from django_tasks import task


@task(queue_name="email")
def send_interview_reminder(interview_id: int, sequence: int, start_timestamp: int) -> bool:
    """Due `INTERVIEW_REMINDER_MINUTES` before the start it was scheduled for; re-checks the interview."""
    from hireloop.interviews.services import send_reminder

    return send_reminder(interview_id=interview_id, sequence=sequence, start_timestamp=start_timestamp)


@task(queue_name="email")
def remind_overdue_evaluations(interview_id: int) -> int:
    """Due EVALUATION_OVERDUE_HOURS after a completed interview; reminds each late interviewer once."""
    from hireloop.interviews.services import remind_overdue_evaluations as remind

    return remind(interview_id=interview_id)
