"""The map page of each role at /maps/: a grid worker's grid and a resident's community
(phone first, tap to report), and the supervisor's command map (desktop). The pages draw
only what the layer endpoints of map_config answer for this user; what a domain above
maps decides (who may report, the case filters) comes through maps.layers' providers."""

from django.contrib.auth.decorators import login_required
from django.contrib.gis.db.models import Extent
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.models import Department, Role, User
from accounts.scope import has_role, scope_codes
from grid.models import Area
from maps.config import map_config
from maps.layers import provider
from maps.texts import page_texts

COMMAND_ROLES = (Role.SUPERVISOR, Role.ADMIN)


def scope_extent(user: User, roles: tuple[str, ...] | None = None) -> list[float] | None:
    """[west, south, east, north] of the areas the user's roles name: where their map opens."""
    codes = scope_codes(user, roles)
    extent = Area.objects.filter(code__in=codes).aggregate(box=Extent("boundary"))["box"]
    return list(extent) if extent else None


def _from_provider(name: str, user: User):
    found = provider(name)
    return found(user) if found else None


def field_mode(user: User) -> str:
    if has_role(user, Role.GRID_WORKER):
        return "worker"
    if has_role(user, Role.RESIDENT):
        return "resident"
    return "area"


@login_required
def my_map(request: HttpRequest) -> HttpResponse:
    """地图: the supervisor's and admin's command map, everyone else's field map."""
    if request.user.is_superuser or has_role(request.user, *COMMAND_ROLES):
        return redirect("maps:command")
    return field_map(request)


def field_map(request: HttpRequest) -> HttpResponse:
    user = request.user
    mode = field_mode(user)
    report = _from_provider("case_report", user)
    layers = ["grids", "buildings", "cases"] + (["topics"] if mode == "resident" else [])
    config = map_config(
        request,
        mode=mode,
        layers=layers,
        report=report,
        focus=scope_extent(user),
        texts=page_texts(),
    )
    titles = {"worker": _("我的网格"), "resident": _("社区地图"), "area": _("辖区地图")}
    context = {"map_config": config, "mode": mode, "report": report, "title": titles[mode]}
    return render(request, "maps/field_map.html", context)


def departments_for(user: User) -> list[Department]:
    """Departments over or under the user's areas: those their cases may go to."""
    codes = scope_codes(user, COMMAND_ROLES)
    departments = Department.objects.select_related("area").order_by("area__code", "name")
    if user.is_superuser:
        return list(departments)
    return [
        d
        for d in departments
        if any(c.startswith(d.area.code) or d.area.code.startswith(c) for c in codes)
    ]


@login_required
def command_map(request: HttpRequest) -> HttpResponse:
    """指挥地图: the supervised area's grids, cases, heat and side panels."""
    user = request.user
    if not (user.is_superuser or has_role(user, *COMMAND_ROLES)):
        raise Http404(_("您没有指挥地图的权限。"))
    filters = _from_provider("case_filters", user) or {"states": [], "categories": []}
    may_edit = user.is_superuser or has_role(user, Role.ADMIN)
    config = map_config(
        request,
        mode="command",
        focus=scope_extent(user, COMMAND_ROLES) or scope_extent(user),
        texts=page_texts(),
        # the editor itself checks the grid is under the user's admin role
        grid_editor=reverse("maps:grid_editor", args=["{code}"]) if may_edit else None,
    )
    context = {"map_config": config, "filters": filters, "departments": departments_for(user)}
    return render(request, "maps/command_map.html", context)
