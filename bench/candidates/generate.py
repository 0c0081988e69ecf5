"""Fast candidate data for benchmarks: N candidates (each with its email row) in one company.

    python bench/candidates/generate.py --company-id 1 --count 100000

Runs against the database Django is configured for (DATABASE_URL or the embedded SQLite file).
The rows are generated inside the database in one INSERT … SELECT (generate_series on PostgreSQL, a
recursive CTE on SQLite, materialised so each random draw is made once per row): a Python loop tops
out near 50,000 rows/s before the database does any work. Plain indexes (the trigram and FTS5
search indexes among them) are dropped for the load and built once afterwards, far cheaper than
maintaining them row by row. Prints JSON with candidates/s for the rows alone and with the index
builds included.
"""

import argparse
import json
import os
import sys
import time
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
TABLES = ("candidates_candidate", "candidates_candidateemail", "candidates_candidatesearch")
COLUMNS = (
    "id, created_at, updated_at, company_id, alias, first_name, last_name, email, phone, city, state, country, "
    "timezone, linkedin, name_key, is_anonymized"
)
TWO_YEARS = 2 * 365 * 86400

SQLITE_INSERT = f"""
WITH RECURSIVE seq(n) AS (SELECT :first UNION ALL SELECT n + 1 FROM seq WHERE n < :last),
picked AS MATERIALIZED (
    SELECT n,
        json_extract(:firsts, '$[' || (abs(random()) % :nfirst) || ']') AS f,
        json_extract(:lasts, '$[' || (abs(random()) % :nlast) || ']') AS l,
        abs(random()) % :ncity AS c,
        strftime('%Y-%m-%d %H:%M:%S', 'now', '-' || (abs(random()) % {TWO_YEARS}) || ' seconds') AS ts
    FROM seq
),
named AS MATERIALIZED (SELECT *, lower(f || '.' || l) || n || '@example.com' AS email FROM picked)
INSERT INTO candidates_candidate ({COLUMNS})
SELECT n, ts, ts, :company, 'g' || printf('%x', n), f, l, email, '+1415' || printf('%07d', n % 10000000),
    json_extract(:cities, '$[' || c || '][0]'), '', json_extract(:cities, '$[' || c || '][1]'),
    json_extract(:cities, '$[' || c || '][2]'), '', lower(f || ' ' || l), 0
FROM named
"""

POSTGRES_INSERT = f"""
INSERT INTO candidates_candidate ({COLUMNS})
SELECT n, ts, ts, %(company)s, 'g' || to_hex(n), f, l, email, '+1415' || lpad((n %% 10000000)::text, 7, '0'),
    (%(cities)s::text[])[c], '', (%(countries)s::text[])[c], (%(zones)s::text[])[c], '', lower(f || ' ' || l), false
FROM (
    SELECT n, f, l, c, ts, lower(f || '.' || l) || n || '@example.com' AS email
    FROM (
        SELECT n,
            (%(firsts)s::text[])[1 + floor(random() * %(nfirst)s)::int] AS f,
            (%(lasts)s::text[])[1 + floor(random() * %(nlast)s)::int] AS l,
            1 + floor(random() * %(ncity)s)::int AS c,
            now() - random() * interval '{TWO_YEARS} seconds' AS ts
        FROM generate_series(%(first)s::bigint, %(last)s::bigint) AS n
    ) AS drawn
) AS named
"""

SEARCH_INSERT = (
    "INSERT INTO candidates_candidatesearch (candidate_id, company_id, text) "
    "SELECT id, company_id, name_key || ' ' || email FROM candidates_candidate WHERE id >= {first}"
)
EMAILS_INSERT = (
    "INSERT INTO candidates_candidateemail (created_at, updated_at, company_id, candidate_id, email, position) "
    "SELECT created_at, updated_at, company_id, id, email, 0 FROM candidates_candidate WHERE id >= {first}"
)


def _secondary_indexes(cursor, vendor: str) -> list[tuple[str, str]]:
    """(name, CREATE statement) of the tables' plain indexes (not those behind a key or constraint)."""
    if vendor == "sqlite":
        cursor.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN (?, ?, ?)",
            TABLES,
        )
    else:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = ANY(%s) "
            "AND indexname NOT IN (SELECT conname FROM pg_constraint)",
            [list(TABLES)],
        )
    return list(cursor.fetchall())


def _next_id(cursor) -> int:
    cursor.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM candidates_candidate")
    return cursor.fetchone()[0]


def generate_sqlite(connection, company_id: int, count: int) -> dict:
    migration = import_module("hireloop.candidates.migrations.0004_search_table")
    insert_trigger = next(s for s in migration.SQLITE_FORWARD if "candidates_search_insert" in s)
    raw = connection.connection
    first = _next_id(raw.cursor())
    raw.execute("PRAGMA cache_size = -400000")  # index builds sort in memory
    raw.execute("PRAGMA synchronous = OFF")  # a load needs no durability
    raw.execute("PRAGMA foreign_keys = OFF")  # every reference is generated valid; checking 300k of them is not needed
    started = time.perf_counter()
    raw.execute("BEGIN IMMEDIATE")
    raw.execute("DROP TRIGGER IF EXISTS candidates_search_insert")
    indexes = _secondary_indexes(raw.cursor(), "sqlite")
    for name, _ in indexes:
        raw.execute(f'DROP INDEX "{name}"')
    raw.execute(
        SQLITE_INSERT,
        {
            "first": first,
            "last": first + count - 1,
            "company": company_id,
            "firsts": json.dumps(FIRST),
            "nfirst": len(FIRST),
            "lasts": json.dumps(LAST),
            "nlast": len(LAST),
            "cities": json.dumps(CITIES),
            "ncity": len(CITIES),
        },
    )
    raw.execute(EMAILS_INSERT.format(first=first))
    raw.execute(SEARCH_INSERT.format(first=first))
    rows_done = time.perf_counter()
    for _, sql in indexes:
        raw.execute(sql)
    raw.execute(
        "INSERT INTO candidates_search(rowid, text) "
        "SELECT candidate_id, text FROM candidates_candidatesearch WHERE candidate_id >= ?",
        (first,),
    )
    raw.execute(insert_trigger)
    raw.execute("COMMIT")
    raw.execute("PRAGMA foreign_keys = ON")
    raw.execute("ANALYZE")
    return _figures(count, started, rows_done, time.perf_counter())


def generate_postgres(connection, company_id: int, count: int) -> dict:
    raw = connection.connection
    with raw.cursor() as cursor:
        first = _next_id(cursor)
        started = time.perf_counter()
        # Every reference is generated valid: skip the per-row foreign-key triggers (superuser only).
        cursor.execute("SET session_replication_role = replica")
        indexes = _secondary_indexes(cursor, "postgresql")
        for name, _ in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
        cursor.execute(
            POSTGRES_INSERT,
            {
                "first": first,
                "last": first + count - 1,
                "company": company_id,
                "firsts": FIRST,
                "nfirst": len(FIRST),
                "lasts": LAST,
                "nlast": len(LAST),
                "cities": [c[0] for c in CITIES],
                "countries": [c[1] for c in CITIES],
                "zones": [c[2] for c in CITIES],
                "ncity": len(CITIES),
            },
        )
        cursor.execute(EMAILS_INSERT.format(first=first))
        cursor.execute(SEARCH_INSERT.format(first=first))
        for table in TABLES[:2]:
            cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))")
        raw.commit()
        rows_done = time.perf_counter()
        cursor.execute("SET session_replication_role = DEFAULT")
        cursor.execute("SET maintenance_work_mem = '256MB'")
        for _, sql in indexes:
            cursor.execute(sql)
        raw.commit()
        # As autovacuum would on a live database: the visibility map lets COUNT(*) use an index-only scan.
        raw.autocommit = True
        for table in TABLES:
            cursor.execute(f"VACUUM ANALYZE {table}")
        raw.commit()
    return _figures(count, started, rows_done, time.perf_counter())


def _figures(count: int, started: float, rows_done: float, finished: float) -> dict:
    return {
        "candidates": count,
        "rows_seconds": round(rows_done - started, 2),
        "candidates_per_second": round(count / (rows_done - started)),
        "total_seconds_with_indexes": round(finished - started, 2),
        "candidates_per_second_with_indexes": round(count / (finished - started)),
    }


def generate(company_id: int, count: int) -> dict:
    """Insert `count` candidates (and their email rows) into `company_id`; returns the rates."""
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
