"""The frame every case page shares: the sub-navigation of the user's roles and paging."""

from django.core.paginator import Page, Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role, User
from feedback.access import REPORTING_ROLES, SUPERVISING_ROLES, case_access

PAGE_SIZE = 30


def case_nav(user: User) -> list[tuple[str, str]]:
    """The case pages of the user's roles, for the sub-navigation."""
    links = []
    holds = case_access(user).holds
    if holds(*REPORTING_ROLES):
        links += [("feedback:report", _("我要上报")), ("feedback:mine", _("我的上报"))]
    if holds(Role.RESIDENT):
        links.append(("feedback:public", _("社区公开事件")))
    if holds(Role.GRID_WORKER):
        links += [
            ("feedback:on_spot", _("即办")),
            ("feedback:verify_queue", _("待核查")),
            ("feedback:grid_cases", _("本网格事件")),
        ]
    if holds(Role.HANDLER):
        links.append(("feedback:inbox", _("待处置")))
    if holds(*SUPERVISING_ROLES):
        links += [
            ("feedback:queue", _("待立案/派遣")),
            ("feedback:escalations", _("督办")),
            ("feedback:supervise", _("全部事件")),
            ("feedback:dashboard", _("指挥中心指标")),
        ]
    return [(reverse(name), label) for name, label in links]


def page_of(request: HttpRequest, cases, size: int = PAGE_SIZE) -> Page:
    """The page of `cases` the request asks for (`?page=`; out of range gives the last)."""
    return Paginator(cases, size).get_page(request.GET.get("page"))


def page(request: HttpRequest, template: str, context: dict, status: int = 200) -> HttpResponse:
    context = {"case_nav": case_nav(request.user), "now": timezone.now(), **context}
    return render(request, template, context, status=status)
