"""The one access policy for the base data: which role reads which kind of personal data,
in which area. Selectors, schemas, pages, the admin and exports ask it.

| role | buildings | households, residents | special groups | clear ID number / phone |
|---|---|---|---|---|
| grid worker, clerk, supervisor, administrator | under their role's area | under their role's area | under their role's area | only by an audited reveal (permission `grid.reveal_personal_data`) |
| department handler | under their role's area (addresses only) | none: a handler reads the contact of the cases dispatched to them (feedback.access) | none | never |
| resident | their own building | their own household | none | never (their own record at the window) |

No list, detail, page or export shows a resident's birth date: the masked ID number
(`310110********5253`) hides exactly the birth-date digits, so the two together would
rebuild the number without a reveal record. An age band (`60-69`) is shown instead.
"""  # noqa: E501

import datetime as dt

from django.db.models import Q

from accounts.models import Role, User
from accounts.scope import Held, code_prefix_q, held_roles
from grid.models import Resident, ResidentStatus
from realtime.groups import codes_upwards

# Who reads households and residents (the personal data) over their area.
RESIDENT_READERS = (Role.GRID_WORKER, Role.CLERK, Role.SUPERVISOR, Role.ADMIN)
# Who reads buildings (addresses, no people) over their area.
BUILDING_READERS = (*RESIDENT_READERS, Role.HANDLER)


def base_data_q(user: User, code_field: str, *, readers: tuple[str, ...], own: Q) -> Q:
    """Rows whose grid code (`code_field`) lies under the user's roles among `readers`,
    or that are the user's own (`own`, for a resident with a linked record)."""
    if not user.is_authenticated:
        return Q(pk__in=[])
    if user.is_superuser:
        return Q()
    grants = held_roles(user)
    query = code_prefix_q(code_field, {g.area_code for g in grants if g.role in readers})
    if user.resident_id is not None and any(g.role == Role.RESIDENT for g in grants):
        query |= own
    return query


def age_band(birth_date: dt.date | None, *, today: dt.date | None = None) -> str:
    """The decade of a person's age ("60-69"): what a list may show instead of the birth
    date that, beside a masked ID number, would rebuild the number."""
    if birth_date is None:
        return ""
    today = today or dt.date.today()
    years = (
        today.year
        - birth_date.year
        - ((today.month, today.day) < (birth_date.month, birth_date.day))
    )
    low = max(years, 0) // 10 * 10
    return f"{low}-{low + 9}"


# --- who lives or works in an area --------------------------------------------------------
#
# Every role holder belongs to the area of each of their roles (a handler works in their
# role's area too), a resident also to the grid of the household they are linked to and
# still live in (when it lies under their resident role); whoever belongs to an area
# belongs to every area above it. Notices are addressed by it, consultation topics are
# taken part in by it: one rule, asked by both.


def home_grid(user: User, grants: tuple[Held, ...]) -> str:
    """The grid of the household a resident is linked to and still lives in, when it
    lies under one of their resident roles ("" otherwise)."""
    resident_codes = [g.area_code for g in grants if g.role == Role.RESIDENT]
    if user.resident_id is None or not resident_codes:
        return ""
    grid = (
        Resident.objects.filter(pk=user.resident_id, status=ResidentStatus.PRESENT)
        .values_list("household__building__grid__code", flat=True)
        .first()
    )
    return grid if grid and any(grid.startswith(code) for code in resident_codes) else ""


def belongs_to(grants: tuple[Held, ...], home: str) -> list[str]:
    """The areas a user lives or works in (not yet those above them)."""
    codes = {g.area_code for g in grants}
    if home:
        codes.add(home)
    return sorted(codes)


def member_codes(grants: tuple[Held, ...], home: str) -> list[str]:
    """The areas a user belongs to: their own and every area above them."""
    return sorted({code for own in belongs_to(grants, home) for code in codes_upwards(own)})
