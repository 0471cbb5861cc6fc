"""The registry of map layers, and their data versions for tile caching.

`maps` sits below the domains it draws (feedback, consultation): each domain registers
its layers here from its AppConfig.ready, with functions that ask its own access policy
what the user may see. The API, the tiles and the bench look layers up by name.

A layer's version is a token in the shared "memo" cache (Redis in production), replaced
after every commit that changes the layer's data; a tile's ETag includes the versions of
what it draws, so a changed case gives every affected tile a new ETag at once. A lost
token (cache restart) is simply a new one: clients fetch once more, never stale data.
"""

import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.cache import caches
from django.db import transaction

from accounts.models import User
from maps.query import MapQuery

log = logging.getLogger(__name__)
CACHE_ALIAS = "memo"
VERSION_SECONDS = 7 * 24 * 3600

GeoJsonFn = Callable[[User, MapQuery], "LayerResult"]
TileFn = Callable[[User, MapQuery], Any]


@dataclass(frozen=True)
class LayerResult:
    """GeoJSON features of one request, and whether a cap cut them short."""

    features: list[dict]
    truncated: bool = False


@dataclass(frozen=True)
class Layer:
    name: str
    geojson: GeoJsonFn
    tile: TileFn | None = None
    # The data versions its output depends on (a grid choropleth on cases too).
    depends_on: tuple[str, ...] = ()


_layers: dict[str, Layer] = {}
_providers: dict[str, Callable] = {}


def register_layer(
    name: str,
    *,
    geojson: GeoJsonFn,
    tile: TileFn | None = None,
    depends_on: tuple[str, ...] = (),
) -> Layer:
    layer = Layer(name, geojson, tile, depends_on or (name,))
    _layers[name] = layer
    return layer


def get_layer(name: str) -> Layer | None:
    return _layers.get(name)


def layer_names() -> list[str]:
    return sorted(_layers)


def register_provider(name: str, fn: Callable) -> None:
    """A function a lower layer needs from a domain above it (the grid figures of the
    choropleth come from the cases): named, so maps never imports the domain."""
    _providers[name] = fn


def provider(name: str) -> Callable | None:
    return _providers.get(name)


# --- data versions ----------------------------------------------------------------------


def _key(name: str) -> str:
    return f"maplayer:{name}"


def data_version(name: str) -> str:
    cache = caches[CACHE_ALIAS]
    try:
        cache.add(_key(name), uuid.uuid4().hex, VERSION_SECONDS)
        token = cache.get(_key(name))
    except Exception:  # no cache: every answer is new, none is stale
        log.warning("map layer versions unreachable; tiles are not cached")
        return uuid.uuid4().hex
    return token or uuid.uuid4().hex


def versions_of(layer: Layer) -> str:
    return ".".join(data_version(name) for name in layer.depends_on)


def data_changed(name: str) -> None:
    """The data of `name` change in the current transaction: new version after commit."""
    transaction.on_commit(lambda: _bump(name))


def _bump(name: str) -> None:
    try:
        caches[CACHE_ALIAS].set(_key(name), uuid.uuid4().hex, VERSION_SECONDS)
    except Exception:
        log.warning("map layer version of %s not replaced: cache unreachable", name)
