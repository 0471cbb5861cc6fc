"""The department handler's page: the inbox of dispatched cases by deadline. Its two
answers to a dispatch (handled, or sent back) are the table's (feedback.views.actions)."""

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role
from feedback import selectors
from feedback.forms import CaseFilterForm
from feedback.views.access import filter_areas, role_required
from feedback.views.pages import page, page_of

# The inbox holds one state (dispatched); what a handler narrows it by.
INBOX_FILTERS = ("category", "area", "overdue", "escalated", "created_from", "created_to", "search")


@role_required(Role.HANDLER)
def inbox(request: HttpRequest) -> HttpResponse:
    form = CaseFilterForm(request.GET, areas=filter_areas(request.user), only=INBOX_FILTERS)
    cases = selectors.handler_inbox(user=request.user, filters=form.filters())
    context = {
        "title": _("待处置"),
        "inbox": True,
        "form": form,
        "now": timezone.now(),
        "page": page_of(request, cases),
    }
    return page(request, "feedback/case_list.html", context)
