"""The residents' representatives' roster (居民代表): managers of an area add a resident of
it for a term, found by ID number (its keyed hash, as the register is searched), and end
a term. Who votes on a representatives' ballot is read from it (voting.eligibility)."""

import datetime as dt

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from common.errors import Conflict, InvalidInput, NotFound
from common.personal_data import keyed_hash
from grid.models import Area, Resident, ResidentStatus
from grid.validation import validate_id_number
from voting.access import ballot_access
from voting.models import Representative


def roster(*, user: User) -> QuerySet[Representative]:
    """The representatives of the areas `user` manages, current terms first."""
    areas = Area.objects.filter(ballot_access(user).topics.manage_areas_q())
    residents = Resident.objects.filter(household__building__grid__in=areas).values("pk")
    return (
        Representative.objects.filter(resident__in=residents)
        .select_related("resident__household__building")
        .order_by("until", "-since", "pk")
    )


@transaction.atomic
def representative_add(*, actor: User, id_number: str, since: dt.date) -> Representative:
    number = validate_id_number(id_number)
    resident = (
        Resident.objects.filter(id_number_hash=keyed_hash(number), status=ResidentStatus.PRESENT)
        .select_related("household__building__grid")
        .first()
    )
    access = ballot_access(actor).topics
    if resident is None or not access.may_manage_area(resident.household.building.grid.code):
        raise NotFound(_("在您管理的区域内没有找到这位在住居民。"), field="id_number")
    try:
        with transaction.atomic():
            return Representative.objects.create(resident=resident, since=since, added_by=actor)
    except IntegrityError as exc:
        raise Conflict(_("这位居民已从该日期起担任居民代表。")) from exc


@transaction.atomic
def representative_end(*, actor: User, representative_id: int) -> Representative:
    entry = roster(user=actor).select_for_update(of=("self",)).filter(pk=representative_id)
    representative = entry.first()
    if representative is None:
        raise NotFound(_("未找到该居民代表。"))
    if representative.until is not None:
        raise Conflict(_("该居民代表的任期已经结束。"))
    today = timezone.localdate()
    if today < representative.since:
        raise InvalidInput(_("任期尚未开始，不能结束。"))
    representative.until = today
    representative.save(update_fields=["until"])
    return representative
