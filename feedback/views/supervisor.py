"""The supervisor's pages (指挥中心): the register/dispatch queue, escalations, and every
case of the area with filters and its Excel export. The supervising actions are the
table's (feedback.views.actions)."""

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from accounts.audit import security_log
from accounts.models import SecurityEventKind
from feedback import selectors
from feedback.access import SUPERVISING_ROLES as SUPERVISING
from feedback.export import cases_workbook
from feedback.forms import CaseFilterForm
from feedback.models import CaseState
from feedback.views.access import filter_areas, role_required
from feedback.views.pages import page, page_of

LIST_SIZE = 50


@role_required(*SUPERVISING)
def queue(request: HttpRequest) -> HttpResponse:
    """Reports waiting to be registered, and registered cases waiting for a department
    (new, sent back, or reopened), most urgent first."""

    def waiting(state: str):
        filters = selectors.CaseFilters(state=state)
        return selectors.case_list(user=request.user, filters=filters).order_by("due_at")[:100]

    context = {
        "reported": waiting(CaseState.REPORTED),
        "registered": waiting(CaseState.REGISTERED),
        "now": timezone.now(),
    }
    return page(request, "feedback/queue.html", context)


@role_required(*SUPERVISING)
def escalations(request: HttpRequest) -> HttpResponse:
    cases = selectors.escalation_queue(user=request.user)
    context = {
        "title": _("督办事件"),
        "inbox": True,
        "now": timezone.now(),
        "page": page_of(request, cases),
    }
    return page(request, "feedback/case_list.html", context)


def filter_form(request: HttpRequest) -> CaseFilterForm:
    return CaseFilterForm(request.GET, areas=filter_areas(request.user))


@role_required(*SUPERVISING)
def supervise(request: HttpRequest) -> HttpResponse:
    form = filter_form(request)
    cases = selectors.case_list(user=request.user, filters=form.filters())
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "query": query.urlencode(),
        "now": timezone.now(),
        "page": page_of(request, cases, LIST_SIZE),
    }
    return page(request, "feedback/supervise.html", context)


@require_GET
@role_required(*SUPERVISING)
def export(request: HttpRequest) -> HttpResponse:
    """导出 Excel: exactly the list the same filters show, without personal data."""
    cases = selectors.case_list(user=request.user, filters=filter_form(request).filters())
    security_log(
        kind=SecurityEventKind.EXPORT,
        user=request.user,
        request=request,
        what="cases",
        query=request.GET.urlencode(),
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response = HttpResponse(
        cases_workbook(cases),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="cases-{stamp}.xlsx"'
    return response
