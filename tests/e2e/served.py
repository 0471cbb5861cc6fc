"""The app as it is served: uvicorn in its own process over the test database, with the
lifespan, the WebSockets and the event relay (Django's live_server speaks only HTTP).

The test process writes its fixtures and commits (transactional tests); the server reads
them from the same database. Browsers sign in with a session made in the test process,
so the server never needs the test suite's fast password hasher.
"""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connections
from django.test import Client

ROOT = Path(__file__).resolve().parents[2]


def database_url() -> str:
    db = connections["default"].settings_dict
    if db["ENGINE"].endswith("spatialite"):
        return f"spatialite:///{db['NAME']}"
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgis://{db['USER']}{password}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Served:
    url: str
    process: subprocess.Popen
    log: Path

    def session_cookie(self, user) -> dict:
        """A browser cookie for a login session of `user` (made in the test process)."""
        client = Client()
        client.force_login(user)
        key = client.cookies[settings.SESSION_COOKIE_NAME].value
        return {"name": settings.SESSION_COOKIE_NAME, "value": key, "url": self.url}

    def output(self) -> str:
        return self.log.read_text(errors="replace")


def start(tmp_path: Path, *, port: int | None = None, **env: str) -> Served:
    port = port or free_port()
    log = tmp_path / f"uvicorn-{port}.log"
    environment = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "GONGZHI_2FA_ROLES": "",  # the suite tests the second factor on its own
        "GONGZHI_ESCALATION_INTERVAL": "0",
        **env,
    }
    command = [sys.executable, "-m", "uvicorn", "config.asgi:application"]
    command += ["--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"]
    with log.open("wb") as sink:
        process = subprocess.Popen(command, cwd=ROOT, env=environment, stdout=sink, stderr=sink)
    served = Served(f"http://127.0.0.1:{port}", process, log)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server stopped:\n{served.output()}")
        try:
            urllib.request.urlopen(f"{served.url}/login/", timeout=1)
            return served
        except OSError:
            time.sleep(0.2)
    stop(served)
    raise RuntimeError(f"the server did not answer in 30 s:\n{served.output()}")


def stop(served: Served) -> None:
    served.process.terminate()
    try:
        served.process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        served.process.kill()
        served.process.wait()


@pytest.fixture
def served(transactional_db, tmp_path) -> Iterator[Served]:
    """One server process per test: its memoised roles and tokens start empty, as the
    test database does."""
    server = start(tmp_path, GONGZHI_RELAY_SECONDS="0.5", GONGZHI_NOTIFY_INTERVAL="0.5")
    yield server
    stop(server)
