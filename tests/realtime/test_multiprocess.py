"""Two server processes sharing one Redis: a case reported through one reaches a
supervisor's socket on the other; Redis stops and starts again mid-test, the reports keep
succeeding, and the socket receives every event, each once, with no gap."""

import json
import subprocess
import threading
import time
import urllib.request
import uuid
from pathlib import Path

import pytest

from accounts.models import Role
from accounts.tokens import token_issue
from grid.models import Area
from realtime.models import Event
from tests.e2e.served import Served, free_port, start, stop
from tests.factories import grid_centre, user_with_role

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]

GRID = "310101001001001"


class RedisServer:
    """A redis-server of this test's own, so stopping it touches nothing else."""

    def __init__(self, folder: Path) -> None:
        self.port = free_port()
        self.folder = folder
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        command = ["redis-server", "--port", str(self.port), "--save", "", "--appendonly", "no"]
        command += ["--dir", str(self.folder)]
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            ping = subprocess.run(
                ["redis-cli", "-p", str(self.port), "ping"], capture_output=True, text=True
            )
            if ping.stdout.strip() == "PONG":
                return
            time.sleep(0.1)
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        if self.process is not None:
            self.process.kill()  # as a crash would: no goodbye to the clients
            self.process.wait()
            self.process = None


class Listener:
    """A supervisor's socket on one server, read in a thread of its own."""

    def __init__(self, served: Served, cookie: dict) -> None:
        self.url = served.url.replace("http://", "ws://") + "/ws/events/"
        self.headers = {"Cookie": f"{cookie['name']}={cookie['value']}", "Origin": served.url}
        self.messages: list[dict] = []
        self.opened = threading.Event()
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()
        assert self.opened.wait(10), "the socket did not open"

    def _read(self) -> None:
        from websockets.sync.client import connect

        with connect(self.url, additional_headers=self.headers, open_timeout=10) as socket:
            self.opened.set()
            while not self.done.is_set():
                try:
                    self.messages.append(json.loads(socket.recv(timeout=0.1)))
                except TimeoutError:
                    continue

    def close(self) -> None:
        self.done.set()
        self.thread.join(5)

    def events(self) -> list[dict]:
        return [m for m in self.messages if "id" in m]

    def wait_for(self, numbers: set[str], timeout: float = 15) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if numbers <= {m["data"].get("number") for m in self.events()}:
                return
            time.sleep(0.05)
        got = sorted(m["data"].get("number") for m in self.events())
        raise AssertionError(f"waited for {sorted(numbers)}, got {got}")


def report(served: Served, token: str, n: int) -> str:
    point = grid_centre(GRID)
    body = {
        "client_id": str(uuid.uuid4()),
        "category": "1301",
        "description": f"跨进程测试第{n}件",
        "lon": point.x,
        "lat": point.y,
    }
    request = urllib.request.Request(
        f"{served.url}/api/v1/cases",
        data=json.dumps(body).encode(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=15) as response:
        assert response.status == 201
        return json.loads(response.read())["number"]


def status(served: Served, token: str) -> dict:
    request = urllib.request.Request(
        f"{served.url}/api/v1/ops/realtime", headers={"Authorization": f"Bearer {token}"}
    )
    with urllib.request.urlopen(request, timeout=5) as response:
        return json.loads(response.read())


def test_events_cross_processes_and_none_is_lost_while_redis_restarts(people, categories, tmp_path):
    redis = RedisServer(tmp_path)
    redis.start()
    env = {"REDIS_URL": redis.url, "GONGZHI_RELAY_SECONDS": "0.5"}
    first, second = start(tmp_path, **env), start(tmp_path, **env)
    worker = token_issue(user=people["worker"])
    admin = token_issue(user=user_with_role(Role.ADMIN, Area.objects.get(code="310101")))
    listener = Listener(second, second.session_cookie(people["supervisor"]))
    try:
        # through Redis: reported on the first process, heard on the second
        before = [report(first, worker, 1)]
        listener.wait_for(set(before), timeout=5)
        assert status(second, admin)["counters"]["relay_delivered"] == 0  # Redis carried it
        # Redis dies: the reports still succeed, and the relay carries them
        redis.stop()
        during = [report(first, worker, n) for n in (2, 3, 4)]
        listener.wait_for(set(during))
        # Redis is back: pub/sub reconnects, and nothing is lost or repeated
        redis.start()
        time.sleep(3)  # pub/sub retries its connection every second
        after = [report(first, worker, n) for n in (5, 6)]
        listener.wait_for(set(after), timeout=5)
        time.sleep(1.5)  # a few relay rounds more: no repeats may follow
        received = [m["id"] for m in listener.events()]
        written = list(Event.objects.filter(kind="case.report").values_list("id", flat=True))
        assert sorted(received) == sorted(written)  # every event, no gap
        assert len(received) == len(set(received))  # each once
        counters = status(second, admin)["counters"]
        assert counters["relay_delivered"] == len(during)  # the outage, from the outbox
        assert counters["layer_receive_errors"] > 0  # the broken subscription was seen
        assert status(first, admin)["counters"]["send_failed"] > 0  # so were the sends
    finally:
        listener.close()
        stop(first), stop(second)
        redis.stop()
