"""Operators' read-outs over the API: administrators only."""

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router

from accounts.models import Role
from accounts.scope import held_roles
from common.errors import NotPermitted
from realtime.status import live_status

router = Router(tags=["运维"])


@router.get("/realtime", summary="本进程实时推送状态（管理员）")
def realtime_status(request: HttpRequest) -> dict:
    user = request.user
    if not (user.is_superuser or any(h.role == Role.ADMIN for h in held_roles(user))):
        raise NotPermitted(_("只有管理员可以查看运行状态。"))
    return live_status()
