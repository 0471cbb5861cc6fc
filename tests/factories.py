"""Test data built through the services, so every invariant the services enforce holds."""

import itertools

import factory
from django.contrib.auth.models import Permission
from django.contrib.gis.geos import MultiPolygon, Point, Polygon

from accounts.models import Department, Role, RoleAssignment, User
from grid import services
from grid.models import Area

DISTRICT = "310101"
X0, Y0 = 121.40, 31.20
STREET_W, COMMUNITY_H, GRID_W = 0.04, 0.02, 0.02


def box(x0: float, y0: float, x1: float, y1: float) -> MultiPolygon:
    return MultiPolygon(Polygon.from_bbox((x0, y0, x1, y1)), srid=4326)


def build_area_tree() -> dict[str, Area]:
    """A district of 2 streets × 2 communities × 2 grids, all axis-aligned boxes.

    Street s (1-based) spans x in [X0 + (s-1)·0.04, X0 + s·0.04]; community c spans
    y in [Y0 + (c-1)·0.02, Y0 + c·0.02]; grid g halves the community along x.
    """
    areas: dict[str, Area] = {}
    areas[DISTRICT], _ = services.area_save(
        code=DISTRICT, name="示范区", boundary=box(X0, Y0, X0 + 2 * STREET_W, Y0 + 2 * COMMUNITY_H)
    )
    for s, c, g in itertools.product((1, 2), (1, 2), (1, 2)):
        sx = X0 + (s - 1) * STREET_W
        cy = Y0 + (c - 1) * COMMUNITY_H
        street, community, grid = (
            f"{DISTRICT}{s:03d}",
            f"{DISTRICT}{s:03d}{c:03d}",
            f"{DISTRICT}{s:03d}{c:03d}{g:03d}",
        )
        if street not in areas:
            areas[street], _ = services.area_save(
                code=street, name=f"第{s}街道", boundary=box(sx, Y0, sx + STREET_W, Y0 + 0.04)
            )
        if community not in areas:
            areas[community], _ = services.area_save(
                code=community,
                name=f"第{s}-{c}社区",
                boundary=box(sx, cy, sx + STREET_W, cy + COMMUNITY_H),
            )
        gx = sx + (g - 1) * GRID_W
        areas[grid], _ = services.area_save(
            code=grid,
            name=f"第{s}-{c}-{g}网格",
            boundary=box(gx, cy, gx + GRID_W, cy + COMMUNITY_H),
        )
    return areas


def grid_centre(code: str) -> Point:
    """Centre of a grid built by build_area_tree."""
    s, c, g = int(code[6:9]), int(code[9:12]), int(code[12:15])
    x = X0 + (s - 1) * STREET_W + (g - 0.5) * GRID_W
    y = Y0 + (c - 0.5) * COMMUNITY_H
    return Point(x, y, srid=4326)


def id_number(region: str, birth: str, seq: int) -> str:
    """A synthetic GB 11643 number with a valid check digit."""
    body = f"{region}{birth}{seq:03d}"
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    total = sum(int(d) * w for d, w in zip(body, weights, strict=True))
    return body + "10X98765432"[total % 11]


_seq = itertools.count(1)


def make_resident(grid_code: str, *, name: str = "张三", relation: str = "self", phone: str = ""):
    """A resident in a new building at the centre of `grid_code`."""
    n = next(_seq)
    building = services.building_save(address=f"测试路{n}号", location=grid_centre(grid_code))
    household = services.household_save(building=building, room=f"{n}室")
    return services.resident_save(
        household=household,
        name=name,
        relation=relation,
        phone=phone,
        id_number=id_number("310101", "19800101", n % 1000),
    )


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("pass-word-123")


def user_with_role(
    role: str, area: Area, *, department: Department | None = None, **kwargs
) -> User:
    user = UserFactory(**kwargs)
    if role == Role.HANDLER and department is None:
        department, _ = Department.objects.get_or_create(
            code=f"dept-{area.code}", defaults={"name": "城管", "area": area}
        )
    RoleAssignment.objects.create(user=user, role=role, area=area, department=department)
    return user


def grant_reveal(user: User) -> User:
    user.user_permissions.add(Permission.objects.get(codename="reveal_personal_data"))
    return User.objects.get(pk=user.pk)  # drop the cached permissions
