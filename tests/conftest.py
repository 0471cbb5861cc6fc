import pytest

from tests.factories import build_area_tree


@pytest.fixture
def areas(db):
    """The small district tree of tests.factories, keyed by code."""
    return build_area_tree()
