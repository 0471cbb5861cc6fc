"""Ballot API schemas: explicit fields. No output names a voter; a secret ballot's
option counts are null until it closes."""

import datetime as dt
import uuid

from ninja import Field, Schema

from common.api_types import Text


class OptionOut(Schema):
    key: str = Field(description="投票时使用的选项标识（赞成/反对/弃权为 yes/no/abstain）")
    label: str
    cost: int
    votes: int | None = Field(None, description="得票；无记名投票截止前为空")


class MyVoteOut(Schema):
    voted: bool
    household_voted: bool = Field(description="本户已有其他成员投票（不显示是谁）")
    selection: list[str] | None = Field(None, description="本人的选择（仅记名投票）")
    may_change: bool


class BallotOut(Schema):
    id: int
    topic: int
    kind: str
    question: str
    description: str
    eligibility: str
    channel: str
    secret: bool
    allow_change: bool
    min_choices: int
    max_choices: int
    budget: int
    rules: dict
    state: str
    opens_at: dt.datetime
    closes_at: dt.datetime
    closed_at: dt.datetime | None
    turnout: int
    options: list[OptionOut]
    mine: MyVoteOut
    outcome: dict | None = Field(None, description="结果与计算过程（截止后）")


class CastIn(Schema):
    selection: list[str | int] = Field(description="所选选项标识；排序选择按偏好顺序")
    client_id: uuid.UUID = Field(description="客户端生成的请求编号，重试时不变")
    receipt: Text = Field("", max_length=20, description="可选：客户端自备的回执码")


class ChangeIn(Schema):
    selection: list[str | int]
    receipt: Text = Field("", max_length=20, description="无记名投票改票时必填")


class CastOut(Schema):
    vote: int
    created: bool
    receipt: str | None = Field(description="回执码：仅此一次显示，请妥善保存")


class ReceiptIn(Schema):
    receipt: Text = Field(max_length=20)


class ReceiptOut(Schema):
    counted: bool


class MeetingIn(Schema):
    method: str = Field(pattern="^(hands|paper)$")
    held_on: dt.date
    place: Text = Field("", max_length=100)
    expected: int = Field(ge=1, le=1_000_000)
    attended: int = Field(ge=1, le=1_000_000)
    counts: dict[str, int]
    minutes: Text = Field("", max_length=10_000)


class OptionIn(Schema):
    label: Text = Field(min_length=1, max_length=200)
    cost: int = Field(0, ge=0, le=1_000_000_000, description="预算分配：费用（元）")


class BallotIn(Schema):
    topic: int = Field(ge=1)
    kind: str = Field(description="yes_no / single / multiple / ranked / budget")
    question: Text = Field(min_length=1, max_length=200)
    description: Text = Field("", max_length=5000)
    eligibility: str = Field(description="person / household / representatives")
    channel: str = Field("online", description="online / meeting")
    secret: bool = True
    allow_change: bool = True
    options: list[OptionIn] = Field(default_factory=list, max_length=50)
    min_choices: int = Field(1, ge=1, le=50)
    max_choices: int = Field(1, ge=1, le=50)
    budget: int = Field(0, ge=0, le=1_000_000_000)
    quorum: str | None = Field(
        None, description="more_than_half / two_thirds / three_quarters / percent:<n>；空为不设"
    )
    threshold: str | None = Field(None, description="同上；空为得票最多者")
    base: str = Field("cast", pattern="^(cast|eligible)$")
    opens_at: dt.datetime
    closes_at: dt.datetime
    client_id: uuid.UUID | None = None
