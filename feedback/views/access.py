"""The gates of the case pages: sign-in and role checks, the case a user may open, the
grids they may report in. Every answer comes from feedback.access."""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.scope import code_prefix_q
from feedback import selectors
from feedback.access import REPORTING_ROLES, case_access
from feedback.models import Case
from grid.models import Area, AreaLevel
from grid.selectors import area_list


def forbidden(request: HttpRequest, message: str) -> HttpResponse:
    return render(request, "feedback/error.html", {"message": message}, status=403)


def role_required(*roles: str) -> Callable:
    """Log in first; then one of `roles` (a superuser passes) or a 403 page in Chinese."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        @login_required
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if not case_access(request.user).holds(*roles):
                return forbidden(request, _("您的角色不能使用此页面。"))
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def case_or_404(request: HttpRequest, pk: int) -> Case:
    case = selectors.case_get_for_user(user=request.user, case_id=pk)
    if case is None:
        raise Http404(_("事件不存在或不在您的管辖范围内。"))
    return case


def report_grids(user: User) -> QuerySet[Area]:
    """Grids the user may report in, for the no-GPS picker."""
    grids = Area.objects.filter(level=AreaLevel.GRID).defer("boundary").order_by("code")
    if user.is_superuser:
        return grids
    return grids.filter(code_prefix_q("code", case_access(user).codes(REPORTING_ROLES)))


def filter_areas(user: User) -> QuerySet[Area]:
    """The areas a list page's area filter offers: the user's scope, never an ancestor."""
    return area_list(user=user).filter(in_scope=True)
