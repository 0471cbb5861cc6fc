"""The ballot pages: one ballot (vote, change, check a receipt; managers open, close and
enter a meeting's result), and its results (voting.views_results). Every answer comes
from voting.access through the selectors and the services."""

import datetime as dt
import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from common.errors import DomainError
from voting import eligibility, receipts, selectors, services, services_meeting
from voting.models import Ballot, MeetingMethod, MeetingResult
from voting.presenters import results_of, rules_labels


def readable(request: HttpRequest, pk: int) -> Ballot:
    ballot = selectors.ballot_get_for_user(user=request.user, ballot_id=pk)
    if ballot is None:
        raise Http404(_("未找到该表决。"))
    return ballot


def ballot_context(request: HttpRequest, ballot: Ballot, **extra) -> dict:
    """What the ballot page and its live region show this user."""
    view = selectors.ballot_view(user=request.user, ballot=ballot)
    meeting = MeetingResult.objects.filter(ballot=ballot).first() if view.manages else None
    labels = rules_labels(services.Rules.from_json(ballot.rules))
    return {
        "ballot": ballot,
        "view": view,
        "options": [(o, view.votes_of(o)) for o in view.options],
        "quorum_label": labels[0],
        "threshold_label": labels[1],
        "results": results_of(ballot, view.options) if view.show_results else None,
        "form": {"client_id": uuid.uuid4(), "receipt": receipts.new_receipt()},
        "ranks": range(1, len(view.options) + 1),
        "meeting": meeting,
        "may_sign_off": meeting is not None and view.access.may_sign_off(meeting),
        "methods": MeetingMethod.choices,
        "ineligible": _ineligible(request, ballot, view),
        **extra,
    }


def _ineligible(request: HttpRequest, ballot: Ballot, view) -> str:
    """Why this user may not vote on an open ballot (shown instead of the form)."""
    if not ballot.is_open or view.mine.voted or view.mine.household_voted:
        return ""
    if view.manages and request.user.resident_id is None:
        return _("您以工作人员身份查看本表决；工作人员账号不关联居民登记，不参加投票。")
    try:
        eligibility.voter_for(request.user, ballot)
    except DomainError as exc:
        return exc.message
    return ""


@login_required
def ballot_page(request: HttpRequest, pk: int) -> HttpResponse:
    ballot = readable(request, pk)
    return render(request, "voting/ballot.html", ballot_context(request, ballot))


def _selection(request: HttpRequest, ballot: Ballot) -> list[str]:
    """The form's choice: checked options, or for ranked choice the options in the order
    of the ranks given (blank ranks left out)."""
    if ballot.kind != "ranked":
        return request.POST.getlist("selection")
    ranked = []
    for option in ballot.options.all():
        rank = request.POST.get(f"rank-{option.key}", "")
        if rank.isdigit():
            ranked.append((int(rank), option.position, option.key))
    ranks = [r for r, _p, _k in ranked]
    if len(set(ranks)) != len(ranks):
        raise DomainError(_("每个名次只能给一个选项。"))
    return [key for _r, _p, key in sorted(ranked)]


def _refused(request: HttpRequest, ballot: Ballot, exc: DomainError) -> HttpResponse:
    context = ballot_context(request, ballot, error=exc.message)
    return render(request, "voting/ballot.html", context, status=exc.status)


@login_required
@require_POST
def ballot_cast(request: HttpRequest, pk: int) -> HttpResponse:
    """A form sent twice casts once (its client_id) and shows the same receipt."""
    ballot = readable(request, pk)
    try:
        client_id = uuid.UUID(request.POST.get("client_id", ""))
        cast = services.ballot_cast(
            actor=request.user, ballot=ballot, selection=_selection(request, ballot),
            client_id=client_id, receipt=request.POST.get("receipt", ""),
        )  # fmt: skip
    except ValueError:
        return _refused(request, ballot, DomainError(_("表单已失效，请刷新页面后重新投票。")))
    except DomainError as exc:
        return _refused(request, ballot, exc)
    context = ballot_context(request, ballot, receipt=cast.receipt, just_voted=True)
    return render(request, "voting/ballot.html", context)


@login_required
@require_POST
def ballot_change(request: HttpRequest, pk: int) -> HttpResponse:
    ballot = readable(request, pk)
    try:
        services.ballot_change(
            actor=request.user, ballot=ballot, selection=_selection(request, ballot),
            receipt=request.POST.get("receipt", ""),
        )  # fmt: skip
    except DomainError as exc:
        return _refused(request, ballot, exc)
    messages.success(request, _("已改票。"))
    return redirect("voting:ballot", pk=ballot.pk)


@login_required
@require_POST
def receipt_check(request: HttpRequest, pk: int) -> HttpResponse:
    ballot = readable(request, pk)
    counted = selectors.receipt_counted(ballot=ballot, code=request.POST.get("receipt", ""))
    context = ballot_context(request, ballot, receipt_checked=True, receipt_counted=counted)
    return render(request, "voting/ballot.html", context)


@login_required
@require_POST
def ballot_open(request: HttpRequest, pk: int) -> HttpResponse:
    return _managed(request, pk, services.ballot_open, _("投票已开始。"))


@login_required
@require_POST
def ballot_close(request: HttpRequest, pk: int) -> HttpResponse:
    return _managed(request, pk, services.ballot_close, _("投票已结束，结果已计算。"))


def _managed(request: HttpRequest, pk: int, action, done: str) -> HttpResponse:
    ballot = readable(request, pk)
    try:
        action(ballot=ballot, actor=request.user)
    except DomainError as exc:
        return _refused(request, ballot, exc)
    messages.success(request, done)
    return redirect("voting:ballot", pk=ballot.pk)


@login_required
@require_POST
def meeting_enter(request: HttpRequest, pk: int) -> HttpResponse:
    ballot = readable(request, pk)
    post = request.POST
    try:
        counts = {o.key: _whole(post.get(f"count-{o.key}")) for o in ballot.options.all()}
        services_meeting.meeting_enter(
            actor=request.user, ballot=ballot, method=post.get("method", ""),
            held_on=_date(post.get("held_on", "")), place=post.get("place", ""),
            expected=_whole(post.get("expected")), attended=_whole(post.get("attended")),
            counts=counts, minutes=post.get("minutes", ""),
        )  # fmt: skip
    except DomainError as exc:
        return _refused(request, ballot, exc)
    messages.success(request, _("会议结果已录入，待另一名工作人员复核。"))
    return redirect("voting:ballot", pk=ballot.pk)


@login_required
@require_POST
def meeting_sign_off(request: HttpRequest, pk: int) -> HttpResponse:
    ballot = readable(request, pk)
    try:
        services_meeting.meeting_sign_off(actor=request.user, ballot=ballot)
    except DomainError as exc:
        return _refused(request, ballot, exc)
    messages.success(request, _("会议结果已复核，表决结果已生效。"))
    return redirect("voting:ballot", pk=ballot.pk)


@login_required
@require_POST
def ballot_publish(request: HttpRequest, pk: int) -> HttpResponse:
    ballot = readable(request, pk)
    until = request.POST.get("publish_until", "")
    try:
        services.ballot_publish(
            actor=request.user, ballot=ballot, minutes=request.POST.get("minutes", ""),
            publish_until=_date(until) if until else None,
        )  # fmt: skip
    except DomainError as exc:
        return _refused(request, ballot, exc)
    messages.success(request, _("会议纪要和公示期已保存。"))
    return redirect("voting:ballot", pk=ballot.pk)


def _whole(value: str | None) -> int:
    if value is None or not value.strip().isdigit():
        raise DomainError(_("人数和票数须填写非负整数。"))
    return int(value)


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise DomainError(_("请填写会议日期。")) from exc
