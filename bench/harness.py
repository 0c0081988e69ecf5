"""Generic HTTP load harness for Hireloop (see bench/README.md).

- `seed(env, companies=N, users=M, candidates=K)`: bulk-creates N companies, each with M users (the
  first an admin with an API key) and K candidates, in the database `env` points at; returns the keys.
- `hireloop_server(env)` / `baseline_server(responses)`: start `hireloop serve --no-worker` or the bare
  ASGI baseline (bench/baseline_app.py) on a free port, wait for it, stop it with SIGINT.
- `load(url, headers=..., requests=..., connections=16)`: concurrent GETs from 16 threads, one keep-alive
  connection each; returns req/s and latency percentiles.
- `report(rows, baseline=...)`: prints a table with the ratio of each row to its baseline.

Seeding runs in a child process so the harness never imports Django settings itself.
"""

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

BENCH_DIR = Path(__file__).resolve().parent
SRC = BENCH_DIR.parent / "src"
UNLIMITED = str(10**9)


def base_env(**overrides: str) -> dict[str, str]:
    """The environment of a Hireloop process for a benchmark (rate limits counted but never reached)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HIRELOOP_", "DJANGO_"))}
    env.update(
        PYTHONPATH=f"{SRC}{os.pathsep}{env.get('PYTHONPATH', '')}",
        HIRELOOP_DATA_DIR=tempfile.mkdtemp(prefix="hireloop-bench-"),
        RATE_LIMIT_FREE=UNLIMITED,
        RATE_LIMIT_PRO=UNLIMITED,
        RATE_LIMIT_ENTERPRISE=UNLIMITED,
        UVICORN_LOG_LEVEL="warning",
        LOG_LEVEL="WARNING",
    )
    env.update(overrides)
    return env


# --- data --------------------------------------------------------------------------------------

_SEED_CODE = r"""
import json, os, sys, time
import django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hireloop.settings")
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0, interactive=False)
call_command("createcachetable", verbosity=0)
from django.apps import apps
from django.contrib.auth.hashers import make_password
from django.db import transaction
from hireloop.accounts import tokens
from hireloop.accounts.models import ApiKey, Company, Membership, User
from hireloop.core.aliases import new_alias

companies, users, candidates = (int(x) for x in sys.argv[1:4])
run = f"{time.time_ns():x}"
password = make_password("bench password")  # hashed once: Argon2 is slow on purpose
keys = []
started = time.perf_counter()
with transaction.atomic():
    company_rows = Company.objects.bulk_create(
        [Company(name=f"Bench {run} {c}", slug=f"bench-{run}-{c}") for c in range(companies)]
    )
    user_rows = User.objects.bulk_create(
        [User(email=f"u{u}.c{c}.{run}@bench.example", first_name=f"User{u}", last_name=f"C{c}", password=password)
         for c in range(companies) for u in range(users)]
    )
    Membership.objects.bulk_create(
        [Membership(user=user_rows[c * users + u], company=company, role="admin" if u == 0 else "recruiter")
         for c, company in enumerate(company_rows) for u in range(users)]
    )
    api_keys = []
    for c, company in enumerate(company_rows):
        new = tokens.generate_api_key()
        keys.append({"company_id": company.pk, "key": new.key})
        api_keys.append(ApiKey(company=company, user=user_rows[c * users], name="bench", prefix=new.prefix,
                               key_hash=new.key_hash, scopes=["read", "write"]))
    ApiKey.objects.bulk_create(api_keys)
    made = 0
    if candidates and apps.is_installed("hireloop.candidates"):
        Candidate = apps.get_model("candidates", "Candidate")
        aliases = set()
        while len(aliases) < companies * candidates:
            aliases.add(new_alias())
        aliases = iter(aliases)
        batch = [Candidate(company=company, alias=next(aliases), first_name=f"Cand{n}", last_name="Bench",
                           email=f"cand{n}.{company.pk}.{run}@bench.example")
                 for company in company_rows for n in range(candidates)]
        made = len(Candidate.objects.bulk_create(batch, batch_size=2000))
print(json.dumps({"keys": keys, "users": len(user_rows), "candidates": made,
                  "seconds": round(time.perf_counter() - started, 2)}))
"""


def seed(env: dict[str, str], *, companies: int, users: int, candidates: int) -> dict:
    """Bulk-create the data; returns {"keys": [{"company_id", "key"}], "users", "candidates", "seconds"}."""
    result = subprocess.run(
        [sys.executable, "-c", _SEED_CODE, str(companies), str(users), str(candidates)],
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    if result.returncode != 0:
        raise RuntimeError(f"seeding failed:\n{result.stderr[-3000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


# --- servers -----------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def _process(cmd: list[str], env: dict[str, str], ready_url: str, timeout: float = 120):
    # Output goes to a file: an unread pipe fills up and blocks the server mid-benchmark.
    log = tempfile.NamedTemporaryFile("w+", prefix="hireloop-bench-", suffix=".log", delete=False)  # noqa: SIM115
    process = subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + timeout
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"{cmd} exited: {Path(log.name).read_text()[-3000:]}")
            try:
                if httpx.get(ready_url, timeout=2).status_code < 500:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"{cmd} did not answer {ready_url} within {timeout} s")
            time.sleep(0.2)
        yield process
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        log.close()
        lines = Path(log.name).read_text().splitlines()
        if len(lines) > 2:
            print(f"  ({len(lines)} lines of server output in {log.name}; last: {lines[-1][:200]})")
        else:
            os.unlink(log.name)


@contextlib.contextmanager
def hireloop_server(env: dict[str, str]):
    """`hireloop serve --no-worker` on a free port; yields its base URL."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    cmd = [sys.executable, "-m", "hireloop", "serve", "--no-worker", "--port", str(port)]
    with _process(cmd, env, f"{base}/api/v2/ping"):
        yield base


@contextlib.contextmanager
def baseline_server(responses: dict[str, str]):
    """The bare ASGI app answering each path with the given body; yields its base URL."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
        json.dump(responses, handle)
    env = dict(os.environ, BASELINE_RESPONSES=handle.name, PYTHONPATH=str(BENCH_DIR))
    cmd = [sys.executable, "-m", "uvicorn", "baseline_app:app", "--port", str(port), "--log-level", "warning"]
    try:
        with _process(cmd, env, f"{base}/"):
            yield base
    finally:
        os.unlink(handle.name)


# --- load --------------------------------------------------------------------------------------


@dataclass
class LoadResult:
    name: str
    requests: int
    errors: int
    seconds: float
    latencies: list[float] = field(repr=False)

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile(self, p: float) -> float:
        """Latency percentile in milliseconds."""
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))] * 1000


def drive(
    name: str,
    calls: list[list],
    *,
    headers: dict[str, str] | None = None,
    base_url: str = "",
    warmup=None,
    ok: tuple[int, ...] = (200,),
) -> LoadResult:
    """Run `calls[i]` (functions of an httpx.Client returning a response) from thread i, each thread with
    one keep-alive connection, all starting together after `warmup(client)`; times every call."""
    connections = len(calls)
    latencies: list[list[float]] = [[] for _ in range(connections)]
    errors = [0] * connections
    barrier = threading.Barrier(connections + 1)

    def worker(index: int) -> None:
        limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
        with httpx.Client(base_url=base_url, headers=headers, limits=limits, timeout=60) as client:
            if warmup is not None:
                warmup(client)
            barrier.wait()
            mine = latencies[index]
            for call in calls[index]:
                start = time.perf_counter()
                try:
                    if call(client).status_code not in ok:
                        errors[index] += 1
                except httpx.HTTPError:
                    errors[index] += 1
                mine.append(time.perf_counter() - start)

    threads = [threading.Thread(target=worker, args=(i,), daemon=True) for i in range(connections)]
    for thread in threads:
        thread.start()
    barrier.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    flat = [value for chunk in latencies for value in chunk]
    return LoadResult(name=name, requests=len(flat), errors=sum(errors), seconds=elapsed, latencies=flat)


def split(items: list, connections: int) -> list[list]:
    """Deal `items` round-robin to `connections` threads."""
    return [items[i::connections] for i in range(connections)]


def load(
    name: str,
    url: str,
    *,
    headers: dict[str, str] | None = None,
    requests: int = 2000,
    connections: int = 16,
    warmup: int = 50,
) -> LoadResult:
    """GET `url` `requests` times from `connections` threads, each with one keep-alive connection."""

    def get(client):
        return client.get(url)

    def warm(client):
        for _ in range(max(1, warmup // connections)):
            client.get(url)

    return drive(name, split([get] * requests, connections), headers=headers, warmup=warm)


def start_workers(env: dict, n: int, *args: str) -> list[subprocess.Popen]:
    """`n` real `hireloop worker` processes (extra command-line `args`), output discarded."""
    return [
        subprocess.Popen(  # noqa: S603
            [sys.executable, "-m", "hireloop", "worker", *args],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            cwd=str(BENCH_DIR.parent),
        )
        for _ in range(n)
    ]


def stop_workers(workers: list[subprocess.Popen]) -> None:
    """SIGTERM, then SIGKILL whatever has not stopped within 20 s."""
    for worker in workers:
        if worker.poll() is None:
            worker.send_signal(signal.SIGTERM)
    for worker in workers:
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()


def report(rows: list[tuple[LoadResult, LoadResult | None]], *, title: str) -> None:
    """Print req/s and p50/p95/p99 per row, with req/s as a fraction of its baseline."""
    print(f"\n{title}")
    header = f"{'scenario':<34}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'errors':>8}{'vs bare':>9}"
    print(header)
    print("-" * len(header))
    for result, baseline in rows:
        ratio = f"{result.rps / baseline.rps:.2f}x" if baseline and baseline.rps else ""
        print(
            f"{result.name:<34}{result.rps:>9.0f}{result.percentile(50):>9.1f}{result.percentile(95):>9.1f}"
            f"{result.percentile(99):>9.1f}{result.errors:>8}{ratio:>9}"
        )
