"""Consultation API for the phone app and other clients: topics, supports, phases,
comments and moderation, amendments, the procedure record, follow-up and ratings.
Everything is scoped by consultation.access: a topic the user may not read is 404, as
one that does not exist; a write they may not make is 403 with the reason."""

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import File, Form, Path, Query, Router, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from common.errors import InvalidInput, NotFound
from common.personal_data import mask_free_text
from consultation import discussion, follow_up, phases, selectors, services
from consultation import schemas as s
from consultation.access import topic_access
from consultation.models import (
    Amendment,
    Comment,
    FollowUpAction,
    Topic,
    TopicStatus,
)
from consultation.presenters import comment_tree, topic_text
from consultation.threshold import threshold
from feedback.models import Category
from feedback.photos import prepare
from grid.models import Area
from notices.downloads import attachment_response

router = Router(tags=["consultation"])
MAX_ID = 2**63 - 1
TOPIC = "/topics/{int:topic_id}"


def _readable(request: HttpRequest, topic_id: int) -> Topic:
    topic = selectors.topic_get_for_user(user=request.user, topic_id=topic_id)
    if topic is None:
        raise NotFound(_("议题不存在或您无权查看。"))
    return topic


def _topic_row(topic: Topic, request: HttpRequest) -> dict:
    title, _description = topic_text(topic, topic_access(request.user))
    return {
        "id": topic.pk,
        "title": title,
        "area": {"code": topic.area.code, "name": topic.area.name},
        "status": topic.status,
        "phase": topic.phase,
        "initiator_kind": topic.initiator_kind,
        "support_count": getattr(topic, "support_count", None) or topic.supports.count(),
        "comment_count": getattr(topic, "comment_count", 0),
        "created_at": topic.created_at,
        "updated_at": topic.updated_at,
    }


def _detail(request: HttpRequest, topic_id: int) -> dict:
    topic = _readable(request, topic_id)
    access = topic_access(request.user)
    _title, description = topic_text(topic, access)
    rating = selectors.rating_summary(topic, request.user)
    t = threshold(topic) if topic.status == TopicStatus.PROPOSED else None
    return _topic_row(topic, request) | {
        "description": description,
        "raised_by": topic.raised_by,
        "decision_reason": topic.decision_reason,
        "support_until": topic.support_until,
        "phases": list(topic.phases.order_by("id")),
        "attachments": [
            {
                "id": a.pk,
                "name": a.original_name,
                "size": a.size,
                "content_type": a.content_type,
                "url": request.build_absolute_uri(
                    reverse(
                        "api:topic_attachment", kwargs={"topic_id": topic.pk, "attachment_id": a.pk}
                    )
                ),
            }
            for a in topic.attachments.all()
        ],
        "threshold": t.__dict__ if t else None,
        "supported": selectors.has_supported(topic, request.user),
        "takes_part": access.takes_part(topic),
        "manages": access.may_manage(topic),
        "comment_count": topic.comments.filter(status="visible").count(),
        "rating": {
            "average": rating["average"],
            "count": rating["count"],
            "mine": rating["mine"].score if rating["mine"] else None,
        },
    }


@router.get("/topics", response=list[s.TopicOut], summary="我所在区域的议题")
@paginate
def topic_list(request: HttpRequest, status: str = "", phase: str = ""):
    """The topics of the areas you live or work in, of the areas above them and (staff)
    below them; newest activity first. `status`, `phase` narrow the list."""
    return selectors.topic_list(user=request.user, status=status, phase=phase)


@router.post(
    "/topics",
    response={200: s.TopicDetailOut, 201: s.TopicDetailOut},
    summary="提出议题（居民）或发起议题（工作人员）",
)
def topic_create(request: HttpRequest, payload: s.TopicIn):
    """A resident or grid worker proposes (it waits for supports); staff over the area
    open it straight on the agenda. 201 new, 200 the same `client_id` seen before."""
    area = Area.objects.filter(code=payload.area_code).defer("boundary").first()
    if area is None:
        raise InvalidInput(_("请选择议事范围。"), field="area_code")
    fields = dict(
        actor=request.user,
        area=area,
        title=payload.title,
        description=payload.description,
        client_id=payload.client_id,
    )
    if topic_access(request.user).may_manage_area(area.code):
        topic, created = services.topic_open(
            initiator_kind=payload.initiator_kind, raised_by=payload.raised_by, **fields
        )
    else:
        topic, created = services.topic_propose(**fields)
    return Status(201 if created else 200, _detail(request, topic.pk))


@router.get(TOPIC, response=s.TopicDetailOut, summary="议题详情")
def topic_detail(request: HttpRequest, topic_id: int = Path(..., ge=1, le=MAX_ID)):
    return _detail(request, topic_id)


@router.get(
    TOPIC + "/attachments/{int:attachment_id}",
    url_name="topic_attachment",
    openapi_extra={"responses": {200: {"description": "附件文件"}}},
    summary="下载议题附件",
)
def topic_attachment(
    request: HttpRequest,
    topic_id: int = Path(..., ge=1, le=MAX_ID),
    attachment_id: int = Path(..., ge=1, le=MAX_ID),
):
    found = _readable(request, topic_id).attachments.filter(pk=attachment_id).first()
    if found is None:
        raise NotFound(_("附件不存在或您无权查看。"))
    return attachment_response(found)


@router.post(
    TOPIC + "/support",
    response={200: s.SupportOut, 201: s.SupportOut},
    summary="联署（本人的户籍档案，一人只计一次）",
)
def topic_support(request: HttpRequest, topic_id: int = Path(..., ge=1, le=MAX_ID)):
    _readable(request, topic_id)
    support, created = services.support_add(actor=request.user, topic_id=topic_id)
    body = {
        "id": support.pk,
        "source": support.source,
        "created": created,
        "topic": _detail(request, topic_id),
    }
    return Status(201 if created else 200, body)


@router.post(
    TOPIC + "/paper-supports",
    response={200: s.SupportOut, 201: s.SupportOut},
    summary="录入纸质联署（工作人员）",
)
def topic_paper_support(
    request: HttpRequest, payload: s.PaperSupportIn, topic_id: int = Path(..., ge=1, le=MAX_ID)
):
    _readable(request, topic_id)
    support, created = services.support_add_paper(
        actor=request.user, topic_id=topic_id, resident_id=payload.resident_id
    )
    body = {
        "id": support.pk,
        "source": support.source,
        "created": created,
        "topic": _detail(request, topic_id),
    }
    return Status(201 if created else 200, body)


@router.get(
    TOPIC + "/paper-signers", response=list[s.SignerOut], summary="查找纸质联署的签名人（工作人员）"
)
def topic_paper_signers(
    request: HttpRequest,
    topic_id: int = Path(..., ge=1, le=MAX_ID),
    name: str = Query(..., min_length=1, max_length=50),
):
    """Residents of the topic's scope whose name contains `name`, among those the user
    may read in the register; empty for anyone who does not manage the topic."""
    topic = _readable(request, topic_id)
    signers = selectors.paper_signers(user=request.user, topic=topic, name=name)
    supported = set(topic.supports.values_list("resident_id", flat=True))
    return [
        {
            "id": r.pk,
            "name": r.name,
            "address": f"{r.household.building.address} {r.household.room}",
            "supported": r.pk in supported,
        }
        for r in signers
    ]


@router.post(TOPIC + "/accept", response=s.TopicDetailOut, summary="列入议程（工作人员）")
def topic_accept(request: HttpRequest, payload: s.ReasonIn, topic_id: int = Path(..., ge=1)):
    _readable(request, topic_id)
    services.topic_accept(actor=request.user, topic_id=topic_id, reason=payload.reason)
    return _detail(request, topic_id)


@router.post(TOPIC + "/reject", response=s.TopicDetailOut, summary="不予列入（须公开理由）")
def topic_reject(request: HttpRequest, payload: s.ReasonIn, topic_id: int = Path(..., ge=1)):
    _readable(request, topic_id)
    services.topic_reject(actor=request.user, topic_id=topic_id, reason=payload.reason)
    return _detail(request, topic_id)


@router.post(TOPIC + "/withdraw", response=s.TopicDetailOut, summary="撤回议题（提出人）")
def topic_withdraw(request: HttpRequest, topic_id: int = Path(..., ge=1, le=MAX_ID)):
    _readable(request, topic_id)
    services.topic_withdraw(actor=request.user, topic_id=topic_id)
    return _detail(request, topic_id)


@router.post(TOPIC + "/phase", response=s.TopicDetailOut, summary="进入后续阶段（工作人员）")
def topic_phase(request: HttpRequest, payload: s.PhaseIn, topic_id: int = Path(..., ge=1)):
    _readable(request, topic_id)
    phases.phase_move(actor=request.user, topic_id=topic_id, phase=payload.phase)
    return _detail(request, topic_id)


@router.post(TOPIC + "/plan", response=s.TopicDetailOut, summary="设定阶段时间（到时自动切换）")
def topic_plan(request: HttpRequest, payload: s.PlanIn, topic_id: int = Path(..., ge=1)):
    _readable(request, topic_id)
    phases.phase_plan(
        actor=request.user,
        topic_id=topic_id,
        phase=payload.phase,
        opens_at=payload.opens_at,
        closes_at=payload.closes_at,
    )
    return _detail(request, topic_id)


# --- debate -----------------------------------------------------------------------------


def _comment_rows(comments: list[Comment]) -> list[dict]:
    rows = []

    def walk(views) -> None:
        for view in views:
            c = view.comment
            rows.append(
                {
                    "id": c.pk,
                    "parent": c.parent_id,
                    "depth": c.depth,
                    "stance": c.stance,
                    "body": view.body,
                    "hidden": view.hidden_label,
                    "author": view.author,
                    "created_at": c.created_at,
                }
            )
            walk(view.replies)

    walk(comment_tree(comments))
    return rows


@router.get(TOPIC + "/comments", response=list[s.CommentOut], summary="评论（按楼层）")
def comment_list(request: HttpRequest, topic_id: int = Path(..., ge=1, le=MAX_ID)):
    """Every comment in thread order; a hidden one keeps its place with `hidden` saying
    why and no body."""
    return _comment_rows(selectors.comments_of(_readable(request, topic_id)))


@router.post(
    TOPIC + "/comments",
    response={200: s.CommentOut, 201: s.CommentOut},
    summary="发表评论或回复（最多三层）",
)
def comment_add(request: HttpRequest, payload: s.CommentIn, topic_id: int = Path(..., ge=1)):
    _readable(request, topic_id)
    comment, created = discussion.comment_add(
        actor=request.user,
        topic_id=topic_id,
        body=payload.body,
        stance=payload.stance,
        parent_id=payload.parent,
        client_id=payload.client_id,
    )
    comment.author = request.user
    return Status(201 if created else 200, _comment_rows([comment])[0])


@router.post("/comments/{int:comment_id}/report", response=s.CommentOut, summary="举报评论")
def comment_report(request: HttpRequest, payload: s.ReasonIn, comment_id: int = Path(..., ge=1)):
    comment = discussion.comment_report(
        actor=request.user, comment_id=comment_id, reason=payload.reason[:200]
    )
    return _comment_rows([comment])[0]


@router.post("/comments/{int:comment_id}/hide", response=s.CommentOut, summary="隐藏评论（须理由）")
def comment_hide(request: HttpRequest, payload: s.ReasonIn, comment_id: int = Path(..., ge=1)):
    comment = discussion.comment_hide(
        actor=request.user, comment_id=comment_id, reason=payload.reason[:300]
    )
    return _comment_rows([comment])[0]


@router.post("/comments/{int:comment_id}/restore", response=s.CommentOut, summary="恢复评论")
def comment_restore(request: HttpRequest, payload: s.ReasonIn, comment_id: int = Path(..., ge=1)):
    comment = discussion.comment_restore(
        actor=request.user, comment_id=comment_id, reason=payload.reason[:300]
    )
    return _comment_rows([comment])[0]


@router.get("/moderation", response=list[s.ModerationOut], summary="待审核的评论（工作人员）")
def moderation(request: HttpRequest):
    comments = list(selectors.moderation_queue(user=request.user)[:200])
    rows = {row["id"]: row for row in _comment_rows(comments)}
    return [
        rows[c.pk]
        | {
            "topic": c.topic_id,
            "status": c.status,
            "report_count": c.report_count,
            "body": rows[c.pk]["body"] or _masked(c),
        }
        for c in comments
    ]


def _masked(comment: Comment) -> str:
    return mask_free_text(comment.body)


# --- amendments -------------------------------------------------------------------------


@router.get(TOPIC + "/amendments", response=list[s.AmendmentOut], summary="修改建议及回应")
def amendment_list(request: HttpRequest, topic_id: int = Path(..., ge=1, le=MAX_ID)):
    return list(_readable(request, topic_id).amendments.all())


@router.post(
    TOPIC + "/amendments",
    response={200: s.AmendmentOut, 201: s.AmendmentOut},
    summary="提出修改建议（征集阶段）",
)
def amendment_add(request: HttpRequest, payload: s.AmendmentIn, topic_id: int = Path(..., ge=1)):
    _readable(request, topic_id)
    amendment, created = discussion.amendment_propose(
        actor=request.user,
        topic_id=topic_id,
        text=payload.text,
        reason=payload.reason,
        client_id=payload.client_id,
    )
    return Status(201 if created else 200, amendment)


@router.post(
    "/amendments/{int:amendment_id}/decide",
    response=s.AmendmentOut,
    summary="采纳或不采纳（发起人，公开回应）",
)
def amendment_decide(
    request: HttpRequest, payload: s.AmendmentDecisionIn, amendment_id: int = Path(..., ge=1)
):
    if not Amendment.objects.filter(pk=amendment_id).exists():
        raise NotFound(_("修改建议不存在。"))
    return discussion.amendment_decide(
        actor=request.user, amendment_id=amendment_id, accept=payload.accept, answer=payload.answer
    )


# --- procedure, follow-up, rating -------------------------------------------------------


@router.get(TOPIC + "/procedure", response=list[s.ProcedureOut], summary="四议两公开记录")
def procedure_list(request: HttpRequest, topic_id: int = Path(..., ge=1, le=MAX_ID)):
    return selectors.procedure_of(_readable(request, topic_id))


@router.post(TOPIC + "/procedure", response=s.ProcedureOut, summary="记录一个程序步骤（工作人员）")
def procedure_save(request: HttpRequest, payload: s.ProcedureIn, topic_id: int = Path(..., ge=1)):
    _readable(request, topic_id)
    return follow_up.procedure_record(actor=request.user, topic_id=topic_id, **payload.dict())


@router.get(TOPIC + "/actions", response=list[s.ActionOut], summary="落实事项与进展")
def action_list(request: HttpRequest, topic_id: int = Path(..., ge=1, le=MAX_ID)):
    return [_action_row(a) for a in selectors.actions_of(_readable(request, topic_id))]


def _action_row(action: FollowUpAction) -> dict:
    return {
        "id": action.pk,
        "title": action.title,
        "owner_name": action.owner_name,
        "due_on": action.due_on,
        "status": action.status,
        "progress": action.progress,
        "case": action.case_id,
        "updates": [
            {
                "id": u.pk,
                "text": u.text,
                "progress": u.progress,
                "created_at": u.created_at,
                "photos": list(u.photos.all()),
            }
            for u in action.updates.all()
        ],
    }


@router.post(TOPIC + "/actions", response={201: s.ActionOut}, summary="添加落实事项（工作人员）")
def action_add(request: HttpRequest, payload: s.ActionIn, topic_id: int = Path(..., ge=1)):
    _readable(request, topic_id)
    action = follow_up.action_create(actor=request.user, topic_id=topic_id, **payload.dict())
    return Status(201, _action_row(action))


@router.post(
    "/actions/{int:action_id}/updates",
    response={200: s.ActionOut, 201: s.ActionOut},
    summary="更新进展（multipart，可附照片）",
)
def action_progress(
    request: HttpRequest,
    payload: Form[s.ActionUpdateIn],
    action_id: int = Path(..., ge=1, le=MAX_ID),
    photos: File[list[UploadedFile]] = None,
):
    """Form fields `text`, `progress` (0–100), `client_id`; files `photos` (EXIF, GPS
    included, removed)."""
    prepared = [prepare(f.read(), name=f.name) for f in photos or []]
    _update, created = follow_up.action_update(
        actor=request.user,
        action_id=action_id,
        text=payload.text,
        progress=payload.progress,
        photos=prepared,
        client_id=payload.client_id,
    )
    action = FollowUpAction.objects.prefetch_related("updates__photos").get(pk=action_id)
    return Status(201 if created else 200, _action_row(action))


@router.post("/actions/{int:action_id}/case", response=s.ActionOut, summary="转为事件办理")
def action_case(request: HttpRequest, payload: s.ActionCaseIn, action_id: int = Path(..., ge=1)):
    category = Category.objects.filter(pk=payload.category, active=True).first()
    if category is None:
        raise InvalidInput(_("请选择具体的事件小类。"), field="category")
    follow_up.action_open_case(
        actor=request.user,
        action_id=action_id,
        category=category,
        description=payload.description,
        grid_code=payload.grid_code,
    )
    return _action_row(FollowUpAction.objects.get(pk=action_id))


@router.post(TOPIC + "/rating", response=s.RatingOut, summary="评议落实情况（1–5 星）")
def rating_set(request: HttpRequest, payload: s.RatingIn, topic_id: int = Path(..., ge=1)):
    topic = _readable(request, topic_id)
    follow_up.rating_set(
        actor=request.user, topic_id=topic_id, score=payload.score, remark=payload.remark
    )
    summary = selectors.rating_summary(topic, request.user)
    return {"average": summary["average"], "count": summary["count"], "mine": summary["mine"].score}
