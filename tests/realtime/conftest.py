"""The case cast of tests/feedback, for the socket tests."""

import pytest

from accounts.models import Role
from tests.factories import build_area_tree, user_with_role
from tests.feedback.conftest import categories, departments, people  # noqa: F401


@pytest.fixture
def two_street_supervisors(db):
    areas = build_area_tree()
    return (
        user_with_role(Role.SUPERVISOR, areas["310101001"]),
        user_with_role(Role.SUPERVISOR, areas["310101002"]),
    )
