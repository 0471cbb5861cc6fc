"""The administrator's grid boundary editor: the grid, its community and the grids around
it on the map; vertices snap to the neighbours' edges (geoman), every change is checked
live (overlaps, outside the community, coverage) and saved through the boundary API."""

import json

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from maps.config import map_config
from maps.selectors import grid_editable
from maps.texts import page_texts


@login_required
def grid_editor(request: HttpRequest, code: str) -> HttpResponse:
    grid = grid_editable(user=request.user, code=code)
    if grid is None:
        raise Http404(_("网格不存在或您无权编辑其边界。"))
    community = grid.parent
    config = map_config(
        request,
        mode="editor",
        grid={"code": grid.code, "name": grid.name, "boundary": json.loads(grid.boundary.geojson)},
        parent=json.loads(community.boundary.geojson) if community else None,
        focus=list(grid.boundary.extent),
        texts=page_texts(),
    )
    context = {"grid": grid, "community": community, "map_config": config}
    return render(request, "maps/grid_editor.html", context)
