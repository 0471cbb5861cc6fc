"""problem+json (RFC 9457) outside ninja's views: the same body shape for errors that
Django, the ASGI body reader or a middleware answer before or around a view.

Machine clients live under MACHINE_PREFIXES; everything else is a page for people.
"""

import json

from django.http import HttpResponse
from django.utils.translation import gettext_lazy as _

PROBLEM_TYPE = "application/problem+json"
MACHINE_PREFIXES = ("/api/", "/open311/")

# title and detail per status, for refusals that carry no message of their own
HTTP_ERRORS = {
    400: (_("请求无效"), _("请求体无法解析，请发送有效的 JSON。")),
    401: (_("未登录"), _("请先登录或提供有效的令牌。")),
    403: (_("无权操作"), _("您无权进行此操作。")),
    404: (_("未找到"), _("请求的资源不存在。")),
    405: (_("方法不允许"), _("此地址不支持该请求方法。")),
    408: (_("请求超时"), _("上传太慢或中断，请在网络较好时重试。")),
    413: (_("请求体过大"), _("提交的内容超过此地址允许的大小。")),
    429: (_("请求过于频繁"), _("请求过于频繁，请稍后再试。")),
    500: (_("服务器错误"), _("服务器出错，请稍后重试。")),
    503: (_("服务繁忙"), _("系统繁忙，请稍后重试，已填写的内容不会丢失。")),
}
OTHER_ERROR = (_("请求无效"), _("请求无法处理。"))


def wants_problem(path: str) -> bool:
    return path.startswith(MACHINE_PREFIXES)


def error_text(status: int) -> tuple[str, str]:
    title, detail = HTTP_ERRORS.get(status, OTHER_ERROR)
    return str(title), str(detail)


def problem_body(status: int, title: str, detail: str, **extra) -> bytes:
    body = {"type": "about:blank", "title": str(title), "status": status, "detail": str(detail)}
    body.update(extra)
    return json.dumps(body, ensure_ascii=False).encode()


def problem_response(status: int, detail: str | None = None) -> HttpResponse:
    """The problem+json answer for `status`, with its usual title and detail."""
    title, usual = error_text(status)
    return HttpResponse(
        problem_body(status, title, detail or usual), status=status, content_type=PROBLEM_TYPE
    )
