"""Several workers racing for one message: it is sent once (real threads, real SMTP, real row locks)."""

import threading

import pytest
from django.conf import settings as django_settings
from django.db import connection

from hireloop.core.testing.factories import CompanyFactory
from hireloop.messaging.models import Message, MessageStatus
from hireloop.messaging.services import cancel_message, deliver, send_email
from hireloop.messaging.tests.conftest import SmtpSink

pytestmark = pytest.mark.skipif(
    not django_settings.IS_POSTGRES, reason="row locks with SKIP LOCKED need PostgreSQL (SQLite has one writer)"
)


@pytest.fixture
def slow_smtp(settings):
    sink = SmtpSink(delay=0.3)
    sink.controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", sink.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    try:
        yield sink
    finally:
        sink.controller.stop()


def _in_threads(n, target):
    results = []

    def run():
        try:
            results.append(target())
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


@pytest.mark.django_db(transaction=True)
def test_four_workers_racing_send_the_message_once(slow_smtp):
    company = CompanyFactory()
    message = send_email(company=company, to=["a@example.com"], subject="once", body_html="x")

    results = _in_threads(4, lambda: deliver(message_id=message.pk))

    assert sorted(results) == ["sent", "skipped", "skipped", "skipped"]
    assert len(slow_smtp.envelopes) == 1
    message.refresh_from_db()
    assert (message.status, message.attempts) == (MessageStatus.SENT, 1)


@pytest.mark.django_db(transaction=True)
def test_cancel_while_sending_waits_for_the_lock_and_gets_409(slow_smtp):
    from hireloop.core.errors import Conflict

    company = CompanyFactory()
    message = send_email(company=company, to=["a@example.com"], subject="s", body_html="x")
    outcomes = []

    def worker():
        return deliver(message_id=message.pk)

    def canceller():
        import time

        time.sleep(0.1)  # the worker holds the row by now (the server answers DATA after 0.3 s)
        try:
            cancel_message(company=company, actor=None, message=Message.objects.get(pk=message.pk))
            outcomes.append("cancelled")
        except Conflict as exc:
            outcomes.append(exc.message)
        finally:
            connection.close()

    thread = threading.Thread(target=canceller)
    thread.start()
    assert _in_threads(1, worker) == ["sent"]
    thread.join(timeout=30)
    assert outcomes == ["Message already sent"]
    assert len(slow_smtp.envelopes) == 1
