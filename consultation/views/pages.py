"""The consultation pages: topics of my areas, proposing or opening a topic, the topic
page (phases, text, supports, sections of other apps, amendments, debate, procedure,
follow-up and rating), the moderation queue, paper supports and follow-up photos.
Every answer comes from consultation.access, through the selectors and the services."""

import uuid

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from common.personal_data import mask_free_text
from consultation import selectors
from consultation.access import topic_access
from consultation.discussion import DEBATE_PHASES, may_decide_amendments
from consultation.follow_up import RATING_PHASES
from consultation.models import (
    PHASE_ORDER,
    ActionPhoto,
    InitiatorKind,
    Phase,
    ProcedureStep,
    Stance,
    Topic,
    TopicStatus,
)
from consultation.presenters import comment_tree, public_name, stance_counts, topic_text
from consultation.sections import topic_sections
from consultation.threshold import threshold
from feedback.models import Category
from grid.models import Area, AreaLevel
from notices.attachments import MAX_FILES
from notices.downloads import attachment_response

PAGE_SIZE = 20
LIST_FILTERS = {
    "": None,
    "agenda": TopicStatus.AGENDA,
    "proposed": TopicStatus.PROPOSED,
    "rejected": TopicStatus.REJECTED,
}


@login_required
def topic_list(request: HttpRequest) -> HttpResponse:
    """议事厅: the topics of the areas the user lives or works in (and the ones above and
    below), newest activity first."""
    chosen = request.GET.get("status", "")
    status = LIST_FILTERS.get(chosen) or ""
    page = Paginator(selectors.topic_list(user=request.user, status=status), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    access = topic_access(request.user)
    context = {
        "page": page,
        "chosen": chosen if chosen in LIST_FILTERS else "",
        "may_open": access.may_manage_any,
        "may_propose": selectors.areas_to_propose_in(user=request.user).exists(),
        "may_moderate": access.may_manage_any,
    }
    return render(request, "consultation/list.html", context)


@login_required
def topic_new(request: HttpRequest) -> HttpResponse:
    """发起议题: the form (POST goes to views.actions.topic_create)."""
    return topic_form_page(request)


def topic_form_page(request, *, status: int = 200, error: str = "", draft=None) -> HttpResponse:
    access = topic_access(request.user)
    areas = list(
        (selectors.areas_to_open_in if access.may_manage_any else selectors.areas_to_propose_in)(
            user=request.user
        )
    )
    if not areas:
        return refused(request, _("您所在的区域暂不能发起议题。"))
    context = {
        "areas": areas,
        "staff": access.may_manage_any,
        "kinds": InitiatorKind.choices,
        "error": error,
        "draft": draft or {},
        "client_id": (draft or {}).get("client_id") or uuid.uuid4(),
        "max_files": MAX_FILES,
    }
    return render(request, "consultation/form.html", context, status=status)


def readable_topic(request: HttpRequest, pk: int) -> Topic:
    topic = selectors.topic_get_for_user(user=request.user, topic_id=pk)
    if topic is None:
        raise Http404(_("议题不存在或您无权查看。"))
    return topic


@login_required
def topic_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return topic_page(request, readable_topic(request, pk))


def _phase_rows(topic: Topic) -> list[dict]:
    rows = {row.phase: row for row in topic.phases.all()}
    current = PHASE_ORDER.index(topic.phase) if topic.phase else -1
    return [
        {
            "phase": phase,
            "label": phase.label,
            "row": rows.get(phase),
            "state": "done" if n < current else ("current" if n == current else "ahead"),
        }
        for n, phase in enumerate(PHASE_ORDER)
    ]


def topic_page(request, topic: Topic, *, status: int = 200, error: str = "", draft=None):
    """The topic page; a refused form comes back here with its message and its text."""
    user, access = request.user, topic_access(request.user)
    comments = selectors.comments_of(topic)
    title, description = topic_text(topic, access)
    manages = access.may_manage(topic)
    sections = topic_sections(request, topic)
    context = {
        "topic": topic,
        "title": title,
        "description": description,
        "initiator": public_name(topic.initiator) if topic.initiator_kind != "staff" else "",
        "access": access,
        "manages": manages,
        "takes_part": access.takes_part(topic),
        "phases": _phase_rows(topic),
        "next_phases": [p for p in PHASE_ORDER if _after(p, topic.phase)],
        "plannable": [p for p in PHASE_ORDER[:-1] if not _after(topic.phase, p)],
        "threshold": threshold(topic) if topic.status == TopicStatus.PROPOSED else None,
        "supported": selectors.has_supported(topic, user),
        "may_support": topic.status == TopicStatus.PROPOSED
        and user.resident_id is not None
        and access.lives_in_area(topic.area.code),
        "comments": comment_tree(comments),
        "stances": stance_counts(comments),
        "stance_choices": Stance.choices,
        "debate_open": topic.status in (TopicStatus.PROPOSED, TopicStatus.AGENDA)
        and topic.phase in DEBATE_PHASES,
        "amendments": list(topic.amendments.select_related("author")),
        "attachments": list(topic.attachments.all()),
        "amendable": topic.status == TopicStatus.AGENDA and topic.phase == Phase.COLLECT,
        "decides_amendments": may_decide_amendments(user, topic),
        "procedure": selectors.procedure_of(topic),
        "steps": ProcedureStep.choices,
        "actions": selectors.actions_of(topic),
        "rating": selectors.rating_summary(topic, user),
        "may_rate": topic.phase in RATING_PHASES and access.lives_in_area(topic.area.code),
        "sections_before": [s for s in sections if s["order"] < 50],
        "sections_after": [s for s in sections if s["order"] >= 50],
        "error": error,
        "draft": draft or {},
        "client_id": uuid.uuid4(),
    }
    if manages:
        context["categories"] = Category.objects.filter(active=True, parent__isnull=False)
        context["grids"] = Area.objects.filter(
            level=AreaLevel.GRID, code__startswith=topic.area.code
        ).defer("boundary")
    return render(request, "consultation/topic.html", context, status=status)


def _after(phase: str | None, current: str | None) -> bool:
    """Whether `phase` comes after `current` (nothing comes after no phase)."""
    if current is None or phase is None:
        return False
    return PHASE_ORDER.index(phase) > PHASE_ORDER.index(current)


@login_required
def moderation_queue(request: HttpRequest) -> HttpResponse:
    """评论审核: reported comments of the topics the user manages."""
    if not topic_access(request.user).may_manage_any:
        return refused(request, _("只有社区和街道工作人员可以审核评论。"))
    comments = list(selectors.moderation_queue(user=request.user)[:200])
    rows = [{"comment": c, "body": mask_free_text(c.body), "author": c.author} for c in comments]
    context = {"rows": rows, "log": selectors.moderation_log(user=request.user)}
    return render(request, "consultation/moderation.html", context)


@login_required
def paper_supports(request: HttpRequest, pk: int) -> HttpResponse:
    """录入纸质联署: find the signer in the register, then add their support."""
    topic = readable_topic(request, pk)
    if not topic_access(request.user).may_manage(topic):
        return refused(request, _("只有该区域的工作人员可以录入纸质联署。"))
    name = request.GET.get("name", "")[:50]
    context = {
        "topic": topic,
        "name": name,
        "signers": selectors.paper_signers(user=request.user, topic=topic, name=name),
        "threshold": threshold(topic),
        "supported": set(topic.supports.values_list("resident_id", flat=True)),
    }
    return render(request, "consultation/paper.html", context)


@login_required
def procedure_notice(request: HttpRequest, pk: int) -> HttpResponse:
    """四议两公开 as a printable notice for the notice board (公示): the topic, each step's
    record in order, the decision — for whoever may read the topic."""
    topic = readable_topic(request, pk)
    order = {step: n for n, step in enumerate(ProcedureStep.values)}
    records = sorted(selectors.procedure_of(topic), key=lambda r: order[r.step])
    title, description = topic_text(topic, topic_access(request.user))
    context = {"topic": topic, "title": title, "description": description, "records": records}
    return render(request, "consultation/procedure_notice.html", context)


@login_required
def procedure_form(request: HttpRequest, pk: int) -> HttpResponse:
    """四议两公开: the record of one step (POST goes to views.actions.procedure_save)."""
    topic = readable_topic(request, pk)
    if not topic_access(request.user).may_manage(topic):
        return refused(request, _("只有该区域的工作人员可以记录议事程序。"))
    step = request.GET.get("step", ProcedureStep.PARTY_PROPOSAL)
    record = topic.procedure.filter(step=step).first()
    return procedure_page(request, topic, step=step, record=record)


def procedure_page(request, topic, *, step, record=None, draft=None, error="", status=200):
    context = {
        "topic": topic,
        "steps": ProcedureStep.choices,
        "step": step,
        "record": record,
        "draft": draft,
        "error": error,
    }
    return render(request, "consultation/procedure.html", context, status=status)


@login_required
def attachment(request: HttpRequest, pk: int, attachment_pk: int) -> FileResponse:
    """A topic's file for whoever may read the topic; anyone else 404."""
    topic = readable_topic(request, pk)
    found = topic.attachments.filter(pk=attachment_pk).first()
    if found is None:
        raise Http404
    return attachment_response(found)


@login_required
def action_photo(request: HttpRequest, pk: int, size: str) -> FileResponse:
    """A follow-up photo for whoever may read its topic; anyone else 404."""
    photo = ActionPhoto.objects.select_related("update__action__topic__area").filter(pk=pk).first()
    if photo is None or not topic_access(request.user).may_read(photo.update.action.topic):
        raise Http404
    image = photo.thumbnail if size == "thumb" else photo.image
    response = FileResponse(image.open("rb"), content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=3600"
    return response


def refused(request: HttpRequest, message: str, status: int = 403) -> HttpResponse:
    return render(request, "consultation/error.html", {"message": message}, status=status)
