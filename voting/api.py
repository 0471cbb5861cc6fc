"""Ballot API: read ballots, cast and change a vote (idempotent by client_id), check a
receipt; managers open, close and enter a meeting's result. A ballot the user may not
read is 404, as one that does not exist."""

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Path, Query, Router, Status

from common.api_types import problems
from common.errors import NotFound
from consultation.access import topic_access
from consultation.models import Topic
from voting import selectors, services, services_meeting
from voting.access import BallotAccess, ballot_access_to_read
from voting.models import Ballot
from voting.schemas import (
    BallotIn,
    BallotOut,
    CastIn,
    CastOut,
    ChangeIn,
    MeetingIn,
    ReceiptIn,
    ReceiptOut,
)

router = Router(tags=["ballots"])
MAX_ID = 2**63 - 1


def _readable(request: HttpRequest, ballot_id: int) -> Ballot:
    ballot = selectors.ballot_get_for_user(user=request.user, ballot_id=ballot_id)
    if ballot is None:
        raise NotFound(_("未找到该表决。"))
    return ballot


def _votable(request: HttpRequest, ballot_id: int) -> tuple[Ballot, BallotAccess]:
    """The ballot and the user's policy, built once: a cast is the hot path, and the
    policy asks the register (the user's home grid)."""
    ballot = selectors.ballot_to_cast_on(ballot_id)
    access = ballot_access_to_read(request.user, ballot) if ballot else None
    if access is None:
        raise NotFound(_("未找到该表决。"))
    return ballot, access


def _out(request: HttpRequest, ballot: Ballot) -> dict:
    view = selectors.ballot_view(user=request.user, ballot=ballot)
    return {
        **{f: getattr(ballot, f) for f in BallotOut.model_fields if hasattr(ballot, f)},
        "topic": ballot.topic_id,
        "turnout": view.turnout,
        "options": [
            {"key": o.key, "label": o.label, "cost": o.cost, "votes": view.votes_of(o)}
            for o in view.options
        ],
        "mine": vars(view.mine),
        "outcome": view.outcome,
    }


@router.get("", response=list[BallotOut], summary="表决列表")
def ballot_list(
    request: HttpRequest,
    topic: int | None = Query(None, ge=1, le=MAX_ID, description="某议题的表决"),
    open_only: bool = Query(False, description="只列投票中的表决"),
):
    """The ballots of a topic, or of every topic you may read (newest first, at most 50);
    `open_only` keeps those open for voting now — a phone's 待投票 list."""
    ballots = selectors.ballot_list(user=request.user, topic_id=topic)
    if open_only:
        ballots = ballots.filter(opened_at__isnull=False, closed_at__isnull=True)
    return [_out(request, b) for b in ballots[:50]]


@router.post(
    "", response={201: BallotOut, 200: BallotOut, **problems(403, 404, 422)}, summary="发起表决"
)
def ballot_create(request: HttpRequest, body: BallotIn):
    """Staff of the topic's area create a ballot, scheduled by its dates (it opens by
    itself, or by `POST /{id}/open`). A retry with the same client_id returns it."""
    topic = Topic.objects.filter(topic_access(request.user).readable_q(), pk=body.topic).first()
    if topic is None:
        raise NotFound(_("议题不存在或您无权查看。"))
    known = body.client_id and Ballot.objects.filter(client_id=body.client_id).exists()
    ballot = services.ballot_create(
        actor=request.user, topic=topic, kind=body.kind, question=body.question,
        description=body.description, eligibility_rule=body.eligibility, channel=body.channel,
        secret=body.secret, allow_change=body.allow_change,
        options=[services.OptionIn(o.label, o.cost) for o in body.options],
        min_choices=body.min_choices, max_choices=body.max_choices, budget=body.budget,
        rules=services.rules_from(quorum=body.quorum, threshold=body.threshold, base=body.base),
        opens_at=body.opens_at, closes_at=body.closes_at, client_id=body.client_id,
    )  # fmt: skip
    return Status(200 if known else 201, _out(request, ballot))


@router.get("/{int:ballot_id}", response={200: BallotOut, **problems(404)}, summary="表决详情")
def ballot_detail(request: HttpRequest, ballot_id: int = Path(..., ge=1, le=MAX_ID)):
    return _out(request, _readable(request, ballot_id))


@router.post(
    "/{int:ballot_id}/votes",
    response={201: CastOut, 200: CastOut, **problems(403, 404, 409, 422)},
    summary="投票",
)
def ballot_cast(request: HttpRequest, body: CastIn, ballot_id: int = Path(..., ge=1, le=MAX_ID)):
    """Cast your vote. A retry with the same client_id answers 200 with the first vote
    (its receipt only when the retry sends the code again)."""
    ballot, access = _votable(request, ballot_id)
    cast = services.ballot_cast(
        actor=request.user, ballot=ballot, access=access,
        selection=body.selection, client_id=body.client_id, receipt=body.receipt,
    )  # fmt: skip
    out = {"vote": cast.vote.pk, "created": cast.created, "receipt": cast.receipt}
    return Status(201 if cast.created else 200, out)


@router.put(
    "/{int:ballot_id}/votes/mine",
    response={200: ReceiptOut, **problems(403, 404, 409, 422)},
    summary="改票",
)
def ballot_change(
    request: HttpRequest, body: ChangeIn, ballot_id: int = Path(..., ge=1, le=MAX_ID)
):
    services.ballot_change(
        actor=request.user, ballot=_readable(request, ballot_id),
        selection=body.selection, receipt=body.receipt,
    )  # fmt: skip
    return {"counted": True}


@router.post(
    "/{int:ballot_id}/receipt", response={200: ReceiptOut, **problems(404)}, summary="核对回执"
)
def receipt_check(
    request: HttpRequest, body: ReceiptIn, ballot_id: int = Path(..., ge=1, le=MAX_ID)
):
    """Whether the ballot paper of a receipt code is in the count (never what it says)."""
    ballot = _readable(request, ballot_id)
    return {"counted": selectors.receipt_counted(ballot=ballot, code=body.receipt)}


@router.post(
    "/{int:ballot_id}/open", response={200: BallotOut, **problems(403, 404, 409)}, summary="开始"
)
def ballot_open(request: HttpRequest, ballot_id: int = Path(..., ge=1, le=MAX_ID)):
    ballot = services.ballot_open(ballot=_readable(request, ballot_id), actor=request.user)
    return _out(request, ballot)


@router.post(
    "/{int:ballot_id}/close", response={200: BallotOut, **problems(403, 404, 409)}, summary="结束"
)
def ballot_close(request: HttpRequest, ballot_id: int = Path(..., ge=1, le=MAX_ID)):
    ballot = services.ballot_close(ballot=_readable(request, ballot_id), actor=request.user)
    return _out(request, ballot)


@router.put(
    "/{int:ballot_id}/meeting",
    response={200: BallotOut, **problems(403, 404, 409, 422)},
    summary="录入会议表决结果",
)
def meeting_enter(
    request: HttpRequest, body: MeetingIn, ballot_id: int = Path(..., ge=1, le=MAX_ID)
):
    ballot = _readable(request, ballot_id)
    services_meeting.meeting_enter(actor=request.user, ballot=ballot, **body.dict())
    return _out(request, ballot)


@router.post(
    "/{int:ballot_id}/meeting/sign-off",
    response={200: BallotOut, **problems(403, 404, 409)},
    summary="复核会议表决结果",
)
def meeting_sign_off(request: HttpRequest, ballot_id: int = Path(..., ge=1, le=MAX_ID)):
    ballot = services_meeting.meeting_sign_off(
        actor=request.user, ballot=_readable(request, ballot_id)
    )
    return _out(request, ballot)
