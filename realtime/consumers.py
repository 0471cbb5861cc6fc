"""Transport only: a signed-in user's socket joins the groups of their scope."""

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from realtime.groups import area_group, user_group


class EventStreamConsumer(AsyncJsonWebsocketConsumer):
    async def connect(self) -> None:
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close(code=4401)
            return
        self.groups_joined = [user_group(user.pk)] + [
            area_group(code) for code in await self._scope_codes(user)
        ]
        for group in self.groups_joined:
            await self.channel_layer.group_add(group, self.channel_name)
        await self.accept()
        await self.send_json({"type": "hello", "groups": self.groups_joined})

    async def disconnect(self, code: int) -> None:
        for group in getattr(self, "groups_joined", []):
            await self.channel_layer.group_discard(group, self.channel_name)

    async def event_message(self, message: dict) -> None:
        await self.send_json(message["event"])

    @database_sync_to_async
    def _scope_codes(self, user) -> list[str]:
        from accounts.scope import scope_codes

        return scope_codes(user)
