"""Periodic sweeps every `hireloop worker` runs beside its tasks: they recover work a dead process lost.

A task claimed by a worker that was killed (kill -9, OOM, power loss) is never run again by the task
queue; each app that needs it names a sweep in settings.WORKER_SWEEPS (a function taking no
arguments, safe to run often and from several workers at once) that re-enqueues what was lost.
"""

import logging
import random
import threading

from django.conf import settings
from django.db import connections
from django.utils.module_loading import import_string

logger = logging.getLogger("hireloop.sweeps")


def run_sweeps() -> dict[str, object]:
    """Run every sweep once; a failing sweep is logged and does not stop the others."""
    results: dict[str, object] = {}
    for path in settings.WORKER_SWEEPS:
        try:
            results[path] = import_string(path)()
        except Exception:
            logger.exception("sweep %s failed", path)
        finally:
            connections.close_all()  # this thread's connections only; the next run opens fresh ones
    return results


def start_sweeper(interval: float) -> threading.Event | None:
    """Run the sweeps every `interval` seconds (jittered, so several workers spread out) in a daemon thread.

    Returns an event that stops the thread when set; None when sweeps are disabled (interval <= 0).
    """
    if interval <= 0 or not settings.WORKER_SWEEPS:
        return None
    stop = threading.Event()

    def loop() -> None:
        while not stop.wait(interval * random.uniform(0.8, 1.2)):  # noqa: S311 (jitter, not security)
            run_sweeps()

    threading.Thread(target=loop, name="hireloop-sweeper", daemon=True).start()
    return stop
