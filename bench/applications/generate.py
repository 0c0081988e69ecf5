"""Fast generator of jobs, pipelines, candidates and applications for the applications benchmark.

    python bench/applications/generate.py COMPANY_ID APPLICATIONS JOBS

Runs inside Django (DATABASE_URL from the environment). Rows are written with COPY on PostgreSQL and
with executemany in large transactions on SQLite, with explicit ids, so 200,000 applications and their
initial stage-history rows load in seconds. Prints a JSON summary (job ids with their stage ids).
"""

import json
import os
import random
import sys
import time
from datetime import UTC, datetime, timedelta

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hireloop.settings")
django.setup()

from django.db import connection, transaction  # noqa: E402

from hireloop.applications.models import Application, StageChange  # noqa: E402
from hireloop.candidates.models import Candidate  # noqa: E402
from hireloop.core.aliases import new_alias  # noqa: E402
from hireloop.jobs.defaults import DEFAULT_STAGES  # noqa: E402
from hireloop.jobs.models import Job, Stage, Workflow  # noqa: E402

POSTGRES = connection.vendor == "postgresql"


def _value(field, value):
    if value is None:
        return None
    if field.get_internal_type() == "JSONField":
        return json.dumps(value)
    if isinstance(value, datetime) and not POSTGRES:
        return value.astimezone(UTC).replace(tzinfo=None).isoformat(" ")
    return value


def insert(model, rows: list[dict]) -> None:
    """Write rows (dicts of attname → value, id included) in one COPY or one executemany."""
    fields = [f for f in model._meta.concrete_fields]
    columns = [f.column for f in fields]
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if POSTGRES:
            raw = cursor.cursor
            with raw.copy(f'COPY "{table}" ({", ".join(columns)}) FROM STDIN') as copy:
                for row in rows:
                    copy.write_row([_value(f, row.get(f.attname, _default(f))) for f in fields])
        else:
            marks = ", ".join("?" for _ in columns)
            sql = f'INSERT INTO "{table}" ({", ".join(columns)}) VALUES ({marks})'
            cursor.executemany(
                sql.replace("?", "%s"), [[_value(f, row.get(f.attname, _default(f))) for f in fields] for row in rows]
            )


def _default(field):
    if field.has_default():
        return field.get_default()
    return None if field.null else ""


def next_id(model) -> int:
    last = model.objects.order_by("-pk").values_list("pk", flat=True).first()
    return (last or 0) + 1


def reset_sequences(*models) -> None:
    if not POSTGRES:
        return
    with connection.cursor() as cursor:
        for model in models:
            table = model._meta.db_table
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), (SELECT MAX(id) FROM \"{table}\"))"
            )


def main(company_id: int, applications: int, jobs: int) -> dict:
    started = time.perf_counter()
    rng = random.Random(7)
    now = datetime.now(UTC)
    with transaction.atomic():
        workflow_id, stage_id, job_id = next_id(Workflow), next_id(Stage), next_id(Job)
        workflows, stages, job_rows, pipeline = [], [], [], {}
        for j in range(jobs):
            wid, jid = workflow_id + j, job_id + j
            created = now - timedelta(days=400 - j % 365)
            workflows.append(
                {
                    "id": wid,
                    "company_id": company_id,
                    "name": f"Job {j}",
                    "is_default": False,
                    "created_at": created,
                    "updated_at": created,
                }
            )
            pipeline[jid] = []
            for position, name in enumerate(DEFAULT_STAGES):
                stages.append(
                    {
                        "id": stage_id,
                        "company_id": company_id,
                        "workflow_id": wid,
                        "name": name,
                        "position": position,
                        "created_at": created,
                        "updated_at": created,
                    }
                )
                pipeline[jid].append(stage_id)
                stage_id += 1
            job_rows.append(
                {
                    "id": jid,
                    "company_id": company_id,
                    "alias": new_alias(10),
                    "title": f"Bench job {j}",
                    "status": "Public",
                    "workflow_id": wid,
                    "description": "<p>Bench</p>",
                    "created_at": created,
                    "updated_at": created,
                    "published_at": created,
                }
            )
        insert(Workflow, workflows)
        insert(Stage, stages)
        insert(Job, job_rows)

        candidate_count = (applications + 1) // 2
        candidate_id = next_id(Candidate)
        insert(
            Candidate,
            [
                {
                    "id": candidate_id + c,
                    "company_id": company_id,
                    "alias": new_alias(10),
                    "first_name": f"Cand{c}",
                    "last_name": "Bench",
                    "email": f"cand{c}@bench.example",
                    "created_at": now,
                    "updated_at": now,
                }
                for c in range(candidate_count)
            ],
        )

        application_id, change_id = next_id(Application), next_id(StageChange)
        job_ids = list(pipeline)
        weights = [50, 20, 15, 10, 5]
        rows, changes = [], []
        for k in range(applications):
            candidate = k // 2
            # The first 1,000 applications fill five large pipelines (batch moves need 100 in one job).
            job = job_ids[k % 5] if k < 1000 else job_ids[(2 * candidate + k % 2) % jobs]
            stage = rng.choices(pipeline[job], weights)[0]
            created = now - timedelta(seconds=rng.randrange(365 * 86400))
            score = rng.randrange(101) if rng.random() < 0.6 else None
            rows.append(
                {
                    "id": application_id + k,
                    "company_id": company_id,
                    "candidate_id": candidate_id + candidate,
                    "job_id": job,
                    "stage_id": stage,
                    "status": "active",
                    "is_disqualified": False,
                    "answers": {},
                    "source": "bench",
                    "ai_score": score,
                    "ai_recommendation": "",
                    "created_at": created,
                    "updated_at": created,
                }
            )
            changes.append(
                {
                    "id": change_id + k,
                    "company_id": company_id,
                    "application_id": application_id + k,
                    "to_stage_id": stage,
                    "to_stage_name": "",
                    "moved_at": created,
                    "moved_by_type": "system",
                    "source": "bench",
                }
            )
            if len(rows) == 20000:
                insert(Application, rows)
                insert(StageChange, changes)
                rows, changes = [], []
        if rows:
            insert(Application, rows)
            insert(StageChange, changes)
        reset_sequences(Workflow, Stage, Job, Candidate, Application, StageChange)
    if POSTGRES:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    else:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return {
        "jobs": {str(j): pipeline[j] for j in job_ids},
        "large_jobs": job_ids[:5],
        "first_application_id": application_id,
        "applications": applications,
        "candidates": candidate_count,
        "seconds": round(time.perf_counter() - started, 1),
    }


if __name__ == "__main__":
    company, count, job_count = (int(x) for x in sys.argv[1:4])
    print(json.dumps(main(company, count, job_count)))
