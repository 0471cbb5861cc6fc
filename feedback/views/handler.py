"""The department handler's page: the inbox of dispatched cases by deadline. Its two
answers to a dispatch (handled, or sent back) are the table's (feedback.views.actions)."""

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role
from feedback import selectors
from feedback.views.access import role_required
from feedback.views.pages import page, page_of


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
