"""The agenda threshold: how many supports a proposed topic needs, counted from the
grid register (grid.models Household / Resident), and how many it has.

Basis "household" (the default): the share of the scope's households with someone
living in them, each household counted once however many of its members support.
Basis "resident": the share of the scope's adult residents, each once.
"""

import datetime as dt
import math
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone

from consultation.models import Topic
from grid.models import Household, Resident, ResidentStatus

ADULT_AGE = 18
HOUSEHOLD, RESIDENT = "household", "resident"


@dataclass(frozen=True)
class Threshold:
    basis: str  # "household" or "resident"
    eligible: int  # households (or adult residents) in the scope
    needed: int
    have: int

    @property
    def reached(self) -> bool:
        return self.have >= self.needed


def basis() -> str:
    return RESIDENT if settings.CONSULTATION_SUPPORT_BASIS == RESIDENT else HOUSEHOLD


def adult_born_before(today: dt.date | None = None) -> dt.date:
    today = today or timezone.localdate()
    try:
        return today.replace(year=today.year - ADULT_AGE)
    except ValueError:  # 29 February
        return today.replace(year=today.year - ADULT_AGE, day=28)


def is_adult(resident: Resident) -> bool:
    """An unknown birth date counts as adult: the register lacks it, not the person."""
    return resident.birth_date is None or resident.birth_date <= adult_born_before()


def eligible_count(area_code: str, kind: str) -> int:
    present = Resident.objects.filter(
        status=ResidentStatus.PRESENT, household__building__grid__code__startswith=area_code
    )
    if kind == HOUSEHOLD:
        return Household.objects.filter(pk__in=present.values("household_id")).distinct().count()
    born = adult_born_before()
    return present.exclude(birth_date__gt=born).count()


def support_count(topic: Topic, kind: str) -> int:
    supports = topic.supports.all()
    if kind == HOUSEHOLD:
        return supports.values("household_id").distinct().count()
    return supports.count()


def threshold(topic: Topic) -> Threshold:
    kind = basis()
    eligible = eligible_count(topic.area.code, kind)
    needed = max(1, math.ceil(eligible * settings.CONSULTATION_SUPPORT_SHARE))
    return Threshold(kind, eligible, needed, support_count(topic, kind))
