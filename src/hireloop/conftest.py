"""Fixtures shared by every app's tests."""

import pytest

from hireloop.core.testing.client import ApiClient, Tenant
from hireloop.core.testing.factories import CompanyFactory, MembershipFactory, UserFactory, make_api_key


@pytest.fixture(autouse=True)
def _fresh_process_state(settings):
    """Each test starts with no cached credentials and, on Redis, an empty cache.

    The database cache needs no clearing: it lives in the test's rolled-back transaction.
    """
    from hireloop.accounts.authentication import clear_cache

    clear_cache()
    if settings.REDIS_URL:
        from django.core.cache import cache

        cache.clear()
    settings.PUBLIC_BASE_URL = None
    yield
    clear_cache()


def make_tenant(role: str = "admin", **company_fields) -> Tenant:
    company = CompanyFactory(**company_fields)
    user = UserFactory()
    MembershipFactory(user=user, company=company, role=role)
    key = make_api_key(user=user, company=company)
    return Tenant(company=company, user=user, key=key, api=ApiClient(key))


@pytest.fixture
def tenant(db) -> Tenant:
    """Company A with an admin and an API key."""
    return make_tenant()


@pytest.fixture
def other_tenant(db) -> Tenant:
    """Company B: its objects must be invisible (404) to company A."""
    return make_tenant()


@pytest.fixture
def anon() -> ApiClient:
    return ApiClient()


@pytest.fixture
def api(tenant) -> ApiClient:
    return tenant.api


@pytest.fixture
def run_tasks(db):
    from hireloop.core.testing.tasks import run_due_tasks

    return run_due_tasks
