"""realtime/layers.py leans on channels-redis internals: these tests fail loudly when the
installed library is not the one it was written for, and prove the public fallback."""

import asyncio
import inspect
import os
from importlib.metadata import version

import pytest
from asgiref.sync import sync_to_async
from channels.layers import channel_layers
from channels_redis.pubsub import RedisPubSubLoopLayer, RedisSingleShardConnection
from django.test import override_settings

from realtime.layers import WRITTEN_FOR, PipelinedPubSubLayer
from tests.realtime.test_consumers import (
    connect_as,
    publish_after_commit,
    redis_layer_settings,
    redis_reachable,
)

needs_redis = pytest.mark.skipif(
    not redis_reachable() and not os.environ.get("GONGZHI_REQUIRE_ALL"),
    reason="no Redis reachable (required under CI=true)",
)


@pytest.mark.parametrize("package", sorted(WRITTEN_FOR))
def test_the_installed_package_is_the_version_the_pipelined_send_was_written_for(package):
    assert version(package) == WRITTEN_FOR[package], (
        f"{package} changed: re-read realtime/layers.py against its source, then update WRITTEN_FOR"
    )


def test_the_library_sends_a_group_message_the_way_the_pipeline_repeats_it():
    # the pipeline does what group_send + publish do, in one round trip per shard
    group_send = inspect.getsource(RedisPubSubLoopLayer.group_send)
    assert "self._get_group_channel_name(group)" in group_send
    assert "self._get_shard(group_channel)" in group_send
    assert "self.channel_layer.serialize(message)" in group_send
    publish = inspect.getsource(RedisSingleShardConnection.publish)
    assert "async with self._lock" in publish
    assert "self._ensure_redis()" in publish
    assert "self._redis.publish(channel, message)" in publish


@pytest.mark.asyncio
async def test_the_private_attributes_the_pipeline_uses_are_still_there():
    layer = PipelinedPubSubLayer(hosts=["redis://127.0.0.1:6379/15"])._get_layer()
    channel = layer._get_group_channel_name("staff.310101")
    shard = layer._get_shard(channel)
    assert isinstance(layer, RedisPubSubLoopLayer) and isinstance(channel, str)
    assert isinstance(shard, RedisSingleShardConnection)
    assert isinstance(shard._lock, asyncio.Lock) and shard._redis is None
    assert list(inspect.signature(shard._ensure_redis).parameters) == []
    shard._ensure_redis()  # builds a client; connects only when used
    assert callable(shard._redis.pipeline)
    await shard._redis.aclose()


@needs_redis
@pytest.mark.parametrize("pipelined", [True, False], ids=["pipelined", "plain group_send"])
@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_an_event_reaches_its_group_with_the_pipeline_on_or_off(
    pipelined,
    two_street_supervisors,
):
    first, _second = two_street_supervisors
    with override_settings(
        CHANNEL_LAYERS=redis_layer_settings(), REALTIME_PIPELINED_SENDS=pipelined
    ):
        channel_layers.backends.clear()
        alice = await connect_as(first)
        await alice.receive_json_from()
        await sync_to_async(publish_after_commit)("310101001", {"type": "test.ping", "n": 1})
        assert await alice.receive_json_from(timeout=3) == {"type": "test.ping", "n": 1}
        await alice.disconnect()
        channel_layers.backends.clear()
