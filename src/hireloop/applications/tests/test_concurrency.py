"""Concurrent moves of one application keep a consistent stage history (PostgreSQL row locks)."""

import threading

import pytest
from django.db import connection, connections

from hireloop.applications.models import Application, StageChange
from hireloop.applications.services import move_application
from hireloop.core.testing.client import Tenant
from hireloop.core.testing.factories import CompanyFactory, UserFactory
from hireloop.jobs.tests.helpers import make_application, stages_of


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_moves_of_one_application_chain_their_history():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises all writers; the row-lock race needs PostgreSQL")
    company = CompanyFactory()
    tenant = Tenant(company=company, user=UserFactory(), key="", api=None)
    application = make_application(tenant)
    targets = stages_of(application.job)[1:]
    barrier = threading.Barrier(len(targets) * 2)
    errors: list[Exception] = []

    def move(stage) -> None:
        try:
            barrier.wait(timeout=10)
            fresh = Application.objects.get(pk=application.pk)  # read before the others commit
            move_application(company=company, actor=None, application=fresh, stage=stage)
        except Exception as error:  # noqa: BLE001 - collected and asserted below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=move, args=(stage,)) for stage in targets * 2]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert errors == []
    history = list(StageChange.objects.filter(application_id=application.pk).order_by("moved_at", "pk"))
    for previous, current in zip(history, history[1:], strict=False):
        assert current.from_stage_id == previous.to_stage_id
        assert current.from_stage_id != current.to_stage_id
    application.refresh_from_db()
    assert application.stage_id == history[-1].to_stage_id
