"""The live link of this server process, for operators: how many sockets and groups it
holds and what went wrong on the way (realtime.health). Each process answers for itself;
behind a load balancer, ask each one (or read the logs, where every failure is written)."""

from realtime import health
from realtime.hub import _hubs


def live_status() -> dict:
    hubs = [hub for loop, hub in list(_hubs.items()) if not loop.is_closed()]
    return {
        "sockets": sum(len(hub.sockets) for hub in hubs),
        "groups": sum(len(hub.members) for hub in hubs),
        "counters": health.snapshot(),
        "meanings": health.MEANINGS,
    }
