import pytest

from hireloop.interviews.tests.helpers import make_application


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Test users need no Argon2 cost; the hasher is not under test here."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def application(tenant):
    return make_application(tenant.company)


@pytest.fixture
def interviewer(tenant):
    member = tenant.member("interviewer")
    member.user.timezone = "America/New_York"
    member.user.save(update_fields=["timezone"])
    return member


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """Run the on-commit callbacks (task enqueueing) of a block, as a real commit would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def drain(commit, run_tasks):
    """Run every due task, and the tasks those enqueue, until nothing is due; returns the count."""

    def run() -> int:
        total = 0
        for _ in range(10):
            with commit():
                ran = run_tasks()
            total += ran
            if not ran:
                break
        return total

    return run
