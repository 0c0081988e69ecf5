"""Move what `q` searches into a narrow table of its own (candidates.CandidateSearch) and index it there.

Touching a candidate (tags, files, answers bump updated_at) then no longer rewrites search index entries,
and counting the matches of a common fragment reads small rows. The FTS5 table (SQLite) and the pg_trgm
GIN index (PostgreSQL) of 0003 move to the new table.
"""

import django.db.models.deletion
from django.db import migrations, models

SQLITE_DROP_OLD = [
    "DROP TRIGGER IF EXISTS candidates_search_insert",
    "DROP TRIGGER IF EXISTS candidates_search_delete",
    "DROP TRIGGER IF EXISTS candidates_search_update",
    "DROP TABLE IF EXISTS candidates_search",
]
SQLITE_FORWARD = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS candidates_search USING fts5("
    "text, tokenize='trigram', content='candidates_candidatesearch', content_rowid='candidate_id')",
    "CREATE TRIGGER IF NOT EXISTS candidates_search_insert AFTER INSERT ON candidates_candidatesearch BEGIN "
    "INSERT INTO candidates_search(rowid, text) VALUES (new.candidate_id, new.text); END",
    "CREATE TRIGGER IF NOT EXISTS candidates_search_delete AFTER DELETE ON candidates_candidatesearch BEGIN "
    "INSERT INTO candidates_search(candidates_search, rowid, text) VALUES ('delete', old.candidate_id, old.text); END",
    "CREATE TRIGGER IF NOT EXISTS candidates_search_update AFTER UPDATE ON candidates_candidatesearch BEGIN "
    "INSERT INTO candidates_search(candidates_search, rowid, text) VALUES ('delete', old.candidate_id, old.text); "
    "INSERT INTO candidates_search(rowid, text) VALUES (new.candidate_id, new.text); END",
]
POSTGRES_DROP_OLD = [
    "DROP INDEX IF EXISTS candidate_search_trgm",
    "DROP INDEX IF EXISTS candidate_email_trgm",
]
POSTGRES_FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS candidate_search_text_trgm ON candidates_candidatesearch USING gin (text gin_trgm_ops)",
]
COPY = (
    "INSERT INTO candidates_candidatesearch (candidate_id, company_id, text) "
    "SELECT id, company_id, search_text FROM candidates_candidate"
)


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    drop = {"sqlite": SQLITE_DROP_OLD, "postgresql": POSTGRES_DROP_OLD}.get(vendor, [])
    create = {"sqlite": SQLITE_FORWARD, "postgresql": POSTGRES_FORWARD}.get(vendor, [])
    for sql in drop:
        schema_editor.execute(sql)
    schema_editor.execute(COPY)
    for sql in create:
        schema_editor.execute(sql)
    if vendor == "sqlite":
        schema_editor.execute("INSERT INTO candidates_search(candidates_search) VALUES ('rebuild')")


def backward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        for sql in SQLITE_DROP_OLD:
            schema_editor.execute(sql)
    elif vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS candidate_search_text_trgm")


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("candidates", "0003_search_indexes"),
    ]

    operations = [
        migrations.CreateModel(
            name="CandidateSearch",
            fields=[
                (
                    "candidate",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="+",
                        serialize=False,
                        to="candidates.candidate",
                    ),
                ),
                ("text", models.TextField(blank=True)),
                (
                    "company",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="accounts.company",
                    ),
                ),
            ],
        ),
        migrations.RunPython(forward, backward),
        migrations.RemoveField(model_name="candidate", name="search_text"),
    ]
