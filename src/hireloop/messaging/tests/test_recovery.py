"""A message whose worker died mid-delivery is delivered by the workers' own sweep, once, with no operator.

Unit level: requeue_stalled() re-enqueues only messages whose task is lost. Process level: real
`hireloop worker` processes (the command `hireloop serve` also starts) and an SMTP server on
127.0.0.1 that holds the first delivery until its worker is killed with SIGKILL.
"""

import asyncio
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from hireloop.core.tests.test_processes import DEADLINE, hireloop_cmd, shell
from hireloop.messaging.models import Message, MessageStatus
from hireloop.messaging.services import requeue_stalled, send_email


def test_due_message_whose_task_was_lost_is_requeued_once(tenant, commit, run_tasks, mailoutbox):
    with commit():
        message = send_email(company=tenant.company, to=["a@example.com"], subject="s", body_html="x")
    assert requeue_stalled() == 0  # its delivery task is queued
    # A worker claimed the task and was killed: the task stays RUNNING forever.
    DBTaskResult.objects.update(status=TaskResultStatus.RUNNING, started_at=timezone.now())
    assert requeue_stalled() == 0  # it may still be running
    with time_machine.travel(timezone.now() + timedelta(minutes=11)):
        assert requeue_stalled() == 1
        assert requeue_stalled() == 0  # the new task is queued: several sweeping workers add no more
        run_tasks()
    assert len(mailoutbox) == 1
    assert Message.objects.get(pk=message.pk).status == MessageStatus.SENT


def test_retry_waiting_for_its_backoff_is_not_requeued(tenant, commit):
    with commit():
        message = send_email(company=tenant.company, to=["a@example.com"], subject="s", body_html="x")
    DBTaskResult.objects.all().delete()  # no task at all, but the next attempt is not due yet
    Message.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now() + timedelta(minutes=5))
    assert requeue_stalled() == 0
    with time_machine.travel(timezone.now() + timedelta(minutes=6)):
        assert requeue_stalled() == 1


class HoldingSmtpServer:
    """Holds the first email containing `marker` (never accepting it) and accepts every other."""

    def __init__(self, marker: str) -> None:
        from aiosmtpd.controller import Controller

        self.first_started = threading.Event()
        self.accepted: list[bytes] = []
        server = self

        class Handler:
            async def handle_DATA(self, smtp, session, envelope):
                if marker.encode() in envelope.original_content and not server.first_started.is_set():
                    server.first_started.set()
                    await asyncio.sleep(DEADLINE)  # its worker is killed meanwhile
                    return "451 4.3.0 Try again later"
                server.accepted.append(envelope.original_content)
                return "250 OK"

        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port)


@pytest.fixture
def marker():
    return uuid.uuid4().hex


@pytest.fixture
def holding_smtp(marker):
    server = HoldingSmtpServer(marker)
    server.controller.start()
    try:
        yield server
    finally:
        server.controller.stop()


def start_worker(env) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "hireloop", "worker"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def stop(process: subprocess.Popen, sig=signal.SIGTERM) -> None:
    if process.poll() is None:
        os.killpg(process.pid, sig)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


@pytest.mark.slow
def test_message_of_a_killed_worker_is_delivered_once_by_the_next_worker(tmp_path, marker, holding_smtp, settings):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HIRELOOP_", "DJANGO_", "SECRET_KEY"))}
    src = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(__file__))))
    env.update(
        HIRELOOP_DATA_DIR=str(tmp_path / "data"),
        PYTHONPATH=src + os.pathsep + env.get("PYTHONPATH", ""),
        PYTHONUNBUFFERED="1",
        EMAIL_URL=f"smtp://127.0.0.1:{holding_smtp.port}",
        MESSAGE_SENDING_LEASE_SECONDS="3",
        WORKER_SWEEP_INTERVAL_SECONDS="1",
    )
    hireloop_cmd(env, "manage", "migrate", "-v", "0")
    message_id = shell(
        env,
        "from hireloop.accounts.services import create_company; "
        "from hireloop.messaging.services import send_email; "
        f"c = create_company(name='Recovery', owner_email='owner-{marker}@example.com', "
        "owner_password='a long password 123'); "
        f"print(send_email(company=c, to=['ada@example.com'], subject='{marker}', body_html='<p>Hi</p>').message_id)",
    )

    first = start_worker(env)
    try:
        assert holding_smtp.first_started.wait(DEADLINE), "the first worker never started sending"
        stop(first, signal.SIGKILL)  # mid-delivery: SMTP DATA sent, no reply yet
    finally:
        stop(first, signal.SIGKILL)

    second = start_worker(env)  # nobody runs messaging_recover
    try:
        deadline = time.monotonic() + DEADLINE
        while not any(marker.encode() in mail for mail in holding_smtp.accepted) and time.monotonic() < deadline:
            time.sleep(0.2)  # polling another process with a deadline, not waiting for a schedule
        state = shell(
            env,
            "from hireloop.messaging.models import Message; "
            f"m = Message.objects.get(message_id={message_id!r}); print(m.status, m.attempts)",
        )
    finally:
        stop(second)
    delivered = [mail for mail in holding_smtp.accepted if marker.encode() in mail]
    assert len(delivered) == 1
    assert message_id.encode() in delivered[0]
    # PostgreSQL rolled back the killed worker's transaction (its attempt with it); SQLite kept its claim.
    assert state == ("sent 1" if settings.IS_POSTGRES else "sent 2")
