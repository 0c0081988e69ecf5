"""Two schedulers booking the same interviewer at once: exactly one wins (PostgreSQL row locks)."""

import threading
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection, connections

from hireloop.core.errors import Conflict
from hireloop.core.testing.factories import CompanyFactory, MembershipFactory, UserFactory
from hireloop.interviews.models import Interview
from hireloop.interviews.services import schedule_interview
from hireloop.interviews.tests.helpers import make_application


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_bookings_of_one_interviewer_never_double_book(settings):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises all writers; the row-lock race needs PostgreSQL")
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    company = CompanyFactory()
    interviewer = UserFactory()
    MembershipFactory(user=interviewer, company=company, role="interviewer")
    application = make_application(company)
    start = datetime(2030, 2, 1, 10, tzinfo=UTC)
    barrier = threading.Barrier(4)
    outcomes: list[str] = []

    def book(offset_minutes: int) -> None:
        try:
            barrier.wait(timeout=10)
            schedule_interview(
                company=company,
                actor=None,
                application=application,
                start=start + timedelta(minutes=offset_minutes),
                end=start + timedelta(minutes=offset_minutes + 60),
                interviewer_ids=[interviewer.pk],
            )
            outcomes.append("booked")
        except Conflict:
            outcomes.append("conflict")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=book, args=(minutes,)) for minutes in (0, 10, 20, 30)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes) == ["booked", "conflict", "conflict", "conflict"]
    assert Interview.objects.count() == 1
