"""Counters of the live link in this process, so channel-layer trouble is seen, not
guessed: sends that failed, receive errors from the Redis connection (after which
pub/sub may have missed messages), events the relay had to deliver because the layer
did not, replays and resets. Read by `realtime_status` (API) and logged as they happen.
"""

import logging
import threading
from collections import Counter

log = logging.getLogger(__name__)

_counts: Counter = Counter()
_lock = threading.Lock()  # sends fail in the loop, the API reads in an HTTP thread

# What each counter means, for the status output and the README.
MEANINGS = {
    "send_failed": "a group send the channel layer refused or could not make",
    "layer_receive_errors": "errors on the channel layer's Redis connection (it reconnects)",
    "relay_delivered": "events a socket got from the outbox relay, not from the layer",
    "replay_reads": "shared outbox reads for reconnecting sockets",
    "replayed": "events sent to reconnecting sockets",
    "resets": "reconnects told to reload (too old, pruned, or another epoch)",
    "duplicates_dropped": "events a socket had already sent",
}


def count(name: str, n: int = 1) -> None:
    with _lock:
        _counts[name] += n


def snapshot() -> dict[str, int]:
    with _lock:
        return {name: _counts.get(name, 0) for name in MEANINGS}


def reset_counts() -> None:
    with _lock:
        _counts.clear()


class LayerErrors(logging.Handler):
    """Counts what channels-redis logs when its Redis connection fails (its public
    interface for that: it has no callback), and wakes the relays so they fill the gap."""

    def __init__(self, on_error) -> None:
        super().__init__(level=logging.ERROR)
        self.on_error = on_error

    def emit(self, record: logging.LogRecord) -> None:
        count("layer_receive_errors")
        self.on_error()


def watch_layer(on_error) -> None:
    """Install the counter on channels-redis's logger once per process."""
    logger = logging.getLogger("channels_redis")
    if not any(isinstance(handler, LayerErrors) for handler in logger.handlers):
        logger.addHandler(LayerErrors(on_error))
