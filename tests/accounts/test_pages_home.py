"""The home page: one section per role, filled only from the user's own scope."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Department, Role
from grid import services
from tests.factories import id_number, make_resident, user_with_role

HOME = "/"
GRID = "310101001001001"
NEIGHBOUR_GRID = "310101001001002"


@pytest.fixture
def resident_user(areas):
    resident = make_resident(GRID, name="李秀英", phone="13812345678")
    services.resident_save(
        household=resident.household,
        name="王建国",
        relation="spouse",
        id_number=id_number("310101", "19790303", 501),
    )
    user = user_with_role(Role.RESIDENT, areas["310101001001"])
    user.resident = resident
    user.save()
    return user


@pytest.fixture
def neighbour(areas):
    return make_resident(NEIGHBOUR_GRID, name="赵邻居", phone="13900001111")


def test_anonymous_visitor_is_sent_to_the_login_page(client, db):
    response = client.get(HOME)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_login_page_shows_the_form_in_chinese(client, db):
    response = client.get(reverse("accounts:login"))
    assert response.status_code == 200
    assert "用户名" in response.text and "密码" in response.text


def test_resident_sees_their_household_with_masked_personal_data(client, resident_user, neighbour):
    # given a resident with a spouse, and a neighbour in the next grid
    client.force_login(resident_user)
    # when they open the home page
    response = client.get(HOME)
    # then they see their household, its members masked, and nothing of the neighbour
    page = response.text
    assert 'id="section-resident"' in page
    assert "李秀英" in page and "王建国" in page
    assert "138****5678" in page and "13812345678" not in page
    assert resident_user.resident.id_number not in page
    assert resident_user.resident.id_number[:6] + "********" in page
    assert "第1-1社区" in page
    assert "赵邻居" not in page
    assert 'id="section-grid-worker"' not in page


def test_resident_without_household_record_is_told_it_is_pending(client, areas):
    user = user_with_role(Role.RESIDENT, areas["310101001001"])
    client.force_login(user)
    assert "正在由社区审核" in client.get(HOME).text


def test_grid_worker_sees_their_grids_with_counts(client, areas, neighbour):
    # given a worker of one grid holding two residents, one of them in a special group
    first = make_resident(GRID)
    make_resident(GRID)
    services.special_group_add(resident=first, kind="elderly_alone")
    worker = user_with_role(Role.GRID_WORKER, areas[GRID])
    client.force_login(worker)
    # when
    response = client.get(HOME)
    # then their grid shows with counts, the neighbouring grid does not
    grids = response.context["sections"][0][1]["grids"]
    assert [c.grid.code for c in grids] == [GRID]
    assert (grids[0].buildings, grids[0].households, grids[0].residents) == (2, 2, 2)
    assert grids[0].special_due == 1
    assert reverse("maps:area_map_of", args=[GRID]) in response.text
    assert "第1-1-2网格" not in response.text


def test_grid_worker_home_runs_the_same_queries_for_one_grid_or_many(client, areas):
    one = user_with_role(Role.GRID_WORKER, areas[GRID])
    many = user_with_role(Role.GRID_WORKER, areas["310101001"])  # a street: four grids
    for code in (GRID, "310101001002002"):
        make_resident(code)
    client.force_login(one)
    with CaptureQueriesContext(connection) as one_grid:
        client.get(HOME)
    client.force_login(many)
    with CaptureQueriesContext(connection) as four_grids:
        response = client.get(HOME)
    assert len(response.context["sections"][0][1]["grids"]) == 4
    assert len(four_grids.captured_queries) == len(one_grid.captured_queries)


def test_clerk_finds_a_resident_by_id_number_and_sees_it_masked(client, areas):
    resident = make_resident(GRID, name="陈窗口", phone="13700002222")
    clerk = user_with_role(Role.CLERK, areas["310101001"])
    client.force_login(clerk)
    response = client.post(HOME, {"id_number": resident.id_number})
    page = response.text
    assert "陈窗口" in page
    assert resident.id_number not in page
    assert "137****2222" in page


def test_clerk_does_not_find_a_resident_of_another_street(client, areas):
    outsider = make_resident("310101002001001", name="钱外街")
    clerk = user_with_role(Role.CLERK, areas["310101001"])
    client.force_login(clerk)
    response = client.post(HOME, {"id_number": outsider.id_number})
    assert "钱外街" not in response.text
    assert response.context["sections"][0][1]["search"].results == []
    assert "没有身份证号为" in response.text


def test_clerk_is_told_why_a_malformed_id_number_is_refused(client, areas):
    clerk = user_with_role(Role.CLERK, areas["310101001"])
    client.force_login(clerk)
    response = client.post(HOME, {"id_number": "31010119800101001"})
    assert "身份证号应为 18 位" in response.text


def test_handler_sees_their_department(client, areas):
    department = Department.objects.create(
        code="cg-001", name="街道城管科", area=areas["310101001"]
    )
    handler = user_with_role(Role.HANDLER, areas["310101001"], department=department)
    client.force_login(handler)
    page = client.get(HOME).text
    assert 'id="section-handler"' in page and "街道城管科" in page


def test_supervisor_sees_counts_per_child_of_their_street_only(client, areas):
    # given residents in both communities of street 001 and one in street 002
    make_resident("310101001001001")
    make_resident("310101001001002")
    make_resident("310101001002001")
    make_resident("310101002001001", name="孙外街")
    supervisor = user_with_role(Role.SUPERVISOR, areas["310101001"])
    client.force_login(supervisor)
    # when
    response = client.get(HOME)
    # then one row per community with its grids, households and residents
    overview = response.context["sections"][0][1]["overviews"][0]
    rows = {b.area.code: (b.sub_counts, b.households, b.residents) for b in overview["branches"]}
    assert rows == {"310101001001": ([2], 2, 2), "310101001002": ([2], 1, 1)}
    assert overview["residents"] == 3
    assert "第2街道" not in response.text and "第2-1社区" not in response.text


def test_district_supervisor_sees_communities_and_grids_per_street(client, areas):
    supervisor = user_with_role(Role.SUPERVISOR, areas["310101"])
    client.force_login(supervisor)
    overview = client.get(HOME).context["sections"][0][1]["overviews"][0]
    assert [(b.area.code, b.sub_counts) for b in overview["branches"]] == [
        ("310101001", [2, 4]),
        ("310101002", [2, 4]),
    ]


def test_administrator_gets_links_to_admin_and_coverage(client, areas):
    admin = user_with_role(Role.ADMIN, areas["310101"], is_staff=True)
    client.force_login(admin)
    page = client.get(HOME).text
    assert 'id="section-admin"' in page
    assert reverse("admin:index") in page and reverse("maps:coverage") in page


def test_user_with_two_roles_gets_a_section_for_each(client, areas):
    user = user_with_role(Role.GRID_WORKER, areas[GRID])
    user.roles.create(role=Role.CLERK, area=areas["310101001"])
    client.force_login(user)
    roles = [role for role, _section in client.get(HOME).context["sections"]]
    assert roles == [Role.GRID_WORKER, Role.CLERK]


def test_home_speaks_english_when_english_is_chosen(client, areas):
    client.force_login(user_with_role(Role.GRID_WORKER, areas[GRID]))
    client.cookies["django_language"] = "en"
    page = client.get(HOME).text
    assert "My workbench" in page and "My grids" in page
    assert "我的工作台" not in page


def test_home_speaks_chinese_by_default(client, areas):
    client.force_login(user_with_role(Role.GRID_WORKER, areas[GRID]))
    page = client.get(HOME, HTTP_ACCEPT_LANGUAGE="zh-hans").text
    assert "我的工作台" in page and "我的网格" in page


@pytest.mark.parametrize(
    ("role", "area", "expected", "absent"),
    [
        (Role.RESIDENT, "310101001001", "feedback:report", "feedback:queue"),
        (Role.GRID_WORKER, "310101001001001", "feedback:verify_queue", "feedback:inbox"),
        (Role.SUPERVISOR, "310101001", "feedback:queue", "feedback:on_spot"),
    ],
)
def test_each_role_home_links_to_its_case_pages(client, areas, role, area, expected, absent):
    client.force_login(user_with_role(role, areas[area]))
    page = client.get(reverse("accounts:home")).content.decode()
    assert f'href="{reverse(expected)}"' in page
    assert f'href="{reverse(absent)}"' not in page
