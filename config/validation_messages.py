"""Pydantic's validation errors in Chinese, one message per field.

Only the error type and its constraint reach the user; pydantic's `input` (the value
sent, maybe an ID number) and `ctx` objects (not always JSON-serialisable) stay behind.
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

FIELD_LABELS = {
    "lon": gettext_lazy("经度"),
    "lat": gettext_lazy("纬度"),
    "under": gettext_lazy("区域编码"),
    "code": gettext_lazy("区域编码"),
    "max_level": gettext_lazy("最低层级"),
    "limit": gettext_lazy("每页条数"),
    "offset": gettext_lazy("起始位置"),
    "resident_id": gettext_lazy("居民编号"),
    "id_number": gettext_lazy("身份证号"),
    "name": gettext_lazy("姓名"),
    "special_group": gettext_lazy("特殊人群类别"),
    "field": gettext_lazy("字段"),
    "reason": gettext_lazy("查看原因"),
    "username": gettext_lazy("用户名"),
    "password": gettext_lazy("密码"),
    "label": gettext_lazy("设备名称"),
    "payload": gettext_lazy("请求体"),
}


def _templates() -> dict[str, str]:
    return {
        "missing": _("%(label)s为必填项。"),
        "float_parsing": _("%(label)s应为数字。"),
        "float_type": _("%(label)s应为数字。"),
        "finite_number": _("%(label)s应为有限的数字。"),
        "int_parsing": _("%(label)s应为整数。"),
        "int_type": _("%(label)s应为整数。"),
        "int_from_float": _("%(label)s应为整数。"),
        "bool_parsing": _("%(label)s应为 true 或 false。"),
        "string_type": _("%(label)s应为文本。"),
        "greater_than_equal": _("%(label)s不能小于 %(ge)s。"),
        "greater_than": _("%(label)s应大于 %(gt)s。"),
        "less_than_equal": _("%(label)s不能大于 %(le)s。"),
        "less_than": _("%(label)s应小于 %(lt)s。"),
        "string_too_short": _("%(label)s至少需要 %(min_length)s 个字符。"),
        "string_too_long": _("%(label)s最多 %(max_length)s 个字符。"),
        "string_pattern_mismatch": _("%(label)s格式不正确。"),
        "literal_error": _("%(label)s应为以下之一：%(expected)s。"),
        "enum": _("%(label)s应为以下之一：%(expected)s。"),
        "dict_type": _("%(label)s应为 JSON 对象。"),
        "model_attributes_type": _("%(label)s应为 JSON 对象。"),
        "model_type": _("%(label)s应为 JSON 对象。"),
        "json_invalid": _("%(label)s不是有效的 JSON。"),
        "control_characters": _("%(label)s不能包含控制字符。"),
    }


def field_errors(errors: list[dict]) -> list[dict]:
    """[{"loc": [...], "field": "lon", "message": "经度应为数字。"}, …]"""
    templates = _templates()
    translated = []
    for error in errors:
        loc = [str(part) for part in error.get("loc", ())]
        field = _field_name(loc)
        values = {key: _plain(value) for key, value in (error.get("ctx") or {}).items()}
        values["label"] = FIELD_LABELS.get(field, field or _("请求"))
        template = templates.get(error.get("type", ""), _("%(label)s的取值无效。"))
        try:
            message = template % values
        except (KeyError, TypeError, ValueError):
            message = _("%(label)s的取值无效。") % values
        translated.append({"loc": loc, "field": field, "message": message})
    return translated


def _plain(value) -> str:
    """180.0 → "180": the bound as the user would write it."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _field_name(loc: list[str]) -> str:
    """The innermost named part of the location: ("body", "payload", "reason") → reason."""
    names = [part for part in loc if not part.isdigit()]
    return names[-1] if len(names) > 1 else ""
