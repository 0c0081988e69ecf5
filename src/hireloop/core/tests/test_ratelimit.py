"""Fixed-window counters: the same answers from every store, one cheap operation per request."""

import pytest
import time_machine

from hireloop.core import ratelimit
from hireloop.core.models import RateCounter

STORES = [
    "database",
    "cache",
    pytest.param("redis", marks=pytest.mark.redis),
]


@pytest.fixture(params=STORES)
def store(request, settings, db):
    if request.param == "redis" and not settings.REDIS_URL:
        pytest.skip("needs REDIS_URL")
    settings.RATE_LIMIT_STORE = request.param
    return request.param


def test_counts_down_within_a_window_and_resets_in_the_next(store):
    with time_machine.travel("2030-01-01 09:00:30Z", tick=False) as clock:
        decisions = [ratelimit.hit("t:a", limit=2, window=60) for _ in range(3)]
        headers = decisions[-1].headers()
        peeked = ratelimit.peek("t:a", limit=2, window=60)
        other_bucket = ratelimit.hit("t:b", limit=2, window=60)
        clock.shift(30)
        next_window = ratelimit.hit("t:a", limit=2, window=60)
    assert [d.remaining for d in decisions] == [1, 0, -1]
    assert [d.allowed for d in decisions] == [True, True, False]
    assert headers == {
        "X-RateLimit-Limit": "2",
        "X-RateLimit-Remaining": "0",
        "X-RateLimit-Reset": str(decisions[0].reset),
        "Retry-After": "30",
    }
    assert peeked.remaining == -1
    assert other_bucket.remaining == 1
    assert next_window.remaining == 1 and next_window.reset == decisions[0].reset + 60


def test_cost_counts_several_requests(store):
    assert ratelimit.hit("t:c", limit=10, window=60, cost=4).remaining == 6


def test_database_store_is_one_query_per_request(settings, db, django_assert_num_queries):
    settings.RATE_LIMIT_STORE = "database"
    ratelimit.hit("t:q", limit=5, window=60)
    with django_assert_num_queries(1):
        ratelimit.hit("t:q", limit=5, window=60)


def test_database_store_sweeps_expired_windows(settings, db, monkeypatch):
    settings.RATE_LIMIT_STORE = "database"
    monkeypatch.setattr(ratelimit, "SWEEP_ONE_IN", 1)
    with time_machine.travel("2030-01-01 09:00:00Z", tick=False) as clock:
        ratelimit.hit("t:old", limit=5, window=60)
        clock.shift(120)
        ratelimit.hit("t:new", limit=5, window=60)
    assert list(RateCounter.objects.values_list("bucket", flat=True)) == ["t:new"]
