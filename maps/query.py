"""What a map request asks for: a bounding box, a zoom or a tile, and the case filters.

Parsed here once, so every layer gets checked values and bad input leaves as a 400 with
a Chinese message (never a 500 from a database that was handed NaN or an inverted box).
"""

import datetime as dt
import math
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from common.errors import DomainError

MAX_ZOOM = 22
# Web Mercator's latitude limit: tiles do not exist beyond it.
MERCATOR_LAT = 85.0511287798


class BadMapQuery(DomainError):
    status = 400


@dataclass(frozen=True)
class BBox:
    west: float
    south: float
    east: float
    north: float

    @property
    def width(self) -> float:
        return self.east - self.west


@dataclass(frozen=True)
class LayerFilters:
    """Filters the case layers understand; other layers ignore them."""

    state: str = ""
    category: str = ""
    department: int | None = None
    since: dt.date | None = None
    until: dt.date | None = None

    def key(self) -> str:
        return f"{self.state}|{self.category}|{self.department}|{self.since}|{self.until}"


@dataclass(frozen=True)
class MapQuery:
    """One request of a layer: the box, the zoom, and for a tile its (z, x, y)."""

    bbox: BBox
    zoom: int
    filters: LayerFilters = field(default_factory=LayerFilters)
    tile: tuple[int, int, int] | None = None


def parse_bbox(text: str) -> BBox:
    parts = (text or "").split(",")
    try:
        west, south, east, north = (float(p) for p in parts)
    except ValueError:
        raise BadMapQuery(_("范围参数 bbox 应为“西,南,东,北”四个经纬度数值。")) from None
    values = (west, south, east, north)
    if not all(math.isfinite(v) for v in values):
        raise BadMapQuery(_("范围参数 bbox 应为“西,南,东,北”四个经纬度数值。"))
    if not (-180 <= west < east <= 180 and -90 <= south < north <= 90):
        raise BadMapQuery(_("范围参数 bbox 超出经纬度范围，或西大于东、南大于北。"))
    return BBox(west, south, east, north)


def parse_zoom(value: int | None) -> int:
    if value is None or not 0 <= value <= MAX_ZOOM:
        raise BadMapQuery(_("缩放级别 zoom 应在 0 到 22 之间。"))
    return int(value)


def parse_date(text: str | None, name: str) -> dt.date | None:
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise BadMapQuery(_("日期 %(name)s 应为 YYYY-MM-DD 格式。") % {"name": name}) from None


def parse_filters(
    *,
    state: str = "",
    category: str = "",
    department: int | None = None,
    since: str | None = None,
    until: str | None = None,
) -> LayerFilters:
    start, end = parse_date(since, "since"), parse_date(until, "until")
    if start and end and start > end:
        raise BadMapQuery(_("开始日期不能晚于结束日期。"))
    return LayerFilters(state or "", category or "", department, start, end)


def tile_bbox(z: int, x: int, y: int) -> BBox:
    """The lon/lat box of an XYZ (Web Mercator) tile."""
    if not 0 <= z <= MAX_ZOOM or not (0 <= x < 2**z and 0 <= y < 2**z):
        raise BadMapQuery(_("瓦片编号超出范围。"))
    n = 2**z
    west, east = x / n * 360 - 180, (x + 1) / n * 360 - 180
    north = math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * y / n))))
    south = math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * (y + 1) / n))))
    return BBox(west, south, east, north)


def degrees_per_pixel(zoom: int) -> float:
    """Longitude degrees one 256-pixel-tile pixel spans at `zoom`."""
    return 360 / (256 * 2**zoom)


def simplify_tolerance(zoom: int) -> float:
    """Half a screen pixel in degrees: finer detail cannot be seen at this zoom."""
    return degrees_per_pixel(zoom) / 2
