"""The department handler's pages: the inbox of dispatched cases by deadline, and the two
answers to a dispatch (handled, or sent back for reassignment)."""

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import Role
from feedback import selectors, services
from feedback.forms import HandleForm, ReasonForm
from feedback.views.common import act, case_or_404, page, page_of, role_required


@role_required(Role.HANDLER)
def inbox(request: HttpRequest) -> HttpResponse:
    cases = selectors.handler_inbox(user=request.user)
    context = {
        "title": _("待处置"),
        "inbox": True,
        "now": timezone.now(),
        "page": page_of(request, cases),
    }
    return page(request, "feedback/case_list.html", context)


@require_POST
@role_required(Role.HANDLER)
def handle(request: HttpRequest, pk: int) -> HttpResponse:
    case = case_or_404(request, pk)
    return act(
        request,
        case,
        "handle",
        HandleForm(request.POST, request.FILES),
        lambda d: services.case_handle(
            actor=request.user, case_id=case.pk, note=d["note"], photos=d["photos"]
        ),
        _("处置结果已提交，等待网格员核查。"),
    )


@require_POST
@role_required(Role.HANDLER)
def send_back(request: HttpRequest, pk: int) -> HttpResponse:
    case = case_or_404(request, pk)
    return act(
        request,
        case,
        "send_back",
        ReasonForm(request.POST),
        lambda d: services.case_send_back(actor=request.user, case_id=case.pk, reason=d["reason"]),
        _("已退回指挥中心重新派遣。"),
    )
