"""Proposals reach the agenda by supports (households, or residents), once per resident
and household, online and on paper, or by staff; rejections need a public reason."""

import threading
import uuid

import pytest
from django.db import connection

from common.errors import Conflict, InvalidInput, NotPermitted
from consultation import services
from consultation.models import Phase, SupportSource, Topic, TopicStatus, TopicSupport
from consultation.threshold import threshold
from realtime.models import Event
from tests.consultation.conftest import (
    COMMUNITY,
    GRID,
    NEXT_GRID,
    member_of,
    propose,
    resident_of,
)
from tests.factories import make_resident


@pytest.fixture
def neighbours(areas):
    """Five households in GRID, each with one resident user (the cast's resident makes
    a sixth): one fifth of six households is two."""
    return [resident_of(areas, GRID, f"邻居{n}") for n in range(5)]


@pytest.mark.django_db
def test_a_proposal_reaches_the_agenda_at_one_fifth_of_households(areas, cast, neighbours):
    topic = propose(cast["resident"], areas[GRID])
    assert topic.status == TopicStatus.PROPOSED
    before = threshold(topic)
    assert (before.basis, before.eligible, before.needed, before.have) == ("household", 6, 2, 1)
    support, created = services.support_add(actor=neighbours[0], topic_id=topic.pk)
    assert created and support.source == SupportSource.ONLINE
    topic.refresh_from_db()
    assert (topic.status, topic.phase) == (TopicStatus.AGENDA, Phase.COLLECT)
    assert topic.decided_by is None  # the residents put it there, not staff
    kinds = list(Event.objects.filter(payload__topic=topic.pk).values_list("kind", flat=True))
    assert kinds == ["topic.propose", "topic.support", "topic.support", "topic.agenda"]


@pytest.mark.django_db
def test_two_members_of_one_household_count_once(areas, cast, neighbours, settings):
    settings.CONSULTATION_SUPPORT_SHARE = 0.5  # three of six households
    topic = propose(cast["resident"], areas[GRID])
    household = neighbours[0].resident.household
    spouse = resident_of(areas, GRID, "邻居0配偶", household=household)
    services.support_add(actor=neighbours[0], topic_id=topic.pk)
    services.support_add(actor=spouse, topic_id=topic.pk)
    topic.refresh_from_db()
    assert topic.supports.count() == 3
    assert threshold(topic).have == 2 and topic.status == TopicStatus.PROPOSED
    services.support_add(actor=neighbours[1], topic_id=topic.pk)
    topic.refresh_from_db()
    assert topic.status == TopicStatus.AGENDA


@pytest.mark.django_db
def test_by_residents_the_basis_is_adult_residents(areas, cast, neighbours, settings):
    settings.CONSULTATION_SUPPORT_BASIS = "resident"
    household = neighbours[0].resident.household
    minor = member_of(household, "小明", born="20200101", relation="child")
    assert minor.birth_date.year == 2020
    topic = propose(cast["resident"], areas[GRID])
    result = threshold(topic)
    assert (result.basis, result.eligible, result.needed) == ("resident", 6, 2)
    minor_user = resident_of(areas, GRID, "小明账号", household=household)
    minor_user.resident = minor
    minor_user.save()
    with pytest.raises(InvalidInput):
        services.support_add(actor=minor_user, topic_id=topic.pk)


@pytest.mark.django_db
def test_a_second_support_changes_nothing(areas, cast, neighbours, settings):
    settings.CONSULTATION_SUPPORT_SHARE = 1
    topic = propose(cast["resident"], areas[GRID])
    first, created = services.support_add(actor=neighbours[0], topic_id=topic.pk)
    again, created_again = services.support_add(actor=neighbours[0], topic_id=topic.pk)
    assert created and not created_again and again.pk == first.pk
    assert TopicSupport.objects.filter(topic=topic).count() == 2


@pytest.mark.django_db(transaction=True)
def test_concurrent_supports_of_one_resident_leave_one_row(areas, cast, neighbours, settings):
    settings.CONSULTATION_SUPPORT_SHARE = 1
    topic = propose(cast["resident"], areas[GRID])
    results, errors = [], []

    def support() -> None:
        try:
            results.append(services.support_add(actor=neighbours[0], topic_id=topic.pk)[1])
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=support) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(results) == [False] * 7 + [True]
    assert TopicSupport.objects.filter(topic=topic, resident=neighbours[0].resident).count() == 1


@pytest.mark.django_db
def test_paper_support_counts_once_with_the_online_one(areas, cast, neighbours, settings):
    settings.CONSULTATION_SUPPORT_SHARE = 1
    topic = propose(cast["resident"], areas[GRID])
    services.support_add(actor=neighbours[0], topic_id=topic.pk)
    signer = neighbours[0].resident
    _support, created = services.support_add_paper(
        actor=cast["clerk"], topic_id=topic.pk, resident_id=signer.pk
    )
    assert not created
    paper_only = make_resident(GRID, name="纸质签名人")
    support, created = services.support_add_paper(
        actor=cast["clerk"], topic_id=topic.pk, resident_id=paper_only.pk
    )
    assert created and support.source == SupportSource.PAPER
    assert support.household_id == paper_only.household_id
    assert support.entered_by == cast["clerk"]
    assert threshold(topic).have == 3


@pytest.mark.django_db
def test_who_may_support(areas, cast, neighbours):
    topic = propose(cast["resident"], areas[GRID])
    for name in ("resident_next_grid", "resident_unlinked", "grid_worker", "clerk"):
        with pytest.raises((InvalidInput, NotPermitted)):
            services.support_add(actor=cast[name], topic_id=topic.pk)
    outsider = make_resident(NEXT_GRID, name="隔壁网格")
    with pytest.raises(InvalidInput):
        services.support_add_paper(actor=cast["clerk"], topic_id=topic.pk, resident_id=outsider.pk)
    with pytest.raises(NotPermitted):
        services.support_add_paper(
            actor=cast["grid_worker"], topic_id=topic.pk, resident_id=outsider.pk
        )
    with pytest.raises(NotPermitted):  # the next community's clerk reads nothing here
        services.support_add_paper(
            actor=cast["clerk_next_community"], topic_id=topic.pk, resident_id=outsider.pk
        )


@pytest.mark.django_db
def test_staff_accept_or_reject_with_a_public_reason(areas, cast, neighbours):
    accepted = propose(cast["resident"], areas[COMMUNITY], title="垃圾分类亭选址")
    rejected = propose(cast["resident"], areas[COMMUNITY], title="小区养狗禁令")
    services.topic_accept(actor=cast["clerk"], topic_id=accepted.pk)
    with pytest.raises(InvalidInput):
        services.topic_reject(actor=cast["clerk"], topic_id=rejected.pk, reason="  ")
    with pytest.raises(NotPermitted):
        services.topic_reject(actor=cast["grid_worker"], topic_id=rejected.pk, reason="不属于")
    services.topic_reject(actor=cast["clerk"], topic_id=rejected.pk, reason="属于物业管理事项")
    accepted.refresh_from_db()
    rejected.refresh_from_db()
    assert (accepted.status, accepted.phase) == (TopicStatus.AGENDA, Phase.COLLECT)
    assert (rejected.status, rejected.decision_reason) == (TopicStatus.REJECTED, "属于物业管理事项")
    with pytest.raises(Conflict):
        services.topic_accept(actor=cast["clerk"], topic_id=rejected.pk)
    with pytest.raises(Conflict):
        services.support_add(actor=cast["resident"], topic_id=rejected.pk)


@pytest.mark.django_db
def test_a_proposal_outside_ones_area_or_without_a_title_is_refused(areas, cast):
    with pytest.raises(InvalidInput):
        propose(cast["resident"], areas[NEXT_GRID])
    with pytest.raises(InvalidInput):
        propose(cast["resident"], areas[GRID], title="")
    with pytest.raises(InvalidInput):
        propose(cast["resident"], areas[GRID], title="长" * 121)
    assert not Topic.objects.exists()


@pytest.mark.django_db
def test_a_retried_proposal_is_one_topic(areas, cast):
    client_id = uuid.uuid4()
    kwargs = dict(area=areas[GRID], title="小区绿化改造", description="补种", client_id=client_id)
    first, created = services.topic_propose(actor=cast["resident"], **kwargs)
    again, created_again = services.topic_propose(actor=cast["resident"], **kwargs)
    assert created and not created_again and first.pk == again.pk
    with pytest.raises(Conflict):
        services.topic_propose(actor=cast["grid_worker"], **kwargs)


@pytest.mark.django_db
def test_the_proposer_withdraws_before_the_agenda(areas, cast, neighbours):
    topic = propose(cast["resident"], areas[GRID])
    with pytest.raises(Conflict):
        services.topic_withdraw(actor=cast["grid_worker"], topic_id=topic.pk)
    services.topic_withdraw(actor=cast["resident"], topic_id=topic.pk)
    topic.refresh_from_db()
    assert topic.status == TopicStatus.WITHDRAWN


@pytest.mark.django_db
def test_supports_close_when_the_period_ends(areas, cast, neighbours):
    import datetime as dt

    from django.utils import timezone

    topic = propose(cast["resident"], areas[GRID])
    Topic.objects.filter(pk=topic.pk).update(support_until=timezone.now() - dt.timedelta(minutes=1))
    with pytest.raises(Conflict):
        services.support_add(actor=neighbours[0], topic_id=topic.pk)
    assert topic.supports.count() == 1
    services.topic_accept(actor=cast["clerk"], topic_id=topic.pk)  # staff may still accept
    topic.refresh_from_db()
    assert topic.status == TopicStatus.AGENDA


@pytest.mark.django_db(transaction=True)
def test_concurrent_supports_put_the_topic_on_the_agenda_once(areas, cast, neighbours, settings):
    settings.CONSULTATION_SUPPORT_SHARE = 0.5  # three of six households
    topic = propose(cast["resident"], areas[GRID])
    errors = []

    def support(user) -> None:
        try:
            services.support_add(actor=user, topic_id=topic.pk)
        except Conflict:
            pass  # the topic reached the agenda first: supports are closed
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=support, args=(user,)) for user in neighbours]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    topic.refresh_from_db()
    assert topic.status == TopicStatus.AGENDA
    assert topic.supports.count() == 3  # serialised by the row lock: later ones are refused
    assert Event.objects.filter(kind="topic.agenda", payload__topic=topic.pk).count() == 1
