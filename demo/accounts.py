"""Demo accounts for every role, over the demo district: the use case behind
`manage.py demo_accounts`.

All printed accounts sit in the district's first street, community and grids, so a case a
resident reports there is seen by every one of them. Unprinted accounts give every area
the people its case history needs: a grid worker per grid, a clerk per community, a
supervisor per street, a handler per department and a few residents per community. One
password hash is computed once and shared: hashing ~150 passwords would take longer than
loading the whole district. Everything is written through accounts.services_provision
(and registration.services.user_resident_link), so role grants reach the security log as
any administrator's do.
"""

import base64
import os
import random
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from accounts.models import Department, Role, RoleAssignment, User
from accounts.services_provision import (
    role_assignments_set,
    totp_device_provision,
    user_permission_grant,
    user_provision,
)
from common.errors import NotFound
from demo import AS_OF, DISTRICT_CODE
from demo.people import PersonMaker
from grid.models import Area, AreaLevel, Relation, Resident, ResidentStatus
from registration.services import user_resident_link

DEMO_PASSWORD = "gongzhi-demo"
# The demo's supervisors and administrators need a second factor (TWO_FACTOR_ROLES): all
# share this public TOTP key, printed like the password, so anyone can try them.
DEMO_TOTP_KEY = b"gongzhi-demo-totp-01"
DEMO_TOTP_SECRET = base64.b32encode(DEMO_TOTP_KEY).decode()
# scripts/demo.sh serves on GONGZHI_HOST:GONGZHI_PORT; print the address it will use
LOGIN_URL = "http://{host}:{port}/login/".format(
    host=os.environ.get("GONGZHI_HOST", "127.0.0.1"), port=os.environ.get("GONGZHI_PORT", "8000")
)
STREET = f"{DISTRICT_CODE}001"
COMMUNITY = f"{STREET}001"
WORKER_GRIDS = (f"{COMMUNITY}001", f"{COMMUNITY}002")
GRID_WORKER_PREFIX = "gw-"
CLERK_PREFIX = "ck-"
SUPERVISOR_PREFIX = "sv-"
HANDLER_PREFIX = "hd-"
RESIDENT_PREFIX = "jm-"
HANDLER_DEPARTMENT = "CGZF"  # the printed handler's: city management takes most cases
RESIDENTS_PER_COMMUNITY = 4
PROVISIONED_BY = "manage.py demo_accounts"  # who granted the roles, in the security log


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: str
    scope: str


@dataclass(frozen=True)
class DemoAccounts:
    printed: list[DemoAccount]
    grid_workers: int
    staff: int = 0
    residents: int = 0
    password: str = DEMO_PASSWORD
    login_url: str = LOGIN_URL
    totp_secret: str = DEMO_TOTP_SECRET


@transaction.atomic
def demo_accounts_ensure() -> DemoAccounts:
    """Create or repair the demo accounts (idempotent: run it after every `demo --reset`)."""
    areas = {area.code: area for area in Area.objects.filter(code__startswith=DISTRICT_CODE)}
    if DISTRICT_CODE not in areas:
        raise NotFound(_("示范区不存在，请先运行 manage.py demo。"))
    password = make_password(DEMO_PASSWORD)
    printed = [
        _resident_account(password, areas[COMMUNITY]),
        _account("gridworker", password, Role.GRID_WORKER, [areas[c] for c in WORKER_GRIDS]),
        _account("clerk", password, Role.CLERK, [areas[COMMUNITY]]),
        _handler_account(password, areas[DISTRICT_CODE]),
        _account("supervisor", password, Role.SUPERVISOR, [areas[STREET]], reveal=True),
        _account("admin", password, Role.ADMIN, [areas[DISTRICT_CODE]], reveal=True, root=True),
    ]
    ordered = [area for _code, area in sorted(areas.items())]
    by_level = {level: [area for area in ordered if area.level == level] for level in AreaLevel}
    accounts = DemoAccounts(
        printed=printed,
        grid_workers=_grid_workers(password, by_level[AreaLevel.GRID]),
        staff=_staff(password, by_level[AreaLevel.STREET], by_level[AreaLevel.COMMUNITY]),
        residents=_residents(password, by_level[AreaLevel.COMMUNITY]),
    )
    _second_factor_enrol()
    return accounts


def _second_factor_enrol() -> None:
    """Give every demo account that must use a second factor the demo's TOTP key."""
    needing = set(
        RoleAssignment.objects.filter(
            role__in=settings.TWO_FACTOR_ROLES, area__code__startswith=DISTRICT_CODE
        ).values_list("user_id", flat=True)
    )
    for user in User.objects.filter(pk__in=needing).order_by("pk"):
        totp_device_provision(user=user, key=DEMO_TOTP_KEY, name="demo")


def _user(
    username: str, password: str, display_name: str, *, root: bool = False, phone: str = ""
) -> User:
    return user_provision(
        username=username,
        display_name=display_name,
        password_hash=password,
        phone=phone,
        superuser=root,
    )


def _assign(user: User, role: str, areas: list[Area], department: Department | None = None):
    """Make `user`'s role assignments exactly these (drops stale ones from older runs)."""
    role_assignments_set(
        user=user, role=role, areas=areas, department=department, by=PROVISIONED_BY
    )


def _account(
    username: str,
    password: str,
    role: str,
    areas: list[Area],
    *,
    reveal: bool = False,
    root: bool = False,
) -> DemoAccount:
    user = _user(username, password, _("演示%(role)s") % {"role": Role(role).label}, root=root)
    _assign(user, role, areas)
    if reveal:
        user_permission_grant(user=user, permission="grid.reveal_personal_data")
    scope = "、".join(_label(area) for area in areas)
    return DemoAccount(username, str(Role(role).label), scope)


def _label(area: Area) -> str:
    """A grid's own name (第一网格) is only unique within its community."""
    return area.parent.name + area.name if area.level == AreaLevel.GRID else area.name


def _handler_account(password: str, district: Area) -> DemoAccount:
    department = Department.objects.get(code=f"{DISTRICT_CODE}-{HANDLER_DEPARTMENT}")
    user = _user("handler", password, _("演示%(name)s") % {"name": department.name})
    _assign(user, Role.HANDLER, [district], department)
    return DemoAccount("handler", str(Role.HANDLER.label), f"{department.name} · {district.name}")


def _resident_account(password: str, community: Area) -> DemoAccount:
    """The resident account is a real record: the first working-age head of household in
    the community, so their household, grid and special groups show up when they log in."""
    heads = _heads(community, username="resident").order_by(
        "household__building__address", "household__room"
    )
    working_age = heads.filter(
        birth_date__lte=AS_OF.replace(year=AS_OF.year - 25),
        birth_date__gt=AS_OF.replace(year=AS_OF.year - 60),
    )
    resident = working_age.first() or heads.first()
    if resident is None:
        raise NotFound(_("示范社区中没有居民，请先运行 manage.py demo。"))
    user = _user("resident", password, resident.name, phone=resident.phone)
    user_resident_link(user=user, resident=resident)
    _assign(user, Role.RESIDENT, [community])
    return DemoAccount("resident", str(Role.RESIDENT.label), f"{community.name} · {resident.name}")


def _grid_workers(password: str, grids: list[Area]) -> int:
    """One grid worker per grid (gw-<grid code>), named like the residents they serve."""
    maker = PersonMaker(random.Random("demo-grid-workers"))
    for grid in grids:
        gender = maker.rng.choice("MF")
        user = _user(f"{GRID_WORKER_PREFIX}{grid.code}", password, maker.full_name(gender, 1985))
        _assign(user, Role.GRID_WORKER, [grid])
    return len(grids)


def _staff(password: str, streets: list[Area], communities: list[Area]) -> int:
    """A supervisor for every street and a clerk for every community beyond the printed
    ones, and a handler for every other department of the district."""
    named = []
    for street in streets:
        if street.code != STREET:
            named.append((f"{SUPERVISOR_PREFIX}{street.code}", Role.SUPERVISOR, street, None))
    for community in communities:
        if community.code != COMMUNITY:
            named.append((f"{CLERK_PREFIX}{community.code}", Role.CLERK, community, None))
    district = streets[0].parent
    departments = Department.objects.filter(area=district).exclude(
        code=f"{DISTRICT_CODE}-{HANDLER_DEPARTMENT}"
    )
    for department in departments:
        key = department.code.removeprefix(f"{DISTRICT_CODE}-")
        named.append((f"{HANDLER_PREFIX}{key}", Role.HANDLER, district, department))
    for username, role, area, department in named:
        label = department.name if department else area.name + Role(role).label
        user = _user(username, password, _("演示%(name)s") % {"name": label})
        _assign(user, role, [area], department)
    return len(named)


def _residents(password: str, communities: list[Area]) -> int:
    """A few residents per community with an account linked to their record, so a case
    history has reporters besides the printed one. The last heads of household in address
    order: the printed resident is among the first."""
    count = 0
    for community in communities:
        prefix = f"{RESIDENT_PREFIX}{community.code}-"
        heads = _heads(community, username_prefix=prefix)
        chosen = heads.order_by("-household__building__address", "-household__room")
        for n, resident in enumerate(chosen[:RESIDENTS_PER_COMMUNITY], start=1):
            user = _user(f"{prefix}{n}", password, resident.name)
            user_resident_link(user=user, resident=resident)
            _assign(user, Role.RESIDENT, [community])
            count += 1
    return count


def _heads(community: Area, *, username: str = "", username_prefix: str = ""):
    """Present heads of household in the community with no account but the demo's own
    (`username`, or any starting with `username_prefix`): a record has one account."""
    own = Q(user__username=username) if username else Q(user__username__startswith=username_prefix)
    return Resident.objects.filter(
        Q(user__isnull=True) | own,
        household__building__grid__code__startswith=community.code,
        relation=Relation.SELF,
        status=ResidentStatus.PRESENT,
    )
