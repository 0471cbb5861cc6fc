"""Phone and ID numbers a reporter types into a case leave public outputs masked: Open311
JSON and XML, the community's public pages, and the case API for anyone who is not staff
over the case. Staff over the case and the reporter still read what was typed."""

import uuid

import pytest
from defusedxml import ElementTree
from django.test import Client
from django.urls import reverse

from feedback import services
from tests.factories import grid_centre
from tests.feedback.conftest import GRID
from tests.grid.api_support import bearer_client, get_json, session_client

ID_18 = "310101199001011234"
ID_X = "31010119900101123X"
ID_15 = "310101900101123"
TYPED = f"楼下噪音，联系我 +86 138-1234-5678 或 13900001111，证件 {ID_18} / {ID_X} / {ID_15}"
CLEAR = ("138-1234-5678", "13900001111", ID_18, ID_X, ID_15)
MASKED = ("+86 138****5678", "139****1111", "310101********1234", "310101******123")


@pytest.fixture
def case(people, categories):
    point = grid_centre(GRID)
    made, _ = services.case_report(
        actor=people["resident"],
        client_id=uuid.uuid4(),
        category=categories["stall"],
        description=TYPED,
        address="测试路 8 号 13812345678",
        lon=point.x,
        lat=point.y,
    )
    # registered, so that it is public (an unscreened report is not)
    return services.case_register(actor=people["supervisor"], case_id=made.pk)


def assert_masked(text: str) -> None:
    for clear in (*CLEAR, "13812345678"):
        assert clear not in text
    for masked in MASKED:
        assert masked in text


def test_open311_json_and_xml_mask_the_description_and_address(case):
    for path in (f"/open311/v2/requests/{case.pk}.json", "/open311/v2/requests.json"):
        [row] = Client().get(path).json()
        assert_masked(row["description"])
        assert row["address"] == "测试路 8 号 138****5678"
    root = ElementTree.fromstring(Client().get(f"/open311/v2/requests/{case.pk}.xml").content)
    assert_masked(root.findtext("request/description"))


def test_the_public_pages_mask_what_was_typed(case, people):
    client = session_client(people["other_resident"])
    detail = client.get(reverse("feedback:public_detail", args=[case.pk])).content.decode()
    assert_masked(detail)
    listing = client.get(reverse("feedback:public")).content.decode()
    assert "+86 138****5678" in listing and "138-1234-5678" not in listing


def test_the_public_case_api_masks_what_was_typed(case, people):
    status, body = get_json(bearer_client(people["other_resident"]), "/cases/public")
    assert status == 200
    assert_masked(body["items"][0]["description"])


@pytest.mark.parametrize("who", ["supervisor", "worker", "resident"])
def test_staff_over_the_case_and_its_reporter_read_it_as_typed(case, people, who):
    status, body = get_json(bearer_client(people[who]), f"/cases/{case.pk}")
    assert status == 200
    assert body["description"] == TYPED
    assert body["address"] == "测试路 8 号 13812345678"
