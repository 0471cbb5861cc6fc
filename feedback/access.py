"""The one access policy for cases: who may open a case, which rows they may list, what of
a case they see, which actions they may take, and who receives its events.

Every output asks it: selectors (lists and details), services (transitions), schemas and
pages (the reporter's name), the public pages and Open311 (public cases), photos, the
duplicate hints, the socket (event audiences) and the inbox (feedback.notify: who is told
of a case event). None of them re-derives a rule.

The rules (README, "Who sees what"):
- area staff (grid worker, clerk, supervisor, administrator) open every case under the
  area codes of those roles;
- a department handler opens the cases dispatched to their department inside their
  role's area, nothing else;
- a resident opens the cases they reported or follow (a merged duplicate's reporter);
- residents and area staff read the *public* cases of the communities of their roles: not
  hidden, not of a sensitive category, not rejected, withdrawn or merged; the reporter
  and the staff notes are never part of the public view;
- a superuser, the platform's operator, opens everything.
The roles come from `accounts.scope.held_roles` (memoised per process) for reads and
writes alike, so the two sides can never disagree.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext as _

from accounts.models import Role, RoleAssignment, User
from accounts.scope import Held, code_prefix_q, held_roles
from common.errors import NotPermitted
from feedback.models import Case, CaseEntry, CaseFollower, CaseState
from grid.models import Area, AreaLevel
from realtime.groups import codes_upwards, department_group, staff_group, user_group

AREA_STAFF_ROLES = (Role.GRID_WORKER, Role.CLERK, Role.SUPERVISOR, Role.ADMIN)
SUPERVISING_ROLES = (Role.SUPERVISOR, Role.ADMIN)
REPORTING_ROLES = (Role.GRID_WORKER, Role.RESIDENT, Role.CLERK, Role.SUPERVISOR, Role.ADMIN)
# A handler reads the cases dispatched to them, not a community's public list.
PUBLIC_READERS = (Role.RESIDENT, *AREA_STAFF_ROLES)
# The timeline notes a reporter without a role over the case reads: their own words and
# the answers meant for them. Dispatch, send-back, verification and escalation notes are
# the offices' talk among themselves and may name other people.
REPORTER_NOTES = frozenset({"report", "on_spot", "handle", "reject", "rate", "reopen", "withdraw"})
# An unscreened report (待立案) is published only once staff have registered it: it may
# name people or be abuse. Merged, withdrawn and rejected cases are off the books.
NOT_PUBLIC_STATES = (CaseState.REPORTED, CaseState.MERGED, CaseState.WITHDRAWN, CaseState.REJECTED)
# Public cases are read per community: a grant below a community (a grid) opens its whole
# community's public list; a grant above one (a street) opens every community in it.
COMMUNITY_CODE_LENGTH = 12


@dataclass(frozen=True)
class CaseAccess:
    """What one user holds, with every case rule as a method of it."""

    user_id: int | None
    superuser: bool
    grants: tuple[Held, ...]

    # --- rows ------------------------------------------------------------------------------

    def visible_q(self) -> Q:
        """The cases this user may open (a filter on Case)."""
        if self.superuser:
            return Q()
        if self.user_id is None:
            return Q(pk__in=[])
        query = code_prefix_q("area_code", self.codes(AREA_STAFF_ROLES)) | self.handler_q()
        own = CaseFollower.objects.filter(case=OuterRef("pk"), user_id=self.user_id)
        # EXISTS, not a join: a join needs DISTINCT, which sorted every column of every row
        return query | Q(reporter_id=self.user_id) | Q(Exists(own))

    def handler_q(self) -> Q:
        """The cases dispatched to their department inside each handler role's area."""
        query = Q(pk__in=[])
        for grant in self.grants:
            if grant.role == Role.HANDLER:
                query |= Q(department_id=grant.department_id, area_code__startswith=grant.area_code)
        return query

    def public_communities(self) -> list[str]:
        """Code prefixes of the communities whose public cases this user reads ("" = all)."""
        if self.superuser:
            return [""]
        return sorted(
            {g.area_code[:COMMUNITY_CODE_LENGTH] for g in self.grants if g.role in PUBLIC_READERS}
        )

    def opens_all_under(self) -> list[str]:
        """Area codes under which this user opens every case, whatever its state, category
        or department ("" = everywhere): the area staff's codes (the first rule above)."""
        return [""] if self.superuser else self.codes(AREA_STAFF_ROLES)

    def map_q(self) -> Q:
        """The cases shown to this user together, as on a map: the ones they may open and
        the public cases of the communities they read."""
        public = public_q() & code_prefix_q("area_code", self.public_communities())
        return self.visible_q() | public

    def reads_public_of(self, community_code: str) -> bool:
        return any(community_code.startswith(code) for code in self.public_communities())

    # --- one case --------------------------------------------------------------------------

    def roles_over(self, case: Case) -> set[str]:
        """The roles held over this case's area (a handler's only for their department)."""
        if self.superuser:
            return {Role.SUPERVISOR, Role.ADMIN}
        return {g.role for g in self.grants if _grant_covers(g, case)}

    def supervises(self, case: Case) -> bool:
        return bool(self.roles_over(case) & set(SUPERVISING_ROLES))

    def works_on(self, case: Case) -> bool:
        return bool(self.roles_over(case) & {Role.HANDLER, Role.GRID_WORKER, Role.CLERK})

    def may_open(self, case: Case) -> bool:
        """The object form of `visible_q` (the follower rule needs the database)."""
        if self.superuser or case.reporter_id == self.user_id or self.roles_over(case):
            return True
        return CaseFollower.objects.filter(case=case, user_id=self.user_id).exists()

    def reads_notes_of(self, case: Case) -> bool:
        """Every timeline note: staff working on or supervising the case. Its reporter
        reads only REPORTER_NOTES and their own."""
        return self.superuser or self.works_on(case) or self.supervises(case)

    def reads_note(self, entry: CaseEntry, case: Case) -> bool:
        own = entry.actor_id is not None and entry.actor_id == self.user_id
        return own or entry.action in REPORTER_NOTES or self.reads_notes_of(case)

    def sees_reporter_of(self, case: Case) -> bool:
        """The reporter's name: the reporter, supervisors over the area, and — unless the
        report is anonymous — the staff working the case; never a follower or the public."""
        if case.reporter_id == self.user_id or self.supervises(case):
            return True
        return not case.anonymous and self.works_on(case)

    def reads_free_text_of(self, case: Case) -> bool:
        """Free text as typed (with the phone or ID numbers people put in it): the reporter
        and the staff over the case; everyone else reads it masked."""
        if case.reporter_id == self.user_id:
            return True
        return bool(
            self.roles_over(case) & {*SUPERVISING_ROLES, Role.HANDLER, Role.GRID_WORKER, Role.CLERK}
        )

    @property
    def is_staff(self) -> bool:
        """Staff names in a timeline are shown to staff only."""
        return self.superuser or any(g.role != Role.RESIDENT for g in self.grants)

    def holds(self, *roles: str) -> bool:
        return self.superuser or any(g.role in roles for g in self.grants)

    def codes(self, roles: tuple[str, ...]) -> list[str]:
        return sorted({g.area_code for g in self.grants if g.role in roles})

    # --- acting ----------------------------------------------------------------------------

    def acting_role(self, case: Case, roles: tuple[str, ...]) -> str:
        """The first of `roles` held over the case, or NotPermitted."""
        if self.superuser:
            return roles[0]
        held = self.roles_over(case)
        for role in roles:
            if role in held:
                return role
        raise NotPermitted(_("您没有对该事件执行此操作的权限（角色或管辖区域不符）。"))

    def role_over_area(self, area_code: str, roles: tuple[str, ...]) -> str:
        """The first of `roles` held over `area_code` (a report, before there is a case)."""
        if self.superuser:
            return roles[0]
        for role in roles:
            if any(g.role == role and area_code.startswith(g.area_code) for g in self.grants):
                return role
        raise NotPermitted(_("您不能在该网格上报事件。"))


def _grant_covers(grant: Held, case: Case) -> bool:
    return grant_covers(grant, case.area_code, case.department_id)


def grant_covers(grant: Held, area_code: str, department_id: int | None) -> bool:
    """A role grant over a case at `area_code` (a handler's only while the case is with
    their department)."""
    if not area_code.startswith(grant.area_code):
        return False
    return grant.role != Role.HANDLER or grant.department_id == department_id


def grant_group(grant: Held) -> str | None:
    """The event group one role grant joins (None for a resident's: their own cases'
    events come to their user group). The rule of `socket_groups`, for one grant."""
    if grant.role == Role.HANDLER:
        return department_group(grant.department_id, grant.area_code)
    return staff_group(grant.area_code) if grant.role in AREA_STAFF_ROLES else None


def holders_over(area_codes: Iterable[str], roles: Iterable[str]) -> list[tuple[int, Held]]:
    """(user id, grant) of every active user holding one of `roles` over any of
    `area_codes` (on the area or one above it): the people who may be told of work
    there, before `grant_covers` and the event's audience narrow them to one case."""
    codes = {above for code in area_codes for above in codes_upwards(code)}
    rows = RoleAssignment.objects.filter(
        role__in=list(roles), area__code__in=codes, user__is_active=True
    ).values_list("user_id", "role", "area__code", "department_id")
    return [(user_id, Held(role, code, dept)) for user_id, role, code, dept in rows]


def case_access(user: User) -> CaseAccess:
    """The policy for `user` (anonymous: nothing but what is public)."""
    if not user.is_authenticated:
        return CaseAccess(None, False, ())
    return CaseAccess(user.pk, user.is_superuser, held_roles(user))


def socket_groups(user: User) -> list[str]:
    """The event groups `user`'s sockets may join: the mirror of `events.case_audience`."""
    access = case_access(user)
    codes = access.codes(AREA_STAFF_ROLES)
    if access.superuser:
        codes = list(Area.objects.filter(level=AreaLevel.DISTRICT).values_list("code", flat=True))
    groups = [staff_group(code) for code in codes]
    groups += [grant_group(g) for g in access.grants if g.role == Role.HANDLER]
    return [*groups, user_group(user.pk)]


def public_q() -> Q:
    """The cases anyone may read: not hidden, not sensitive, not taken off the books."""
    return Q(hidden=False, category__sensitive=False) & ~Q(state__in=NOT_PUBLIC_STATES)


def is_public(case: Case) -> bool:
    return not case.hidden and not case.category.sensitive and case.state not in NOT_PUBLIC_STATES


def is_reporter(user: User, case: Case) -> bool:
    return case.reporter_id is not None and case.reporter_id == user.pk


def require_reporter(user: User, case: Case) -> str:
    if not is_reporter(user, case):
        raise NotPermitted(_("只有反映人本人可以执行此操作。"))
    return Role.RESIDENT


def acting_role(user: User, case: Case, roles: tuple[str, ...]) -> str:
    """For services: the role `user` acts in on `case`, or NotPermitted."""
    return case_access(user).acting_role(case, roles)


def role_over_area(user: User, area_code: str, roles: tuple[str, ...]) -> str:
    return case_access(user).role_over_area(area_code, roles)
