"""The Django admin: Leaflet for boundaries, services behind saves, personal data masked."""

import re

import pytest
from django.urls import reverse

from accounts.models import RegistrationRequest, Role
from grid import services
from grid.models import Area
from tests.factories import UserFactory, id_number, make_resident, user_with_role


@pytest.fixture
def admin_client(client, areas):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def test_area_form_edits_the_boundary_on_a_bundled_leaflet_map(admin_client):
    area = Area.objects.get(code="310101001001001")
    page = admin_client.get(reverse("admin:grid_area_change", args=[area.pk])).text
    assert "/static/leaflet/leaflet.js" in page or "/static/leaflet/leaflet-src.js" in page
    assert "leaflet.forms.js" in page
    assert not re.search(r'(src|href)="(https?:)?//', page)


def test_area_list_filters_by_level_and_searches_by_code(admin_client):
    response = admin_client.get(reverse("admin:grid_area_changelist"), {"q": "310101002001"})
    assert "第2-1社区" in response.text and "第1-1社区" not in response.text
    assert response.context["cl"].result_count == 3


def test_area_saved_in_admin_goes_through_the_overlap_check(admin_client):
    # given a new grid drawn over an existing grid of the same community
    overlapping = (
        "MULTIPOLYGON (((121.40 31.20, 121.41 31.20, 121.41 31.21, 121.40 31.21, 121.40 31.20)))"
    )
    # when it is submitted in the admin
    response = admin_client.post(
        reverse("admin:grid_area_add"),
        {"code": "310101001001003", "name": "重叠网格", "boundary": f"SRID=4326;{overlapping}"},
    )
    # then the form refuses it with the service's reason and nothing is saved
    assert response.status_code == 200
    assert "重叠" in response.text and "310101001001001" in response.text
    assert not Area.objects.filter(code="310101001001003").exists()


def test_area_added_in_admin_gets_level_and_parent_from_its_code(admin_client):
    free = "MULTIPOLYGON (((121.40 31.20, 121.42 31.20, 121.42 31.22, 121.40 31.22, 121.40 31.20)))"
    Area.objects.filter(parent__code="310101001001").delete()
    response = admin_client.post(
        reverse("admin:grid_area_add"),
        {"code": "310101001001009", "name": "新网格", "boundary": f"SRID=4326;{free}"},
    )
    assert response.status_code == 302
    area = Area.objects.get(code="310101001001009")
    assert (area.level, area.parent.code) == (4, "310101001001")


def test_resident_admin_never_shows_id_number_or_phone_in_clear(admin_client):
    resident = make_resident("310101001001001", name="周隐私", phone="13612345678")
    for url in (
        reverse("admin:grid_resident_changelist"),
        reverse("admin:grid_resident_change", args=[resident.pk]),
        reverse("admin:grid_household_change", args=[resident.household_id]),
    ):
        page = admin_client.get(url).text
        assert "周隐私" in page
        assert resident.id_number not in page and "13612345678" not in page
        assert "136****5678" in page
        assert 'name="id_number"' not in page and "hash" not in page


def test_special_group_admin_shows_the_kind_as_a_label(admin_client):
    resident = make_resident("310101001001001")
    services.special_group_add(resident=resident, kind="elderly_alone")
    page = admin_client.get(reverse("admin:grid_specialgroupmembership_changelist")).text
    assert "独居老人" in page and "elderly_alone" not in page


def test_user_admin_shows_the_phone_masked(admin_client, areas):
    user = user_with_role(Role.GRID_WORKER, areas["310101001001001"], phone="13512345678")
    page = admin_client.get(reverse("admin:accounts_user_change", args=[user.pk])).text
    assert "135****5678" in page and "13512345678" not in page


def test_registration_request_admin_is_read_only_and_masked(admin_client, areas):
    number = id_number("310101", "19900101", 321)
    request = RegistrationRequest.objects.create(
        user=UserFactory(),
        name="吴申请",
        id_number=number,
        id_number_hash="x",
        community=areas["310101001001"],
        address="测试路 1 号",
    )
    page = admin_client.get(
        reverse("admin:accounts_registrationrequest_change", args=[request.pk])
    ).text
    assert number not in page and number[:6] + "********" + number[-4:] in page
    assert 'name="name"' not in page
