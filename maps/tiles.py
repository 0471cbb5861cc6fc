"""Vector tiles: `/tiles/<layer>/<z>/<x>/<y>.pbf`, scoped exactly like the GeoJSON (the
layer's own function asks its access policy), cached by the browser under an ETag.

The ETag is a digest of what the tile shows: the layer's data versions (maps.layers), the
deadline-colour step for cases, the tile, the filters, and who asks with which roles.
`Cache-Control: private`: a tile holds one user's view and never sits in a shared cache.
"""

import hashlib

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from accounts.models import User
from accounts.scope import held_roles
from accounts.tokens import token_user
from maps.layers import Layer, get_layer, provider, versions_of
from maps.query import BadMapQuery, MapQuery, parse_filters, tile_bbox

MVT_TYPE = "application/vnd.mapbox-vector-tile"


@require_GET
def vector_tile(request: HttpRequest, layer: str, z: int, x: int, y: int) -> HttpResponse:
    user = _user(request)
    if user is None:
        return _problem(401, _("请先登录。"))
    found = get_layer(layer)
    if found is None or found.tile is None:
        return _problem(404, _("没有这个图层。"))
    try:
        query = MapQuery(tile_bbox(z, x, y), z, _filters(request), tile=(z, x, y))
    except BadMapQuery as exc:
        return _problem(400, exc.message)
    etag = f'"{tile_etag(found, user, query)}"'
    if etag in _if_none_match(request):
        response = HttpResponse(status=304)
    else:
        response = HttpResponse(found.tile(user, query), content_type=MVT_TYPE)
    response["ETag"] = etag
    response["Cache-Control"] = f"private, max-age={settings.MAP_TILE_MAX_AGE}"
    response["Vary"] = "Cookie, Authorization"
    return response


def tile_etag(layer: Layer, user: User, query: MapQuery) -> str:
    colour = provider("colour_key") if "cases" in layer.depends_on else None
    parts = (
        layer.name,
        versions_of(layer),
        colour() if colour else "",
        repr(query.tile),
        query.filters.key(),
        str(user.pk),
        str(user.is_superuser),
        repr(held_roles(user)),
    )
    return hashlib.blake2b("\n".join(parts).encode(), digest_size=16).hexdigest()


def _user(request: HttpRequest) -> User | None:
    header = request.headers.get("Authorization", "")
    if header.startswith("Bearer "):
        return token_user(header[7:].strip())
    return request.user if request.user.is_authenticated else None


def _filters(request: HttpRequest):
    get = request.GET
    department = get.get("department") or None
    if department is not None and not department.isdigit():
        raise BadMapQuery(_("部门编号应为数字。"))
    return parse_filters(
        state=get.get("state", "")[:12],
        category=get.get("category", "")[:10],
        department=int(department) if department else None,
        since=get.get("since"),
        until=get.get("until"),
    )


def _if_none_match(request: HttpRequest) -> set[str]:
    header = request.headers.get("If-None-Match", "")
    return {tag.strip().removeprefix("W/") for tag in header.split(",") if tag.strip()}


def _problem(status: int, detail: str) -> JsonResponse:
    body = {"type": "about:blank", "title": str(detail), "status": status, "detail": str(detail)}
    response = JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})
    response["Content-Type"] = "application/problem+json"
    return response
