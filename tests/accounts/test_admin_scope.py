"""The Django admin scoped by area: an administrator of one street, made staff with every
model permission, sees no row of the neighbouring street in any changelist, gets 404 for
its change page, chooses foreign keys only in their street, and cannot lift themselves out
of it. Superusers are unchanged."""

import uuid

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse

from accounts.models import Department, RegistrationRequest, Role, RoleAssignment, User
from accounts.tokens import token_issue
from feedback import services as case_services
from feedback.models import Case, Category, CategoryKind
from grid import services as grid_services
from grid.models import Area, PersonalDataReveal
from tests.factories import grant_reveal, grid_centre, make_resident, user_with_role

OWN_STREET, NEIGHBOUR_STREET = "310101001", "310101002"


def rows_in(street: str, areas) -> dict:
    """One row of every scoped model in `street`, keyed by its admin's URL name."""
    grid_code = f"{street}001001"
    resident = make_resident(grid_code, name=f"居民{street}")
    household = resident.household
    supervisor = user_with_role(Role.SUPERVISOR, areas[street])
    grant_reveal(supervisor)
    grid_services.resident_reveal(
        actor=supervisor, resident_id=resident.pk, field="phone", reason="回访"
    )
    department = Department.objects.create(code=f"d{street}", name="街道城管", area=areas[street])
    applicant = User.objects.create(username=f"applicant-{street}")
    token_issue(user=supervisor, label="手机")
    leaf = Category.objects.get(code="1301")
    point = grid_centre(grid_code)
    case, _ = case_services.case_report(
        actor=supervisor,
        client_id=uuid.uuid4(),
        category=leaf,
        description="占道",
        lon=point.x,
        lat=point.y,
    )
    return {
        "grid_area": areas[grid_code],
        "grid_building": household.building,
        "grid_household": household,
        "grid_resident": resident,
        "grid_specialgroupmembership": grid_services.special_group_add(
            resident=resident, kind="elderly_alone"
        ),
        "grid_personaldatareveal": PersonalDataReveal.objects.get(resident=resident),
        "accounts_user": supervisor,
        "accounts_roleassignment": RoleAssignment.objects.get(user=supervisor),
        "accounts_department": department,
        "accounts_registrationrequest": RegistrationRequest.objects.create(
            user=applicant,
            name="申请人",
            id_number="310101199001011234",
            id_number_hash=f"hash-{street}",
            community=areas[f"{street}001"],
            address="某路 1 号",
        ),
        "accounts_apitoken": supervisor.api_tokens.get(),
        "feedback_case": case,
    }


@pytest.fixture
def world(areas):
    parent = Category.objects.create(code="13", name="街面秩序", kind=CategoryKind.EVENT)
    Category.objects.create(code="1301", name="占道经营", kind=CategoryKind.EVENT, parent=parent)
    return {"own": rows_in(OWN_STREET, areas), "neighbour": rows_in(NEIGHBOUR_STREET, areas)}


@pytest.fixture
def street_admin(areas) -> User:
    admin = user_with_role(Role.ADMIN, areas[OWN_STREET], username="street-admin", is_staff=True)
    admin.user_permissions.set(Permission.objects.all())
    return admin


def admin_client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def change_url(name: str, obj) -> str:
    return reverse(f"admin:{name}_change", args=[obj.pk])


@pytest.mark.parametrize(
    "name",
    [
        "grid_area",
        "grid_building",
        "grid_household",
        "grid_resident",
        "grid_specialgroupmembership",
        "grid_personaldatareveal",
        "accounts_user",
        "accounts_roleassignment",
        "accounts_department",
        "accounts_registrationrequest",
        "accounts_apitoken",
        "feedback_case",
    ],
)
def test_a_street_admin_sees_and_opens_only_rows_of_their_street(world, street_admin, name):
    client = admin_client(street_admin)
    listing = client.get(reverse(f"admin:{name}_changelist"))
    assert listing.status_code == 200
    html = listing.content.decode()
    own, neighbour = world["own"][name], world["neighbour"][name]
    assert change_url(name, own) in html
    assert change_url(name, neighbour) not in html
    assert client.get(change_url(name, own)).status_code == 200
    assert client.get(change_url(name, neighbour)).status_code == 404
    delete = reverse(f"admin:{name}_delete", args=[neighbour.pk])
    assert client.post(delete, {"post": "yes"}).status_code in (403, 404)
    assert type(neighbour).objects.filter(pk=neighbour.pk).exists()


def test_a_superuser_still_sees_every_street(world, admin_client):
    html = admin_client.get(reverse("admin:grid_resident_changelist")).content.decode()
    for side in ("own", "neighbour"):
        assert change_url("grid_resident", world[side]["grid_resident"]) in html


def test_foreign_keys_are_chosen_only_in_the_admins_street(world, street_admin, areas):
    client = admin_client(street_admin)
    add = reverse("admin:accounts_department_add")
    fields = {"code": "x1", "name": "越界部门"}
    refused = client.post(add, {**fields, "area": areas[NEIGHBOUR_STREET].pk})
    assert refused.status_code == 200 and "errorlist" in refused.content.decode()
    assert not Department.objects.filter(code="x1").exists()
    accepted = client.post(add, {**fields, "area": areas[f"{OWN_STREET}001"].pk})
    assert accepted.status_code == 302
    assert Department.objects.filter(code="x1").exists()


def test_the_area_autocomplete_offers_only_the_admins_street(world, street_admin):
    response = admin_client(street_admin).get(
        reverse("admin:autocomplete"),
        {"app_label": "accounts", "model_name": "department", "field_name": "area", "term": ""},
    )
    codes = {Area.objects.get(pk=row["id"]).code for row in response.json()["results"]}
    assert codes and all(code.startswith(OWN_STREET) for code in codes)


def test_a_street_admin_cannot_make_themselves_superuser(world, street_admin):
    client = admin_client(street_admin)
    page = client.get(change_url("accounts_user", street_admin)).content.decode()
    assert 'name="is_superuser"' not in page and 'name="user_permissions"' not in page


def test_cases_of_the_street_stay_read_only_and_categories_platform_wide(world, street_admin):
    client = admin_client(street_admin)
    category = Category.objects.get(code="1301")
    url = reverse("admin:feedback_category_change", args=[category.pk])
    assert client.get(url).status_code == 200  # read
    assert client.post(url, {"code": "1301", "name": "改名"}).status_code == 403
    assert Case.objects.count() == 2
