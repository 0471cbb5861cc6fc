"""The grid worker's pages: handle on the spot (即办), the verification queue, and the
cases of their grids. Reporting uses the shared form; verifying is the table's
(feedback.views.actions)."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role
from common.errors import DomainError
from feedback import selectors, services
from feedback.forms import CaseFilterForm, OnSpotForm
from feedback.views.access import filter_areas, report_grids, role_required
from feedback.views.pages import page, page_of
from feedback.views.resident import report_page

# What a grid worker narrows their grids' cases by.
GRID_FILTERS = ("state", "category", "area", "overdue", "created_from", "created_to", "search")


@role_required(Role.GRID_WORKER)
def on_spot(request: HttpRequest) -> HttpResponse:
    """即办: report and close a small case in one step, with photos before and after."""
    grids = report_grids(request.user)
    template = "feedback/on_spot.html"
    if request.method != "POST":
        return report_page(request, OnSpotForm(grids=grids), template)
    form = OnSpotForm(request.POST, request.FILES, grids=grids)
    if not form.is_valid():
        return report_page(request, form, template, status=422)
    data = form.cleaned_data
    try:
        case, _created = services.case_handle_on_spot(
            actor=request.user,
            **form.report_fields(),
            note=data["note"],
            before=data["before"],
            after=data["after"],
        )
    except DomainError as exc:
        form.add_domain_error(exc)
        return report_page(request, form, template, status=exc.status)
    return redirect("feedback:detail", pk=case.pk)


@role_required(Role.GRID_WORKER)
def verify_queue(request: HttpRequest) -> HttpResponse:
    cases = selectors.verification_queue(user=request.user)
    context = {
        "title": _("待核查"),
        "page": page_of(request, cases),
    }
    return page(request, "feedback/case_list.html", context)


@role_required(Role.GRID_WORKER)
def grid_cases(request: HttpRequest) -> HttpResponse:
    """The cases of the worker's grids, filtered as the supervisor's list is."""
    form = CaseFilterForm(request.GET, areas=filter_areas(request.user), only=GRID_FILTERS)
    cases = selectors.case_list(user=request.user, filters=form.filters())
    context = {
        "title": _("本网格事件"),
        "form": form,
        "now": timezone.now(),
        "page": page_of(request, cases),
    }
    return page(request, "feedback/case_list.html", context)
