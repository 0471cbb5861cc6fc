"""居民代表名册: the managers' page of the representatives' roster of their areas."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from common.errors import DomainError
from voting import services_roster
from voting.access import ballot_access


def _manager(request: HttpRequest) -> None:
    if not ballot_access(request.user).topics.may_manage_any:
        raise Http404(_("只有社区和街道工作人员可以管理居民代表名册。"))


@login_required
def roster_page(request: HttpRequest, error: str = "", status: int = 200) -> HttpResponse:
    _manager(request)
    context = {
        "entries": services_roster.roster(user=request.user)[:500],
        "today": timezone.localdate(),
        "error": error,
    }
    return render(request, "voting/roster.html", context, status=status)


@login_required
@require_POST
def roster_add(request: HttpRequest) -> HttpResponse:
    _manager(request)
    try:
        since = dt.date.fromisoformat(request.POST.get("since", ""))
        services_roster.representative_add(
            actor=request.user, id_number=request.POST.get("id_number", ""), since=since
        )
    except ValueError:
        return roster_page(request, _("请填写任期开始日期。"), status=422)
    except DomainError as exc:
        return roster_page(request, exc.message, status=exc.status)
    messages.success(request, _("已加入居民代表名册。"))
    return redirect("voting:roster")


@login_required
@require_POST
def roster_end(request: HttpRequest, pk: int) -> HttpResponse:
    _manager(request)
    try:
        services_roster.representative_end(actor=request.user, representative_id=pk)
    except DomainError as exc:
        return roster_page(request, exc.message, status=exc.status)
    messages.success(request, _("任期已结束。"))
    return redirect("voting:roster")
