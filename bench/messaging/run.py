"""Messaging throughput: batch-create scheduled emails over the API, deliver them with N workers.

    python bench/messaging/run.py [--count 10000] [--workers 1,4] [--kill]

Each scenario uses a fresh database (SQLite in a temp dir, or DATABASE_URL's server with a
fresh database name when DATABASE_URL is set), an aiosmtpd server on 127.0.0.1 that counts
every Message-ID it receives, and real `python -m hireloop worker` processes. It prints the
create rate, the delivery rate (messages/s), duplicates and losses, and the ratio of each
run's delivery rate to the 1-worker baseline measured in the same invocation. With --kill, one
of the workers of the last scenario is killed with SIGKILL once a third of the mail is out; the
surviving workers' own sweep (every WORKER_SWEEP_INTERVAL_SECONDS) re-enqueues what it held once
its lease expired: nobody runs `hireloop manage messaging_recover`.
"""

import argparse
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SRC = ROOT / "src"
sys.path.insert(0, str(ROOT / "bench"))

from harness import start_workers, stop_workers  # noqa: E402

LEASE_SECONDS = 10  # short lease so the kill run recovers within the benchmark
SWEEP_SECONDS = 5


class Sink:
    """Loopback SMTP server counting Message-IDs."""

    def __init__(self) -> None:
        from aiosmtpd.controller import Controller

        self.ids: Counter = Counter()
        self.lock = threading.Lock()
        sink = self

        class Handler:
            async def handle_DATA(self, server, session, envelope):
                for line in envelope.original_content.split(b"\r\n"):
                    if line.lower().startswith(b"message-id:"):
                        with sink.lock:
                            sink.ids[line.split(b":", 1)[1].strip().decode()] += 1
                        break
                    if not line:
                        break
                return "250 OK"

        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        self.controller.stop()


def scenario_env(tag: str, sink_port: int, tmp: Path) -> dict:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(SRC)
    env["DJANGO_SETTINGS_MODULE"] = "hireloop.settings"
    env["HIRELOOP_DATA_DIR"] = str(tmp / tag)
    env["EMAIL_URL"] = f"smtp://127.0.0.1:{sink_port}"
    env["RATE_LIMIT_ENABLED"] = "false"
    env["MESSAGE_SENDING_LEASE_SECONDS"] = str(LEASE_SECONDS)
    env["WORKER_SWEEP_INTERVAL_SECONDS"] = str(SWEEP_SECONDS)
    env["LOG_LEVEL"] = "WARNING"
    env["SECRET_KEY"] = "bench-" + "x" * 40
    base = os.environ.get("DATABASE_URL")
    if base:
        env["DATABASE_URL"] = base.rsplit("/", 1)[0] + f"/hl_msg_bench_{tag}"
    return env


def run_child(env: dict, code: str) -> str:
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise SystemExit(f"child failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout.strip().splitlines()[-1]


SETUP = r"""
import os, django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hireloop.settings")
if os.environ.get("DATABASE_URL"):
    import psycopg
    admin = os.environ["DATABASE_URL"].rsplit("/", 1)[0] + "/postgres"
    name = os.environ["DATABASE_URL"].rsplit("/", 1)[1]
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
django.setup()
from django.core.management import call_command
from django.conf import settings
if not settings.DATABASE_URL:
    settings.DATA_DIR.mkdir(parents=True, exist_ok=True)
call_command("migrate", interactive=False, verbosity=0)
print("ok")
"""

CREATE = r"""
import json, os, time, django
django.setup()
from django.test import Client
from hireloop.core.aliases import assign_alias
from hireloop.candidates.models import Candidate
from hireloop.core.testing.factories import CompanyFactory, MembershipFactory, UserFactory, make_api_key
COUNT = int(os.environ["BENCH_COUNT"])
company = CompanyFactory()
user = UserFactory()
MembershipFactory(user=user, company=company, role="admin")
key = make_api_key(user=user, company=company)
candidates = []
for i in range(100):
    c = Candidate(company=company, first_name=f"C{i}", last_name="Bench", email=f"c{i}@example.com")
    assign_alias(c)
    candidates.append(c)
Candidate.objects.bulk_create(candidates)
client = Client()
headers = {"Authorization": f"Bearer {key}"}
scheduled_at = int(time.time())  # due at once: the workers start after creation
started = time.perf_counter()
errors = 0
for start in range(0, COUNT, 100):
    items = [
        {"candidate_id": candidates[(start + i) % 100].pk, "to": [f"c{(start + i) % 100}@example.com"],
         "subject": "Hello {{first_name}}", "body": "<p>Hi {{first_name}}, about your application.</p>",
         "scheduled_at": scheduled_at}
        for i in range(min(100, COUNT - start))
    ]
    response = client.post("/api/v2/messages/batch/create", json.dumps({"messages": items}),
                           content_type="application/json", headers=headers)
    assert response.status_code == 200, response.content[:500]
    errors += sum(1 for r in response.json()["results"] if r.get("error"))
elapsed = time.perf_counter() - started
print(json.dumps({"seconds": elapsed, "errors": errors}))
"""

STATUS = r"""
import json, django
django.setup()
from django.db.models import Count
from hireloop.messaging.models import Message
rows = dict(Message.objects.values_list("status").annotate(n=Count("pk")))
ids = list(Message.objects.filter(status="sent").values_list("message_id", flat=True))
print(json.dumps({"status": rows, "sent_ids": ids}))
"""

COUNT_SENT = r"""
import django
django.setup()
from hireloop.messaging.models import Message
print(Message.objects.filter(status="sent").count())
"""


def scenario(tag: str, *, count: int, workers: int, kill: bool, tmp: Path, timeout: float) -> dict:
    sink = Sink()
    env = scenario_env(tag, sink.port, tmp)
    env["BENCH_COUNT"] = str(count)
    try:
        run_child(env, SETUP)
        created = json.loads(run_child(env, CREATE))
        procs = start_workers(env, workers, "--interval", "0.2")
        started = time.perf_counter()
        killed = None
        deadline = started + timeout
        while time.perf_counter() < deadline:
            time.sleep(0.5)
            received = len(sink.ids)
            if kill and killed is None and received >= count // 3:
                killed = procs[0]
                os.kill(killed.pid, signal.SIGKILL)
                killed.wait()
            if received >= count:
                break
        elapsed = time.perf_counter() - started
        # Let the workers finish marking what the sink received, then look at the database.
        settle = time.perf_counter() + 15
        while time.perf_counter() < settle and int(run_child(env, COUNT_SENT)) < len(sink.ids):
            time.sleep(0.5)
        stop_workers(procs)
        state = json.loads(run_child(env, STATUS))
    finally:
        sink.stop()
    sent_ids = set(state["sent_ids"])
    duplicates = sum(n - 1 for n in sink.ids.values() if n > 1)
    lost = count - created["errors"] - len(sink.ids)
    return {
        "scenario": tag,
        "workers": workers,
        "count": count,
        "create_seconds": round(created["seconds"], 2),
        "create_per_second": round(count / created["seconds"], 1),
        "deliver_seconds": round(elapsed, 2),
        "delivered": len(sink.ids),
        "messages_per_second": round(len(sink.ids) / elapsed, 1),
        "duplicates": duplicates,
        "lost": lost,
        "received_not_marked_sent": len(set(sink.ids) - sent_ids),
        "status": state["status"],
        "killed_worker": kill,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--workers", default="1,4")
    parser.add_argument("--kill", action="store_true", help="add a run with 4 workers, one killed -9 mid-run")
    parser.add_argument("--timeout", type=float, default=900)
    args = parser.parse_args()
    backend = "postgresql" if os.environ.get("DATABASE_URL") else "sqlite"
    results = []
    with tempfile.TemporaryDirectory(prefix="hl-bench-msg-") as tmp:
        for n in [int(x) for x in args.workers.split(",")]:
            results.append(
                scenario(f"w{n}", count=args.count, workers=n, kill=False, tmp=Path(tmp), timeout=args.timeout)
            )
            print(json.dumps(results[-1]), flush=True)
        if args.kill:
            results.append(
                scenario("w4kill", count=args.count, workers=4, kill=True, tmp=Path(tmp), timeout=args.timeout)
            )
            print(json.dumps(results[-1]), flush=True)
    baseline = results[0]["messages_per_second"] or 1
    print(f"\nbackend={backend} count={args.count}")
    print(f"{'scenario':10} {'workers':>7} {'create/s':>9} {'deliver/s':>10} {'x base':>7} {'dups':>5} {'lost':>5}")
    for r in results:
        print(
            f"{r['scenario']:10} {r['workers']:>7} {r['create_per_second']:>9} {r['messages_per_second']:>10} "
            f"{r['messages_per_second'] / baseline:>7.2f} {r['duplicates']:>5} {r['lost']:>5}"
        )


if __name__ == "__main__":
    main()
