"""Consultation API inputs and outputs, field by field. Texts come masked as on the
pages (consultation.presenters); people are named as on the pages ("李*"), never by
account or full name."""

import datetime as dt
import uuid
from typing import Literal

from ninja import Field, Schema

from common.api_types import Text
from consultation.access import topic_access
from consultation.models import InitiatorKind, Phase, ProcedureStep, Stance
from consultation.presenters import topic_text

PhaseName = Literal[tuple(Phase.values)]  # type: ignore[valid-type]
StanceName = Literal[tuple(Stance.values)]  # type: ignore[valid-type]
StepName = Literal[tuple(ProcedureStep.values)]  # type: ignore[valid-type]
KindName = Literal[tuple(InitiatorKind.values)]  # type: ignore[valid-type]


class AreaOut(Schema):
    code: str
    name: str


class TopicOut(Schema):
    id: int
    title: str = Field(description="读者不管理该议题时，身份证号和手机号已遮盖")
    area: AreaOut = Field(description="议事范围")
    status: str = Field(description="proposed 待审议 / agenda 已列入议程 / rejected / withdrawn")
    phase: str | None = Field(description="collect/deliberate/vote/publish/follow_up/closed")
    initiator_kind: str
    support_count: int = 0
    comment_count: int = 0
    created_at: dt.datetime
    updated_at: dt.datetime

    @staticmethod
    def resolve_title(obj, context) -> str:
        if isinstance(obj, dict):
            return obj["title"]
        title, _description = topic_text(obj, topic_access(context["request"].user))
        return title


class PhaseOut(Schema):
    phase: str
    opens_at: dt.datetime | None
    closes_at: dt.datetime | None
    opened_at: dt.datetime | None
    closed_at: dt.datetime | None


class ThresholdOut(Schema):
    basis: str = Field(description="household 按户 / resident 按成年居民")
    eligible: int
    needed: int
    have: int


class RatingOut(Schema):
    average: float | None
    count: int
    mine: int | None = Field(None, description="本人的评分")


class AttachmentOut(Schema):
    id: int
    name: str = Field(description="上传时的文件名")
    size: int
    content_type: str
    url: str = Field(description="下载地址（需登录，仅限能查看该议题的用户）")


class TopicDetailOut(TopicOut):
    description: str
    raised_by: str
    decision_reason: str = Field(description="审议意见；未列入时为公开的理由")
    support_until: dt.datetime | None
    phases: list[PhaseOut]
    attachments: list[AttachmentOut]
    threshold: ThresholdOut | None = Field(None, description="待审议时的联署进度")
    supported: bool = Field(description="本人（本人的户籍档案）已联署")
    takes_part: bool
    manages: bool
    rating: RatingOut


class TopicIn(Schema):
    area_code: str = Field(..., max_length=15, pattern=r"^\d{9,15}$")
    title: Text = Field(..., max_length=120)
    description: Text = Field(..., max_length=5000)
    client_id: uuid.UUID | None = Field(None, description="手机重试时带同一编号，只建一个议题")
    initiator_kind: KindName = Field("staff", description="工作人员直接发起时：发起人身份")
    raised_by: Text = Field("", max_length=100)


class ReasonIn(Schema):
    reason: Text = Field("", max_length=500)


class PhaseIn(Schema):
    phase: PhaseName


class PlanIn(Schema):
    phase: PhaseName
    opens_at: dt.datetime | None = None
    closes_at: dt.datetime | None = None


class PaperSupportIn(Schema):
    resident_id: int = Field(..., ge=1, le=2**63 - 1)


class SignerOut(Schema):
    id: int = Field(description="居民档案编号，录入纸质联署时用")
    name: str
    address: str
    supported: bool


class SupportOut(Schema):
    id: int
    source: str
    created: bool
    topic: TopicDetailOut


class CommentOut(Schema):
    id: int
    parent: int | None
    depth: int
    stance: str
    body: str = Field(description="已遮盖个人信息；被隐藏时为空")
    hidden: str = Field(description="被隐藏的说明，如“已被管理员隐藏”；正常显示时为空")
    author: str = Field(description="如“李*”")
    created_at: dt.datetime


class CommentIn(Schema):
    body: Text = Field(..., max_length=2000)
    stance: StanceName
    parent: int | None = Field(None, ge=1, le=2**63 - 1)
    client_id: uuid.UUID | None = None


class ModerationOut(CommentOut):
    topic: int
    status: str
    report_count: int


class AmendmentOut(Schema):
    id: int
    text: str
    reason: str
    status: str
    answer: str
    replaced_text: str
    created_at: dt.datetime
    decided_at: dt.datetime | None


class AmendmentIn(Schema):
    text: Text = Field(..., max_length=5000)
    reason: Text = Field("", max_length=500)
    client_id: uuid.UUID | None = None


class AmendmentDecisionIn(Schema):
    accept: bool
    answer: Text = Field("", max_length=500)


class ProcedureIn(Schema):
    step: StepName
    held_on: dt.date
    expected: Text = Field("", max_length=500)
    expected_count: int = Field(0, ge=0, le=100_000)
    attended: Text = Field("", max_length=500)
    attended_count: int = Field(0, ge=0, le=100_000)
    quorum: int = Field(0, ge=0, le=100_000)
    decision: Text = Field("", max_length=5000)
    minutes: Text = Field("", max_length=20000)


class ProcedureOut(Schema):
    step: str
    held_on: dt.date
    expected: str
    expected_count: int
    attended: str
    attended_count: int
    quorum: int
    quorum_reached: bool
    decision: str
    minutes: str


class PhotoOut(Schema):
    id: int
    width: int
    height: int


class UpdateOut(Schema):
    id: int
    text: str
    progress: int
    created_at: dt.datetime
    photos: list[PhotoOut]


class ActionOut(Schema):
    id: int
    title: str
    owner_name: str
    due_on: dt.date | None
    status: str
    progress: int
    case: int | None = Field(None, description="转办的事件编号（id）")
    updates: list[UpdateOut]


class ActionIn(Schema):
    title: Text = Field(..., max_length=120)
    owner_name: Text = Field(..., max_length=100)
    due_on: dt.date | None = None


class ActionUpdateIn(Schema):
    text: Text = Field(..., max_length=2000)
    progress: int = Field(..., ge=0, le=100)
    client_id: uuid.UUID | None = None


class ActionCaseIn(Schema):
    category: int = Field(..., ge=1, le=2**63 - 1)
    description: Text = Field(..., max_length=2000)
    grid_code: str = Field(..., pattern=r"^\d{15}$")


class RatingIn(Schema):
    score: int = Field(..., ge=1, le=5)
    remark: Text = Field("", max_length=300)
