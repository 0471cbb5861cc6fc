"""One POST view per write on a topic: it reads the form, runs the service and goes
back to the topic page; a refusal comes back on the page with its message (and its
status: 4xx) and what the user typed, so nothing typed is lost."""

import datetime as dt
import uuid
from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from common.errors import DomainError, InvalidInput, NotFound
from consultation import discussion, follow_up, phases, services
from consultation.access import topic_access
from consultation.models import Amendment, Comment, FollowUpAction
from consultation.views.pages import (
    procedure_page,
    readable_topic,
    topic_form_page,
    topic_page,
)
from feedback.models import Category
from feedback.photos import prepare
from grid.models import Area
from notices.attachments import prepare as prepare_attachment


def _client_id(request: HttpRequest) -> uuid.UUID | None:
    """The form's client id; "<uuid>-<n>" (a reply form under comment n of a page)
    names one id per reply form of that page."""
    raw = request.POST.get("client_id", "")
    base, _sep, suffix = raw.rpartition("-") if raw.count("-") == 5 else (raw, "", "")
    try:
        client_id = uuid.UUID(base)
    except ValueError:
        return None
    return uuid.uuid5(client_id, suffix) if suffix else client_id


def _int(request: HttpRequest, name: str, label: str, *, required: bool = True) -> int | None:
    raw = request.POST.get(name, "").strip()
    if not raw and not required:
        return None
    try:
        return int(raw)
    except ValueError:
        raise InvalidInput(_("%(label)s须为整数。") % {"label": label}, field=name) from None


def _run(request: HttpRequest, pk: int, write: Callable[[], object], done: str) -> HttpResponse:
    """Run a write on topic `pk`; back to the topic page, with the refusal if any."""
    topic = readable_topic(request, pk)
    try:
        write()
    except DomainError as exc:
        if isinstance(exc, NotFound):
            raise Http404(exc.message) from exc
        draft = {k: v for k, v in request.POST.items() if k != "csrfmiddlewaretoken"}
        topic.refresh_from_db()
        return topic_page(request, topic, status=exc.status, error=exc.message, draft=draft)
    messages.success(request, done)
    return redirect("consultation:detail", pk=pk)


@login_required
@require_POST
def topic_create(request: HttpRequest) -> HttpResponse:
    """Propose (residents, grid workers) or open on the agenda (staff over the area)."""
    post = request.POST
    area = Area.objects.filter(pk=_digits(post.get("area"))).defer("boundary").first()
    try:
        if area is None:
            raise InvalidInput(_("请选择议事范围。"), field="area")
        fields = {
            "actor": request.user,
            "area": area,
            "title": post.get("title", ""),
            "description": post.get("description", ""),
            "client_id": _client_id(request),
            "attachments": [
                prepare_attachment(f.read(), name=f.name)
                for f in request.FILES.getlist("attachments")
            ],
        }
        if topic_access(request.user).may_manage_area(area.code):
            topic, _created = services.topic_open(
                initiator_kind=post.get("initiator_kind", "staff"),
                raised_by=post.get("raised_by", ""),
                **fields,
            )
        else:
            topic, _created = services.topic_propose(**fields)
    except DomainError as exc:
        return topic_form_page(request, status=exc.status, error=exc.message, draft=post.dict())
    messages.success(request, _("议题已提交。"))
    return redirect("consultation:detail", pk=topic.pk)


def _digits(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() and len(value) < 19 else None


@login_required
@require_POST
def support(request: HttpRequest, pk: int) -> HttpResponse:
    return _run(
        request, pk, lambda: services.support_add(actor=request.user, topic_id=pk), _("已联署。")
    )


@login_required
@require_POST
def paper_support(request: HttpRequest, pk: int) -> HttpResponse:
    topic = readable_topic(request, pk)
    try:
        resident_id = _int(request, "resident", _("居民"))
        services.support_add_paper(actor=request.user, topic_id=pk, resident_id=resident_id)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("consultation:paper", pk=topic.pk)
    messages.success(request, _("纸质联署已录入。"))
    return redirect("consultation:paper", pk=topic.pk)


@login_required
@require_POST
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    write = lambda: services.topic_withdraw(actor=request.user, topic_id=pk)  # noqa: E731
    return _run(request, pk, write, _("议题已撤回。"))


@login_required
@require_POST
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    """定事: accept onto the agenda or reject with a public reason."""
    reason = request.POST.get("reason", "")

    def write() -> None:
        if request.POST.get("decision") == "accept":
            services.topic_accept(actor=request.user, topic_id=pk, reason=reason)
        else:
            services.topic_reject(actor=request.user, topic_id=pk, reason=reason)

    return _run(request, pk, write, _("已审议。"))


@login_required
@require_POST
def phase_move(request: HttpRequest, pk: int) -> HttpResponse:
    phase = request.POST.get("phase", "")
    write = lambda: phases.phase_move(actor=request.user, topic_id=pk, phase=phase)  # noqa: E731
    return _run(request, pk, write, _("议题已进入新阶段。"))


def _moment(request: HttpRequest, name: str) -> dt.datetime | None:
    raw = request.POST.get(name, "").strip()
    if not raw:
        return None
    moment = parse_datetime(raw)
    if moment is None:
        raise InvalidInput(_("时间格式不正确。"), field=name)
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


@login_required
@require_POST
def phase_plan(request: HttpRequest, pk: int) -> HttpResponse:
    def write() -> None:
        phases.phase_plan(
            actor=request.user,
            topic_id=pk,
            phase=request.POST.get("phase", ""),
            opens_at=_moment(request, "opens_at"),
            closes_at=_moment(request, "closes_at"),
        )

    return _run(request, pk, write, _("阶段时间已保存。"))


@login_required
@require_POST
def comment(request: HttpRequest, pk: int) -> HttpResponse:
    def write() -> None:
        discussion.comment_add(
            actor=request.user,
            topic_id=pk,
            body=request.POST.get("body", ""),
            stance=request.POST.get("stance", ""),
            parent_id=_int(request, "parent", _("回复对象"), required=False),
            client_id=_client_id(request),
        )

    return _run(request, pk, write, _("评论已发表。"))


def _comment_topic(comment_id: int) -> int:
    topic_id = Comment.objects.filter(pk=comment_id).values_list("topic_id", flat=True).first()
    if topic_id is None:
        raise Http404
    return topic_id


@login_required
@require_POST
def comment_report(request: HttpRequest, comment_id: int) -> HttpResponse:
    reason = request.POST.get("reason", "")
    write = lambda: discussion.comment_report(  # noqa: E731
        actor=request.user, comment_id=comment_id, reason=reason
    )
    return _run(request, _comment_topic(comment_id), write, _("已举报，感谢您的监督。"))


@login_required
@require_POST
def comment_moderate(request: HttpRequest, comment_id: int) -> HttpResponse:
    reason = request.POST.get("reason", "")
    service = (
        discussion.comment_restore
        if request.POST.get("action") == "restore"
        else discussion.comment_hide
    )
    topic_id = _comment_topic(comment_id)
    write = lambda: service(actor=request.user, comment_id=comment_id, reason=reason)  # noqa: E731
    if request.POST.get("back") != "queue":
        return _run(request, topic_id, write, _("已处理。"))
    try:  # from the moderation queue: back to the queue
        write()
        messages.success(request, _("已处理。"))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("consultation:moderation")


@login_required
@require_POST
def amend(request: HttpRequest, pk: int) -> HttpResponse:
    def write() -> None:
        discussion.amendment_propose(
            actor=request.user,
            topic_id=pk,
            text=request.POST.get("text", ""),
            reason=request.POST.get("reason", ""),
            client_id=_client_id(request),
        )

    return _run(request, pk, write, _("修改建议已提交。"))


@login_required
@require_POST
def amendment_decide(request: HttpRequest, amendment_id: int) -> HttpResponse:
    topic_id = Amendment.objects.filter(pk=amendment_id).values_list("topic_id", flat=True).first()
    if topic_id is None:
        raise Http404

    def write() -> None:
        discussion.amendment_decide(
            actor=request.user,
            amendment_id=amendment_id,
            accept=request.POST.get("decision") == "accept",
            answer=request.POST.get("answer", ""),
        )

    return _run(request, topic_id, write, _("已回应修改建议。"))


@login_required
@require_POST
def procedure_save(request: HttpRequest, pk: int) -> HttpResponse:
    topic = readable_topic(request, pk)
    post = request.POST
    try:
        held_on = parse_date(post.get("held_on", "").strip() or "x")
        if held_on is None:
            raise InvalidInput(_("请填写日期。"), field="held_on")
        follow_up.procedure_record(
            actor=request.user,
            topic_id=pk,
            step=post.get("step", ""),
            held_on=held_on,
            expected=post.get("expected", ""),
            expected_count=_int(request, "expected_count", _("应到人数")),
            attended=post.get("attended", ""),
            attended_count=_int(request, "attended_count", _("实到人数")),
            quorum=_int(request, "quorum", _("法定人数")),
            decision=post.get("decision", ""),
            minutes=post.get("minutes", ""),
        )
    except (DomainError, ValueError) as exc:
        message = getattr(exc, "message", _("请检查输入。"))
        status = getattr(exc, "status", 422)
        return procedure_page(request, topic, step=post.get("step", ""), draft=post,
                              error=message, status=status)  # fmt: skip
    messages.success(request, _("议事程序记录已保存并公开。"))
    return redirect("consultation:detail", pk=pk)


@login_required
@require_POST
def action_create(request: HttpRequest, pk: int) -> HttpResponse:
    def write() -> None:
        follow_up.action_create(
            actor=request.user,
            topic_id=pk,
            title=request.POST.get("title", ""),
            owner_name=request.POST.get("owner_name", ""),
            due_on=parse_date(request.POST.get("due_on", "").strip() or "x"),
        )

    return _run(request, pk, write, _("落实事项已添加。"))


def _action_topic(action_id: int) -> int:
    topic_id = (
        FollowUpAction.objects.filter(pk=action_id).values_list("topic_id", flat=True).first()
    )
    if topic_id is None:
        raise Http404
    return topic_id


@login_required
@require_POST
def action_update(request: HttpRequest, action_id: int) -> HttpResponse:
    def write() -> None:
        photos = [
            prepare(upload.read(), name=upload.name) for upload in request.FILES.getlist("photos")
        ]
        follow_up.action_update(
            actor=request.user,
            action_id=action_id,
            text=request.POST.get("text", ""),
            progress=_int(request, "progress", _("进度")),
            photos=photos,
            client_id=_client_id(request),
        )

    return _run(request, _action_topic(action_id), write, _("进展已更新。"))


@login_required
@require_POST
def action_case(request: HttpRequest, action_id: int) -> HttpResponse:
    def write() -> None:
        category = Category.objects.filter(
            pk=_int(request, "category", _("事件类别")), active=True
        ).first()
        if category is None:
            raise InvalidInput(_("请选择具体的事件小类。"), field="category")
        follow_up.action_open_case(
            actor=request.user,
            action_id=action_id,
            category=category,
            description=request.POST.get("description", ""),
            grid_code=request.POST.get("grid_code", ""),
        )

    return _run(request, _action_topic(action_id), write, _("已转为事件办理。"))


@login_required
@require_POST
def rate(request: HttpRequest, pk: int) -> HttpResponse:
    def write() -> None:
        follow_up.rating_set(
            actor=request.user,
            topic_id=pk,
            score=_int(request, "score", _("评分")),
            remark=request.POST.get("remark", ""),
        )

    return _run(request, pk, write, _("感谢您的评议。"))
