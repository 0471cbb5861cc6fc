"""Domain errors and their one mapping to HTTP problem responses (RFC 9457)."""

from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    """A refusal the user can act on; `message` is shown to them as it is."""

    status = 400
    title = _("请求无效")

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = str(message)
        self.field = field


class InvalidInput(DomainError):
    status = 422
    title = _("输入有误")


class NotPermitted(DomainError):
    status = 403
    title = _("无权操作")


class NotFound(DomainError):
    status = 404
    title = _("未找到")


class Conflict(DomainError):
    status = 409
    title = _("状态冲突")
