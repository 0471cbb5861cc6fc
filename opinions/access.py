"""The one access policy for the opinion map, on top of consultation's (who reads a
topic, who takes part in it, who manages it). Pages, the API, the services and the events
ask it; none re-derives a rule.

- **who reads the map** (accepted statements, groups, consensus): whoever may read the
  topic (consultation.access).
- **who votes and adds statements**: whoever takes part in the topic, while the topic is
  on the agenda and in its collect or deliberate phase; afterwards the map stays readable
  as the record of the deliberation.
- **who moderates**: whoever manages the topic. Their own statements are accepted as they
  write them (staff seed the map); everyone else's wait for a moderator.
- **a statement** is seen by the topic's readers once accepted; pending or rejected, only
  by its author and the moderators (with the reason, for a rejection).
- **the socket**: a map's events go to `area.<topic area>` and to the staff groups of the
  areas strictly above it (the topic's readers who belong there and its managers); a
  statement waiting for moderation is announced to the staff groups of the area and above
  only, with its id and no text.
"""

from dataclasses import dataclass

from django.db.models import Q
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.scope import code_prefix_q
from common.errors import Conflict, NotPermitted
from consultation.access import TopicAccess, topic_access
from consultation.models import Phase, Topic, TopicStatus
from opinions.models import Moderation, Statement
from realtime.groups import area_audience, staff_groups_upwards

OPEN_PHASES = (Phase.COLLECT, Phase.DELIBERATE)


def is_open(topic: Topic) -> bool:
    """Whether the map takes votes and statements: on the agenda, collect or deliberate."""
    return topic.status == TopicStatus.AGENDA and topic.phase in OPEN_PHASES


@dataclass(frozen=True)
class OpinionAccess:
    """The opinion rules for one user, over their consultation policy."""

    topics: TopicAccess

    @property
    def user_id(self) -> int | None:
        return self.topics.user_id

    def may_read(self, topic: Topic) -> bool:
        return self.topics.may_read(topic)

    def takes_part(self, topic: Topic) -> bool:
        return self.topics.takes_part(topic)

    def may_vote(self, topic: Topic) -> bool:
        return self.takes_part(topic) and is_open(topic)

    def moderates(self, topic: Topic) -> bool:
        return self.topics.may_manage(topic)

    def may_see(self, statement: Statement) -> bool:
        topic = statement.topic
        if not self.may_read(topic):
            return False
        if statement.state == Moderation.ACCEPTED or self.moderates(topic):
            return True
        return self.user_id is not None and statement.author_id == self.user_id

    def require_read(self, topic: Topic) -> None:
        self.topics.require_read(topic)

    def require_contribute(self, topic: Topic) -> None:
        """Vote or add a statement: take part, and the map is open."""
        self.topics.require_take_part(topic)
        if not is_open(topic):
            raise Conflict(_("该议题的意见征集已结束。"))

    def require_moderate(self, topic: Topic) -> None:
        if not self.moderates(topic):
            raise NotPermitted(_("您无权审核该议题的观点。"))

    # --- rows ------------------------------------------------------------------------

    def statements_q(self, topic: Topic) -> Q:
        """The statements of `topic` this user sees (a filter on Statement)."""
        if self.moderates(topic):
            return Q(topic=topic)
        own = Q(author_id=self.user_id) if self.user_id else Q(pk__in=[])
        return Q(topic=topic) & (Q(state=Moderation.ACCEPTED) | own)

    def moderation_q(self) -> Q:
        """The statements this user moderates, in every topic (a filter on Statement)."""
        if self.topics.superuser:
            return Q()
        return code_prefix_q("topic__area__code", self.topics.managing_codes())


def opinion_access(user: User) -> OpinionAccess:
    """The policy for `user` (anonymous: nothing)."""
    return OpinionAccess(topic_access(user))


def map_audience(area_code: str) -> list[str]:
    """Who receives a map's events: `area.<code>` and the staff strictly above it."""
    return area_audience(area_code)


def moderator_audience(area_code: str) -> list[str]:
    """Who is told a statement waits for moderation: the staff of the area and above."""
    return staff_groups_upwards(area_code)
