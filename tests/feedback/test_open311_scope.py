"""What an Open311 read lists for each kind of reader, against a case of the neighbouring
community and a sensitive and a hidden case; and an address_id out of scope answers like
one that does not exist."""

import uuid

import pytest
from django.test import Client

from accounts.tokens import token_issue
from feedback import services
from feedback.models import Case
from grid import services as grid_services
from tests.factories import grid_centre
from tests.feedback.test_open311 import V2, form

OWN_GRID = "310101001001001"
NEIGHBOUR_GRID = "310101001002001"  # the neighbouring community, same street


def report(people, categories, grid: str, *, category: str = "stall", by: str = "supervisor"):
    point = grid_centre(grid)
    case, _ = services.case_report(
        actor=people[by],
        client_id=uuid.uuid4(),
        category=categories[category],
        description="路口有摊贩",
        lon=point.x,
        lat=point.y,
    )
    # registered: an unscreened report is not public
    return services.case_register(actor=people[by], case_id=case.pk)


@pytest.fixture
def cases(people, categories):
    hidden = report(people, categories, OWN_GRID)
    services.case_hide(actor=people["supervisor"], case_id=hidden.pk, reason="含隐私")
    return {
        "own": report(people, categories, OWN_GRID),
        "neighbour": report(people, categories, NEIGHBOUR_GRID),
        "sensitive": report(people, categories, OWN_GRID, category="dispute"),
        "hidden": hidden,
    }


def listed(key: str | None, **params) -> set[int]:
    query = {"api_key": key, **params} if key else params
    response = Client().get(f"{V2}/requests.json", query)
    assert response.status_code == 200, response.content
    return {row["service_request_id"] for row in response.json()}


def opens(key: str | None, case: Case) -> bool:
    query = {"api_key": key} if key else {}
    response = Client().get(f"{V2}/requests/{case.pk}.json", query)
    assert response.status_code in (200, 404), response.content
    return response.status_code == 200


# who reads → (lists the own community's case, lists the neighbouring community's case)
READERS = {
    "resident": (True, False),
    "worker": (True, False),
    "clerk": (True, False),
    "neighbour_worker": (False, False),  # a grid of the other street
    "supervisor": (True, True),  # the street
    "neighbour_supervisor": (False, False),
    "handler": (False, False),  # reads what is dispatched to it, no public list (access.py)
}


@pytest.mark.parametrize("who", sorted(READERS))
def test_a_key_lists_and_opens_the_public_cases_of_its_own_communities(people, cases, who):
    key = token_issue(user=people[who], label="Open311")
    own, neighbour = READERS[who]
    pairs = ((cases["own"], own), (cases["neighbour"], neighbour))
    expected = {case.pk for case, shown in pairs if shown}
    assert listed(key) == expected
    ids = ",".join(str(case.pk) for case in cases.values())
    assert listed(key, service_request_id=ids) == expected
    assert opens(key, cases["own"]) is own
    assert opens(key, cases["neighbour"]) is neighbour
    for case in (cases["sensitive"], cases["hidden"]):
        assert not opens(key, case)


def test_without_a_key_the_public_cases_of_the_configured_area_are_listed(cases, settings):
    # every area of the platform by default
    assert listed(None) == {cases["own"].pk, cases["neighbour"].pk}
    # one community when the operator says so
    settings.OPEN311_PUBLIC_AREA = OWN_GRID[:12]
    assert listed(None) == {cases["own"].pk}
    assert not opens(None, cases["neighbour"])
    for case in (cases["sensitive"], cases["hidden"]):
        assert not opens(None, case)


def test_a_bad_key_on_a_read_is_403_not_the_anonymous_view(cases):
    response = Client().get(f"{V2}/requests.json", {"api_key": "not-a-key"})
    assert response.status_code == 403


def test_an_address_id_out_of_scope_answers_like_a_missing_one(people, categories):
    # given a resident's key, and a building in the neighbouring community
    key = token_issue(user=people["resident"], label="居民自用")
    elsewhere = grid_services.building_save(
        address="邻居路 1 号", location=grid_centre(NEIGHBOUR_GRID)
    )
    missing = elsewhere.pk + 1000
    # when the key files at that building's id, and at an id that does not exist
    answers = []
    for address_id in (elsewhere.pk, missing):
        fields = form(key, lat="", long="", address_string="", address_id=str(address_id))
        response = Client().post(f"{V2}/requests.json", fields)
        answers.append((response.status_code, response.json()[0]["description"]))
    # then both answers are the same 400, and neither filed a case
    assert answers[0] == answers[1]
    assert answers[0][0] == 400
    assert not Case.objects.exists()


def test_an_address_string_out_of_scope_answers_like_an_unknown_one(people, categories):
    key = token_issue(user=people["resident"], label="居民自用")
    grid_services.building_save(address="邻居路 1 号", location=grid_centre(NEIGHBOUR_GRID))
    known = Client().post(
        f"{V2}/requests.json", form(key, lat="", long="", address_string="邻居路 1 号")
    )
    unknown = Client().post(
        f"{V2}/requests.json", form(key, lat="", long="", address_string="无此路 9 号")
    )
    assert known.status_code == unknown.status_code == 400
    assert known.json() == unknown.json()
