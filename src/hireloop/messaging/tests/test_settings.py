"""Messaging misconfiguration stops `hireloop` at start with a message that says what to set."""

import os

import pytest

from hireloop.core.tests.test_processes import SRC, hireloop_cmd


@pytest.mark.slow
@pytest.mark.parametrize(
    "extra,needle",
    [
        ({"SMS_PROVIDER": "pigeon"}, "SMS_PROVIDER must be 'outbox'"),
        ({"SMS_PROVIDER": "twilio", "TWILIO_ACCOUNT_SID": "AC1"}, "needs TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN"),
        ({"MESSAGE_CANCEL_WINDOW_SECONDS": "soon"}, "MESSAGE_CANCEL_WINDOW_SECONDS must be an integer"),
        ({"MESSAGE_MAX_ATTEMPTS": "0"}, "MESSAGE_MAX_ATTEMPTS and MESSAGE_SENDING_LEASE_SECONDS must be 1 or more"),
    ],
)
def test_bad_messaging_settings_fail_at_start(tmp_path, extra, needle):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HIRELOOP_", "DJANGO_", "SMS_", "TWILIO_"))}
    env.update(HIRELOOP_DATA_DIR=str(tmp_path), PYTHONPATH=SRC, **extra)
    result = hireloop_cmd(env, "manage", "check", check=False)
    assert result.returncode != 0
    assert needle in result.stderr
