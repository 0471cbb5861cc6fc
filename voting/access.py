"""The one access policy for ballots, on top of consultation.access: a ballot is read by
whoever reads its topic and managed by whoever manages it. Pages, the API, the export,
the services and the events ask it.

- **read** the ballot, its options, its state and turnout: the topic's readers.
- **the tally**: of an open ballot, live to its readers; of a secret ballot, nobody
  before it closes (its managers neither: a running count sways the vote).
- **the results** (outcome, arithmetic, minutes, the 公示 page, the Excel export): the
  topic's readers once the ballot is closed.
- **who chose what**: never on a secret ballot — no page, export, event, API or admin
  shows it; on an open ballot the managers' export lists each voter's choice (name
  masked), nobody else's output does. A voter always sees their own.
- **manage** (create, open, close, enter a meeting's result): the topic's managers;
  **sign a meeting's result off**: a manager other than the one who entered it.
- **vote**: decided by the register (voting.eligibility), not by a role.
- **events** go to `area.<topic's area>` and the staff groups strictly above it: the
  groups the topic's readers and managers join (notices.access.socket_groups).
"""

from dataclasses import dataclass

from django.db.models import Q
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.scope import held_roles
from common.errors import NotFound, NotPermitted
from consultation.access import TopicAccess, topic_access
from consultation.models import Topic
from realtime.groups import area_audience
from voting.models import Ballot, MeetingResult


@dataclass(frozen=True)
class BallotAccess:
    """What one user holds, with every ballot rule as a method of it."""

    topics: TopicAccess

    @property
    def user_id(self) -> int | None:
        return self.topics.user_id

    def may_read(self, ballot: Ballot) -> bool:
        return self.topics.may_read(ballot.topic)

    def may_manage(self, ballot: Ballot) -> bool:
        return self.topics.may_manage(ballot.topic)

    def may_create_for(self, topic: Topic) -> bool:
        return self.topics.may_manage(topic)

    def may_see_tally(self, ballot: Ballot) -> bool:
        if not self.may_read(ballot):
            return False
        return ballot.closed_at is not None or not ballot.secret

    def may_see_results(self, ballot: Ballot) -> bool:
        return ballot.closed_at is not None and self.may_read(ballot)

    def may_see_voters(self, ballot: Ballot) -> bool:
        """Who chose what: an open ballot's managers, never on a secret ballot."""
        return not ballot.secret and self.may_manage(ballot)

    def may_sign_off(self, result: MeetingResult) -> bool:
        return self.may_manage(result.ballot) and result.entered_by_id != self.user_id

    def require_read(self, ballot: Ballot) -> None:
        if not self.may_read(ballot):
            raise NotFound(_("未找到该表决。"))

    def require_manage(self, ballot: Ballot) -> None:
        self.require_read(ballot)
        if not self.may_manage(ballot):
            raise NotPermitted(_("您无权管理该表决。"))

    def readable_q(self) -> Q:
        """The ballots this user may read (a filter on Ballot)."""
        return Q(topic__in=Topic.objects.filter(self.topics.readable_q()).values("pk"))


def ballot_access(user: User) -> BallotAccess:
    return BallotAccess(topic_access(user))


def ballot_access_to_read(user: User, ballot: Ballot) -> BallotAccess | None:
    """The policy of `user` if they may read `ballot`, else None — asking the register
    only when it matters. A resident's home grid only ever adds areas to what their roles
    already let them read, so a yes from the roles alone is the policy's yes; only a no
    is asked again with the home grid (consultation.access.topic_access). Casting is the
    hot path, and this saves it a query for most voters."""
    if user.is_authenticated and not user.is_superuser:
        by_roles = BallotAccess(TopicAccess(user.pk, False, held_roles(user),
                                            resident_id=user.resident_id))  # fmt: skip
        if by_roles.may_read(ballot):
            return by_roles
    access = ballot_access(user)
    return access if access.may_read(ballot) else None


def ballot_audience(ballot: Ballot) -> list[str]:
    """Who receives a ballot's events: `area.<code>` of the topic's area (everyone who
    belongs to it) and the staff of each area above, each reached once."""
    return area_audience(ballot.topic.area.code)
