"""Where the header's 事件 link goes: each role's own case list, not everyone's own
reports (a handler's "my reports" is always empty)."""

from django.http import HttpRequest
from django.urls import reverse

from accounts.models import Role, User
from accounts.scope import held_roles

# The first role the user holds decides; a resident or a clerk lands on their reports.
CASE_ENTRIES = (
    (Role.ADMIN, "feedback:supervise"),
    (Role.SUPERVISOR, "feedback:queue"),
    (Role.HANDLER, "feedback:inbox"),
    (Role.GRID_WORKER, "feedback:grid_cases"),
)


def case_home_url(user: User) -> str:
    """The user's own case list: the header's 事件, and where an action lands when its
    case has left the user's sight (a handler's send-back)."""
    held = {h.role for h in held_roles(user)}
    if user.is_superuser:
        held.add(Role.ADMIN)
    return reverse(next((name for role, name in CASE_ENTRIES if role in held), "feedback:mine"))


def case_entry(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"cases_entry_url": case_home_url(user)}
