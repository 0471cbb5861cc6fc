"""Opinion-map API inputs and outputs, field by field. No output names a participant: a
statement's author is only told it is theirs (`mine`), and the map has no user ids."""

import datetime as dt
import uuid
from typing import Literal

from ninja import Field, Schema

from opinions.models import STATEMENT_LENGTH, Choice

CHOICES = {"agree": Choice.AGREE, "disagree": Choice.DISAGREE, "pass": Choice.PASS}
ChoiceName = Literal["agree", "disagree", "pass"]
CHOICE_NAMES = {int(value): name for name, value in CHOICES.items()}


class StatementIn(Schema):
    text: str = Field(..., min_length=1, max_length=STATEMENT_LENGTH, description="观点，最多140字")
    client_id: uuid.UUID | None = Field(None, description="客户端生成的 UUID；重发时不会重复添加")


class VoteIn(Schema):
    choice: ChoiceName = Field(..., description="agree 同意 / disagree 不同意 / pass 跳过")


class ModerateIn(Schema):
    accept: bool
    reason: str = Field("", max_length=200, description="未通过时必填，提出人可见")


class StatementOut(Schema):
    id: int
    text: str
    state: Literal["pending", "accepted", "rejected"] = Field(description="审核状态")
    reason: str = Field(description="未通过的原因（仅提出人和审核人可见）")
    mine: bool = Field(description="是否为我提出的观点")
    my_vote: ChoiceName | None = Field(description="我的表态")
    votes: int = Field(description="表态人数")
    created_at: dt.datetime


class VoteOut(Schema):
    statement: int
    choice: ChoiceName


class NextOut(Schema):
    statement: StatementOut | None = Field(description="下一条待表态的观点；空为已全部表态")
    remaining: int = Field(description="尚未表态的观点数")


class RepresentativeOut(Schema):
    statement: int
    text: str
    direction: Literal["agree", "disagree"] = Field(description="该组多数同意或不同意")
    probability: float = Field(description="组内同意（或不同意）的比例，拉普拉斯平滑")
    ratio: float = Field(description="是组外的几倍")
    votes: int


class GroupOut(Schema):
    label: str
    size: int
    representative: list[RepresentativeOut]


class ConsensusOut(Schema):
    statement: int
    text: str
    score: float = Field(description="各组同意概率之积")
    per_group: dict[str, float]


class PlaceOut(Schema):
    label: str
    x: float
    y: float


class SnapshotOut(Schema):
    computed_at: dt.datetime | None
    participants: int = Field(description="表态人数")
    placed: int = Field(description="表态足够、纳入分组的人数")
    groups: list[GroupOut]
    points: list[tuple[float, float, str]] = Field(description="每位纳入者的坐标与组别，不含身份")
    consensus: list[ConsensusOut] = Field(description="各组都同意的观点")
    me: PlaceOut | None = Field(description="我所在的组与位置")


class ModerationItemOut(Schema):
    id: int
    topic: int
    topic_title: str
    text: str
    created_at: dt.datetime
