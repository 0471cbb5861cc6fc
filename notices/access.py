"""The one access policy for notices: who may publish where, which notices a user may
read, and which socket groups carry them. Pages, the API, attachment downloads, the home
page, the services and the socket all ask it.

A notice is addressed to an area and meant for everyone who lives or works in it:

- **who belongs to an area**: every role holder belongs to the area of each of their
  roles (a handler works in their role's area too), a resident also to the grid of the
  household they are linked to (when it lies under their resident role); and whoever
  belongs to an area belongs to every area above it. So a notice to a street reaches the
  residents of each of its communities, and a notice to a grid reaches the residents of
  its households and its grid worker — not the rest of the community.
- **who publishes**: the area staff — grid workers, clerks, supervisors and
  administrators — to the area of their role and any area below it. A grid worker
  publishes to their own grid (网格员发布网格通知: a water cut in two buildings is the
  grid's news, and the grid worker is the one who knows it first); a clerk to their
  community and its grids; a supervisor or an administrator across their street or
  district. Residents do not publish (their voice is a case or, later, a topic), and
  neither do department handlers: a department's notice goes out through the street or
  community it concerns, which answers for what its residents are told.
- **who reads**: a notice's publishers (the area staff over its area) read it in every
  state — live, expired, withdrawn — and edit or withdraw it while it is live; everyone
  who belongs to its area reads it while it is live. A superuser, the operator, reads
  and publishes everywhere.
- **the text**: ID and mobile numbers in a title or body are masked for readers who do
  not manage the notice (as on every public page), so a 公示 list never spreads them.
- **the socket**: a user joins `area.<code>` for each area they belong to (and each
  above), and the area staff `staff.<code>` of their roles; a notice's events go to
  `area.<its area>` and to the staff groups of the areas strictly above it, which are
  exactly its readers and its publishers, each reached once.
"""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role, User
from accounts.scope import Held, code_prefix_q, held_roles
from common.errors import NotPermitted
from grid.access import belongs_to, home_grid, member_codes
from grid.models import Area, AreaLevel
from notices.models import Notice, NoticeState
from realtime.groups import area_audience, area_group, staff_group

PUBLISHING_ROLES = (Role.GRID_WORKER, Role.CLERK, Role.SUPERVISOR, Role.ADMIN)


def current_q(now: dt.datetime) -> Q:
    """Notices that are live at `now`: not withdrawn, not expired."""
    return Q(withdrawn_at__isnull=True) & (Q(expires_at__isnull=True) | Q(expires_at__gt=now))


@dataclass(frozen=True)
class NoticeAccess:
    """What one user holds, with every notice rule as a method of it."""

    user_id: int | None
    superuser: bool
    grants: tuple[Held, ...]
    home_grid: str = ""  # a linked resident's grid, when it lies under a resident role

    def belongs_to(self) -> list[str]:
        """The areas the user lives or works in (not yet those above them)."""
        return belongs_to(self.grants, self.home_grid)

    def addressed_codes(self) -> list[str]:
        """The areas whose notices are addressed to this user: their own and above."""
        return member_codes(self.grants, self.home_grid)

    def publishing_codes(self) -> list[str]:
        return sorted({g.area_code for g in self.grants if g.role in PUBLISHING_ROLES})

    @property
    def may_publish(self) -> bool:
        return self.superuser or bool(self.publishing_codes())

    def may_publish_to(self, area_code: str) -> bool:
        if self.superuser:
            return True
        return any(area_code.startswith(code) for code in self.publishing_codes())

    def require_publish_to(self, area_code: str) -> None:
        if not self.may_publish_to(area_code):
            raise NotPermitted(_("您不能向该区域发布通知。"), field="area")

    def manages(self, notice: Notice) -> bool:
        """Edit, withdraw, every state, the text unmasked and the author's name."""
        return self.may_publish_to(notice.area.code)

    def may_read(self, notice: Notice, now: dt.datetime | None = None) -> bool:
        if self.manages(notice):
            return True
        live = notice.state_at(now or timezone.now()) == NoticeState.LIVE
        return live and (self.superuser or notice.area.code in self.addressed_codes())

    # --- rows ------------------------------------------------------------------------------

    def addressed_q(self, now: dt.datetime) -> Q:
        """The live notices addressed to this user (a filter on Notice)."""
        if self.superuser:
            return current_q(now)
        return current_q(now) & Q(area__code__in=self.addressed_codes())

    def managed_q(self) -> Q:
        if self.superuser:
            return Q()
        return code_prefix_q("area__code", self.publishing_codes())

    def readable_q(self, now: dt.datetime) -> Q:
        return self.addressed_q(now) | self.managed_q()

    def publish_areas_q(self) -> Q:
        """The areas this user may publish to (a filter on Area)."""
        return Q() if self.superuser else code_prefix_q("code", self.publishing_codes())


def notice_access(user: User) -> NoticeAccess:
    """The policy for `user` (anonymous: nothing)."""
    if not user.is_authenticated:
        return NoticeAccess(None, False, ())
    grants = held_roles(user)
    return NoticeAccess(user.pk, user.is_superuser, grants, home_grid(user, grants))


def socket_groups(user: User) -> list[str]:
    """The groups `user`'s sockets join for notices: the mirror of `notice_audience`."""
    access = notice_access(user)
    if access.superuser:
        districts = Area.objects.filter(level=AreaLevel.DISTRICT).values_list("code", flat=True)
        return [g for code in sorted(districts) for g in (area_group(code), staff_group(code))]
    groups = [area_group(code) for code in access.addressed_codes()]
    return groups + [staff_group(code) for code in access.publishing_codes()]


def notice_audience(area_code: str) -> list[str]:
    """Who receives the events of a notice to `area_code`: everyone who belongs to it
    (`area.<code>`, its own staff included) and the staff of every area above it, who
    publish there too. No group twice, so no socket receives an event twice."""
    return area_audience(area_code)
