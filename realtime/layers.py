"""The production channel layer: channels-redis's pub/sub layer, plus many sends in one
Redis round trip.

A case event goes to the groups of its grid and of each area above it, and under load
the server's sender has several events waiting at once. One PUBLISH round trip per group
per event cost a report more CPU than its database writes (measured with
bench/case_intake.py); a pipeline per shard costs one round trip per batch. Only the
pipeline is ours: names, shards and serialisation are the library's.

This is the one module that uses channels-redis's private API (`_get_layer`,
`_get_group_channel_name`, `_get_shard`, a shard's `_lock`, `_ensure_redis` and
`_redis`), as written for WRITTEN_FOR; tests/realtime/test_layers.py fails when the
installed version or those attributes differ. REALTIME_PIPELINED_SENDS off
(GONGZHI_REDIS_PIPELINE=off) sends with the public `group_send`, one message at a time.
"""

from channels_redis.pubsub import RedisPubSubChannelLayer
from django.conf import settings

WRITTEN_FOR = {"channels": "4.3.2", "channels-redis": "4.3.0"}


class PipelinedPubSubLayer(RedisPubSubChannelLayer):
    async def group_send_many(self, sends: list[tuple[str, dict]]) -> None:
        """`group_send` for each (group, message): one pipeline per Redis shard, or one
        plain `group_send` each when the pipelined path is off."""
        if not settings.REALTIME_PIPELINED_SENDS:
            for group, message in sends:
                await self.group_send(group, message)
            return
        await self._pipelined_send(sends)

    async def _pipelined_send(self, sends: list[tuple[str, dict]]) -> None:
        layer = self._get_layer()  # the library's per-event-loop layer
        by_shard: dict = {}
        serialized: dict[int, bytes] = {}  # an event goes to several groups: pack it once
        for group, message in sends:
            channel = layer._get_group_channel_name(group)
            data = serialized.get(id(message))
            if data is None:
                data = serialized[id(message)] = self.serialize(message)
            by_shard.setdefault(layer._get_shard(channel), []).append((channel, data))
        for shard, items in by_shard.items():
            async with shard._lock:  # the shard's own lock, as its publish() takes it
                shard._ensure_redis()
                async with shard._redis.pipeline(transaction=False) as pipe:
                    for channel, data in items:
                        pipe.publish(channel, data)
                    await pipe.execute()
