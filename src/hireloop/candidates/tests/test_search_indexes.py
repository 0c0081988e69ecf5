"""`q` is answered from an index: pg_trgm GIN on PostgreSQL, an FTS5 trigram table on SQLite."""

import pytest
from django.db import connection

from hireloop.candidates import selectors
from hireloop.candidates.tests.helpers import make_candidate


@pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_trgm GIN index exists only on PostgreSQL")
def test_postgres_plans_q_with_the_trigram_index(tenant):
    for _ in range(3):
        make_candidate(tenant.company)
    queryset = selectors.search_rows(company=tenant.company, q="lovel")
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        sql, params = queryset.query.sql_with_params()
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "candidate_search_text_trgm" in plan, plan


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the FTS5 trigram table exists only on SQLite")
def test_sqlite_keeps_the_fts_table_in_step_with_inserts_updates_and_deletes(tenant):
    ada = make_candidate(tenant.company, first_name="Ada", last_name="Lovelace")

    def matches(text: str) -> list[int]:
        with connection.cursor() as cursor:
            cursor.execute("SELECT rowid FROM candidates_search WHERE candidates_search MATCH %s", [f'"{text}"'])
            return [row[0] for row in cursor.fetchall()]

    assert matches("lovel") == [ada.pk]
    tenant.api.put(f"/candidates/{ada.pk}", {"last_name": "Byron"})
    assert matches("lovel") == [] and matches("byro") == [ada.pk]
    tenant.api.delete(f"/candidates/{ada.pk}")
    assert matches("byro") == []
