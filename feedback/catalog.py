"""Loading the standard category tree (idempotent: updates by code).

Categories are shared by every district; each district gets its own line departments
and a CategoryRoute per leaf, so the same category goes to each district's department.
"""

from django.db import DEFAULT_DB_ALIAS, transaction

from accounts.models import Department
from feedback.data.categories import COMPONENTS, DEPARTMENTS, EVENTS
from feedback.models import Category, CategoryKind, CategoryRoute
from grid.models import Area
from infra.memo import Memo

# Categories by code (their field values: plain, so they pickle small): every report
# names one, and they change a few times a year.
categories: Memo[tuple] = Memo("category", seconds=60)
_FIELDS = [field.attname for field in Category._meta.concrete_fields]


def forget_categories_on_commit(*codes: str) -> None:
    """Every write of a Category calls this with its codes (old and new, if it changed)."""
    categories.forget_on_commit(*codes)


def category_by_code(code: str) -> Category | None:
    """The category with `code` (a new instance: callers may attach it to a new case)."""
    values = categories.get(
        code, lambda: Category.objects.filter(code=code).values_list(*_FIELDS).first()
    )
    return Category.from_db(DEFAULT_DB_ALIAS, _FIELDS, values) if values is not None else None


def department_code(district: Area, key: str) -> str:
    return f"{district.code}-{key}"


@transaction.atomic
def categories_load(*, district: Area | None = None) -> int:
    """Create or update the standard categories; with a district, also its departments
    and the routes of every leaf to them. Returns the number of leaf categories."""
    departments = _departments(district) if district is not None else {}
    count = 0
    for kind, groups in ((CategoryKind.COMPONENT, COMPONENTS), (CategoryKind.EVENT, EVENTS)):
        for code, name, leaves in groups:
            parent, _ = Category.objects.update_or_create(
                code=code, defaults={"name": name, "kind": kind, "parent": None}
            )
            for leaf in leaves:
                category = _leaf(kind, parent, leaf)
                if district is not None:
                    CategoryRoute.objects.update_or_create(
                        category=category,
                        area=district,
                        defaults={"department": departments[leaf[2]]},
                    )
                count += 1
            forget_categories_on_commit(code, *(leaf[0] for leaf in leaves))
    return count


def _departments(district: Area) -> dict[str, Department]:
    return {
        key: Department.objects.update_or_create(
            code=department_code(district, key), defaults={"name": name, "area": district}
        )[0]
        for key, name in DEPARTMENTS
    }


def _leaf(kind: str, parent: Category, leaf: tuple) -> Category:
    code, name, _dept, register_h, dispatch_h, handle_d, sensitive = leaf
    category, _ = Category.objects.update_or_create(
        code=code,
        defaults={
            "name": name,
            "kind": kind,
            "parent": parent,
            "register_hours": register_h,
            "dispatch_hours": dispatch_h,
            "handle_days": handle_d,
            "sensitive": sensitive,
        },
    )
    return category
