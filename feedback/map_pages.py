"""What the map pages (maps, below feedback) need to know of cases, given through
maps.layers' providers: whether and where a user reports from the map, and the choices of
the command map's filters."""

from django.urls import reverse

from accounts.models import User
from feedback.access import REPORTING_ROLES, case_access
from feedback.models import CaseState, Category
from maps.layers import register_provider


def case_report(user: User) -> dict | None:
    """The report API's URLs for a user who may report somewhere, else None."""
    if not case_access(user).codes(REPORTING_ROLES):
        return None
    return {"categories": reverse("api:category_tree"), "report": reverse("api:case_report")}


def case_filters(user: User) -> dict:
    leaves = Category.objects.filter(active=True, parent__isnull=False).order_by("code")
    return {
        "states": [{"value": s.value, "label": str(s.label)} for s in CaseState],
        "categories": [{"code": c.code, "name": c.name} for c in leaves],
    }


def register() -> None:
    register_provider("case_report", case_report)
    register_provider("case_filters", case_filters)
