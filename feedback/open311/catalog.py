"""Categories as GeoReport services, and the attributes their definitions carry.

Every service asks how urgent the problem is (it sets the case's priority); a component
(部件) also asks what state the component is in, an event (事件) whether it is still
going on. Attribute answers are added to the case's description so every reader of the
case sees them.
"""

from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from feedback.models import Category, CategoryKind, Priority
from feedback.open311.render import Open311Error


@dataclass(frozen=True)
class Attribute:
    code: str
    description: str
    values: tuple[tuple[str, str], ...]
    required: bool = False

    def as_definition(self, order: int) -> dict:
        return {
            "variable": True,
            "code": self.code,
            "datatype": "singlevaluelist",
            "required": self.required,
            "datatype_description": _("从列表中选择一项"),
            "order": order,
            "description": self.description,
            "values": [{"key": key, "name": name} for key, name in self.values],
        }

    def label_of(self, key: str) -> str:
        for value_key, name in self.values:
            if value_key == key:
                return name
        raise Open311Error(
            400, _("属性 %(code)s 的取值 %(key)s 无效。") % {"code": self.code, "key": key}
        )


def _urgency() -> Attribute:
    return Attribute(
        "urgency",
        _("紧急程度"),
        ((Priority.NORMAL, _("一般")), (Priority.URGENT, _("紧急（危及安全）"))),
    )


def _by_kind(kind: str) -> Attribute:
    if kind == CategoryKind.COMPONENT:
        return Attribute(
            "condition",
            _("部件状况"),
            (
                ("damaged", _("破损")),
                ("missing", _("缺失")),
                ("displaced", _("移位或倾斜")),
                ("other", _("其他")),
            ),
        )
    return Attribute("ongoing", _("是否仍在发生"), (("yes", _("仍在发生")), ("no", _("已经结束"))))


def attributes_of(category: Category) -> list[Attribute]:
    return [_by_kind(category.kind), _urgency()]


def leaf_categories() -> QuerySet[Category]:
    return Category.objects.filter(active=True, parent__isnull=False).select_related("parent")


def service_of(code: str) -> Category:
    category = leaf_categories().filter(code=code).first()
    if category is None:
        raise Open311Error(404, _("服务代码 %(code)s 不存在。") % {"code": code})
    return category


def service_row(category: Category) -> dict:
    kind = str(CategoryKind(category.kind).label)
    return {
        "service_code": category.code,
        "service_name": category.name,
        "description": _describe(category),
        "metadata": bool(attributes_of(category)),
        "type": "realtime",
        "keywords": f"{kind},{category.parent.name}",
        "group": category.parent.name,
    }


def _describe(category: Category) -> str:
    text = _("%(name)s：%(hours)d 个工作小时内立案，派遣后 %(days)d 个工作日内处置。") % {
        "name": category.name,
        "hours": category.register_hours,
        "days": category.handle_days,
    }
    if category.sensitive:
        text += _("此类诉求不公开显示。")
    return text


def definition_of(category: Category) -> dict:
    attributes = attributes_of(category)
    return {
        "service_code": category.code,
        "attributes": [a.as_definition(order) for order, a in enumerate(attributes, start=1)],
    }
