"""Appending to a case's timeline and telling the screens, in the writer's transaction."""

from django.db.models import Max

from accounts.models import User
from feedback.models import Case, CaseEntry
from realtime.publish import emit


def record(
    case: Case, *, action: str, actor: User | None, first: bool = False, **details
) -> CaseEntry:
    """Append one timeline entry and emit `case.<action>` for the case's area; `details`
    are `new_entry`'s role, from_state, note and data.

    The caller holds the case row locked (select_for_update), so `seq` cannot race.
    """
    seq = 1 if first else (case.timeline.aggregate(m=Max("seq"))["m"] or 0) + 1
    entry = new_entry(case, seq, action=action, actor=actor, **details)
    entry.save()
    emit(area_code=case.area_code, kind=f"case.{action}", payload=event_payload(case, entry))
    return entry


def new_entry(
    case: Case,
    seq: int,
    *,
    action: str,
    actor: User | None,
    role: str = "",
    from_state: str = "",
    note: str = "",
    data: dict | None = None,
) -> CaseEntry:
    """A timeline entry, not saved yet (for writers that save rows together)."""
    return CaseEntry(
        case=case,
        seq=seq,
        action=action,
        actor=actor,
        actor_role=role,
        from_state=from_state,
        to_state=case.state,
        note=note,
        data=data or {},
    )


def event_payload(case: Case, entry: CaseEntry) -> dict:
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
