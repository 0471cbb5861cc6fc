"""Service requests: reading cases as the public may, and filing them for an api_key.

Public reads leave out hidden cases and sensitive categories and never carry the
reporter. `status_notes` is the latest note written by staff on the way (a reporter's
own reopen reason or rating comment is theirs, not a public status).
"""

import datetime as dt
import re
import uuid

from django.core.files.storage import default_storage
from django.db.models import OuterRef, QuerySet, Subquery
from django.http import HttpRequest, QueryDict
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from feedback.models import OPEN_STATES, Case, CaseEntry, CasePhoto, CaseState
from feedback.open311.render import Open311Error, iso

MAX_RESULTS = 1000
DEFAULT_DAYS = 90
STAFF_NOTE_ACTIONS = (
    "register",
    "reject",
    "dispatch",
    "handle",
    "verify_pass",
    "verify_fail",
    "on_spot",
    "merge",
)
CLOSED_STATES = [s for s in CaseState.values if s not in OPEN_STATES]


def public_requests() -> QuerySet[Case]:
    notes = (
        CaseEntry.objects.filter(case=OuterRef("pk"), action__in=STAFF_NOTE_ACTIONS)
        .exclude(note="")
        .order_by("-seq")
        .values("note")[:1]
    )
    first_photo = CasePhoto.objects.filter(case=OuterRef("pk")).order_by("id").values("image")[:1]
    return (
        Case.objects.filter(hidden=False, category__sensitive=False)
        .select_related("category", "department")
        .annotate(status_notes=Subquery(notes), first_photo=Subquery(first_photo))
        .order_by("-created_at", "-id")
    )


def request_row(case: Case, request: HttpRequest) -> dict:
    photo = case.first_photo
    return {
        "service_request_id": case.pk,
        "status": "open" if case.state in OPEN_STATES else "closed",
        "status_notes": case.status_notes,
        "service_name": case.category.name,
        "service_code": case.category.code,
        "description": case.description,
        "agency_responsible": case.department.name if case.department_id else None,
        "service_notice": _("%(state)s（编号 %(number)s）")
        % {"state": case.get_state_display(), "number": case.number},
        "requested_datetime": iso(case.created_at),
        "updated_datetime": iso(case.updated_at),
        "expected_datetime": iso(case.due_at),
        "address": case.address or None,
        "address_id": None,
        "zipcode": None,
        "lat": case.location.y if case.location else None,
        "long": case.location.x if case.location else None,
        "media_url": request.build_absolute_uri(default_storage.url(photo)) if photo else None,
    }


def filtered(params: QueryDict) -> QuerySet[Case]:
    """GET requests.{fmt}: `service_request_id` overrides every other filter; without
    dates the last 90 days; `page`/`page_size` (≤ 1000) page through the rest."""
    cases = public_requests()
    if params.get("service_request_id"):
        ids = _int_list(params["service_request_id"], "service_request_id")
        return cases.filter(pk__in=ids)[:MAX_RESULTS]
    if params.get("service_code"):
        cases = cases.filter(category__code__in=params["service_code"].split(","))
    cases = _in_period(cases, _moment(params, "start_date"), _moment(params, "end_date"))
    cases = _with_status(cases, params.get("status", ""))
    page = _positive(params, "page", 1, 10_000_000)
    size = _positive(params, "page_size", MAX_RESULTS, MAX_RESULTS)
    return cases[(page - 1) * size : page * size]


def _in_period(cases, start: dt.datetime | None, end: dt.datetime | None):
    if start is None and end is None:
        start = timezone.now() - dt.timedelta(days=DEFAULT_DAYS)
    elif start is None:
        start = end - dt.timedelta(days=DEFAULT_DAYS)
    cases = cases.filter(created_at__gte=start)
    return cases.filter(created_at__lte=end) if end else cases


def _with_status(cases, status: str):
    wanted = {s.strip() for s in status.split(",") if s.strip()}
    if wanted - {"open", "closed"}:
        raise Open311Error(400, _("status 只能是 open 或 closed。"))
    if wanted == {"open"}:
        return cases.filter(state__in=OPEN_STATES)
    if wanted == {"closed"}:
        return cases.filter(state__in=CLOSED_STATES)
    return cases


def _int_list(value: str, name: str) -> list[int]:
    parts = [p.strip() for p in value.split(",")]
    if not all(re.fullmatch(r"[0-9]{1,18}", p) for p in parts) or len(parts) > MAX_RESULTS:
        raise Open311Error(400, _("%(name)s 应为以逗号分隔的数字。") % {"name": name})
    return [int(p) for p in parts]


def _moment(params: QueryDict, name: str) -> dt.datetime | None:
    value = params.get(name)
    if not value:
        return None
    try:
        moment = parse_datetime(value.replace(" ", "+"))  # a "+" decoded from the URL
    except ValueError:
        moment = None
    if moment is None:
        raise Open311Error(400, _("%(name)s 应为 ISO 8601 时间。") % {"name": name})
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment)


def _positive(params: QueryDict, name: str, default: int, limit: int) -> int:
    value = params.get(name)
    if value is None or value == "":
        return default
    if not value.isdigit() or not 1 <= int(value) <= limit:
        raise Open311Error(
            400, _("%(name)s 应为 1 到 %(limit)d 的整数。") % {"name": name, "limit": limit}
        )
    return int(value)


def case_by_token(token: str) -> Case | None:
    try:
        client_id = uuid.UUID(token)
    except ValueError:
        return None
    return Case.objects.filter(client_id=client_id).only("pk", "client_id").first()
