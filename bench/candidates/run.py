"""Candidates at scale: search, summary lists, creation rate and batch tagging against N candidates.

    python bench/candidates/run.py [--count 100000] [--requests 1000]
    python bench/candidates/run.py --skip-sqlite --postgres postgres://postgres@127.0.0.1:5432/hl_cand_bench

Each database gets one company with --count candidates from generate.py (fresh SQLite file, or the
PostgreSQL database named in the URL, dropped and recreated). Then, against `hireloop serve`:

- GET /candidates?q=<partial last name>  and  ?q=<partial email> (target: p95 < 50 ms)
- GET /candidates?size=100&view=summary                          (target: p95 < 60 ms)
  each with one connection (latency; "1c") and with 16 (throughput; "16c")
- POST /candidates from 16 connections, unique emails             (target: >= 300/s)
- POST /candidates/batch/tags with 100 ids, one at a time         (target: < 300 ms)

Each GET and POST is also run against the bare ASGI baseline (same bytes, no Django, no database)
in the same invocation, and the table prints the ratio.
"""

import argparse
import contextlib
import json
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlparse

import httpx

BENCH = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(BENCH))

from harness import (  # noqa: E402
    LoadResult,
    _process,
    base_env,
    baseline_server,
    drive,
    free_port,
    load,
    report,
    seed,
    split,
)

TARGETS = {
    "GET ?q=<partial name> 1c": "p95 < 50 ms",
    "GET ?size=100&view=summary 1c": "p95 < 60 ms",
    "POST /candidates (16 conns)": ">= 300/s",
    "POST batch/tags x100 (1 conn)": "< 300 ms",
}


def post_load(name: str, url: str, bodies, *, headers: dict, requests: int, connections: int) -> LoadResult:
    """POST a fresh body per request from `connections` threads with one keep-alive connection each."""

    def poster(body):
        return lambda client: client.post(url, json=body)

    calls = [poster(next(bodies)) for _ in range(requests)]
    return drive(name, split(calls, connections), headers=headers, ok=(200, 201))


@contextlib.contextmanager
def hireloop_server(env: dict, workers: int):
    """`hireloop serve --no-worker --workers N` on a free port; yields its base URL."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    cmd = [sys.executable, "-m", "hireloop", "serve", "--no-worker", "--port", str(port), "--workers", str(workers)]
    with _process(cmd, env, f"{base}/api/v2/ping"):
        yield base


def fresh_postgres(url: str) -> None:
    import psycopg

    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    admin = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def scenario(label: str, env: dict, *, count: int, requests: int, workers: int) -> None:
    print(f"\n== {label}: seeding one company with {count:,} candidates")
    seeded = seed(env, companies=1, users=1, candidates=0)
    company_id, key = seeded["keys"][0]["company_id"], seeded["keys"][0]["key"]
    generated = subprocess.run(
        [
            sys.executable,
            str(Path(__file__).with_name("generate.py")),
            "--company-id",
            str(company_id),
            "--count",
            str(count),
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=3600,
    )
    if generated.returncode != 0:
        raise RuntimeError(generated.stderr[-3000:])
    figures = json.loads(generated.stdout.strip().splitlines()[-1])
    print(f"generator: {json.dumps(figures)}")
    headers = {"Authorization": f"Bearer {key}"}
    gets = {
        "GET ?q=<partial name>": "/api/v2/candidates?q=okonk",
        "GET ?q=<partial email>": "/api/v2/candidates?q=2345@example",
        "GET ?size=100&view=summary": "/api/v2/candidates?size=100&view=summary",
    }
    with hireloop_server(env, workers) as base:
        bodies = {}
        with httpx.Client(headers=headers, timeout=60) as client:
            for name, path in gets.items():
                response = client.get(base + path)
                response.raise_for_status()
                bodies[name] = response.text
                print(f"  {name}: total_count={response.json()['pagination']['total_count']}")
            ids = [c["id"] for c in client.get(base + "/api/v2/candidates?size=100&view=summary").json()["candidates"]]
        # Latency with one connection (what a client waits), then throughput with 16 (the harness default).
        results = {}
        for name, path in gets.items():
            results[f"{name} 1c"] = load(
                f"{name} 1c", base + path, headers=headers, requests=requests // 2, connections=1, warmup=20
            )
            results[f"{name} 16c"] = load(f"{name} 16c", base + path, headers=headers, requests=requests)
        counter = iter(range(10**9))
        people = (
            {
                "first_name": "Bench",
                "last_name": f"Post{n}",
                "email": f"bench.post{n}@example.net",
                "city": "Berlin",
                "country": "DE",
            }
            for n in counter
        )
        results["POST /candidates (16 conns)"] = post_load(
            "POST /candidates (16 conns)",
            base + "/api/v2/candidates",
            people,
            headers=headers,
            requests=requests,
            connections=16,
        )
        tag_bodies = ({"ids": ids, "tags": [f"batch-{n % 7}", "bench"]} for n in range(10**9))
        results["POST batch/tags x100 (1 conn)"] = post_load(
            "POST batch/tags x100 (1 conn)",
            base + "/api/v2/candidates/batch/tags",
            tag_bodies,
            headers=headers,
            requests=max(30, requests // 20),
            connections=1,
        )
    responses = {f"/{i}": body for i, body in enumerate(bodies.values())}
    responses["/post"] = bodies["GET ?q=<partial name>"]
    with baseline_server(responses) as bare:
        baselines = {}
        for i, name in enumerate(gets):
            baselines[f"{name} 1c"] = load(name, f"{bare}/{i}", requests=requests // 2, connections=1, warmup=20)
            baselines[f"{name} 16c"] = load(name, f"{bare}/{i}", requests=requests)
        dummy = iter(lambda: {"x": 1}, None)
        baselines["POST /candidates (16 conns)"] = post_load(
            "bare", f"{bare}/post", dummy, headers={}, requests=requests, connections=16
        )
        baselines["POST batch/tags x100 (1 conn)"] = post_load(
            "bare", f"{bare}/post", dummy, headers={}, requests=max(30, requests // 20), connections=1
        )
    title = f"{label}, {count:,} candidates, {workers} server process(es)"
    report([(results[name], baselines[name]) for name in results], title=title)
    print("targets: " + "; ".join(f"{k}: {v}" for k, v in TARGETS.items()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--postgres", help="PostgreSQL URL; its database is dropped and recreated")
    parser.add_argument("--skip-sqlite", action="store_true")
    parser.add_argument("--workers", type=int, default=1, help="uvicorn worker processes of the server")
    args = parser.parse_args()
    if not args.skip_sqlite:
        scenario("SQLite", base_env(), count=args.count, requests=args.requests, workers=args.workers)
    if args.postgres:
        fresh_postgres(args.postgres)
        scenario(
            "PostgreSQL",
            base_env(DATABASE_URL=args.postgres),
            count=args.count,
            requests=args.requests,
            workers=args.workers,
        )


if __name__ == "__main__":
    main()
