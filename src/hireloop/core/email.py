"""Embedded-mode email backend: every message is kept in the outbox table and logged."""

import logging

from django.core.mail.backends.base import BaseEmailBackend

logger = logging.getLogger("hireloop.email")


class OutboxEmailBackend(BaseEmailBackend):
    """Stores sent mail in core.OutboxEmail so the demo works with no SMTP server."""

    def send_messages(self, email_messages) -> int:
        from hireloop.core.models import OutboxEmail

        sent = 0
        for message in email_messages:
            OutboxEmail.objects.create(
                sender=message.from_email or "",
                recipients=list(message.recipients()),
                subject=str(message.subject),
                raw=message.message().as_string(),
            )
            logger.info("outbox: %s -> %s", message.subject, ", ".join(message.recipients()))
            sent += 1
        return sent
