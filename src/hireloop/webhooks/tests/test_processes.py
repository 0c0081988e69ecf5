"""At-least-once across processes: a worker killed with SIGKILL mid-delivery loses no event.

Runs the real `hireloop worker` against a fresh SQLite data dir or, when DATABASE_URL is set,
that database itself (not pytest's test database), with a receiver in this test process.
"""

import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

import hireloop
from hireloop.webhooks.tests.receiver import Receiver

pytestmark = pytest.mark.slow

SRC = str(Path(hireloop.__file__).resolve().parent.parent)
DEADLINE = 120  # seconds; the machine may be busy
EVENTS = 12

SETUP = """
import json, os, sys
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hireloop.settings")
import django
django.setup()
from django.db import transaction
from hireloop.accounts.models import Company
from hireloop.activity.services import record
from hireloop.candidates.models import Candidate
from hireloop.core.aliases import new_alias
from hireloop.webhooks import services
from hireloop.webhooks.models import WebhookEvent

company = Company.objects.create(name="Kill test", slug="kill-" + new_alias().lower())
webhook = services.create_webhook(company=company, actor=None, url=sys.argv[1])
for number in range(int(sys.argv[2])):
    with transaction.atomic():
        candidate = Candidate.objects.create(company=company, alias=new_alias(), first_name=f"C{number}")
        record(kind="candidate.created", company=company, subject=candidate)
print(json.dumps({"webhook": webhook.pk, "events": list(
    WebhookEvent.objects.filter(company=company).values_list("public_id", flat=True))}))
"""

STATUS = """
import json, os, sys
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hireloop.settings")
import django
django.setup()
from hireloop.webhooks.models import Delivery
rows = Delivery.objects.filter(webhook_id=int(sys.argv[1])).values_list("status", "attempt_count")
print(json.dumps(sorted(rows)))
"""


@pytest.fixture
def hl_env(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HIRELOOP_", "DJANGO_", "SECRET_KEY", "WEBHOOK_"))}
    env.update(
        HIRELOOP_DATA_DIR=str(tmp_path / "data"),
        PYTHONPATH=SRC + os.pathsep + env.get("PYTHONPATH", ""),
        PYTHONUNBUFFERED="1",
        WEBHOOK_ALLOW_PRIVATE_TARGETS="true",
        WEBHOOK_DELIVERY_LEASE_SECONDS="2",
        WORKER_SWEEP_INTERVAL_SECONDS="1",
        WEBHOOK_RETRY_SCHEDULE="1,1,1",
        WEBHOOK_TIMEOUT_SECONDS="60",
    )
    return env


def run_python(env, code: str, *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "-c", code, *args], env=env, capture_output=True, text=True, timeout=DEADLINE
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout.strip().splitlines()[-1]


def start_worker(env, log: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "hireloop", "worker", "--interval", "0.1"],
        env=env,
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
    )


def wait_until(condition, what: str) -> None:
    deadline = time.monotonic() + DEADLINE
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)  # polling other processes with a deadline, not waiting for a schedule
    raise AssertionError(f"{what} within {DEADLINE} s")


def test_no_event_is_lost_when_the_worker_is_killed_mid_delivery(hl_env, tmp_path):
    receiver = Receiver().start()
    receiver.hold = threading.Event()  # the first request hangs: the worker is mid-delivery
    workers: list[subprocess.Popen] = []
    log = tmp_path / "worker.log"
    try:
        subprocess.run(
            [sys.executable, "-m", "hireloop", "manage", "migrate", "-v", "0"], env=hl_env, check=True, timeout=DEADLINE
        )
        setup = json.loads(run_python(hl_env, SETUP, receiver.url, str(EVENTS)))
        expected = set(setup["events"])
        assert len(expected) == EVENTS

        workers.append(start_worker(hl_env, log))
        wait_until(lambda: len(receiver.requests) >= 1, "the first worker started a delivery")
        workers[0].kill()  # SIGKILL while the receiver holds its requests
        workers[0].wait(timeout=DEADLINE)
        held = len(receiver.requests)
        receiver.hold.set()
        receiver.hold = None

        workers.append(start_worker(hl_env, log))
        # The held requests never got an answer: only later ones count as arrived.
        received = lambda: {json.loads(r.body)["id"] for r in list(receiver.requests)[held:]}  # noqa: E731
        wait_until(lambda: received() >= expected, "every event arrived")

        assert received() == expected
        wait_until(
            lambda: all(s == "succeeded" for s, _ in json.loads(run_python(hl_env, STATUS, str(setup["webhook"])))),
            "every delivery recorded as succeeded",
        )
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.kill()
                worker.wait()
        receiver.stop()
    assert "Traceback" not in log.read_text(errors="replace"), log.read_text(errors="replace")[-3000:]
