"""Interviews: availability reads and scheduling with conflict checks.

    python bench/interviews/run.py [--interviews 20000] [--interviewers 50] [--schedule 400]

Uses a fresh database: SQLite in a temp dir, or, when DATABASE_URL is set, a fresh database
named `<name>_bench` on that server (dropped and recreated). It seeds one company with
`--interviewers` users (working hours in several time zones) and `--interviews` interviews
spread over a year, then prints:

- availability: p50/p95 of GET-equivalent availability (busy + working hours + free) of one
  interviewer over 2 weeks, for every interviewer, against a baseline that finds the busy
  interviews through the interview table (join + status filter) instead of the participant index;
- scheduling: interviews booked per second through `schedule_interview` (conflict check, row
  locks, events, invitation emails written), against the same calls with `allow_conflict`
  (no conflict query) as the baseline, and the conflict check alone (lock + overlap query).
"""

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "src"))

ZONES = ["America/New_York", "Europe/Paris", "Asia/Kolkata", "America/Los_Angeles", "UTC"]


def fresh_database() -> str:
    url = os.environ.get("DATABASE_URL")
    if not url:
        path = Path(tempfile.mkdtemp(prefix="hl-bench-interviews-")) / "bench.sqlite3"
        return f"sqlite:///{path}"
    import psycopg

    base, _, name = url.rpartition("/")
    bench_name = f"{name}_bench"
    with psycopg.connect(f"{base}/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{bench_name}"')
        connection.execute(f'CREATE DATABASE "{bench_name}"')
    return f"{base}/{bench_name}"


def setup_django() -> None:
    os.environ["DATABASE_URL"] = fresh_database()
    os.environ.setdefault("HIRELOOP_DATA_DIR", tempfile.mkdtemp(prefix="hl-bench-data-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hireloop.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(pct / 100 * (len(ordered) - 1))))]


def seed(*, interviews: int, interviewers: int, origin: datetime):
    from datetime import time as wall

    from hireloop.accounts.models import Company, Membership, User
    from hireloop.applications.models import Application
    from hireloop.candidates.models import Candidate
    from hireloop.interviews.models import Interview, InterviewParticipant, InterviewStatus, WorkingHours
    from hireloop.jobs.models import Job, Stage, Workflow

    company = Company.objects.create(name="Bench", slug="bench")
    users = User.objects.bulk_create(
        [
            User(email=f"interviewer{i}@bench.local", first_name=f"I{i}", timezone=ZONES[i % len(ZONES)])
            for i in range(interviewers)
        ]
    )
    Membership.objects.bulk_create([Membership(user=u, company=company, role="interviewer") for u in users])
    WorkingHours.objects.bulk_create(
        [
            WorkingHours(company=company, user=u, weekday=d, start_time=wall(9), end_time=wall(17), timezone=u.timezone)
            for u in users
            for d in range(5)
        ]
    )
    workflow = Workflow.objects.create(company=company, name="Pipeline")
    stage = Stage.objects.create(company=company, workflow=workflow, name="Interview")
    job = Job.objects.create(company=company, title="Engineer", workflow=workflow, alias="benchjob")
    candidates = Candidate.objects.bulk_create(
        [
            Candidate(company=company, alias=f"bc{i:05d}", first_name="C", last_name=str(i), email=f"c{i}@x.test")
            for i in range(500)
        ]
    )
    applications = Application.objects.bulk_create(
        [Application(company=company, candidate=c, job=job, stage=stage) for c in candidates]
    )
    rng = random.Random(7)
    rows, slots = [], []
    for i in range(interviews):
        start = origin + timedelta(minutes=30 * rng.randrange(0, 365 * 48))
        end = start + timedelta(minutes=rng.choice((30, 45, 60, 90)))
        status = rng.choices(
            [InterviewStatus.SCHEDULED, InterviewStatus.COMPLETED, InterviewStatus.CANCELLED], [70, 20, 10]
        )[0]
        rows.append(
            Interview(
                company=company,
                application=rng.choice(applications),
                start_at=start,
                end_at=end,
                status=status,
                ics_uid=f"bench-{i}@hireloop",
            )
        )
        slots.append(rng.sample(users, rng.choice((1, 1, 2, 3))))
    created = Interview.objects.bulk_create(rows, batch_size=2000)
    InterviewParticipant.objects.bulk_create(
        [
            InterviewParticipant(
                company=company,
                interview=interview,
                user=user,
                start_at=interview.start_at,
                end_at=interview.end_at,
                is_blocking=interview.status != InterviewStatus.CANCELLED,
            )
            for interview, people in zip(created, slots, strict=True)
            for user in people
        ],
        batch_size=5000,
    )
    return company, users, applications


def baseline_availability(*, company, user, start, end) -> list:
    """The obvious query: interviews joined to their participants, filtered on the interview."""
    from hireloop.interviews.models import Interview, InterviewStatus, WorkingHours
    from hireloop.interviews.selectors import working_intervals

    busy = list(
        Interview.objects.filter(company=company, participants__user=user, start_at__lt=end, end_at__gt=start)
        .exclude(status=InterviewStatus.CANCELLED)
        .order_by("start_at", "pk")
        .values("pk", "start_at", "end_at", "type", "status")
    )
    working_intervals(list(WorkingHours.objects.filter(company=company, user=user)), start, end)
    return busy


def bench_availability(company, users, window_start, rounds: int) -> None:
    from hireloop.interviews.selectors import availability

    end = window_start + timedelta(days=14)
    timings = {"hireloop": [], "baseline": []}
    busy_total = 0
    for _ in range(rounds):
        for user in users:
            began = time.perf_counter()
            result = availability(company=company, user=user, start=window_start, end=end)
            timings["hireloop"].append((time.perf_counter() - began) * 1000)
            busy_total += len(result["busy"])
            began = time.perf_counter()
            baseline_availability(company=company, user=user, start=window_start, end=end)
            timings["baseline"].append((time.perf_counter() - began) * 1000)
    print(f"availability over 14 days, {len(users)} interviewers x {rounds} rounds ({busy_total // rounds} busy slots)")
    for name, values in timings.items():
        print(
            f"  {name:9s} p50 {statistics.median(values):6.2f} ms   p95 {percentile(values, 95):6.2f} ms   "
            f"all {len(users)} interviewers {sum(values) / rounds:7.1f} ms"
        )
    ratio = percentile(timings["baseline"], 95) / percentile(timings["hireloop"], 95)
    print(f"  p95 baseline / hireloop: {ratio:.2f}x")


def bench_scheduling(company, users, applications, count: int, origin: datetime) -> None:
    from hireloop.accounts.models import User
    from hireloop.core.errors import Conflict
    from hireloop.interviews.services import schedule_interview

    actor = User.objects.create(email="scheduler@bench.local")
    rng = random.Random(11)
    results = {}
    for label, allow in (("baseline (allow_conflict)", True), ("with conflict check", False)):
        conflicts = 0
        began = time.perf_counter()
        for _ in range(count):
            start = origin + timedelta(minutes=30 * rng.randrange(0, 365 * 48))
            try:
                schedule_interview(
                    company=company,
                    actor=actor,
                    application=rng.choice(applications),
                    start=start,
                    end=start + timedelta(hours=1),
                    interviewer_ids=[u.pk for u in rng.sample(users, 2)],
                    allow_conflict=allow,
                )
            except Conflict:
                conflicts += 1
        elapsed = time.perf_counter() - began
        results[label] = count / elapsed
        print(f"  {label:26s} {count / elapsed:7.1f} calls/s   ({conflicts} answered 409)")
    ratio = results["with conflict check"] / results["baseline (allow_conflict)"]
    print(f"  conflict-checked / baseline: {ratio:.2f}x")


def bench_conflict_check(company, users, count: int, origin: datetime) -> None:
    """The conflict check alone (what scheduling adds per call), in checks per second."""
    from django.db import transaction

    from hireloop.interviews.services import _lock_interviewers, find_conflicts

    rng = random.Random(13)
    began = time.perf_counter()
    found = 0
    for _ in range(count):
        start = origin + timedelta(minutes=30 * rng.randrange(0, 365 * 48))
        ids = [u.pk for u in rng.sample(users, 2)]
        with transaction.atomic():
            _lock_interviewers(company=company, user_ids=ids)
            found += bool(find_conflicts(company=company, user_ids=ids, start=start, end=start + timedelta(hours=1)))
    elapsed = time.perf_counter() - began
    print(f"  conflict check alone (lock + query, own transaction): {count / elapsed:7.1f} checks/s ({found} busy)")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--interviews", type=int, default=20_000)
    parser.add_argument("--interviewers", type=int, default=50)
    parser.add_argument("--schedule", type=int, default=400)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    setup_django()
    from django.db import connection

    origin = datetime(2030, 1, 7, tzinfo=UTC)
    began = time.perf_counter()
    company, users, applications = seed(interviews=args.interviews, interviewers=args.interviewers, origin=origin)
    print(
        f"database: {connection.vendor}; seeded {args.interviews} interviews, {len(users)} interviewers "
        f"in {time.perf_counter() - began:.1f} s"
    )
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ANALYZE")
    bench_availability(company, users, origin + timedelta(days=120), args.rounds)
    print(f"scheduling {args.schedule} interviews (2 interviewers each, invitations written)")
    bench_scheduling(company, users, applications, args.schedule, origin)
    bench_conflict_check(company, users, args.schedule * 5, origin)


if __name__ == "__main__":
    main()
