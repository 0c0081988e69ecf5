"""Applications: pipeline list reads, stage moves under concurrency, batch moves.

    python bench/applications/run.py                       # SQLite, 20,000 applications over 500 jobs
    python bench/applications/run.py --postgres postgres://postgres@127.0.0.1:5432/hireloop_bench
                                                           # PostgreSQL (database recreated), 200,000

Seeds one company (bench/harness.py), generates jobs, pipelines, candidates and applications with
bench/applications/generate.py (COPY on PostgreSQL), starts `hireloop serve --no-worker` and measures:

- list: `GET /applications?job_id=…&stage_id=…` (16 connections, a different job per request),
  against the bare ASGI baseline answering the same bytes;
- move: `POST /applications/{id}/move` from 16 connections, each on its own applications, moving
  them back and forth (req/s and latency), against `GET /applications/{id}` of the same applications
  from 16 connections (the read half of a move);
- batch: `POST /applications/batch/move` of 100 applications of one job, against the same 100 moves
  sent one by one from one connection.
"""

import argparse
import itertools
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx

BENCH = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(BENCH))

from harness import (  # noqa: E402
    LoadResult,
    base_env,
    baseline_server,
    drive,
    hireloop_server,
    load,
    report,
    seed,
    split,
)


def fresh_postgres(url: str) -> str:
    import psycopg

    base, _, name = url.rpartition("/")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        connection.execute(f'CREATE DATABASE "{name}"')
    return url


def generate(env, company_id: int, applications: int, jobs: int) -> dict:
    result = subprocess.run(
        [sys.executable, str(Path(__file__).with_name("generate.py")), str(company_id), str(applications), str(jobs)],
        env=env,
        capture_output=True,
        text=True,
        timeout=3600,
    )
    if result.returncode != 0:
        raise RuntimeError(result.stderr[-3000:])
    return json.loads(result.stdout.strip().splitlines()[-1])


def _urls_load(
    name: str,
    base: str,
    urls: list[str],
    headers: dict,
    *,
    connections: int,
    method: str = "GET",
    bodies: list | None = None,
) -> LoadResult:
    """Requests to a rotating list of URLs (and JSON bodies) from `connections` threads."""

    def call(position: int):
        if method == "GET":
            return lambda client: client.get(urls[position])
        return lambda client: client.post(urls[position], json=bodies[position])

    calls = split([call(i) for i in range(len(urls))], connections)
    return drive(name, calls, headers=headers, base_url=base, warmup=lambda client: client.get("/api/v2/ping"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--postgres", help="PostgreSQL URL (the database is dropped and recreated)")
    parser.add_argument("--redis", help="Redis URL (rate-limit counters and cache off the database)")
    parser.add_argument("--applications", type=int, help="default 200,000 on PostgreSQL, 20,000 on SQLite")
    parser.add_argument("--jobs", type=int, default=500)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--moves", type=int, default=2000)
    parser.add_argument("--batches", type=int, default=20)
    parser.add_argument("--connections", type=int, default=16)
    args = parser.parse_args()
    applications = args.applications or (200_000 if args.postgres else 20_000)

    env = base_env()
    if args.postgres:
        env["DATABASE_URL"] = fresh_postgres(args.postgres)
    if args.redis:
        env["REDIS_URL"] = args.redis
    started = time.perf_counter()
    seeded = seed(env, companies=1, users=2, candidates=0)
    key, company_id = seeded["keys"][0]["key"], seeded["keys"][0]["company_id"]
    data = generate(env, company_id, applications, args.jobs)
    print(
        f"database: {'PostgreSQL' if args.postgres else 'SQLite'}; {data['applications']:,} applications, "
        f"{data['candidates']:,} candidates, {len(data['jobs'])} jobs × 5 stages; generated in {data['seconds']} s "
        f"(total setup {time.perf_counter() - started:.1f} s)"
    )
    headers = {"Authorization": f"Bearer {key}"}
    jobs = {int(j): stages for j, stages in data["jobs"].items()}
    job_ids = list(jobs)

    with hireloop_server(env) as base, httpx.Client(base_url=base, headers=headers, timeout=60) as client:
        # --- list: a different job (and its first stage) per request ---------------------------------
        list_urls = [f"/api/v2/applications?job_id={j}&stage_id={jobs[j][0]}" for j in job_ids]
        urls = [list_urls[i % len(list_urls)] for i in range(args.requests)]
        sample = client.get(urls[0])
        assert sample.status_code == 200, sample.text[:300]
        listed = _urls_load("GET /applications?job&stage", base, urls, headers, connections=args.connections)
        # One client alone: the request's own latency, without queueing behind 15 others.
        alone = _urls_load("  same, 1 connection", base, urls[:300], headers, connections=1)

        # --- moves: each connection moves its own applications between two stages -------------------
        pool = []
        for j in job_ids:
            body = client.get("/api/v2/applications", params={"job_id": j, "size": 100, "view": "summary"}).json()
            pool += [(a["id"], j, a["stage"]["id"]) for a in body["applications"]]
            if len(pool) >= args.moves:
                break
        pool = pool[: args.moves]
        move_urls = [f"/api/v2/applications/{a}/move" for a, _, _ in pool]
        # always to another stage than the current one, so every request really moves
        move_bodies = [{"stage_id": jobs[j][2] if stage != jobs[j][2] else jobs[j][1]} for _, j, stage in pool]
        moved = _urls_load(
            "POST /applications/{id}/move",
            base,
            move_urls,
            headers,
            connections=args.connections,
            method="POST",
            bodies=move_bodies,
        )
        reads = _urls_load(
            "GET /applications/{id}",
            base,
            [f"/api/v2/applications/{a}" for a, _, _ in pool],
            headers,
            connections=args.connections,
        )

        # --- batch move of 100 against 100 single moves ------------------------------------------------
        batch_times, single_times = [], []
        for j in itertools.islice(itertools.cycle(data["large_jobs"]), args.batches):
            body = client.get("/api/v2/applications", params={"job_id": j, "size": 100, "view": "summary"}).json()
            ids = [a["id"] for a in body["applications"]][:100]
            target = jobs[j][3]
            start = time.perf_counter()
            response = client.post("/api/v2/applications/batch/move", json={"ids": ids, "stage_id": target})
            batch_times.append(time.perf_counter() - start)
            assert response.status_code == 200, response.text[:300]
            assert all("data" in r for r in response.json()["results"]), response.text[:300]
            back = jobs[j][1]
            start = time.perf_counter()
            for application_id in ids:
                client.post(f"/api/v2/applications/{application_id}/move", json={"stage_id": back})
            single_times.append(time.perf_counter() - start)
            if len(ids) < 100:
                print(f"  (job {j} has {len(ids)} applications)")
        list_bodies = {url.split("?")[0]: client.get(url).text for url in urls[:1]}

    with baseline_server(list_bodies) as bare:
        bare_list = load(
            "bare: same list bytes", f"{bare}{urls[0]}", requests=args.requests, connections=args.connections
        )
        bare_alone = load("bare, 1 connection", f"{bare}{urls[0]}", requests=300, connections=1)

    report(
        [(listed, bare_list), (alone, bare_alone), (moved, reads), (reads, None)],
        title=f"Applications ({args.connections} connections unless stated)",
    )

    def ms(values, p):
        ordered = sorted(values)
        return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))] * 1000

    print(
        f"\nbatch move of 100 ({len(batch_times)} runs): p50 {ms(batch_times, 50):.0f} ms, "
        f"p95 {ms(batch_times, 95):.0f} ms, max {max(batch_times) * 1000:.0f} ms; "
        f"100 single moves one by one: p50 {ms(single_times, 50):.0f} ms "
        f"(batch is {statistics.median(single_times) / statistics.median(batch_times):.1f}x faster)"
    )
    print(
        f"targets: list p95 < 50 ms → {listed.percentile(95):.1f} ms (1 connection: {alone.percentile(95):.1f} ms); "
        f"moves ≥ 400/s → {moved.rps:.0f}/s; "
        f"batch of 100 < 500 ms → p95 {ms(batch_times, 95):.0f} ms"
    )


if __name__ == "__main__":
    main()
