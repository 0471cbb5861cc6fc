"""The one access policy for consultation: who reads a topic, who takes part in it
(proposes, supports, comments, amends, rates), who manages it, and which socket groups
carry its events. Pages, the API, the services, the selectors and the events ask it.

- **who belongs where** is grid.access's rule, the same as for notices: a role holder
  belongs to the area of each role, a resident also to the grid of their household.
- **who takes part** in a topic: whoever lives or works inside the topic's area (they
  belong to it or to an area under it), and the area staff over it (grid worker, clerk,
  supervisor, administrator of the area or of an area above). A resident of the next
  grid reads a grid's topic but does not take part in it.
- **who reads**: whoever takes part, and whoever belongs to an area above or below the
  topic's — so the residents of a community read the topics of its grids (a neighbouring
  grid's decision is the community's public record) and of its street, never those of
  another community. Proposed, rejected and withdrawn topics are read the same way: a
  rejection's reason is public.
- **who manages** (creates topics, accepts or rejects proposals, moves phases, records
  the procedure, moderates, follows up): the clerks, supervisors and administrators whose
  role lies over the topic's area; a superuser everywhere.
- **the socket**: a topic's events go to `area.<its area>` and to the staff groups of the
  areas strictly above it (consultation.events), the same groups a user joins for
  notices (notices.access.socket_groups).
"""

from dataclasses import dataclass

from django.db.models import Q
from django.utils.translation import gettext as _

from accounts.models import Role, User
from accounts.scope import Held, code_prefix_q, held_roles
from common.errors import NotPermitted
from consultation.models import Topic
from grid.access import belongs_to, home_grid, member_codes

MANAGING_ROLES = (Role.CLERK, Role.SUPERVISOR, Role.ADMIN)
# The area staff who take part in the topics of the areas under them.
STAFF_PARTICIPANTS = (Role.GRID_WORKER, Role.CLERK, Role.SUPERVISOR, Role.ADMIN)


@dataclass(frozen=True)
class TopicAccess:
    """What one user holds, with every consultation rule as a method of it."""

    user_id: int | None
    superuser: bool
    grants: tuple[Held, ...]
    home_grid: str = ""  # a linked resident's grid, when it lies under a resident role
    resident_id: int | None = None  # the linked resident record (for supports)

    @property
    def authenticated(self) -> bool:
        return self.user_id is not None

    def own_codes(self) -> list[str]:
        """The areas the user lives or works in (not those above them)."""
        return belongs_to(self.grants, self.home_grid)

    def _codes(self, roles: tuple[str, ...]) -> list[str]:
        return sorted({g.area_code for g in self.grants if g.role in roles})

    def managing_codes(self) -> list[str]:
        return self._codes(MANAGING_ROLES)

    @property
    def may_manage_any(self) -> bool:
        return self.superuser or bool(self.managing_codes())

    @property
    def is_resident(self) -> bool:
        return any(g.role == Role.RESIDENT for g in self.grants)

    # --- one area ----------------------------------------------------------------------

    def may_manage_area(self, area_code: str) -> bool:
        if self.superuser:
            return True
        return any(area_code.startswith(code) for code in self.managing_codes())

    def takes_part_in_area(self, area_code: str) -> bool:
        if any(own.startswith(area_code) for own in self.own_codes()):
            return True
        return any(area_code.startswith(c) for c in self._codes(STAFF_PARTICIPANTS))

    def lives_in_area(self, area_code: str) -> bool:
        """A resident whose home grid or resident role lies in the area: whose support
        counts towards the agenda."""
        homes = self._codes((Role.RESIDENT,)) + ([self.home_grid] if self.home_grid else [])
        return any(code.startswith(area_code) for code in homes)

    def may_read_area(self, area_code: str) -> bool:
        if self.superuser:
            return True
        if area_code in member_codes(self.grants, self.home_grid):
            return True
        return any(area_code.startswith(own) for own in self.own_codes())

    # --- one topic ---------------------------------------------------------------------

    def may_read(self, topic: Topic) -> bool:
        return self.may_read_area(topic.area.code)

    def takes_part(self, topic: Topic) -> bool:
        return self.takes_part_in_area(topic.area.code)

    def may_manage(self, topic: Topic) -> bool:
        return self.may_manage_area(topic.area.code)

    def require_read(self, topic: Topic) -> None:
        if not self.may_read(topic):
            raise NotPermitted(_("您无权查看该议题。"))

    def require_take_part(self, topic: Topic) -> None:
        if not self.takes_part(topic):
            raise NotPermitted(_("只有议事范围内的居民和工作人员可以参与该议题。"))

    def require_manage(self, topic: Topic) -> None:
        if not self.may_manage(topic):
            raise NotPermitted(_("您无权管理该议题。"))

    # --- rows --------------------------------------------------------------------------

    def readable_q(self) -> Q:
        """The topics this user may read (a filter on Topic)."""
        if self.superuser:
            return Q()
        above = Q(area__code__in=member_codes(self.grants, self.home_grid))
        return above | code_prefix_q("area__code", self.own_codes())

    def managed_q(self) -> Q:
        if self.superuser:
            return Q()
        return code_prefix_q("area__code", self.managing_codes())

    def manage_areas_q(self) -> Q:
        """The areas this user may open topics in (a filter on Area)."""
        return Q() if self.superuser else code_prefix_q("code", self.managing_codes())

    def participation_areas_q(self) -> Q:
        """The areas this user may propose a topic in (a filter on Area): where they
        live or work, and above."""
        if self.superuser:
            return Q()
        return Q(code__in=member_codes(self.grants, self.home_grid))


def topic_access(user: User) -> TopicAccess:
    """The policy for `user` (anonymous: nothing)."""
    if not user.is_authenticated:
        return TopicAccess(None, False, ())
    grants = held_roles(user)
    return TopicAccess(
        user.pk, user.is_superuser, grants, home_grid(user, grants), user.resident_id
    )
