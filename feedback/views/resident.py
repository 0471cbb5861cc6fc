"""The reporter's pages: report a problem, my cases, and the community's public cases. The
reporter's own actions (rate, reopen, withdraw) are the table's (feedback.views.actions)."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.models import Role
from common.errors import DomainError
from feedback import selectors, services
from feedback.access import REPORTING_ROLES as REPORTING
from feedback.access import case_access
from feedback.forms import ReportForm
from feedback.views.access import report_grids, role_required
from feedback.views.pages import page, page_of
from feedback.views.presenters import timeline


def map_config(user) -> dict:
    """Where the report map starts and which boundaries it draws (the user's scope)."""
    codes = case_access(user).codes(REPORTING)
    url = reverse("api:area_features")
    return {
        "geojsonUrl": f"{url}?under={codes[0]}" if len(codes) == 1 else url,
        "duplicatesUrl": reverse("feedback:duplicates"),
        "basemapUrl": settings.BASEMAP_TILE_URL,
        "basemapAttribution": settings.BASEMAP_ATTRIBUTION,
        "center": list(settings.LEAFLET_CONFIG["DEFAULT_CENTER"]),
        "zoom": settings.LEAFLET_CONFIG["DEFAULT_ZOOM"],
        "labels": {
            "placed": _("已标注位置：%(lat)s, %(lon)s"),
            "locating": _("正在定位……"),
            "noGps": _("无法获取定位，请在地图上点选，或填写地址并选择网格。"),
            "duplicates": _("附近 50 米内已有同类问题正在办理，如是同一问题可不必重复上报："),
            "metres": _("米"),
        },
    }


def report_page(request, form, template="feedback/report.html", status=200) -> HttpResponse:
    context = {"form": form, "map_config": map_config(request.user)}
    return page(request, template, context, status=status)


@role_required(*REPORTING)
def report(request: HttpRequest) -> HttpResponse:
    """上报. A retried POST with the same client_id lands on the first case."""
    grids = report_grids(request.user)
    on_behalf = case_access(request.user).holds(Role.CLERK)
    if request.method != "POST":
        return report_page(request, ReportForm(grids=grids, on_behalf=on_behalf))
    form = ReportForm(request.POST, request.FILES, grids=grids, on_behalf=on_behalf)
    if not form.is_valid():
        return report_page(request, form, status=422)
    data = form.cleaned_data
    try:
        case, _created = services.case_report(
            actor=request.user,
            **form.report_fields(),
            anonymous=data.get("anonymous", False),
            reporter_name=data.get("reporter_name", ""),
            photos=data["photos"],
        )
    except DomainError as exc:
        form.add_domain_error(exc)
        return report_page(request, form, status=exc.status)
    done = _("上报成功，事件编号 %(number)s。办理进展会通知您。") % {"number": case.number}
    messages.success(request, done)
    return redirect("feedback:detail", pk=case.pk)


@login_required
def my_cases(request: HttpRequest) -> HttpResponse:
    cases = page_of(request, selectors.my_cases(user=request.user))
    return page(request, "feedback/case_list.html", {"title": _("我的上报"), "page": cases})


@login_required
def public_list(request: HttpRequest) -> HttpResponse:
    """The community's cases as the public sees them: no reporter, nothing sensitive."""
    context = {
        "title": _("社区公开事件"),
        "public": True,
        "page": page_of(request, selectors.public_cases_for(user=request.user)),
    }
    return page(request, "feedback/case_list.html", context)


@login_required
def public_detail(request: HttpRequest, pk: int) -> HttpResponse:
    case = selectors.public_case_get(user=request.user, case_id=pk)
    if case is None:
        raise Http404(_("事件不存在或不公开。"))
    # the public page names no one and leaves the notes out: they may speak of people
    rows = timeline(case, reveal_reporter=False)
    return page(request, "feedback/public_detail.html", {"case": case, "timeline": rows})
