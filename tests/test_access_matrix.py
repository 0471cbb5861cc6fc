"""Every role × every output × the objects it must not reach: 0 leaks.

The cast: for each role, a user over the area *next to* grid GRID (the neighbouring
street, or a handler of another department), plus a resident of GRID's own community
who may read its public cases. The objects: an ordinary case of GRID (no neighbour may
reach it), a case of a sensitive category and a hidden case (the community's resident
may not reach them either). Each has a photo. Each output is asked for each object by
each user, and the case number must appear nowhere in what they get.
"""

import io
import uuid

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import Role
from feedback import services
from feedback.models import Case
from feedback.photos import prepare
from grid.models import Area
from tests.factories import grid_centre, make_resident, user_with_role
from tests.feedback.conftest import GRID, NEIGHBOUR_GRID, categories, departments  # noqa: F401
from tests.feedback.photos import image_bytes

COMMUNITY, NEIGHBOUR_STREET = GRID[:12], NEIGHBOUR_GRID[:9]
ROLES_NEXT_DOOR = {
    "resident": (Role.RESIDENT, NEIGHBOUR_GRID[:12]),
    "grid_worker": (Role.GRID_WORKER, NEIGHBOUR_GRID),
    "clerk": (Role.CLERK, NEIGHBOUR_GRID[:12]),
    "supervisor": (Role.SUPERVISOR, NEIGHBOUR_STREET),
    "admin": (Role.ADMIN, NEIGHBOUR_STREET),
}


@pytest.fixture
def cast(areas, departments):  # noqa: F811
    users = {
        name: user_with_role(role, Area.objects.get(code=code))
        for name, (role, code) in ROLES_NEXT_DOOR.items()
    }
    # a handler of the department the cases are NOT dispatched to, over the whole district
    users["other_department_handler"] = user_with_role(
        Role.HANDLER, areas["310101"], department=departments["housing"]
    )
    users["community_resident"] = user_with_role(Role.RESIDENT, areas[COMMUNITY])
    return users


@pytest.fixture
def cases(areas, departments, categories):  # noqa: F811
    reporter = user_with_role(Role.RESIDENT, areas[COMMUNITY])
    supervisor = user_with_role(Role.SUPERVISOR, areas[GRID[:9]])

    def report(category: str) -> Case:
        point = grid_centre(GRID)
        case, _ = services.case_report(
            actor=reporter,
            client_id=uuid.uuid4(),
            category=categories[category],
            description="楼道堆物，联系电话 13812345678",
            lon=point.x,
            lat=point.y,
            photos=[prepare(image_bytes("PNG"), name="a.png")],
        )
        # registered and dispatched to the city department: handlers are in play too
        services.case_register(actor=supervisor, case_id=case.pk)
        return services.case_dispatch(actor=supervisor, case_id=case.pk)

    ordinary, sensitive, hidden = report("stall"), report("dispute"), report("stall")
    services.case_hide(actor=supervisor, case_id=hidden.pk, reason="含个人信息")
    return {"ordinary": ordinary, "sensitive": sensitive, "hidden": hidden}


# Open311 is the public interface (GeoReport v2, as FixMyStreet's): a public case is
# meant to be read there by anyone; a sensitive or hidden one by no one.
PUBLIC_INTERFACES = ("open311 detail", "open311 list")


def forbidden_pairs(cast, cases):
    """(user name, case name) pairs that must not meet."""
    for name in cast:
        for case_name in cases:
            if name == "community_resident" and case_name == "ordinary":
                continue  # public: the resident of its community may read it
            yield name, case_name


def client_of(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def outputs(case: Case) -> dict[str, str]:
    photo = case.photos.first()
    return {
        "api detail": f"/api/v1/cases/{case.pk}",
        "api list": "/api/v1/cases?page_size=100",
        "api mine": "/api/v1/cases/mine",
        "api public": f"/api/v1/cases/public?community={COMMUNITY}",
        "api photo": f"/api/v1/cases/{case.pk}/photos/{photo.pk}",
        "page detail": reverse("feedback:detail", args=[case.pk]),
        "page public detail": reverse("feedback:public_detail", args=[case.pk]),
        "page public list": reverse("feedback:public"),
        "page photo": reverse("feedback:photo", args=[case.pk, photo.pk, "thumb"]),
        "page all cases": reverse("feedback:supervise"),
        "page queue": reverse("feedback:queue"),
        "page inbox": reverse("feedback:inbox"),
        "open311 detail": f"/open311/v2/requests/{case.pk}.json",
        "open311 list": "/open311/v2/requests.json",
    }


def leaked(response, case: Case) -> bool:
    if response.status_code >= 400 or response.status_code in (301, 302):
        return False
    content_type = response.get("Content-Type", "")
    if content_type.startswith("image/"):
        return True  # a photo of a case one may not read
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return case.number.encode() in body or f'"id": {case.pk},'.encode() in body


@pytest.mark.django_db
def test_no_role_next_door_reaches_a_case_of_grid_through_any_output(cast, cases):
    leaks = []
    for user_name, case_name in forbidden_pairs(cast, cases):
        client, case = client_of(cast[user_name]), cases[case_name]
        for output, url in outputs(case).items():
            if case_name == "ordinary" and output in PUBLIC_INTERFACES:
                continue
            if leaked(client.get(url), case):
                leaks.append((user_name, case_name, output))
    assert leaks == []


@pytest.mark.django_db
def test_the_community_resident_reads_the_public_case_through_the_public_outputs(cast, cases):
    # the positive control: the matrix above would pass on outputs that show nothing
    client = client_of(cast["community_resident"])
    public = cases["ordinary"]
    for output in ("api public", "page public detail", "page public list", "page photo"):
        response = client.get(outputs(public)[output])
        assert response.status_code == 200, output
    assert public.number.encode() in client.get(outputs(public)["page public list"]).content
    # and the phone number typed into its description reaches them masked on every output
    point = grid_centre(GRID)
    hints = {"category": public.category.pk, "lon": point.x, "lat": point.y}
    bodies = [
        client.get(outputs(public)[name]).content
        for name in ("api public", "page public detail", "page public list", "open311 detail")
    ]
    bodies.append(client.get(reverse("feedback:duplicates"), hints).content)
    assert public.number.encode() in bodies[-1]
    for body in bodies:
        assert "13812345678" not in body.decode()


@pytest.mark.django_db
def test_no_export_of_a_supervisor_next_door_holds_a_case_of_grid(cast, cases):
    response = client_of(cast["supervisor"]).get(reverse("feedback:export"))
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    numbers = {str(row[0]) for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert numbers.isdisjoint({case.number for case in cases.values()})


@pytest.mark.django_db
def test_duplicate_hints_show_no_case_of_grid_next_door_nor_a_sensitive_or_hidden_one(
    cast,
    cases,
    categories,  # noqa: F811
):
    point = grid_centre(GRID)
    for user_name, case_name in forbidden_pairs(cast, cases):
        case = cases[case_name]
        query = {"category": case.category.pk, "lon": point.x, "lat": point.y}
        client = client_of(cast[user_name])
        page = client.get(reverse("feedback:duplicates"), query)
        api = client.get(
            "/api/v1/cases/duplicates",
            {"category": case.category.code, "lon": point.x, "lat": point.y},
        )
        assert case.number not in page.content.decode(), (user_name, case_name)
        assert case.number not in api.content.decode(), (user_name, case_name)


@pytest.mark.django_db
def test_no_role_next_door_lists_a_resident_of_grid(cast, areas):
    resident = make_resident(GRID, name="王五")
    for name, user in cast.items():
        client = client_of(user)
        listing = client.get("/api/v1/grid/residents", {"page_size": 100})
        detail = client.get(f"/api/v1/grid/residents/{resident.pk}")
        assert "王五" not in listing.content.decode(), name
        assert detail.status_code == 404, name


@pytest.mark.django_db
def test_a_handler_lists_no_resident_even_of_their_own_area_nor_a_special_group(areas):
    make_resident(GRID, name="赵六")
    handler = user_with_role(Role.HANDLER, areas["310101"])
    client = client_of(handler)
    for query in ({}, {"special_group": "elderly_alone"}, {"special_group": "disabled"}):
        response = client.get("/api/v1/grid/residents", query)
        assert response.status_code == 200
        assert response.json()["items"] == [], query


def counters_of(user) -> dict[str, int]:
    """The open-case counters on a user's home page, by key."""
    import re

    body = client_of(user).get(reverse("accounts:home")).content.decode()
    found = re.findall(r'data-key="(\w+)">\s*<a [^>]*><span class="n">(\d+)</span>', body)
    return {key: int(n) for key, n in found}


@pytest.mark.django_db
def test_no_home_next_door_counts_the_cases_of_grid(cast, cases, areas):
    for name, user in cast.items():
        counters = counters_of(user)
        assert counters, name  # the card is there, with numbers
        assert sum(counters.values()) == 0, (name, counters)
    # the positive control: the supervisor of GRID's street counts all three
    own = counters_of(user_with_role(Role.SUPERVISOR, areas[GRID[:9]]))
    assert own["dispatched"] == 3


@pytest.mark.django_db
def test_only_administrators_read_the_live_link_status(cast):
    for name, user in cast.items():
        response = client_of(user).get("/api/v1/ops/realtime")
        assert response.status_code == (200 if name == "admin" else 403), name
    assert "case" not in client_of(cast["admin"]).get("/api/v1/ops/realtime").content.decode()


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_no_socket_next_door_receives_or_replays_an_event_of_grid(cast, cases):
    """The socket's replay from the start of the window: everything its groups allow."""
    from asgiref.sync import sync_to_async
    from channels.testing.websocket import WebsocketCommunicator

    from realtime.consumers import EventStreamConsumer
    from realtime.outbox import current_epoch

    epoch = await sync_to_async(current_epoch)()
    ids = {case.pk for case in cases.values()}

    async def replayed(user) -> list[dict]:
        socket = WebsocketCommunicator(
            EventStreamConsumer.as_asgi(), f"/ws/events/?since=0&epoch={epoch}"
        )
        socket.scope["user"] = user
        assert (await socket.connect())[0]
        # read up to the end of the replay however long the batched read takes under
        # load, then nothing more may come
        received = [await socket.receive_json_from(timeout=5)]
        while received[-1].get("type") != "replay.done":
            received.append(await socket.receive_json_from(timeout=5))
        assert await socket.receive_nothing(timeout=0.3)
        await socket.disconnect()
        return [m for m in received if "id" in m]

    for name, user in cast.items():
        events = await replayed(user)
        assert [e for e in events if e["data"].get("case") in ids] == [], name
    # the positive control: the supervisor of GRID's street replays all of them
    supervisor = await sync_to_async(user_with_role)(
        Role.SUPERVISOR, await sync_to_async(Area.objects.get)(code=GRID[:9])
    )
    assert {e["data"]["case"] for e in await replayed(supervisor)} == ids
