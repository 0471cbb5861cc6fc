"""The results of a closed ballot: the page, the Excel export and the printable 公示 for
the notice board. Readers of the topic see them once the ballot is closed."""

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from voting import selectors
from voting.export import results_workbook
from voting.presenters import results_of
from voting.views import readable

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _closed(request: HttpRequest, pk: int):
    ballot = readable(request, pk)
    view = selectors.ballot_view(user=request.user, ballot=ballot)
    if not view.show_results:
        raise Http404(_("表决结束后才公布结果。"))
    return ballot, view, results_of(ballot, view.options)


@login_required
def results_page(request: HttpRequest, pk: int) -> HttpResponse:
    ballot, view, results = _closed(request, pk)
    context = {"ballot": ballot, "view": view, "results": results}
    return render(request, "voting/results.html", context)


@login_required
def results_export(request: HttpRequest, pk: int) -> HttpResponse:
    ballot, view, results = _closed(request, pk)
    with_voters = view.access.may_see_voters(ballot)
    content = results_workbook(ballot, view.options, results, with_voters=with_voters)
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="ballot-{ballot.pk}.xlsx"'
    return response


@login_required
def results_notice(request: HttpRequest, pk: int) -> HttpResponse:
    """公示: the page to print and post on the notice board, with its publication period
    (from the close to `publish_until`, or seven days)."""
    ballot, view, results = _closed(request, pk)
    until = ballot.publish_until or (timezone.localdate(ballot.closed_at) + dt.timedelta(days=7))
    context = {"ballot": ballot, "view": view, "results": results,
               "since": timezone.localdate(ballot.closed_at), "until": until}  # fmt: skip
    return render(request, "voting/notice.html", context)
