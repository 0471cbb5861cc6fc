"""Which department handles a category in an area: the most specific route wins."""

from accounts.models import Department
from feedback.models import Category, CategoryRoute


def department_for(category: Category, area_code: str) -> Department | None:
    routes = CategoryRoute.objects.filter(category=category).select_related("department", "area")
    matching = [r for r in routes if area_code.startswith(r.area.code)]
    if matching:
        return max(matching, key=lambda r: len(r.area.code)).department
    if category.department_id:
        return category.department
    return category.parent.department if category.parent_id else None
