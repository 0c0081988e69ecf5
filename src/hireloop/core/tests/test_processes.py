"""The real `hireloop` commands as processes: serve + worker, Ctrl-C, demo, apikey, production checks.

These run against a fresh temporary data dir (SQLite) or, when DATABASE_URL is set, against that
database itself (not pytest's test database), like an operator would.
"""

import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import httpx
import pytest

import hireloop

pytestmark = pytest.mark.slow

SRC = str(Path(hireloop.__file__).resolve().parent.parent)
DEADLINE = 90  # seconds; the machine may be busy


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def hl_env(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HIRELOOP_", "DJANGO_", "SECRET_KEY"))}
    env.update(
        HIRELOOP_DATA_DIR=str(tmp_path / "data"),
        PYTHONPATH=SRC + os.pathsep + env.get("PYTHONPATH", ""),
        UVICORN_LOG_LEVEL="warning",
        PYTHONUNBUFFERED="1",
    )
    return env


def hireloop_cmd(env, *args, timeout=DEADLINE, check=True) -> subprocess.CompletedProcess:
    result = subprocess.run(
        [sys.executable, "-m", "hireloop", *args], env=env, capture_output=True, text=True, timeout=timeout
    )
    if check:
        assert result.returncode == 0, (args, result.stdout[-2000:], result.stderr[-2000:])
    return result


def wait_for_ping(base: str, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + DEADLINE
    while time.monotonic() < deadline:
        assert process.poll() is None, "server exited before answering"
        try:
            if httpx.get(f"{base}/api/v2/ping", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)  # polling a process with a deadline, not waiting for a schedule
    raise AssertionError(f"no answer from {base} within {DEADLINE} s")


def children_of(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(p) for p in path.read_text().split()] if path.exists() else []


def is_running(pid: int) -> bool:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return False
    return "State:\tZ" not in status


def shell(env, code: str) -> str:
    """Run Python in a `hireloop manage shell`; returns what it printed after "=> "."""
    out = hireloop_cmd(env, "manage", "shell", "-c", code.replace("print(", "print('=>', ")).stdout
    return next(line for line in out.splitlines() if line.startswith("=> "))[3:]


def test_serve_answers_authenticated_calls_and_stops_cleanly_on_ctrl_c(hl_env):
    demo = hireloop_cmd(hl_env, "demo").stdout
    demo_key = next(line.split()[-1] for line in demo.splitlines() if "API key:" in line)
    cli_key = hireloop_cmd(
        hl_env, "apikey", "create", "--email", "admin@demo.hireloop.local", "--scopes", "read"
    ).stdout.strip()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [sys.executable, "-m", "hireloop", "serve", "--port", str(port)],
        env=hl_env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,  # its own process group, as a terminal gives it
    )
    try:
        wait_for_ping(base, server)
        workers = children_of(server.pid)
        assert len(workers) == 1, workers

        users = httpx.get(f"{base}/api/v2/users", headers={"Authorization": f"Bearer {demo_key}"}, timeout=10)
        assert users.status_code == 200, users.text
        assert "admin@demo.hireloop.local" in [u["email"] for u in users.json()["users"]]
        assert int(users.headers["X-RateLimit-Remaining"]) < int(users.headers["X-RateLimit-Limit"])
        reader = httpx.post(
            f"{base}/api/v2/api-keys", json={"name": "x"}, headers={"Authorization": f"Bearer {cli_key}"}, timeout=10
        )
        assert reader.status_code == 403  # the CLI made a read-only key
        assert httpx.get(f"{base}/api/v2/users", timeout=10).json()["error"]["status"] == 401

        os.killpg(server.pid, signal.SIGINT)  # Ctrl-C
        output, _ = server.communicate(timeout=DEADLINE)
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
    assert server.returncode == 0, output[-3000:]
    deadline = time.monotonic() + 30
    while any(is_running(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(is_running(pid) for pid in workers), "the worker outlived the server"
    assert "Traceback" not in output, output[-3000:]


def test_apikey_list_and_revoke(hl_env):
    email = f"ops-{uuid.uuid4().hex[:8]}@example.com"  # unique: DATABASE_URL may be a long-lived database
    hireloop_cmd(hl_env, "createadmin", "--email", email, "--password", "ops password 123")
    again = hireloop_cmd(hl_env, "createadmin", "--email", email, "--password", "ops password 123", check=False)
    assert again.returncode == 1 and "already exists" in again.stderr
    key = hireloop_cmd(hl_env, "apikey", "create", "--email", email, "--name", "ci").stdout.strip()
    prefix = key.split("_")[1]
    row = next(line for line in hireloop_cmd(hl_env, "apikey", "list").stdout.splitlines() if prefix in line)
    assert email in row and "\tactive\t" in row
    assert hireloop_cmd(hl_env, "apikey", "revoke", prefix).stdout.strip() == f"Revoked {prefix}"
    row = next(line for line in hireloop_cmd(hl_env, "apikey", "list").stdout.splitlines() if prefix in line)
    assert "\trevoked\t" in row
    unknown = hireloop_cmd(hl_env, "apikey", "create", "--email", "nobody@example.com", check=False)
    assert unknown.returncode == 1 and "No user" in unknown.stderr


def test_worker_runs_enqueued_tasks_and_records_failures(hl_env):
    hireloop_cmd(hl_env, "manage", "migrate", "-v", "0")
    marker = uuid.uuid4().hex
    ids = shell(
        hl_env,
        "from hireloop.core.testing.tasks import echo_task, failing_task; "
        f"print(echo_task.enqueue({marker!r}).id, failing_task.enqueue('boom {marker}').id)",
    ).split()
    hireloop_cmd(hl_env, "worker", "--batch")
    states = shell(
        hl_env,
        "from django_tasks_db.models import DBTaskResult as R; "
        f"print([(r.status, r.return_value, r.exception_class_path) for r in R.objects.filter(id__in={ids!r})"
        ".order_by('enqueued_at')])",
    )
    assert states == str([("SUCCESSFUL", marker, ""), ("FAILED", None, "builtins.RuntimeError")])


def production_env(hl_env, **extra):
    env = {k: v for k, v in hl_env.items() if k not in ("SECRET_KEY", "ALLOWED_HOSTS")}
    return env | {"HIRELOOP_ENV": "production"} | extra


@pytest.mark.parametrize(
    "extra,needle",
    [
        ({"ALLOWED_HOSTS": "ats.example.com"}, "SECRET_KEY is not set"),
        ({"ALLOWED_HOSTS": "ats.example.com", "SECRET_KEY": "short"}, "SECRET_KEY is too weak"),
        ({"SECRET_KEY": "x" * 50}, "ALLOWED_HOSTS is not set"),
    ],
)
def test_production_refuses_unsafe_settings_and_says_what_to_set(hl_env, extra, needle):
    result = hireloop_cmd(production_env(hl_env, **extra), "manage", "check", check=False)
    assert result.returncode != 0
    assert needle in result.stderr


def test_production_starts_with_safe_settings(hl_env):
    env = production_env(hl_env, SECRET_KEY="k" * 50, ALLOWED_HOSTS="ats.example.com")
    result = hireloop_cmd(env, "manage", "check")
    assert "no issues" in result.stdout


def test_embedded_mode_keeps_its_generated_secret_key(hl_env, tmp_path):
    hireloop_cmd(hl_env, "manage", "check")
    key_file = tmp_path / "data" / "secret_key"
    first = key_file.read_text()
    hireloop_cmd(hl_env, "manage", "check")
    assert key_file.read_text() == first and len(first) >= 50
    assert oct(key_file.stat().st_mode & 0o777) == "0o600"
