"""Every read of ballots, scoped by voting.access: lists, one ballot, what the user may
see of it (the view), and the receipt check."""

from dataclasses import dataclass, field

from django.db import DEFAULT_DB_ALIAS
from django.db.models import QuerySet

from accounts.models import User
from consultation.models import Topic
from grid.models import Area
from infra.django_private import ReusedSelect
from voting import receipts
from voting.access import BallotAccess, ballot_access
from voting.models import Ballot, Choice, Eligibility, Option, Vote


def ballot_list(*, user: User, topic_id: int | None = None) -> QuerySet[Ballot]:
    ballots = Ballot.objects.filter(ballot_access(user).readable_q()).select_related("topic__area")
    return ballots.filter(topic_id=topic_id) if topic_id else ballots


def ballot_get_for_user(*, user: User, ballot_id: int) -> Ballot | None:
    return ballot_list(user=user).filter(pk=ballot_id).first()


# What a cast reads of its ballot (voting.services.ballot_cast, the policy, the event), in
# the model's field order (Model.from_db). Any other field loads when touched.
_CAST_FIELDS = {
    "id", "created_at", "topic_id", "kind", "eligibility", "channel", "secret",
    "allow_change", "min_choices", "max_choices", "budget", "opens_at", "closes_at",
    "opened_at", "closed_at",
}  # fmt: skip
CAST_FIELDS = [f.attname for f in Ballot._meta.concrete_fields if f.attname in _CAST_FIELDS]
_cast_rows = ReusedSelect(
    lambda pk: Ballot.objects.filter(pk=pk).values_list(
        *CAST_FIELDS, "topic__area_id", "topic__area__code"
    ),
    int,
)


def ballot_to_cast_on(ballot_id: int) -> Ballot | None:
    """The ballot by id, unscoped: the caller asks the policy (voting.access) before
    anything else. Casting is the hot path: one compiled query of the columns a cast
    reads, with its topic's area code (not the area's boundary)."""
    rows = _cast_rows.rows(ballot_id)
    if not rows:
        return None
    *values, area_id, area_code = rows[0]
    ballot = Ballot.from_db(DEFAULT_DB_ALIAS, CAST_FIELDS, values)
    topic = Topic.from_db(DEFAULT_DB_ALIAS, ["id", "area_id"], [ballot.topic_id, area_id])
    topic.area = Area.from_db(DEFAULT_DB_ALIAS, ["id", "code"], [area_id, area_code])
    ballot.topic = topic
    return ballot


@dataclass
class MyVote:
    voted: bool = False
    household_voted: bool = False  # by another member: never who
    selection: list[str] | None = None  # open ballots only: the user's own choice
    may_change: bool = False


@dataclass
class BallotView:
    """What one user may see of one ballot, for the page, the API and the export."""

    ballot: Ballot
    options: list[Option]
    access: BallotAccess
    turnout: int
    show_tally: bool
    show_results: bool
    manages: bool
    mine: MyVote = field(default_factory=MyVote)

    @property
    def outcome(self) -> dict | None:
        return self.ballot.outcome if self.show_results else None

    def votes_of(self, option: Option) -> int | None:
        return option.votes if self.show_tally else None


def ballot_view(*, user: User, ballot: Ballot) -> BallotView:
    access = ballot_access(user)
    closed = ballot.closed_at is not None
    return BallotView(
        ballot=ballot,
        options=list(ballot.options.all()),
        access=access,
        turnout=ballot.votes_cast if closed else Vote.objects.filter(ballot=ballot).count(),
        show_tally=access.may_see_tally(ballot),
        show_results=access.may_see_results(ballot),
        manages=access.may_manage(ballot),
        mine=_my_vote(user, ballot),
    )


def _my_vote(user: User, ballot: Ballot) -> MyVote:
    resident_id = getattr(user, "resident_id", None)
    if resident_id is None:
        return MyVote()
    vote = Vote.objects.filter(ballot=ballot, resident_id=resident_id).first()
    if vote is not None:
        own = None
        if not ballot.secret:
            own = Choice.objects.filter(vote=vote).values_list("selection", flat=True).first()
        return MyVote(True, False, own, ballot.allow_change and ballot.is_open)
    if ballot.eligibility == Eligibility.HOUSEHOLD:
        household = user.resident.household_id
        taken = Vote.objects.filter(ballot=ballot, household_id=household).exists()
        return MyVote(household_voted=taken)
    return MyVote()


def receipt_counted(*, ballot: Ballot, code: str) -> bool:
    """Whether the ballot paper of this receipt code is in the ballot's count."""
    canonical = receipts.normalise(code)
    if canonical is None:
        return False
    return Choice.objects.filter(ballot=ballot, receipt=receipts.digest(canonical)).exists()
