"""Webhook fan-out: events recorded in their own transactions, delivered by real workers to a loopback receiver.

    python bench/webhooks/run.py [--events 10000] [--subscribers 5] [--workers 1,4] [--paced-rate 100]

Each scenario uses a fresh database (SQLite in a temp dir, or DATABASE_URL's server with a fresh
database name when DATABASE_URL is set) and real `python -m hireloop worker` processes.
The receiver (asyncio, in this process) records when each request arrived; each event carries
the wall-clock time of its state change, so the delay from change to receipt is measured end to end.

Scenarios:
- baseline: this process signs and POSTs the same number of requests to the same receiver from one
  thread with no database: the ceiling of the sender and receiver on this machine.
- drain, N workers: --events events recorded (each fanned out to --subscribers subscriptions) before
  N workers start; deliveries/s from first to last receipt (delays here are time spent in the backlog).
- paced, N workers: --paced-rate events/s for --paced-seconds while N workers run; delay percentiles.
Ratios are printed against the baseline of the same run.
"""

import argparse
import asyncio
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SRC = ROOT / "src"
sys.path.insert(0, str(ROOT / "bench"))

from harness import start_workers, stop_workers  # noqa: E402

sys.path.insert(0, str(SRC))


class Receiver:
    """A minimal HTTP/1.1 keep-alive server on 127.0.0.1 answering 204 and recording (arrival, body)."""

    def __init__(self) -> None:
        self.received: list[tuple[float, bytes]] = []
        self.loop = asyncio.new_event_loop()
        self.ready = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()
        self.ready.wait()

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        self.server = self.loop.run_until_complete(asyncio.start_server(self._handle, "127.0.0.1", 0))
        self.port = self.server.sockets[0].getsockname()[1]
        self.ready.set()
        self.loop.run_forever()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                length = 0
                for line in head.split(b"\r\n"):
                    if line[:15].lower() == b"content-length:":
                        length = int(line[15:])
                body = await reader.readexactly(length)
                self.received.append((time.time(), body))
                writer.write(b"HTTP/1.1 204 No Content\r\ncontent-length: 0\r\n\r\n")
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionResetError):
            pass
        finally:
            writer.close()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def reset(self) -> None:
        self.received = []

    def stop(self) -> None:
        # The loop's daemon thread ends with the process; closing the server is enough.
        self.loop.call_soon_threadsafe(self.server.close)


def scenario_env(tag: str, tmp: Path) -> dict:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(SRC)
    env["DJANGO_SETTINGS_MODULE"] = "hireloop.settings"
    env["HIRELOOP_DATA_DIR"] = str(tmp / tag)
    env["LOG_LEVEL"] = "WARNING"
    env["SECRET_KEY"] = "bench-" + "x" * 40
    env["WEBHOOK_ALLOW_PRIVATE_TARGETS"] = "true"
    base = os.environ.get("DATABASE_URL")
    if base:
        env["DATABASE_URL"] = base.rsplit("/", 1)[0] + f"/hl_hooks_bench_{tag}"
    return env


def run_child(env: dict, code: str, *args: str) -> str:
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code, *args], env=env, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise SystemExit(f"child failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout.strip().splitlines()[-1]


SETUP = r"""
import os, sys, django
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
from hireloop.accounts.models import Company
from hireloop.webhooks import services
company = Company.objects.create(name="Bench", slug="bench")
base, subscribers = sys.argv[1], int(sys.argv[2])
for number in range(subscribers):
    services.create_webhook(company=company, actor=None, url=f"{base}/s{number}")
print(company.pk)
"""

# Each event is one state change in its own transaction; "t" is when it happened.
PRODUCE = r"""
import json, os, sys, time, django
django.setup()
from django.db import transaction
from hireloop.accounts.models import Company
from hireloop.activity.services import record
company = Company.objects.get(slug="bench")
count, rate, start_at = int(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3])
while time.time() < start_at:  # producers of one run start together
    time.sleep(0.01)
started = time.perf_counter()
for number in range(count):
    if rate:
        pause = started + number / rate - time.perf_counter()
        if pause > 0:
            time.sleep(pause)
    with transaction.atomic():
        record(kind="note.created", company=company, subject_type="note", subject_id=number,
               data={"t": time.time()})
print(json.dumps({"seconds": time.perf_counter() - started}))
"""


def produce_events(env: dict, events: int, rate: float, producers: int) -> dict:
    """Record `events` from `producers` processes in parallel, together at `rate` events/s (0 = flat out)."""
    start_at = time.time() + 5  # time for the children to set Django up
    share = [events // producers + (1 if i < events % producers else 0) for i in range(producers)]
    children = [
        subprocess.Popen(  # noqa: S603
            [sys.executable, "-c", PRODUCE, str(n), str(rate / producers), str(start_at)],
            env=env,
            stdout=subprocess.PIPE,
            text=True,
        )
        for n in share
    ]
    seconds = [json.loads(child.communicate()[0].strip().splitlines()[-1])["seconds"] for child in children]
    return {"seconds": max(seconds)}


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * p / 100))]


def summarise(
    tag: str, workers: int, received: list[tuple[float, bytes]], expected: int, produce: dict, events: int
) -> dict:
    delays, ids = [], {}
    for arrived, body in received:
        payload = json.loads(body)
        delays.append(arrived - payload["data"]["t"])
        ids[payload["id"]] = ids.get(payload["id"], 0) + 1
    span = (received[-1][0] - received[0][0]) if len(received) > 1 else float("nan")
    return {
        "scenario": tag,
        "workers": workers,
        "deliveries": len(received),
        "expected": expected,
        "produce_seconds": round(produce["seconds"], 2),
        "events_per_second": round(events / produce["seconds"], 1),
        "deliver_seconds": round(span, 2),
        "per_second": round(len(received) / span, 1) if span else 0,
        "delay_p50": round(percentile(delays, 50), 3),
        "delay_p99": round(percentile(delays, 99), 3),
    }


def scenario(
    tag: str,
    receiver: Receiver,
    tmp: Path,
    *,
    events: int,
    subscribers: int,
    workers: int,
    rate: float,
    producers: int,
    timeout: float,
) -> dict:
    env = scenario_env(tag, tmp)
    run_child(env, SETUP, receiver.url(""), str(subscribers))
    receiver.reset()
    procs: list[subprocess.Popen] = []
    try:
        if rate:  # paced: workers are up while the events happen
            procs = start_workers(env, workers)
            time.sleep(3)  # let the workers start (they poll the queue)
        produce = produce_events(env, events, rate, producers)
        if not rate:  # drain: the whole backlog is waiting when the workers start
            procs = start_workers(env, workers)
        expected = events * subscribers
        deadline = time.perf_counter() + timeout
        while len(receiver.received) < expected and time.perf_counter() < deadline:
            time.sleep(0.2)
    finally:
        stop_workers(procs)
    return summarise(tag, workers, list(receiver.received), expected, produce, events)


def baseline(receiver: Receiver, count: int) -> dict:
    """Sign and POST `count` requests from one thread, no database: what the sender and receiver allow."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hireloop.settings")
    os.environ["WEBHOOK_ALLOW_PRIVATE_TARGETS"] = "true"
    import django

    django.setup()
    from hireloop.webhooks import services, signing

    secret = signing.new_secret()
    receiver.reset()
    started = time.perf_counter()
    for number in range(count):
        body = json.dumps({"id": f"evt_{number}", "type": "note.created", "data": {"t": time.time()}})
        services.send(url=receiver.url("/baseline"), body=body, message_id=f"evt_{number}", secrets_=[secret])
    elapsed = time.perf_counter() - started
    return summarise("baseline", 0, list(receiver.received), count, {"seconds": elapsed}, count)


def main() -> None:
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))  # run the cleanup that stops the workers
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--subscribers", type=int, default=5)
    parser.add_argument("--workers", default="1,4")
    parser.add_argument("--paced-rate", type=float, default=100)
    parser.add_argument("--paced-seconds", type=float, default=30)
    parser.add_argument("--producers", type=int, default=2, help="processes recording events in parallel")
    parser.add_argument("--skip-drain", action="store_true", help="only the paced scenarios")
    parser.add_argument("--timeout", type=float, default=1200)
    args = parser.parse_args()
    backend = "postgresql" if os.environ.get("DATABASE_URL") else "sqlite"
    receiver = Receiver()
    results = [baseline(receiver, min(args.events * args.subscribers, 10_000))]
    print(json.dumps(results[-1]), flush=True)
    worker_counts = [int(x) for x in args.workers.split(",")]
    with tempfile.TemporaryDirectory(prefix="hl-bench-hooks-") as tmp:
        for n in [] if args.skip_drain else worker_counts:
            results.append(
                scenario(
                    f"drain_w{n}",
                    receiver,
                    Path(tmp),
                    events=args.events,
                    subscribers=args.subscribers,
                    workers=n,
                    rate=0,
                    producers=args.producers,
                    timeout=args.timeout,
                )
            )
            print(json.dumps(results[-1]), flush=True)
        for n in worker_counts if args.paced_rate else []:
            results.append(
                scenario(
                    f"paced_w{n}",
                    receiver,
                    Path(tmp),
                    events=int(args.paced_rate * args.paced_seconds),
                    subscribers=args.subscribers,
                    workers=n,
                    rate=args.paced_rate,
                    producers=args.producers,
                    timeout=args.timeout,
                )
            )
            print(json.dumps(results[-1]), flush=True)
    receiver.stop()
    base = results[0]["per_second"] or 1
    print(f"\nbackend={backend} events={args.events} subscribers={args.subscribers} producers={args.producers}")
    print(
        f"{'scenario':12} {'workers':>7} {'events/s':>9} {'delivered':>11} {'deliveries/s':>13} {'x baseline':>11} "
        f"{'p50 delay s':>12} {'p99 delay s':>12}"
    )
    for r in results:
        print(
            f"{r['scenario']:12} {r['workers']:>7} {r['events_per_second']:>9} "
            f"{r['deliveries']:>5}/{r['expected']:<5} {r['per_second']:>13} "
            f"{r['per_second'] / base:>11.3f} {r['delay_p50']:>12} {r['delay_p99']:>12}"
        )


if __name__ == "__main__":
    main()
