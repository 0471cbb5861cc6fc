"""Service requests: reading cases as the public may, and filing them for an api_key.

Public reads show what the public case list shows (feedback.access.public_q): no hidden
case, no sensitive category, no rejected, withdrawn or merged case, never the reporter;
without an api_key those under OPEN311_PUBLIC_AREA, with one those of the communities the
key's account reads (feedback.access, `readable_by`). `status_notes` is a fixed text per
state: staff notes (reject reasons, merge and verification notes) may speak of people and
are never published. `media_url` is the first photo through photos/{id}.jpg, which serves no other
photo.
"""

import datetime as dt
import re
import uuid

from django.conf import settings
from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.http import HttpRequest, QueryDict
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from accounts.scope import code_prefix_q
from accounts.tokens import token_user
from common.personal_data import mask_free_text
from feedback.access import case_access, public_q
from feedback.models import OPEN_STATES, Case, CasePhoto, CaseState
from feedback.open311.render import Open311Error, iso

MAX_RESULTS = 1000
DEFAULT_DAYS = 90
FIRST_YEAR, LAST_YEAR = 2000, 2100
CLOSED_STATES = [s for s in CaseState.values if s not in OPEN_STATES]
STATUS_NOTES = {
    CaseState.REPORTED: gettext_lazy("已收到，等待立案。"),
    CaseState.REGISTERED: gettext_lazy("已立案，等待派遣。"),
    CaseState.DISPATCHED: gettext_lazy("已派遣至职能部门处置。"),
    CaseState.HANDLED: gettext_lazy("已处置，等待网格员核查。"),
    CaseState.CLOSED: gettext_lazy("已办结。"),
}


def reader_of(params: QueryDict) -> User | None:
    """The account of the `api_key` a read carries (None without one); a bad key is 403,
    not a silent fall back to the anonymous view."""
    key = params.get("api_key", "")
    if not key:
        return None
    user = token_user(key)
    if user is None:
        raise Open311Error(403, _("api_key 无效或已被吊销。"))
    return user


def readable_by(user: User | None) -> Q:
    """Which public requests a read may list or open.

    Without a key: those under settings.OPEN311_PUBLIC_AREA ("" = every area of this
    platform). With a key: those of the communities of the key's roles, as on the public
    case pages, so a resident's key lists its own community, not the neighbours'.
    """
    if user is None:
        return Q(area_code__startswith=settings.OPEN311_PUBLIC_AREA)
    return code_prefix_q("area_code", case_access(user).public_communities())


def public_requests(readable: Q | None = None) -> QuerySet[Case]:
    first_photo = CasePhoto.objects.filter(case=OuterRef("pk")).order_by("id").values("id")[:1]
    return (
        Case.objects.filter(readable if readable is not None else Q())
        .filter(public_q())
        .select_related("category", "department")
        .annotate(first_photo=Subquery(first_photo))
        .order_by("-created_at", "-id")
    )


def public_photo(photo_id: int) -> CasePhoto | None:
    """The photo behind a media_url: the first photo of a case the public may read."""
    if not public_requests(readable_by(None)).filter(first_photo=photo_id).exists():
        return None
    return CasePhoto.objects.filter(pk=photo_id).first()


def request_row(case: Case, request: HttpRequest) -> dict:
    return {
        "service_request_id": case.pk,
        "status": "open" if case.state in OPEN_STATES else "closed",
        "status_notes": str(STATUS_NOTES[case.state]) if case.state in STATUS_NOTES else None,
        "service_name": case.category.name,
        "service_code": case.category.code,
        "description": mask_free_text(case.description),
        "agency_responsible": case.department.name if case.department_id else None,
        "service_notice": _("%(state)s（编号 %(number)s）")
        % {"state": case.get_state_display(), "number": case.number},
        "requested_datetime": iso(case.created_at),
        "updated_datetime": iso(case.updated_at),
        "expected_datetime": iso(case.due_at),
        "address": mask_free_text(case.address) or None,
        "address_id": None,
        "zipcode": None,
        "lat": case.location.y if case.location else None,
        "long": case.location.x if case.location else None,
        "media_url": _media_url(request, case.first_photo),
    }


def _media_url(request: HttpRequest, photo_id: int | None) -> str | None:
    if photo_id is None:
        return None
    return request.build_absolute_uri(reverse("open311:photo", args=[photo_id]))


def filtered(params: QueryDict) -> QuerySet[Case]:
    """GET requests.{fmt}: `service_request_id` overrides every other filter; without
    dates the last 90 days; `page`/`page_size` (≤ 1000) page through the rest."""
    cases = public_requests(readable_by(reader_of(params)))
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
    # Checked before any arithmetic: 0001-01-01 minus 90 days would overflow (a 500).
    if not FIRST_YEAR <= moment.year <= LAST_YEAR:
        raise Open311Error(
            400,
            _("%(name)s 应在 %(first)d 年至 %(last)d 年之间。")
            % {"name": name, "first": FIRST_YEAR, "last": LAST_YEAR},
        )
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
