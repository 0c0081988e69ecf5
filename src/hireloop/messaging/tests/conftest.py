"""Fixtures of the messaging tests: candidates, on-commit execution, a loopback SMTP server."""

import base64
import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

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


# --- SMS: Twilio through the official SDK against a local fake --------------------------------

SID, TOKEN = "AC" + "0" * 32, "twilio-test-token"


class FakeTwilio:
    """Speaks the part of Twilio's REST API we use: POST /2010-04-01/Accounts/{sid}/Messages.json."""

    def __init__(self) -> None:
        self.requests: list[dict] = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                length = int(self.headers.get("Content-Length", 0))
                form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
                auth = base64.b64decode(self.headers["Authorization"].split()[1]).decode()
                fake.requests.append({"path": self.path, "form": form, "auth": auth})
                if auth != f"{SID}:{TOKEN}" or self.path != f"/2010-04-01/Accounts/{SID}/Messages.json":
                    return self._send(401, {"code": 20003, "message": "Authenticate", "status": 401})
                if form["To"] == "+15005550001":
                    return self._send(400, {"code": 21211, "message": "Invalid 'To' Phone Number", "status": 400})
                if form["To"] == "+15005550009" and len(fake.requests) < 2:
                    return self._send(503, {"code": 20500, "message": "Service unavailable", "status": 503})
                sid = f"SM{len(fake.requests):032d}"
                return self._send(
                    201,
                    {
                        "sid": sid,
                        "account_sid": SID,
                        "to": form["To"],
                        "from": form["From"],
                        "body": form["Body"],
                        "status": "queued",
                        "num_segments": "1",
                        "direction": "outbound-api",
                        "api_version": "2010-04-01",
                        "uri": f"/2010-04-01/Accounts/{SID}/Messages/{sid}.json",
                    },
                )

            def _send(self, status, body):
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)


@pytest.fixture
def twilio(settings):
    fake = FakeTwilio()
    fake.thread.start()
    settings.SMS_PROVIDER = "twilio"
    settings.TWILIO_ACCOUNT_SID = SID
    settings.TWILIO_AUTH_TOKEN = TOKEN
    settings.TWILIO_FROM_NUMBER = "+15550009999"
    settings.TWILIO_API_BASE_URL = fake.url
    settings.PUBLIC_BASE_URL = "https://ats.example.com"
    try:
        yield fake
    finally:
        fake.server.shutdown()
        fake.server.server_close()
