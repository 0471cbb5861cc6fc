"""Who may vote on a ballot, from the household register: the residents of the topic's
area who still live there (status PRESENT) and are of age (18, counted at the ballot's
opening date, from the birth date the register holds; no birth date, no vote). Per
household: the households with such a member, one vote each, cast by any of them. Per
representative: the residents on the roster whose term covers the opening date.

A voting user is the register's resident they are linked to (accounts.User.resident);
every refusal says what is missing, never anything of another person.
"""

import datetime as dt

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from accounts.models import User
from common.errors import NotPermitted
from grid.models import Resident, ResidentStatus
from infra.django_private import ReusedSelect
from voting.models import Ballot, Eligibility, Representative

ADULT_AGE = 18


def adult_cutoff(on: dt.date) -> dt.date:
    """Whoever was born on or before this day is of age on `on` (29 February: a person
    born then is of age from 28 February in a common year, as the day before 1 March)."""
    try:
        return on.replace(year=on.year - ADULT_AGE)
    except ValueError:  # on is 29 February, the year 18 back has none
        return on.replace(year=on.year - ADULT_AGE, day=28)


def electorate(ballot: Ballot) -> QuerySet[Resident]:
    """The residents who may vote on `ballot` (household ballots: each household's
    members who may cast its vote)."""
    on = ballot.opening_date
    residents = Resident.objects.filter(
        status=ResidentStatus.PRESENT,
        birth_date__lte=adult_cutoff(on),
        household__building__grid__code__startswith=ballot.topic.area.code,
    )
    if ballot.eligibility == Eligibility.REPRESENTATIVES:
        term = Q(since__lte=on) & (Q(until__isnull=True) | Q(until__gte=on))
        roster = Representative.objects.filter(term).values("resident_id")
        residents = residents.filter(pk__in=roster)
    return residents


def eligible_count(ballot: Ballot) -> int:
    """How many may vote: people, or households with at least one member who may."""
    residents = electorate(ballot)
    if ballot.eligibility == Eligibility.HOUSEHOLD:
        return residents.values("household_id").distinct().count()
    return residents.count()


def voter_for(user: User, ballot: Ballot) -> Resident:
    """The register's resident `user` votes as on `ballot`, or NotPermitted saying why."""
    if not user.is_authenticated or user.resident_id is None:
        raise NotPermitted(_("您的账号尚未关联户籍登记信息，不能投票。请先完成居民认证。"))
    found = _register_rows.rows(user.resident_id)
    pk, status, born, household_id, grid = found[0] if found else (None,) * 5
    if pk is None or status != ResidentStatus.PRESENT:
        raise NotPermitted(_("登记信息显示您已不在本地居住，不能投票。"))
    if not (grid or "").startswith(ballot.topic.area.code):
        raise NotPermitted(_("只有本议题范围内的居民可以投票。"))
    if born is None or born > adult_cutoff(ballot.opening_date):
        raise NotPermitted(_("只有年满18周岁的居民可以投票。"))
    if ballot.eligibility == Eligibility.REPRESENTATIVES and not _represents(
        pk, ballot.opening_date
    ):
        raise NotPermitted(_("本次表决仅限居民代表参加。"))
    return Resident(pk=pk, household_id=household_id, status=status)


# What a vote needs of the voter's register row, and their home grid (compiled once: a
# cast is the hot path).
_register_rows = ReusedSelect(
    lambda pk: Resident.objects.filter(pk=pk).values_list(
        "pk", "status", "birth_date", "household_id", "household__building__grid__code"
    ),
    int,
)


def _represents(resident_id: int, on: dt.date) -> bool:
    term = Q(since__lte=on) & (Q(until__isnull=True) | Q(until__gte=on))
    return Representative.objects.filter(term, resident_id=resident_id).exists()
