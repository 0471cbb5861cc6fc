"""The opinion-map pages: a topic's map with one statement at a time to vote on, adding a
statement, and the moderators' queue. Every answer comes from opinions.access, through
the selectors and the services; each form posts and redirects, so a reload sends nothing
twice (a vote sent twice is one vote, a statement carries its client_id)."""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from common.errors import DomainError
from consultation.models import Topic
from opinions import presenters, selectors, services
from opinions.access import is_open, opinion_access
from opinions.models import STATEMENT_LENGTH, Moderation
from opinions.schemas import CHOICES


@login_required
def topic_map(request: HttpRequest, pk: int) -> HttpResponse:
    topic = _readable(request, pk)
    access = opinion_access(request.user)
    user = request.user
    votes = selectors.my_votes(user, topic)
    statements = list(selectors.statement_list(user, topic))
    may_vote = access.may_vote(topic)
    context = {
        "topic": topic,
        "may_vote": may_vote,
        "is_open": is_open(topic),
        "moderates": access.moderates(topic),
        "current": selectors.statement_next(user, topic) if may_vote else None,
        "remaining": selectors.remaining_count(user, topic),
        "accepted": [
            presenters.statement_view(s, user, votes)
            for s in statements
            if s.state == Moderation.ACCEPTED
        ],
        # a resident's own statements that wait or were turned down, with the reason;
        # for a moderator every pending one of the topic
        "own_waiting": [
            presenters.statement_view(s, user, votes)
            for s in statements
            if s.state != Moderation.ACCEPTED and s.author_id == user.pk
        ],
        "pending": [s for s in statements if s.state == Moderation.PENDING]
        if access.moderates(topic)
        else [],
        "map": presenters.map_view(user, topic),
        "client_id": uuid.uuid4(),
        "max_length": STATEMENT_LENGTH,
    }
    return render(request, "opinions/topic.html", context)


@login_required
@require_POST
def vote(request: HttpRequest, pk: int) -> HttpResponse:
    topic = _readable(request, pk)
    choice = CHOICES.get(request.POST.get("choice", ""))
    statement_id = _int(request.POST.get("statement"))
    if choice is None or statement_id is None:
        messages.error(request, _("请选择同意、不同意或跳过。"))
        return redirect("opinions:topic", pk=topic.pk)
    try:
        services.statement_vote(actor=request.user, statement_id=statement_id, choice=choice)
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("opinions:topic", pk=topic.pk)


@login_required
@require_POST
def statement_add(request: HttpRequest, pk: int) -> HttpResponse:
    topic = _readable(request, pk)
    client_id = _uuid(request.POST.get("client_id"))
    try:
        statement, _created = services.statement_add(
            actor=request.user, topic_id=topic.pk, text=request.POST.get("text", ""),
            client_id=client_id,
        )  # fmt: skip
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("opinions:topic", pk=topic.pk)
    if statement.state == Moderation.ACCEPTED:
        messages.success(request, _("观点已发布。"))
    else:
        messages.success(request, _("观点已提交，审核通过后大家就能看到并表态。"))
    return redirect("opinions:topic", pk=topic.pk)


@login_required
def moderation(request: HttpRequest) -> HttpResponse:
    if not opinion_access(request.user).topics.may_manage_any:
        raise Http404(_("页面不存在。"))
    context = {"pending": list(selectors.moderation_queue(request.user)[:200])}
    return render(request, "opinions/moderation.html", context)


@login_required
@require_POST
def moderate(request: HttpRequest, statement_pk: int) -> HttpResponse:
    accept = request.POST.get("decision") == "accept"
    try:
        services.statement_moderate(
            actor=request.user, statement_id=statement_pk, accept=accept,
            reason=request.POST.get("reason", ""),
        )  # fmt: skip
    except DomainError as exc:
        if exc.status == 404:
            raise Http404(exc.message) from exc
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已通过。") if accept else _("已退回，提出人可看到原因。"))
    return redirect("opinions:moderation")


def _readable(request: HttpRequest, pk: int) -> Topic:
    try:
        return selectors.topic_get_for_user(request.user, pk)
    except DomainError as exc:
        raise Http404(exc.message) from exc


def _int(value: str | None) -> int | None:
    try:
        number = int(value or "")
    except ValueError:
        return None
    return number if 0 < number < 2**63 else None


def _uuid(value: str | None) -> uuid.UUID | None:
    try:
        return uuid.UUID(value or "")
    except ValueError:
        return None
