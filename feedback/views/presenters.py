"""How a case reads on a page: its timeline rows and who reported it."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Department, Role
from feedback.access import CaseAccess
from feedback.models import Case, CaseEntry, CaseState, Rating
from feedback.workflow import STEP

ROLE_LABELS = {**dict(Role.choices), "system": gettext_lazy("系统")}


def reporter_label(case: Case) -> str:
    if case.reporter_name:
        return case.reporter_name
    return str(case.reporter) if case.reporter_id else _("未知")


def timeline(case: Case, reveal_reporter: bool, access: CaseAccess | None = None) -> list[dict]:
    """The case's timeline rows. Without `access` (the public page's caller hides names
    and notes itself) every note; a viewer who may not read all notes (the reporter)
    sees which office acted, never a staff member's name or an internal note."""
    staff = access is None or access.reads_notes_of(case)
    entries = case.timeline.select_related("actor").prefetch_related("photos").order_by("seq")
    rows = []
    for entry in entries:
        own = entry.actor_id is not None and entry.actor_id == case.reporter_id
        if own:
            actor = (entry.actor or "") if reveal_reporter else _("反映人")
        else:
            actor = (entry.actor or "") if staff else ""
        note = entry.note if access is None or access.reads_note(entry, case) else ""
        rows.append(
            {
                "entry": entry,
                "note": note,
                "label": _phrase(entry.action),
                "role": ROLE_LABELS.get(entry.actor_role, ""),
                "actor": actor,
                "to_state": CaseState(entry.to_state).label if _moved(entry) else "",
                "extra": _entry_extra(entry),
                "rating": dict(Rating.choices).get(entry.data.get("rating", "")),
                "photos": list(entry.photos.all()),
            }
        )
    return rows


def _phrase(action: str):
    """The timeline phrase of feedback.workflow; an action without one shows its name."""
    step = STEP.get(action)
    return step.phrase if step is not None and step.phrase else action


def _moved(entry: CaseEntry) -> bool:
    return bool(entry.to_state) and (entry.action == "report" or bool(entry.from_state))


def _entry_extra(entry: CaseEntry) -> str:
    """The one fact an entry's data adds: where it went, what it merged."""
    data = entry.data
    if entry.action == "dispatch":
        department = Department.objects.filter(pk=data.get("department")).first()
        return _("派往 %(name)s") % {"name": department.name} if department else ""
    if entry.action == "merge":
        return _("并入 %(number)s") % {"number": data.get("master_number", "")}
    if entry.action == "absorb":
        # this entry is on the surviving case: the other one was merged into it
        return _("重复事件 %(number)s 已并入本事件") % {"number": data.get("duplicate_number", "")}
    if entry.action == "escalate":
        return _escalation_text(data)
    return ""


def _escalation_text(data: dict) -> str:
    hours = float(data.get("overdue_hours") or 0)
    level = data.get("level", "")
    if hours < 1:
        return _("第 %(level)s 次督办，超期不足 1 小时") % {"level": level}
    return _("第 %(level)s 次督办，超期 %(hours)d 小时") % {"level": level, "hours": round(hours)}
