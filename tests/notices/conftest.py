"""The notice cast: everyone who lives or works in grid GRID, and their neighbours in the
next grid of the same community, the next community of the same street, and the next
street. The district is tests.factories' (2 streets × 2 communities × 2 grids)."""

import io
import uuid

import pytest
from PIL import Image

from accounts.models import Department, Role
from notices import services
from notices.attachments import prepare
from tests.factories import make_resident, user_with_role

DISTRICT = "310101"
STREET = "310101001"
COMMUNITY = "310101001001"
GRID = "310101001001001"
NEXT_GRID = "310101001001002"  # same community
NEXT_COMMUNITY = "310101001002"  # same street
NEXT_STREET = "310101002"
NEXT_STREET_COMMUNITY = "310101002001"
NEXT_STREET_GRID = "310101002001001"

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def png_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(out, "PNG")
    return out.getvalue()


def resident_of(areas, grid_code: str, name: str):
    """A resident user with a resident role over the grid's community, linked to a
    household in the grid (as registration leaves them)."""
    user = user_with_role(Role.RESIDENT, areas[grid_code[:12]], display_name=name)
    user.resident = make_resident(grid_code, name=name)
    user.save()
    return user


@pytest.fixture
def cast(areas):
    department = Department.objects.create(code="cg", name="城管科", area=areas[STREET])
    return {
        "resident": resident_of(areas, GRID, "李秀英"),
        "resident_next_grid": resident_of(areas, NEXT_GRID, "王建国"),
        "resident_next_community": resident_of(areas, f"{NEXT_COMMUNITY}001", "赵敏"),
        "resident_next_street": resident_of(areas, NEXT_STREET_GRID, "钱伟"),
        # registered but not yet matched to a household: reads the community's notices
        "resident_unlinked": user_with_role(Role.RESIDENT, areas[COMMUNITY]),
        "grid_worker": user_with_role(Role.GRID_WORKER, areas[GRID]),
        "grid_worker_next_grid": user_with_role(Role.GRID_WORKER, areas[NEXT_GRID]),
        "clerk": user_with_role(Role.CLERK, areas[COMMUNITY]),
        "clerk_next_community": user_with_role(Role.CLERK, areas[NEXT_COMMUNITY]),
        "supervisor": user_with_role(Role.SUPERVISOR, areas[STREET]),
        "supervisor_next_street": user_with_role(Role.SUPERVISOR, areas[NEXT_STREET]),
        "admin_next_street": user_with_role(Role.ADMIN, areas[NEXT_STREET]),
        "handler": user_with_role(Role.HANDLER, areas[STREET], department=department),
    }


def publish(actor, area_code: str, *, title="停水通知", body="明日 9:00-17:00 停水。", **kw):
    """A notice published through the service, as the pages do."""
    notice, _created = services.notice_publish(
        actor=actor,
        client_id=kw.pop("client_id", uuid.uuid4()),
        area_code=area_code,
        title=title,
        body=body,
        **kw,
    )
    return notice


def pdf(name: str = "停水范围.pdf"):
    return prepare(PDF, name=name)
