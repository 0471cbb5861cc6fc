"""Every role against a topic of grid GRID, of its community and of its street, and
against the neighbouring areas: who reads, who takes part, who manages."""

import pytest

from consultation.access import topic_access
from consultation.models import Topic
from tests.consultation.conftest import COMMUNITY, GRID, STREET, open_topic

EVERYONE = (
    "resident", "resident_next_grid", "resident_next_community", "resident_next_street",
    "resident_unlinked", "grid_worker", "grid_worker_next_grid", "clerk",
    "clerk_next_community", "supervisor", "supervisor_next_street", "admin_next_street",
    "handler",
)  # fmt: skip
# A resident's role is their community's (as registration leaves it), so they read the
# topics of every grid of their community; a grid worker of the next grid does not.
READERS = {
    GRID: {
        "resident", "resident_next_grid", "resident_unlinked", "grid_worker", "clerk",
        "supervisor", "handler",
    },
    COMMUNITY: {
        "resident", "resident_next_grid", "resident_unlinked", "grid_worker",
        "grid_worker_next_grid", "clerk", "supervisor", "handler",
    },
    STREET: {
        "resident", "resident_next_grid", "resident_unlinked", "resident_next_community",
        "grid_worker", "grid_worker_next_grid", "clerk", "clerk_next_community", "supervisor",
        "handler",
    },
}  # fmt: skip
PARTICIPANTS = {
    GRID: {"resident", "grid_worker", "clerk", "supervisor"},
    COMMUNITY: {
        "resident", "resident_next_grid", "resident_unlinked", "grid_worker",
        "grid_worker_next_grid", "clerk", "supervisor",
    },
    # a department's handler works in its street: they take part in the street's topics
    STREET: {
        "resident", "resident_next_grid", "resident_unlinked", "resident_next_community",
        "grid_worker", "grid_worker_next_grid", "clerk", "clerk_next_community", "supervisor",
        "handler",
    },
}  # fmt: skip
MANAGERS = {
    GRID: {"clerk", "supervisor"},
    COMMUNITY: {"clerk", "supervisor"},
    STREET: {"supervisor"},
}


@pytest.fixture
def topics(areas, cast):
    return {code: open_topic(cast["supervisor"], areas[code]) for code in (GRID, COMMUNITY, STREET)}


@pytest.mark.django_db
@pytest.mark.parametrize("code", [GRID, COMMUNITY, STREET])
def test_who_reads_takes_part_and_manages(cast, topics, code):
    topic = topics[code]
    for name in EVERYONE:
        access = topic_access(cast[name])
        assert access.may_read(topic) == (name in READERS[code]), (name, "read")
        listed = Topic.objects.filter(access.readable_q(), pk=topic.pk).exists()
        assert listed == (name in READERS[code]), (name, "list")
        assert access.takes_part(topic) == (name in PARTICIPANTS[code]), (name, "part")
        assert access.may_manage(topic) == (name in MANAGERS[code]), (name, "manage")


@pytest.mark.django_db
def test_a_resident_who_moved_out_no_longer_takes_part_in_the_grid(cast, topics):
    resident = cast["resident"]
    resident.resident.status = "moved_out"
    resident.resident.save()
    access = topic_access(resident)
    assert not access.takes_part(topics[GRID])
    assert access.takes_part(topics[COMMUNITY])  # the resident role is still the community's


@pytest.mark.django_db
def test_a_superuser_reads_and_manages_everywhere_and_anonymous_nothing(cast, topics):
    from django.contrib.auth.models import AnonymousUser

    from tests.factories import UserFactory

    root = topic_access(UserFactory(is_superuser=True))
    nobody = topic_access(AnonymousUser())
    assert root.may_read(topics[GRID]) and root.may_manage(topics[STREET])
    assert not nobody.may_read(topics[STREET])
    assert not Topic.objects.filter(nobody.readable_q()).exists()
