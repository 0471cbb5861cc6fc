import os

import pytest
from asgiref.sync import sync_to_async
from channels.layers import channel_layers
from channels.testing.websocket import WebsocketCommunicator
from django.test import override_settings

from realtime.groups import staff_group, staff_groups_upwards
from realtime.publish import publish_on_commit


def redis_layer_settings() -> dict:
    url = os.environ.get("GONGZHI_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
    # Pub/sub ignores the database number: the test runs beside this one (the other
    # database's suite) publish to the same group names, so each process has its own prefix.
    prefix = f"gz-test-{os.getpid()}"
    return {
        "default": {
            "BACKEND": "realtime.layers.PipelinedPubSubLayer",
            "CONFIG": {"hosts": [url], "prefix": prefix},
        }
    }


def redis_reachable() -> bool:
    import redis

    url = os.environ.get("GONGZHI_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


LAYERS = [
    pytest.param({"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}, id="memory"),
    pytest.param(
        redis_layer_settings(),
        id="redis",
        marks=pytest.mark.skipif(
            not redis_reachable() and not os.environ.get("GONGZHI_REQUIRE_ALL"),
            reason="no Redis reachable (required under CI=true)",
        ),
    ),
]


async def connect_as(user) -> WebsocketCommunicator:
    from config.asgi import application  # noqa: F401  (loads the routing as served)
    from realtime.consumers import EventStreamConsumer

    communicator = WebsocketCommunicator(EventStreamConsumer.as_asgi(), "/ws/events/")
    communicator.scope["user"] = user
    connected, _ = await communicator.connect()
    assert connected
    return communicator


@pytest.mark.parametrize("layers", LAYERS)
@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_an_event_reaches_the_area_it_belongs_to_and_no_other(layers, two_street_supervisors):
    first, second = two_street_supervisors
    with override_settings(CHANNEL_LAYERS=layers):
        channel_layers.backends.clear()
        # given two supervisors of neighbouring streets, connected
        alice, bob = await connect_as(first), await connect_as(second)
        hello = await alice.receive_json_from()
        assert staff_group("310101001") in hello["groups"]
        await bob.receive_json_from()
        # when an event for street 310101001 is published after a commit
        await sync_to_async(publish_after_commit)("310101001", {"type": "test.ping", "n": 1})
        # then only that street's supervisor receives it
        assert await alice.receive_json_from(timeout=3) == {"type": "test.ping", "n": 1}
        assert await bob.receive_nothing(timeout=0.3)
        await alice.disconnect()
        await bob.disconnect()
        channel_layers.backends.clear()


def publish_after_commit(code: str, event: dict) -> None:
    from django.db import transaction

    with transaction.atomic():
        publish_on_commit(staff_group(code), event)


@pytest.mark.asyncio
async def test_an_anonymous_socket_is_refused():
    from django.contrib.auth.models import AnonymousUser

    from realtime.consumers import EventStreamConsumer

    communicator = WebsocketCommunicator(EventStreamConsumer.as_asgi(), "/ws/events/")
    communicator.scope["user"] = AnonymousUser()
    connected, code = await communicator.connect()
    assert not connected
    assert code == 4401


def test_a_payload_that_is_not_json_fails_at_publish_time():
    with pytest.raises(TypeError):
        publish_on_commit("staff.310101", {"when": object()})


def emit_after_commit(code: str, kind: str, payload: dict) -> int:
    from django.db import transaction

    from realtime.publish import emit

    with transaction.atomic():
        return emit(area_code=code, kind=kind, payload=payload, audience=staff_groups_upwards(code))


@pytest.mark.parametrize("layers", LAYERS)
@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_an_event_of_a_grid_reaches_the_supervisor_of_its_street(
    layers, two_street_supervisors
):
    first, second = two_street_supervisors
    with override_settings(CHANNEL_LAYERS=layers):
        channel_layers.backends.clear()
        alice, bob = await connect_as(first), await connect_as(second)
        await alice.receive_json_from()
        await bob.receive_json_from()
        # when a case event happens in a grid of street 310101001
        event_id = await sync_to_async(emit_after_commit)(
            "310101001002001", "case.report", {"case": 7}
        )
        # then the outbox row's id travels with it, to that street only
        received = await alice.receive_json_from(timeout=3)
        assert received == {
            "id": event_id,
            "type": "case.report",
            "area": "310101001002001",
            "data": {"case": 7},
        }
        assert await bob.receive_nothing(timeout=0.3)
        await alice.disconnect()
        await bob.disconnect()
        channel_layers.backends.clear()
