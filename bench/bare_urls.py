"""The baseline of bench/case_intake.py: a bare Django view that inserts the same Case row
as a report through the API, minus everything the API adds (token, validation, grid
lookup, role check, deadline arithmetic, timeline entry, follower, event). The grid comes
precomputed in the body. Mounted only by bench.settings_bench, never by the product."""

import datetime as dt
import json
from functools import cache

from django.contrib.gis.geos import Point
from django.http import HttpRequest, JsonResponse
from django.urls import path
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from accounts.models import User
from config.urls import urlpatterns as product_urlpatterns
from feedback.models import Case, CaseSource, CaseState, Category
from grid.models import Area, AreaLevel

BENCH_REPORTER = "gridworker"


@cache
def _lookups() -> tuple[dict[str, int], dict[str, int], int]:
    """Categories and grids by code and the reporter's id, read once per process."""
    categories = dict(Category.objects.values_list("code", "pk"))
    grids = dict(Area.objects.filter(level=AreaLevel.GRID).values_list("code", "pk"))
    return categories, grids, User.objects.get(username=BENCH_REPORTER).pk


@csrf_exempt
def bare_case(request: HttpRequest) -> JsonResponse:
    body = json.loads(request.body)
    categories, grids, reporter = _lookups()
    now = timezone.now()
    case = Case.objects.create(
        number="B" + body["client_id"].replace("-", "")[:19],
        client_id=body["client_id"],
        category_id=categories[body["category"]],
        description=body["description"],
        location=Point(body["lon"], body["lat"], srid=4326),
        address=body["address"],
        grid_id=grids[body["grid_code"]],
        area_code=body["grid_code"],
        source=CaseSource.PATROL,
        reporter_id=reporter,
        state=CaseState.REPORTED,
        stage_started_at=now,
        due_at=now + dt.timedelta(hours=2),
    )
    return JsonResponse({"id": case.pk, "number": case.number}, status=201)


urlpatterns = [path("bench/bare-case", bare_case), *product_urlpatterns]
