"""The served app starts nothing at import; the ASGI lifespan starts the scheduler and
the event sender, and at shutdown sends what is queued before it says it is done."""

import os
import subprocess
import sys

import pytest
from asgiref.sync import sync_to_async
from asgiref.testing import ApplicationCommunicator
from channels.layers import channel_layers
from django.conf import settings as django_settings
from django.test import override_settings

from config import scheduler
from realtime import publish
from tests.realtime.conftest import two_street_supervisors  # noqa: F401  (a fixture)
from tests.realtime.test_consumers import (
    LAYERS,
    connect_as,
    publish_after_commit,
)

EVENTS = 50


@pytest.fixture
def served():
    from config.asgi import application

    yield application
    scheduler.stop()
    publish.unbind_server_loop()


async def lifespan(application, phase: str, communicator=None) -> ApplicationCommunicator:
    communicator = communicator or ApplicationCommunicator(application, {"type": "lifespan"})
    await communicator.send_input({"type": f"lifespan.{phase}"})
    assert await communicator.receive_output(timeout=10) == {"type": f"lifespan.{phase}.complete"}
    return communicator


def test_importing_the_served_app_starts_no_scheduler(tmp_path):
    probe = "import config.asgi; from config import scheduler; print(scheduler.current())"
    env = {**os.environ, "GONGZHI_ESCALATION_INTERVAL": "60", "GONGZHI_VAR_DIR": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "-c", probe],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        cwd=django_settings.BASE_DIR,
    )
    assert result.stdout.strip().splitlines()[-1] == "None"


@pytest.mark.asyncio
async def test_the_scheduler_starts_at_lifespan_startup_and_stops_at_shutdown(served, settings):
    settings.CASE_ESCALATION_INTERVAL_SECONDS = 3600
    assert scheduler.current() is None
    communicator = await lifespan(served, "startup")
    running = scheduler.current()
    assert running is not None and running.running
    await lifespan(served, "shutdown", communicator)
    assert scheduler.current() is None and not running.running


@pytest.mark.parametrize("layers", LAYERS)
@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_events_submitted_just_before_shutdown_are_sent_before_it_completes(
    layers,
    served,
    two_street_supervisors,  # noqa: F811
):
    first, _second = two_street_supervisors
    with override_settings(CHANNEL_LAYERS=layers):
        channel_layers.backends.clear()
        communicator = await lifespan(served, "startup")
        supervisor = await connect_as(first)
        await supervisor.receive_json_from()
        # given events committed by request threads and queued on the server's loop
        for n in range(EVENTS):
            await sync_to_async(publish_after_commit)("310101001", {"type": "t", "n": n})
        # when the server shuts down at once
        await lifespan(served, "shutdown", communicator)
        # then every one of them was sent, in order, before shutdown completed
        received = [await supervisor.receive_json_from(timeout=3) for _ in range(EVENTS)]
        assert [event["n"] for event in received] == list(range(EVENTS))
        assert publish._sender is None  # later sends go inline, not to a stopped loop task
        await supervisor.disconnect()
        channel_layers.backends.clear()
