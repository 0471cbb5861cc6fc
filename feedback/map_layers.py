"""The cases on the map: the `cases` layer (points, or counts at low zoom), the heat
cells, and the grid figures of the choropleth, registered with maps.layers.

What a user sees is feedback.access's: the cases they may open, and the public cases of
the communities they read (CaseAccess.map_q). A point opens the page they may open (the
case itself, or its public page); its title is masked unless they read the free text.
"""

import datetime as dt
import functools

from django.conf import settings
from django.contrib.gis.db.models.functions import PointOnSurface, SnapToGrid, Translate
from django.db.models import (
    BooleanField,
    CharField,
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models import (
    Case as If,
)
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from common.personal_data import mask_free_text
from feedback.access import CaseAccess, case_access
from feedback.models import OPEN_STATES, Case, CaseState
from grid.models import Area, AreaLevel
from maps.geo import X, Y, encode_area_counts, encode_tile, in_box_q
from maps.layers import LayerResult, register_layer, register_provider
from maps.query import LayerFilters, MapQuery, degrees_per_pixel

POINT_CAP = 2000  # more in the box than this: counts instead of points
POINTS_FROM_ZOOM = 15
GRID_CLUSTERS_UP_TO_ZOOM = 13
CELL_PIXELS = 64  # a snapped cell of counts is this many screen pixels wide
MAX_CELLS_ACROSS = 64  # whatever box a client sends, at most 64 × 64 cells
HEAT_CELLS_ACROSS = 70  # ≤ 4,900 heat cells
SUMMARY_CASES = 50
TITLE_CHARS = 40
TILE_PROPERTIES = ("id", "number", "category_name", "state", "colour")
CLUSTER_PROPERTIES = ("cluster", "count")


# --- rows ------------------------------------------------------------------------------------


def cases_for_map(user: User, filters: LayerFilters) -> QuerySet[Case]:
    """Every case the user may see on a map, filtered; location set."""
    cases = Case.objects.filter(case_access(user).map_q(), location__isnull=False)
    return filtered(cases, filters)


def filtered(cases: QuerySet[Case], filters: LayerFilters) -> QuerySet[Case]:
    if filters.state:
        cases = cases.filter(state=filters.state)
    if filters.category:
        cases = cases.filter(category__code__startswith=filters.category)
    if filters.department:
        cases = cases.filter(department_id=filters.department)
    if filters.since:
        cases = cases.filter(created_at__gte=_day_start(filters.since))
    if filters.until:
        cases = cases.filter(created_at__lt=_day_start(filters.until + dt.timedelta(days=1)))
    return cases


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time()))


def in_box(user: User, query: MapQuery) -> QuerySet[Case]:
    cases = cases_for_map(user, query.filters)
    return cases.filter(in_box_q(cases, "location", query.bbox))


def with_colour(cases: QuerySet[Case], now: dt.datetime) -> QuerySet[Case]:
    """Annotate the deadline colour in SQL: red overdue, amber within the last quarter of
    the stage's time, green otherwise, grey once no longer open."""
    cases = cases.annotate(
        left4=ExpressionWrapper((F("due_at") - Value(now)) * 4, output_field=DurationField()),
        stage_span=ExpressionWrapper(
            F("due_at") - F("stage_started_at"), output_field=DurationField()
        ),
    )
    return cases.annotate(
        colour=If(
            When(~Q(state__in=OPEN_STATES), then=Value("grey")),
            When(due_at__isnull=True, then=Value("green")),
            When(due_at__lt=now, then=Value("red")),
            When(left4__lt=F("stage_span"), then=Value("amber")),
            default=Value("green"),
            output_field=CharField(),
        )
    )


def colour_now() -> dt.datetime:
    """The clock the colours are taken at, in steps of MAP_COLOUR_SECONDS, so a tile's
    ETag (which includes it) holds that long."""
    step = settings.MAP_COLOUR_SECONDS
    now = timezone.now()
    return now - dt.timedelta(seconds=now.timestamp() % step) if step else now


def colour_key() -> str:
    return colour_now().isoformat()


# --- GeoJSON -----------------------------------------------------------------------------------


def cases_geojson(user: User, query: MapQuery) -> LayerResult:
    cases = in_box(user, query)
    if query.zoom >= POINTS_FROM_ZOOM:
        ids = list(cases.values_list("pk", flat=True)[: POINT_CAP + 1])
        if len(ids) <= POINT_CAP:
            return LayerResult(point_features(user, Case.objects.filter(pk__in=ids)))
    if query.zoom <= GRID_CLUSTERS_UP_TO_ZOOM:
        return LayerResult(grid_clusters(user, query))
    return LayerResult(cell_clusters(cases, cell_size(query)))


def point_features(user: User, cases: QuerySet[Case]) -> list[dict]:
    access = case_access(user)
    rows = (
        with_colour(cases, colour_now())
        .annotate(
            opens=If(
                When(access.visible_q(), then=True), default=False, output_field=BooleanField()
            )
        )
        .select_related("category")
        .only(*_POINT_FIELDS)
        .order_by("-created_at", "-pk")
    )
    return [_point(access, case) for case in rows]


_POINT_FIELDS = (
    "id",
    "number",
    "state",
    "location",
    "description",
    "area_code",
    "department_id",
    "reporter_id",
    "due_at",
    "stage_started_at",
    "category__name",
    "category__sensitive",
)


def _point(access: CaseAccess, case: Case) -> dict:
    return _feature(case.location.x, case.location.y, case_properties(access, case))


def case_properties(access: CaseAccess, case: Case) -> dict:
    """What a map shows of a case (annotated with `colour` and `opens`)."""
    text = case.description if access.reads_free_text_of(case) else mask_free_text(case.description)
    return {
        "id": case.pk,
        "number": case.number,
        "category": case.category.name,
        "state": case.state,
        "state_label": str(CaseState(case.state).label),
        "colour": case.colour,
        "url": _case_url(case.pk, opens=case.opens),
        "title": text[:TITLE_CHARS],
    }


def _case_url(pk: int, *, opens: bool) -> str:
    # reverse() once per page kind, not once per point (a z18 box holds hundreds)
    name = "feedback:detail" if opens else "feedback:public_detail"
    return _url_pattern(name).replace("999999999", str(pk))


@functools.lru_cache(maxsize=8)
def _url_pattern(name: str) -> str:
    return reverse(name, args=[999999999])


def grid_clusters(user: User, query: MapQuery) -> list[dict]:
    """Counts per grid, drawn at a point inside the grid."""
    counts = grid_case_counts(user, query)
    points = (
        Area.objects.filter(code__in=sorted(counts))
        .annotate(point=PointOnSurface("boundary"))
        .values_list("code", X("point"), Y("point"))
        .order_by("code")
    )
    return [
        _feature(lon, lat, {"cluster": True, "count": counts[code], "grid": code})
        for code, lon, lat in points
    ]


def grid_case_counts(user: User, query: MapQuery) -> dict[str, int]:
    """{code: cases} of every grid touching the box that has cases the user sees: all of
    each grid's cases, located or not.

    Where the user opens every case of a grid (feedback.access.opens_all_under) the count
    reads only the (area_code, state) index, never the table: a low zoom covers a few
    hundred thousand cases spread over as many table pages. Elsewhere the map rule
    decides case by case.
    """
    grids = Area.objects.filter(level=AreaLevel.GRID)
    grids = grids.filter(in_box_q(grids, "boundary", query.bbox))
    codes = list(grids.values_list("code", flat=True))
    access = case_access(user)
    whole = access.opens_all_under()
    covered = [c for c in codes if any(c.startswith(p) for p in whole)]
    others = sorted(set(codes) - set(covered))
    counts = _per_grid(Case.objects.filter(area_code__in=covered), query.filters)
    if others:
        mine = Case.objects.filter(access.map_q(), area_code__in=others)
        counts.update(_per_grid(mine, query.filters))
    return counts


def _per_grid(cases: QuerySet[Case], filters: LayerFilters) -> dict[str, int]:
    rows = filtered(cases, filters).order_by().values_list("area_code").annotate(n=Count("*"))
    return dict(rows.values_list("area_code", "n"))


def cell_size(query: MapQuery) -> float:
    return max(degrees_per_pixel(query.zoom) * CELL_PIXELS, query.bbox.width / MAX_CELLS_ACROSS)


def snapped_counts(cases: QuerySet[Case], size: float) -> QuerySet:
    """(cell centre, count) per snapped cell of `size` degrees."""
    cell = Translate(SnapToGrid("location", size), size / 2, size / 2)
    return cases.order_by().values(geom=cell).annotate(count=Count("pk")).values("geom", "count")


def cell_clusters(cases: QuerySet[Case], size: float) -> list[dict]:
    return [
        _feature(r["geom"].x, r["geom"].y, {"cluster": True, "count": r["count"], "grid": None})
        for r in snapped_counts(cases, size)
    ]


def _feature(lon: float, lat: float, properties: dict) -> dict:
    geometry = {"type": "Point", "coordinates": [round(lon, 6), round(lat, 6)]}
    return {"type": "Feature", "geometry": geometry, "properties": properties}


# --- tiles ---------------------------------------------------------------------------------


def cases_tile(user: User, query: MapQuery) -> bytes:
    """Points from zoom 15; below, counts per grid (to zoom 13) or per snapped cell (1/8
    of the tile), as the GeoJSON."""
    cases = in_box(user, query)
    if query.zoom <= GRID_CLUSTERS_UP_TO_ZOOM:
        counts = grid_case_counts(user, query)
        return encode_area_counts(counts, layer="cases", tile=query.tile)
    if query.zoom < POINTS_FROM_ZOOM:
        rows = snapped_counts(cases, query.bbox.width / 8).annotate(cluster=Value(True))
        return encode_tile(rows, layer="cases", tile=query.tile, properties=CLUSTER_PROPERTIES)
    rows = with_colour(cases.order_by(), colour_now()).values(
        "id", "number", "state", "colour", category_name=F("category__name"), geom=F("location")
    )
    return encode_tile(rows, layer="cases", tile=query.tile, properties=TILE_PROPERTIES)


# --- heat, grid figures and summary ----------------------------------------------------------


def heat_points(user: User, query: MapQuery) -> list[list[float]]:
    """[lat, lon, weight] per cell, at most HEAT_CELLS_ACROSS² cells."""
    size = query.bbox.width / HEAT_CELLS_ACROSS
    return [
        [round(r["geom"].y, 6), round(r["geom"].x, 6), r["count"]]
        for r in snapped_counts(in_box(user, query), size)
    ]


def grid_figures(user: User, codes: list[str], query: MapQuery | None = None) -> dict:
    """{grid code: {open, overdue, closed_week, escalated}} over the cases the user sees."""
    now = timezone.now()
    week = now - dt.timedelta(days=7)
    filters = query.filters if query else LayerFilters()
    open_ = Q(state__in=OPEN_STATES)
    rows = (
        cases_for_map(user, filters)
        .filter(area_code__in=codes)
        .order_by()
        .values("area_code")
        .annotate(
            open=Count("pk", filter=open_),
            overdue=Count("pk", filter=open_ & Q(due_at__lt=now)),
            closed_week=Count("pk", filter=Q(state=CaseState.CLOSED, closed_at__gte=week)),
            escalated=Count("pk", filter=open_ & Q(escalation_level__gt=0)),
        )
    )
    return {r.pop("area_code"): r for r in rows}


def grid_open_cases(user: User, code: str) -> list[dict]:
    """The open cases of one grid as the map shows them, most urgent first."""
    cases = cases_for_map(user, LayerFilters()).filter(area_code=code, state__in=OPEN_STATES)
    ids = list(cases.order_by("due_at", "pk").values_list("pk", flat=True)[:SUMMARY_CASES])
    features = point_features(user, Case.objects.filter(pk__in=ids))
    order = {pk: n for n, pk in enumerate(ids)}
    return sorted((f["properties"] for f in features), key=lambda p: order[p["id"]])


def register() -> None:
    register_layer("cases", geojson=cases_geojson, tile=cases_tile, depends_on=("cases",))
    register_provider("grid_figures", grid_figures)
    register_provider("grid_cases", grid_open_cases)
    register_provider("heat", heat_points)
    register_provider("colour_key", colour_key)
