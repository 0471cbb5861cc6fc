"""Appending to a case's timeline and telling the screens, in the writer's transaction."""

from django.db.models import Max

from accounts.models import User
from feedback.events import case_event
from feedback.models import Case, CaseEntry
from realtime.publish import send_after_commit


def record(
    case: Case, *, action: str, actor: User | None, first: bool = False, **details
) -> CaseEntry:
    """Append one timeline entry and its event (feedback.events: kind, payload and
    audience), published after commit; `details` are `new_entry`'s role, from_state,
    note and data.

    The caller holds the case row locked (select_for_update), so `seq` cannot race.
    """
    seq = 1 if first else (case.timeline.aggregate(m=Max("seq"))["m"] or 0) + 1
    entry = new_entry(case, seq, action=action, actor=actor, **details)
    entry.save()
    event = case_event(case, entry)
    event.save()
    send_after_commit(event)
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
