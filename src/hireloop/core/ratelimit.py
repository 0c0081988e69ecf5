"""Fixed-window request counters in the Django cache (database cache embedded, Redis scaled out),
so every server process agrees on how many requests a key has left."""

import time
from dataclasses import dataclass

from django.core.cache import cache


@dataclass(frozen=True)
class RateDecision:
    limit: int
    remaining: int
    reset: int  # unix seconds when the window ends

    @property
    def allowed(self) -> bool:
        return self.remaining >= 0

    def headers(self) -> dict[str, str]:
        headers = {
            "X-RateLimit-Limit": str(self.limit),
            "X-RateLimit-Remaining": str(max(self.remaining, 0)),
            "X-RateLimit-Reset": str(self.reset),
        }
        if not self.allowed:
            headers["Retry-After"] = str(max(self.reset - int(time.time()), 1))
        return headers


def hit(bucket: str, *, limit: int, window: int, cost: int = 1) -> RateDecision:
    """Count one request against `bucket` and say whether it is within `limit` per `window` s."""
    now = time.time()
    window_start = int(now // window) * window
    key = f"rl:{bucket}:{window_start}"
    if cache.add(key, cost, timeout=window + 5):
        count = cost
    else:
        try:
            count = cache.incr(key, cost)
        except ValueError:  # expired between add and incr
            cache.set(key, cost, timeout=window + 5)
            count = cost
    return RateDecision(limit=limit, remaining=limit - count, reset=window_start + window)


def peek(bucket: str, *, limit: int, window: int) -> RateDecision:
    """The state of a bucket without counting a request."""
    now = time.time()
    window_start = int(now // window) * window
    count = cache.get(f"rl:{bucket}:{window_start}", 0)
    return RateDecision(limit=limit, remaining=limit - count, reset=window_start + window)
