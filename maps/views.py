"""Map pages: the areas in the user's scope on a Leaflet map, and the coverage overview."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.models import Role
from accounts.scope import has_role, scope_q
from grid.coverage import community_coverage
from grid.models import AreaLevel
from grid.selectors import area_get_for_user, area_list
from maps.config import map_config

# Outline colours per level: calm, distinguishable, readable without a basemap.
LEVEL_COLOURS = {
    AreaLevel.DISTRICT: "#6d4c41",
    AreaLevel.STREET: "#1565c0",
    AreaLevel.COMMUNITY: "#2e7d32",
    AreaLevel.GRID: "#c62828",
}


def _map_config(request: HttpRequest, under: str | None) -> dict:
    url = reverse("api:area_features")
    config = map_config(
        request,
        geojsonUrl=f"{url}?under={under}" if under else url,
        colours={str(level): colour for level, colour in LEVEL_COLOURS.items()},
    )
    # the keys area_map.js read before map_core.js (kept until the page moves over)
    config["basemapUrl"] = config["basemap"]["url"]
    config["basemapAttribution"] = config["basemap"]["attribution"]
    config["labels"].update(
        {
            "code": _("编码"),
            "level": _("层级"),
            "empty": _("您的范围内没有区域。"),
            "open": _("查看事件"),
        }
    )
    return config


@login_required
def area_map(request: HttpRequest, code: str | None = None) -> HttpResponse:
    area = None
    if code is not None:
        area = area_get_for_user(user=request.user, code=code)
        if area is None:
            raise Http404(_("区域不存在或不在您的管辖范围内。"))
    legend = [(AreaLevel(level).label, colour) for level, colour in LEVEL_COLOURS.items()]
    context = {"area": area, "legend": legend, "map_config": _map_config(request, code)}
    return render(request, "maps/area_map.html", context)


@login_required
def coverage_overview(request: HttpRequest) -> HttpResponse:
    """Per community: how many grids, the share not covered and the overlaps (全覆盖)."""
    if not (request.user.is_superuser or has_role(request.user, Role.ADMIN, Role.SUPERVISOR)):
        raise Http404
    communities = area_list(user=request.user, max_level=AreaLevel.COMMUNITY).filter(
        scope_q(request.user, "code"), level=AreaLevel.COMMUNITY
    )
    # community_coverage needs the boundary the list selector defers.
    reports = [(c, community_coverage(c)) for c in communities.defer(None)]
    incomplete = sum(not report.complete for _c, report in reports)
    reports = [(c, report, report.uncovered_share * 100) for c, report in reports]
    return render(request, "maps/coverage.html", {"reports": reports, "incomplete": incomplete})
