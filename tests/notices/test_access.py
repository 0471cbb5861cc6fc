"""Every role × every output of a notice × the neighbouring areas: a notice reaches those
who live or work in its area, and nobody else — not in a list, a page, the API, an
attachment, the home page or a socket group.

The notices: one to grid GRID (by its grid worker), one to its community (by the clerk),
one to its street (by the supervisor), each with a PDF attached. The cast
(tests/notices/conftest.py) lives or works in GRID, the next grid of the community, the
next community of the street and the next street.
"""

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils.module_loading import import_string

from notices.access import notice_audience, socket_groups
from tests.notices.conftest import COMMUNITY, GRID, STREET, pdf, publish

READERS = {
    GRID: {"resident", "grid_worker", "clerk", "supervisor"},
    COMMUNITY: {
        "resident", "resident_next_grid", "resident_unlinked", "grid_worker",
        "grid_worker_next_grid", "clerk", "supervisor",
    },
    STREET: {
        "resident", "resident_next_grid", "resident_unlinked", "resident_next_community",
        "grid_worker", "grid_worker_next_grid", "clerk", "clerk_next_community", "supervisor",
        "handler",
    },
}  # fmt: skip
PUBLISHERS = {GRID: "grid_worker", COMMUNITY: "clerk", STREET: "supervisor"}
TITLES = {GRID: "网格停水通知", COMMUNITY: "社区消防演练通知", STREET: "街道防汛须知"}


@pytest.fixture
def notices(cast):
    return {
        code: publish(cast[author], code, title=TITLES[code], attachments=[pdf()])
        for code, author in PUBLISHERS.items()
    }


def client_of(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def outputs(notice) -> dict[str, str]:
    attachment = notice.attachments.get()
    return {
        "page list": reverse("notices:list"),
        "home": reverse("accounts:home"),
        "page detail": reverse("notices:detail", args=[notice.pk]),
        "page attachment": reverse("notices:attachment", args=[notice.pk, attachment.pk]),
        "api list": "/api/v1/notices",
        "api detail": f"/api/v1/notices/{notice.pk}",
        "api attachment": f"/api/v1/notices/{notice.pk}/attachments/{attachment.pk}",
    }


def reached(response, notice) -> bool:
    if response.status_code != 200:
        return False
    content_type = response.get("Content-Type", "")
    if content_type.startswith("application/pdf"):
        return True
    if content_type.startswith("application/json"):
        found = response.json()
        return notice.title in [item["title"] for item in found.get("items", [found])]
    return notice.title in response.content.decode()


@pytest.mark.parametrize("code", [GRID, COMMUNITY, STREET])
def test_a_notice_reaches_exactly_the_people_of_its_area_through_every_output(cast, notices, code):
    notice = notices[code]
    for name, user in cast.items():
        client = client_of(user)
        for output, url in outputs(notice).items():
            response = client.get(url)
            expected = name in READERS[code]
            assert reached(response, notice) is expected, (name, output, response.status_code)
            if not expected and output not in ("page list", "home", "api list"):
                assert response.status_code == 404, (name, output)


@pytest.mark.parametrize("code", [GRID, COMMUNITY, STREET])
def test_the_socket_groups_of_a_user_meet_a_notices_audience_exactly_when_they_read_it(
    cast, notices, code
):
    # the groups a socket joins are the union of every policy's (feedback's staff groups
    # included), as realtime.consumers joins them
    sources = [import_string(source) for source in settings.REALTIME_GROUP_SOURCES]
    audience = set(notice_audience(code))
    for name, user in cast.items():
        joined = {group for source in sources for group in source(user)}
        assert bool(joined & audience) is (name in READERS[code]), name


def test_each_role_joins_the_area_groups_of_where_they_live_or_work_and_above(cast):
    area = lambda *codes: [f"area.{c}" for c in codes]  # noqa: E731
    assert socket_groups(cast["resident"]) == area("310101", STREET, COMMUNITY, GRID)
    assert socket_groups(cast["resident_unlinked"]) == area("310101", STREET, COMMUNITY)
    assert socket_groups(cast["grid_worker"]) == [
        *area("310101", STREET, COMMUNITY, GRID),
        f"staff.{GRID}",
    ]
    assert socket_groups(cast["clerk"]) == [
        *area("310101", STREET, COMMUNITY),
        f"staff.{COMMUNITY}",
    ]
    assert socket_groups(cast["supervisor"]) == [*area("310101", STREET), f"staff.{STREET}"]
    assert socket_groups(cast["handler"]) == area("310101", STREET)


def test_a_resident_who_moved_out_no_longer_reads_their_old_grids_notices(cast, notices):
    resident = cast["resident"]
    resident.resident.status = "moved_out"
    resident.resident.save()
    assert f"area.{GRID}" not in socket_groups(resident)
    assert (
        client_of(resident).get(reverse("notices:detail", args=[notices[GRID].pk])).status_code
        == 404
    )


def test_a_superuser_reads_every_notice_and_joins_every_district(cast, notices, areas):
    from tests.factories import UserFactory

    operator = UserFactory(is_superuser=True, is_staff=True)
    assert socket_groups(operator) == ["area.310101", "staff.310101"]
    html = client_of(operator).get(reverse("notices:list")).content.decode()
    assert all(notice.title in html for notice in notices.values())


def test_a_notices_audience_is_its_area_and_the_staff_above_it():
    assert notice_audience(GRID) == [
        f"area.{GRID}",
        "staff.310101",
        f"staff.{STREET}",
        f"staff.{COMMUNITY}",
    ]
    assert notice_audience("310101") == ["area.310101"]
