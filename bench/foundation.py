"""Foundation scenario: GET /api/v2/ping (API key) and GET /api/v2/users on SQLite and PostgreSQL,
16 concurrent connections, each against the bare ASGI baseline answering the same bytes in the same
run; then the in-process CPU cost of authentication + rate limiting (bench/auth_cpu.py).

    python bench/foundation.py                                      # SQLite only
    python bench/foundation.py --postgres postgres://postgres@127.0.0.1:5432/hireloop_bench \
                               [--redis redis://127.0.0.1:6379/0]
Options: --companies 50 --users 10 --candidates 100 --requests 3000 --connections 16
"""

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import base_env, baseline_server, hireloop_server, load, report, seed  # noqa: E402

PATHS = {"ping": "/api/v2/ping", "users": "/api/v2/users"}


def run_database(label: str, env: dict[str, str], args) -> None:
    data = seed(env, companies=args.companies, users=args.users, candidates=args.candidates)
    print(
        f"\n[{label}] seeded {args.companies} companies, {data['users']} users, {data['candidates']} candidates "
        f"in {data['seconds']} s"
    )
    key = data["keys"][len(data["keys"]) // 2]["key"]
    headers = {"Authorization": f"Bearer {key}"}
    with hireloop_server(env) as base:
        bodies = {path: httpx.get(base + path, headers=headers).text for path in PATHS.values()}
        results = {
            name: load(
                f"{label} GET {path}",
                base + path,
                headers=headers,
                requests=args.requests,
                connections=args.connections,
            )
            for name, path in PATHS.items()
        }
    with baseline_server(bodies) as bare:
        baselines = {
            name: load(f"bare ASGI {path}", bare + path, requests=args.requests, connections=args.connections)
            for name, path in PATHS.items()
        }
    rows = []
    for name in PATHS:
        rows += [(results[name], baselines[name]), (baselines[name], None)]
    report(rows, title=f"{label}: {args.connections} connections, {args.requests} requests per scenario")


def main() -> None:
    parser = argparse.ArgumentParser(description="Hireloop foundation benchmark")
    parser.add_argument("--postgres", help="PostgreSQL URL of a benchmark database (it gets seeded)")
    parser.add_argument("--redis", help="Redis URL for the PostgreSQL run (rate limits, cache)")
    parser.add_argument("--companies", type=int, default=50)
    parser.add_argument("--users", type=int, default=10)
    parser.add_argument("--candidates", type=int, default=100)
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--skip-sqlite", action="store_true")
    args = parser.parse_args()

    runs = []
    if not args.skip_sqlite:
        sqlite_env = base_env()
        sqlite_env.pop("DATABASE_URL", None)
        sqlite_env.pop("REDIS_URL", None)
        runs.append(("SQLite", sqlite_env))
    if args.postgres:
        pg_env = base_env(DATABASE_URL=args.postgres)
        pg_env.pop("REDIS_URL", None)
        if args.redis:
            pg_env["REDIS_URL"] = args.redis
        runs.append(("PostgreSQL" + (" + Redis" if args.redis else ""), pg_env))
    for label, env in runs:
        try:
            run_database(label, env, args)
            print(f"\n[{label}] CPU of authentication + rate limiting, in-process:")
            subprocess.run([sys.executable, str(Path(__file__).with_name("auth_cpu.py"))], env=env, check=True)
        finally:
            shutil.rmtree(env["HIRELOOP_DATA_DIR"], ignore_errors=True)


if __name__ == "__main__":
    main()
