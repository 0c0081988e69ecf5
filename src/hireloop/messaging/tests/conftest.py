"""Fixtures of the messaging tests: candidates, on-commit execution, a loopback SMTP server."""

import socket

import pytest

from hireloop.candidates.models import Candidate
from hireloop.core.aliases import assign_alias


def make_candidate(company, **fields) -> Candidate:
    defaults = {"first_name": "Ada", "last_name": "Lovelace", "email": "ada@example.com", "phone": "+15551230001"}
    defaults.update(fields)
    candidate = Candidate(company=company, **defaults)
    assign_alias(candidate)
    candidate.save()
    return candidate


@pytest.fixture
def candidate(tenant):
    return make_candidate(tenant.company)


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """Run on-commit callbacks (task enqueueing) of the block, as a real commit would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


class SmtpSink:
    """aiosmtpd on 127.0.0.1 keeping every received envelope."""

    def __init__(self, credentials: tuple[str, str] | None = None, delay: float = 0) -> None:
        import asyncio

        from aiosmtpd.controller import Controller
        from aiosmtpd.smtp import AuthResult

        self.envelopes: list = []
        self.logins: list[str] = []
        sink = self

        class Handler:
            async def handle_DATA(self, server, session, envelope):
                if delay:
                    await asyncio.sleep(delay)  # a slow server: deliveries overlap
                sink.envelopes.append(envelope)
                return "250 OK"

        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]

        def authenticator(server, session, envelope, mechanism, auth_data):
            login, password = auth_data.login.decode(), auth_data.password.decode()
            ok = credentials is not None and (login, password) == credentials
            if ok:
                sink.logins.append(login)
            return AuthResult(success=ok, handled=False)

        extra = {}
        if credentials is not None:
            extra = {"authenticator": authenticator, "auth_require_tls": False, "auth_required": True}
        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port, **extra)

    def messages(self):
        import email
        from email import policy

        return [email.message_from_bytes(e.original_content, policy=policy.default) for e in self.envelopes]


@pytest.fixture
def smtp_server():
    sink = SmtpSink()
    sink.controller.start()
    try:
        yield sink
    finally:
        sink.controller.stop()


@pytest.fixture
def auth_smtp_server():
    """A loopback SMTP server that requires AUTH (user "mailer", password "s3cret-Pa55")."""
    sink = SmtpSink(credentials=("mailer", "s3cret-Pa55"))
    sink.controller.start()
    try:
        yield sink
    finally:
        sink.controller.stop()


@pytest.fixture
def smtp_settings(settings, smtp_server):
    """Django's SMTP backend pointed at the loopback server (the company default sender)."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = smtp_server.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    return smtp_server
