"""Fast candidate data for benchmarks: N candidates (with their email rows) in one company.

    python bench/candidates/generate.py --company-id 1 --count 100000

Runs against the database Django is configured for (DATABASE_URL or the embedded SQLite file).
SQLite: one transaction of executemany inserts, the FTS5 insert trigger set aside and the search
table filled in one statement afterwards. PostgreSQL: COPY, with the trigram indexes dropped during
the load and rebuilt after it (far faster than maintaining a GIN index row by row). Prints JSON with
rows/s for the rows alone and with the index work included.
"""

import argparse
import json
import os
import random
import sys
import time
from datetime import UTC, datetime, timedelta
from importlib import import_module
from pathlib import Path

FIRST = [
    "James",
    "Mary",
    "Robert",
    "Patricia",
    "John",
    "Jennifer",
    "Michael",
    "Linda",
    "David",
    "Elizabeth",
    "William",
    "Barbara",
    "Richard",
    "Susan",
    "Joseph",
    "Jessica",
    "Thomas",
    "Sarah",
    "Charles",
    "Karen",
    "Christopher",
    "Lisa",
    "Daniel",
    "Nancy",
    "Matthew",
    "Betty",
    "Anthony",
    "Sandra",
    "Mark",
    "Margaret",
    "Amara",
    "Lukas",
    "Priya",
    "Sofia",
    "Kenji",
    "Chloe",
    "Mateo",
    "Aisha",
    "Noah",
    "Olga",
    "Wei",
    "Fatima",
    "Liam",
    "Yuki",
    "Omar",
    "Elena",
    "Ivan",
    "Zara",
    "Diego",
    "Mei",
]
LAST = [
    "Smith",
    "Johnson",
    "Williams",
    "Brown",
    "Jones",
    "Garcia",
    "Miller",
    "Davis",
    "Rodriguez",
    "Martinez",
    "Hernandez",
    "Lopez",
    "Gonzalez",
    "Wilson",
    "Anderson",
    "Thomas",
    "Taylor",
    "Moore",
    "Jackson",
    "Martin",
    "Lee",
    "Perez",
    "Thompson",
    "White",
    "Harris",
    "Sanchez",
    "Clark",
    "Ramirez",
    "Lewis",
    "Robinson",
    "Okonkwo",
    "Schneider",
    "Raman",
    "Watanabe",
    "Kowalski",
    "Novak",
    "Nakamura",
    "Rossi",
    "Dubois",
    "Jensen",
    "Silva",
    "Haddad",
    "Petrov",
    "Ali",
    "Kim",
    "Chen",
]
CITIES = [
    ("London", "GB", "Europe/London"),
    ("New York", "US", "America/New_York"),
    ("Berlin", "DE", "Europe/Berlin"),
    ("Tokyo", "JP", "Asia/Tokyo"),
    ("São Paulo", "BR", "America/Sao_Paulo"),
    ("", "", ""),
]
CANDIDATE_COLUMNS = (
    "id",
    "created_at",
    "updated_at",
    "company_id",
    "alias",
    "first_name",
    "last_name",
    "email",
    "phone",
    "city",
    "state",
    "country",
    "timezone",
    "linkedin",
    "name_key",
    "search_text",
    "is_anonymized",
)
EMAIL_COLUMNS = ("id", "created_at", "updated_at", "company_id", "candidate_id", "email", "position")


def rows(company_id: int, count: int, first_id: int, first_email_id: int, seed: int = 7):
    """Candidate rows and email rows as tuples in column order."""
    rng = random.Random(seed)
    now = datetime.now(UTC)
    for n in range(count):
        pk = first_id + n
        first, last = rng.choice(FIRST), rng.choice(LAST)
        city, country, tz = rng.choice(CITIES)
        email = f"{first.lower()}.{last.lower()}{pk}@example.com"
        created = now - timedelta(seconds=rng.randrange(2 * 365 * 86400))
        candidate = (
            pk,
            created,
            created,
            company_id,
            f"g{pk:x}",
            first,
            last,
            email,
            f"+1415{pk % 10_000_000:07d}",
            city,
            "",
            country,
            tz,
            "",
            f"{first} {last}".lower(),
            f"{first} {last} {email}".lower(),
            False,
        )
        yield candidate, (first_email_id + n, created, created, company_id, pk, email, 0)


def _next_id(cursor, table: str) -> int:
    cursor.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {table}")
    return cursor.fetchone()[0]


def _insert_sql(table: str, columns: tuple[str, ...]) -> str:
    return f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"


def generate_sqlite(connection, company_id: int, count: int) -> dict:
    migration = import_module("hireloop.candidates.migrations.0003_search_indexes")
    insert_trigger = next(s for s in migration.SQLITE_FORWARD if "candidates_search_insert" in s)
    with connection.cursor() as cursor:
        first_id, first_email_id = (
            _next_id(cursor, "candidates_candidate"),
            _next_id(cursor, "candidates_candidateemail"),
        )
    raw = connection.connection
    started = time.perf_counter()
    raw.execute("BEGIN IMMEDIATE")
    raw.execute("DROP TRIGGER IF EXISTS candidates_search_insert")
    candidate_sql = _insert_sql("candidates_candidate", CANDIDATE_COLUMNS)
    email_sql = _insert_sql("candidates_candidateemail", EMAIL_COLUMNS)
    batch_c, batch_e = [], []

    def iso(row):
        return tuple(v.isoformat(sep=" ") if isinstance(v, datetime) else v for v in row)

    for candidate, email in rows(company_id, count, first_id, first_email_id):
        batch_c.append(iso(candidate))
        batch_e.append(iso(email))
        if len(batch_c) >= 20_000:
            raw.executemany(candidate_sql, batch_c)
            raw.executemany(email_sql, batch_e)
            batch_c, batch_e = [], []
    if batch_c:
        raw.executemany(candidate_sql, batch_c)
        raw.executemany(email_sql, batch_e)
    rows_done = time.perf_counter()
    raw.execute(
        "INSERT INTO candidates_search(rowid, search_text) "
        "SELECT id, search_text FROM candidates_candidate WHERE id >= ?",
        (first_id,),
    )
    raw.execute(insert_trigger)
    raw.execute("COMMIT")
    raw.execute("ANALYZE")
    return _figures(count, started, rows_done, time.perf_counter())


def generate_postgres(connection, company_id: int, count: int) -> dict:
    migration = import_module("hireloop.candidates.migrations.0003_search_indexes")
    with connection.cursor() as cursor:
        first_id, first_email_id = (
            _next_id(cursor, "candidates_candidate"),
            _next_id(cursor, "candidates_candidateemail"),
        )
    raw = connection.connection
    started = time.perf_counter()
    with raw.cursor() as cursor:
        for sql in migration.POSTGRES_BACKWARD:
            cursor.execute(sql)

        def line(row) -> str:
            return (
                "\t".join(
                    "\\N" if v is None else ("t" if v is True else "f" if v is False else str(v).replace("\t", " "))
                    for v in row
                )
                + "\n"
            )

        with cursor.copy(f"COPY candidates_candidate ({', '.join(CANDIDATE_COLUMNS)}) FROM STDIN") as copy_c:
            emails = []
            chunk = []
            for candidate, email in rows(company_id, count, first_id, first_email_id):
                chunk.append(line(candidate))
                emails.append(line(email))
                if len(chunk) >= 20_000:
                    copy_c.write("".join(chunk))
                    chunk = []
            if chunk:
                copy_c.write("".join(chunk))
        with cursor.copy(f"COPY candidates_candidateemail ({', '.join(EMAIL_COLUMNS)}) FROM STDIN") as copy_e:
            for start in range(0, len(emails), 20_000):
                copy_e.write("".join(emails[start : start + 20_000]))
        for table in ("candidates_candidate", "candidates_candidateemail"):
            cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))")
        raw.commit()
        rows_done = time.perf_counter()
        for sql in migration.POSTGRES_FORWARD:
            cursor.execute(sql)
        cursor.execute("ANALYZE candidates_candidate")
        cursor.execute("ANALYZE candidates_candidateemail")
        raw.commit()
    return _figures(count, started, rows_done, time.perf_counter())


def _figures(count: int, started: float, rows_done: float, finished: float) -> dict:
    return {
        "candidates": count,
        "rows_seconds": round(rows_done - started, 2),
        "rows_per_second": round(count / (rows_done - started)),
        "total_seconds_with_indexes": round(finished - started, 2),
        "rows_per_second_with_indexes": round(count / (finished - started)),
    }


def generate(company_id: int, count: int) -> dict:
    """Insert `count` candidates into `company_id` in the configured database; returns the rates."""
    from django.db import connection

    connection.ensure_connection()
    if connection.vendor == "postgresql":
        return generate_postgres(connection, company_id, count)
    if connection.vendor == "sqlite":
        return generate_sqlite(connection, company_id, count)
    raise SystemExit(f"no generator for {connection.vendor}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--company-id", type=int, required=True)
    parser.add_argument("--count", type=int, default=100_000)
    args = parser.parse_args()
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "src"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hireloop.settings")
    import django

    django.setup()
    print(json.dumps(generate(args.company_id, args.count)))


if __name__ == "__main__":
    main()
