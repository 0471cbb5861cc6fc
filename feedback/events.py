"""The case events: every kind a case can emit, what its payload holds, and who receives
it (decided by feedback.access when the event is written).

A payload carries no personal data: no reporter, no description, no notes. It tells a
screen which case moved and where, so the screen can refresh what its user may see.
"""

from feedback.models import Case, CaseEntry, CaseFollower
from maps.layers import data_changed
from realtime.groups import department_groups_upwards, staff_groups_upwards, user_group
from realtime.models import Event
from realtime.publish import new_event

# timeline action → event kind; an action missing here cannot be recorded
CASE_EVENT_KINDS = {
    "report": "case.report",
    "on_spot": "case.on_spot",
    "add_photos": "case.add_photos",
    "register": "case.register",
    "reject": "case.reject",
    "dispatch": "case.dispatch",
    "merge": "case.merge",
    "absorb": "case.absorb",
    "hide": "case.hide",
    "unhide": "case.unhide",
    "handle": "case.handle",
    "send_back": "case.send_back",
    "verify_pass": "case.verify_pass",
    "verify_fail": "case.verify_fail",
    "withdraw": "case.withdraw",
    "reopen": "case.reopen",
    "rate": "case.rate",
    "escalate": "case.escalate",
}
PAYLOAD_FIELDS = (
    "case", "number", "state", "category", "grid", "department", "due_at",
    "escalation_level", "lon", "lat", "seq", "action",
)  # fmt: skip


def case_event(case: Case, entry: CaseEntry) -> Event:
    """The outbox row for one timeline entry, with its audience; not saved yet."""
    # Every write of a case builds its event here: the one place the map's tiles learn
    # that the cases changed (a new version after commit).
    data_changed("cases")
    return new_event(
        area_code=case.area_code,
        kind=CASE_EVENT_KINDS[entry.action],
        payload=case_payload(case, entry),
        audience=case_audience(case, with_followers=entry.seq > 1),
    )


def case_payload(case: Case, entry: CaseEntry) -> dict:
    """What a screen needs to update its list and map; no personal data."""
    return {
        "case": case.pk,
        "number": case.number,
        "state": case.state,
        "category": case.category.code,
        "grid": case.area_code,
        "department": case.department_id,
        "due_at": case.due_at.isoformat() if case.due_at else None,
        "escalation_level": case.escalation_level,
        "lon": case.location.x if case.location else None,
        "lat": case.location.y if case.location else None,
        "seq": entry.seq,
        "action": entry.action,
    }


def case_audience(case: Case, *, with_followers: bool = True) -> list[str]:
    """Everyone who may open the case, as groups (feedback.access.CaseAccess.visible_q):
    the area staff of its grid and every area above, the handlers of its department over
    its area, its reporter and its followers. Never a public group: a case's moves are
    not news to people who cannot open it (a hidden or sensitive case above all)."""
    groups = staff_groups_upwards(case.area_code)
    if case.department_id is not None:
        groups += department_groups_upwards(case.department_id, case.area_code)
    people = {case.reporter_id} if case.reporter_id else set()
    if with_followers:  # a new case has none; asking would cost the report a query
        people |= set(CaseFollower.objects.filter(case=case).values_list("user_id", flat=True))
    return groups + [user_group(pk) for pk in sorted(people)]
