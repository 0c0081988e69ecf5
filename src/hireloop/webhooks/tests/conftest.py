import pytest

from hireloop.activity import services as activity_services
from hireloop.webhooks.tests.receiver import Receiver


@pytest.fixture
def receiver():
    server = Receiver().start()
    yield server
    server.stop()


@pytest.fixture
def private_targets(settings):
    """Loopback receivers are allowed (as a self-hoster on a LAN would set it)."""
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = True


@pytest.fixture(autouse=True)
def _hooks(settings):
    activity_services.reset_hooks()
    yield
    activity_services.reset_hooks()
