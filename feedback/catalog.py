"""Loading the standard category tree (idempotent: updates by code)."""

from django.db import transaction

from accounts.models import Department
from feedback.data.categories import COMPONENTS, DEPARTMENTS, EVENTS
from feedback.models import Category, CategoryKind
from grid.models import Area


@transaction.atomic
def categories_load(*, district: Area | None = None) -> int:
    """Create or update the standard categories; with a district, also its departments."""
    if district is not None:
        for code, name in DEPARTMENTS.items():
            Department.objects.update_or_create(
                code=code, defaults={"name": name, "area": district}
            )
    departments = {d.code: d for d in Department.objects.filter(code__in=DEPARTMENTS)}
    count = 0
    for kind, groups in ((CategoryKind.COMPONENT, COMPONENTS), (CategoryKind.EVENT, EVENTS)):
        for code, name, leaves in groups:
            parent, _ = Category.objects.update_or_create(
                code=code, defaults={"name": name, "kind": kind, "parent": None}
            )
            for leaf in leaves:
                _leaf(kind, parent, leaf, departments)
                count += 1
    return count


def _leaf(kind: str, parent: Category, leaf: tuple, departments: dict) -> None:
    code, name, dept, register_h, dispatch_h, handle_d, sensitive = leaf
    Category.objects.update_or_create(
        code=code,
        defaults={
            "name": name,
            "kind": kind,
            "parent": parent,
            "department": departments.get(dept),
            "register_hours": register_h,
            "dispatch_hours": dispatch_h,
            "handle_days": handle_d,
            "sensitive": sensitive,
        },
    )
