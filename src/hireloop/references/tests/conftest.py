"""Fixtures of reference-check tests: candidates, clients whose on-commit side effects run, outboxes."""

import pytest
from django.core import mail
from django.test import Client, TestCase

from hireloop.candidates.models import Candidate
from hireloop.core.aliases import assign_alias


class Committing:
    """Wraps a client so that on-commit callbacks (enqueued tasks) run after each request, as in production."""

    def __init__(self, inner):
        self._inner = inner

    def __getattr__(self, name):
        attr = getattr(self._inner, name)
        if name not in ("get", "post", "put", "patch", "delete", "request"):
            return attr

        def call(*args, **kwargs):
            with TestCase.captureOnCommitCallbacks(execute=True):
                return attr(*args, **kwargs)

        return call


def make_candidate(company, **fields) -> Candidate:
    values = {
        "first_name": "Ada",
        "last_name": "Lovelace",
        "email": "ada@example.org",
        "phone": "+14155550100",
        **fields,
    }
    candidate = Candidate(company=company, **values)
    assign_alias(candidate)
    candidate.save()
    return candidate


@pytest.fixture
def candidate(tenant) -> Candidate:
    return make_candidate(tenant.company)


@pytest.fixture
def api(tenant):
    return Committing(tenant.api)


@pytest.fixture
def other_api(other_tenant):
    return Committing(other_tenant.api)


@pytest.fixture
def pages():
    """A browser-like client for the public pages (CSRF checks on, like a real browser)."""
    return Committing(Client(enforce_csrf_checks=True))


@pytest.fixture
def run(run_tasks):
    """Run due tasks until none is left, including those enqueued on commit by tasks."""

    def go(limit: int = 50) -> int:
        total = 0
        for _ in range(limit):
            with TestCase.captureOnCommitCallbacks(execute=True):
                ran = run_tasks()
            total += ran
            if not ran:
                break
        return total

    return go


@pytest.fixture
def outbox():
    """Sent email (locmem) and text messages, cleared at the start of a test."""
    mail.outbox.clear()
    return Outbox()


class Outbox:
    @property
    def emails(self):
        return mail.outbox

    @property
    def sms(self) -> list[tuple[str, str]]:
        """Text messages delivered by the SMS provider (the outbox provider in tests)."""
        from hireloop.messaging.models import Message

        sent = Message.objects.filter(channel="sms", status="sent").order_by("pk")
        return list(sent.values_list("counterpart", "body_text"))

    def emails_to(self, address: str):
        return [m for m in mail.outbox if address in m.to]

    def sms_to(self, phone: str) -> list[str]:
        return [body for to, body in self.sms if to == phone]

    def clear(self) -> None:
        from hireloop.messaging.models import Message

        mail.outbox.clear()
        Message.objects.all().delete()


def link_in(text: str, kind: str) -> str:
    """The path of the first /r/<kind>/<token>/ link in a message."""
    import re

    match = re.search(rf"https?://[^/\s]+(/r/{kind}/[^/\s]+/)", text)
    assert match, f"no /r/{kind}/ link in: {text!r}"
    return match.group(1)


UA_CHROME = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36"
)


def complete(reference_id: int, *, ip: str = "203.0.113.1", device: str | None = None, seconds: int = 300,
             ua: str = UA_CHROME, values: dict | None = None):  # fmt: skip
    """Have the referee answer every question (scale answers `values.get(category, 4)`), `seconds` after opening."""
    from datetime import timedelta

    from django.utils import timezone

    from hireloop.references import services
    from hireloop.references.models import Reference

    reference = Reference.objects.select_related("question_set").get(pk=reference_id)
    services.open_questionnaire(reference=reference)
    Reference.objects.filter(pk=reference_id).update(started_at=timezone.now() - timedelta(seconds=seconds))
    reference.refresh_from_db()
    answers = {}
    for q in reference.question_set.questions.all():
        answers[q.pk] = {
            "scale": str((values or {}).get(q.category, 4)),
            "yes_no": "yes",
            "text": "Solid and kind.",
            "single_choice": (q.choices or [""])[0],
        }[q.type]
    with TestCase.captureOnCommitCallbacks(execute=True):
        return services.submit_answers(
            reference=reference, answers=answers, comments={}, ip=ip, user_agent=ua, device=device
        )


class SmtpOutbox(Outbox):
    """Email received by a real SMTP server on 127.0.0.1 (aiosmtpd), read back as simple messages."""

    def __init__(self, envelopes: list):
        self.envelopes = envelopes

    @property
    def emails(self):
        import email
        from email import policy
        from types import SimpleNamespace

        result = []
        for envelope in self.envelopes:
            parsed = email.message_from_bytes(envelope.original_content, policy=policy.default)
            text = parsed.get_body(preferencelist=("plain",))
            result.append(
                SimpleNamespace(to=list(envelope.rcpt_tos), subject=str(parsed["Subject"]), body=text.get_content())
            )
        return result

    def emails_to(self, address: str):
        return [m for m in self.emails if address in m.to]


@pytest.fixture
def smtp_outbox(settings):
    """Django's SMTP backend delivering to an aiosmtpd server on a free loopback port."""
    import socket

    from aiosmtpd.controller import Controller

    envelopes: list = []

    class Handler:
        async def handle_DATA(self, server, session, envelope):
            envelopes.append(envelope)
            return "250 OK"

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(Handler(), hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    try:
        yield SmtpOutbox(envelopes)
    finally:
        controller.stop()
