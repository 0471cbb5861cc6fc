"""The supervisor's pages (指挥中心): the register/dispatch queue, escalations, every case
of the area with filters and its Excel export, and the supervising actions."""

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.audit import security_log
from accounts.models import SecurityEventKind
from feedback import selectors, services
from feedback.export import cases_workbook
from feedback.forms import CaseFilterForm, HideForm, MergeForm, NoteForm, ReasonForm
from feedback.models import CaseState
from feedback.views.common import (
    SUPERVISING,
    act,
    case_or_404,
    dispatch_form,
    merge_candidates,
    page,
    page_of,
    role_required,
)
from grid.selectors import area_list

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
    areas = area_list(user=request.user).filter(in_scope=True)
    return CaseFilterForm(request.GET, areas=areas)


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


@require_POST
@role_required(*SUPERVISING)
def register(request: HttpRequest, pk: int) -> HttpResponse:
    case = case_or_404(request, pk)
    return act(
        request,
        case,
        "register",
        NoteForm(request.POST),
        lambda d: services.case_register(actor=request.user, case_id=case.pk, note=d["note"]),
        _("已立案。"),
    )


@require_POST
@role_required(*SUPERVISING)
def reject(request: HttpRequest, pk: int) -> HttpResponse:
    case = case_or_404(request, pk)
    return act(
        request,
        case,
        "reject",
        ReasonForm(request.POST),
        lambda d: services.case_reject(actor=request.user, case_id=case.pk, reason=d["reason"]),
        _("已不予立案。"),
    )


@require_POST
@role_required(*SUPERVISING)
def dispatch(request: HttpRequest, pk: int) -> HttpResponse:
    """派遣, and reassignment after a send-back (the same form on a registered case)."""
    case = case_or_404(request, pk)
    return act(
        request,
        case,
        "dispatch",
        dispatch_form(case, request.POST),
        lambda d: services.case_dispatch(
            actor=request.user,
            case_id=case.pk,
            department=d["department"],
            assignee=d["assignee"],
            note=d["note"],
        ),
        _("已派遣。"),
    )


@require_POST
@role_required(*SUPERVISING)
def merge(request: HttpRequest, pk: int) -> HttpResponse:
    case = case_or_404(request, pk)
    form = MergeForm(request.POST, candidates=merge_candidates(request.user, case))
    return act(
        request,
        case,
        "merge",
        form,
        lambda d: services.case_merge(
            actor=request.user, case_id=case.pk, master_id=d["master"], note=d["note"]
        ),
        _("已合并为重复事件。"),
    )


@require_POST
@role_required(*SUPERVISING)
def hide(request: HttpRequest, pk: int) -> HttpResponse:
    """Moderation: hide from the public or show again, always with a reason."""
    case = case_or_404(request, pk)
    return act(
        request,
        case,
        "hide",
        HideForm(request.POST),
        lambda d: services.case_hide(
            actor=request.user, case_id=case.pk, reason=d["reason"], hidden=d["hidden"]
        ),
        _("已更新公开状态。"),
    )
