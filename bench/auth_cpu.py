"""CPU cost of authentication + rate limiting per request, measured in-process.

Runs N requests to GET /api/v2/ping through Django's full handler (all middleware) and compares:
  bare      no Authorization header, rate limiting off     (the framework stack alone)
  auth      API key, rate limiting off                      (+ authentication)
  auth+rl   API key, rate limiting on                       (+ the rate-limit counter)
and prints CPU microseconds per request (process time, so other load on the machine matters
less) and database queries per request. Target: auth + rate limiting < 1 ms CPU.

    python bench/auth_cpu.py [--requests 2000]      # SQLite and the database cache
    DATABASE_URL=postgres://... [REDIS_URL=redis://...] python bench/auth_cpu.py
"""

import argparse
import atexit
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))


def setup_django() -> None:
    if "HIRELOOP_DATA_DIR" not in os.environ:
        data_dir = tempfile.mkdtemp(prefix="hireloop-bench-")
        atexit.register(shutil.rmtree, data_dir, ignore_errors=True)
        os.environ["HIRELOOP_DATA_DIR"] = data_dir
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hireloop.settings")
    os.environ.setdefault("LOG_LEVEL", "ERROR")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    call_command("createcachetable", verbosity=0)


def measure(client, headers: dict, n: int) -> tuple[float, float]:
    from django.db import connection

    for _ in range(50):  # warm caches
        client.get("/api/v2/ping", headers=headers)
    # Queries are counted in a separate, shorter run: capturing them costs CPU itself.
    executed = []

    def count(execute, sql, params, many, context):
        executed.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        for _ in range(100):
            client.get("/api/v2/ping", headers=headers)
    start = time.process_time()
    for _ in range(n):
        response = client.get("/api/v2/ping", headers=headers)
    cpu = time.process_time() - start
    assert response.status_code == 200, response.content
    return cpu / n * 1e6, len(executed) / 100


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000)
    args = parser.parse_args()
    setup_django()
    from django.conf import settings
    from django.core.cache import cache
    from django.test import Client

    from hireloop.accounts import services
    from hireloop.accounts.models import User

    cache.clear()
    email = "bench-cpu@example.com"
    user = User.objects.filter(email=email).first()
    if user is None:
        company = services.create_company(name="Bench CPU", owner_email=email, owner_password="bench password 1")
        user = company.owner
    company = user.memberships.first().company
    key = services.create_api_key(company=company, actor=user, name="bench").key
    settings.RATE_LIMIT_PLANS = {"free": 10**9, "pro": 10**9, "enterprise": 10**9}
    client = Client()
    auth = {"Authorization": f"Bearer {key}"}
    backend = "PostgreSQL" if settings.IS_POSTGRES else "SQLite"
    cache_name = settings.RATE_LIMIT_STORE
    print(f"{backend}, rate-limit store: {cache_name}, {args.requests} requests each")

    rows = []
    settings.RATE_LIMIT_ENABLED = False
    rows.append(("bare", *measure(client, {}, args.requests)))
    rows.append(("auth", *measure(client, auth, args.requests)))
    settings.RATE_LIMIT_ENABLED = True
    rows.append(("auth+rl", *measure(client, auth, args.requests)))
    base = rows[0][1]
    print(f"{'case':<10}{'CPU us/req':>12}{'queries/req':>13}{'added us':>10}")
    for name, micros, queries in rows:
        print(f"{name:<10}{micros:>12.0f}{queries:>13.2f}{micros - base:>10.0f}")
    added = rows[-1][1] - base
    verdict = "OK" if added < 1000 else "OVER"
    print(f"auth + rate limiting add {added / 1000:.3f} ms CPU per request (target < 1 ms): {verdict}")


if __name__ == "__main__":
    main()
