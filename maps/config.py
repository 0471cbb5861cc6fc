"""The configuration every map page renders as a JSON script tag (`map_config`): the
basemap, the endpoints, the tile URL, where to start, and the labels in the user's
language."""

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from maps.basemap import Basemap

TILE_URL = "/tiles/{layer}/{z}/{x}/{y}.pbf"


def map_config(request: HttpRequest, **extra) -> dict:
    """What a map page needs; `extra` keys (e.g. a page's own URLs) are added on top."""
    basemap: Basemap = settings.BASEMAP
    config = {
        "basemap": {
            "url": basemap.url,
            "kind": basemap.kind,
            "crs": basemap.crs,
            "attribution": basemap.attribution,
            "subdomains": list(basemap.subdomains),
            "overlay": basemap.overlay,
        },
        "endpoints": _endpoints(),
        "tiles": TILE_URL,
        "center": list(settings.LEAFLET_CONFIG["DEFAULT_CENTER"]),
        "zoom": settings.LEAFLET_CONFIG["DEFAULT_ZOOM"],
        "labels": _labels(),
    }
    config.update(extra)
    return config


def _endpoints() -> dict:
    code = "__code__"
    return {
        "layers": "/api/v1/map/layers/",
        "heat": reverse("api:map_heat"),
        "search": reverse("api:map_search"),
        "areas": reverse("api:area_features"),
        "grid_summary": reverse("api:map_grid_summary", args=[code]).replace(code, "{code}"),
        "grid_check": reverse("api:map_grid_check", args=[code]).replace(code, "{code}"),
        "grid_boundary": reverse("api:map_grid_boundary", args=[code]).replace(code, "{code}"),
    }


def _labels() -> dict:
    return {
        "grids": _("网格"),
        "buildings": _("楼栋"),
        "cases": _("事件"),
        "topics": _("议题"),
        "heat": _("热力图"),
        "open": _("未办结"),
        "overdue": _("已超期"),
        "closed_week": _("本周办结"),
        "escalated": _("督办"),
        "households": _("户数"),
        "count": _("件"),
        "search": _("搜索地址、楼栋或地名"),
        "no_results": _("没有找到匹配的地点。"),
        "my_position": _("我的位置"),
        "truncated": _("范围内数据过多，仅显示部分，请放大地图。"),
        "no_basemap": _("未配置底图：仅显示本平台的网格、楼栋和标注。"),
    }
