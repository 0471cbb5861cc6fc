"""The printed accounts' inboxes: the history is written without events (demo.history),
so it leaves no notifications. Two cases are told today through the live services, as
people would, and the projector reads their events into the inboxes at once: the
resident finds their case's progress and a request to rate it, the grid worker a new
case and one to verify, the handler a dispatch, without waiting for the scheduler.
"""

import uuid

from django.contrib.gis.geos import Point

from accounts.models import User
from common.errors import NotFound
from demo.accounts import WORKER_GRIDS
from feedback import services
from feedback.catalog import category_by_code
from grid.models import Area
from notifications.models import Notification
from notifications.projector import project_pending
from realtime.models import Event

# 暴露垃圾 and 违规张贴小广告: routed to city management, the printed handler's department
STORIES = (
    ("1101", "小区东门垃圾堆放两天无人清运，气味较大。"),
    ("1103", "单元门口和电梯里贴满小广告。"),
)


def inbox_fill() -> int:
    """Tell the two cases and project them; returns the notifications made."""
    people = {u.username: u for u in User.objects.filter(username__in=_PRINTED)}
    if len(people) < len(_PRINTED):
        raise NotFound("demo accounts missing: run manage.py demo_accounts")
    grid = Area.objects.get(code=WORKER_GRIDS[0])
    where = grid.boundary.point_on_surface
    closed_case = _report(people["resident"], STORIES[0], where)
    _close(closed_case.pk, people)
    open_case = _report(people["resident"], STORIES[1], where)
    services.case_register(actor=people["supervisor"], case_id=open_case.pk)
    return project_pending().notifications


_PRINTED = ("resident", "gridworker", "supervisor", "handler")


def _report(resident: User, story: tuple[str, str], where: Point):
    code, description = story
    case, _created = services.case_report(
        actor=resident,
        client_id=uuid.uuid4(),
        category=category_by_code(code),
        description=description,
        lon=where.x,
        lat=where.y,
    )
    return case


def _close(case_id: int, people: dict[str, User]) -> None:
    """Register, dispatch (to the category's department), handle and verify."""
    services.case_register(actor=people["supervisor"], case_id=case_id)
    services.case_dispatch(actor=people["supervisor"], case_id=case_id)
    services.case_handle(actor=people["handler"], case_id=case_id, note="已清运并消杀。")
    services.case_verify(actor=people["gridworker"], case_id=case_id, passed=True)


def inbox_delete(district_code: str) -> None:
    """With the district's cases gone, their notifications would point nowhere."""
    events = Event.objects.filter(area_code__startswith=district_code).values("pk")
    Notification.objects.filter(event_id__in=events).delete()
