"""Indexes behind `q` (partial match on names and emails): a pg_trgm GIN index on PostgreSQL,
an FTS5 trigram table kept in step by triggers on SQLite. Other databases fall back to a scan."""

from django.db import migrations

SQLITE_FORWARD = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS candidates_search USING fts5("
    "search_text, tokenize='trigram', content='candidates_candidate', content_rowid='id')",
    "CREATE TRIGGER IF NOT EXISTS candidates_search_insert AFTER INSERT ON candidates_candidate BEGIN "
    "INSERT INTO candidates_search(rowid, search_text) VALUES (new.id, new.search_text); END",
    "CREATE TRIGGER IF NOT EXISTS candidates_search_delete AFTER DELETE ON candidates_candidate BEGIN "
    "INSERT INTO candidates_search(candidates_search, rowid, search_text) VALUES ('delete', old.id, old.search_text); END",
    "CREATE TRIGGER IF NOT EXISTS candidates_search_update AFTER UPDATE OF search_text ON candidates_candidate BEGIN "
    "INSERT INTO candidates_search(candidates_search, rowid, search_text) VALUES ('delete', old.id, old.search_text); "
    "INSERT INTO candidates_search(rowid, search_text) VALUES (new.id, new.search_text); END",
    "INSERT INTO candidates_search(candidates_search) VALUES ('rebuild')",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS candidates_search_insert",
    "DROP TRIGGER IF EXISTS candidates_search_delete",
    "DROP TRIGGER IF EXISTS candidates_search_update",
    "DROP TABLE IF EXISTS candidates_search",
]
POSTGRES_FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS candidate_search_trgm ON candidates_candidate USING gin (search_text gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS candidate_email_trgm ON candidates_candidateemail USING gin (email gin_trgm_ops)",
]
POSTGRES_BACKWARD = [
    "DROP INDEX IF EXISTS candidate_search_trgm",
    "DROP INDEX IF EXISTS candidate_email_trgm",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for sql in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("candidates", "0002_contacts_tags_files_questions")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_FORWARD, "postgresql": POSTGRES_FORWARD}),
            _run({"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRES_BACKWARD}),
        )
    ]
