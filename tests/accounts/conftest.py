import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    """Per-IP registration limits count in the cache, and every test client has the same
    address: one test's requests must not use up the next one's budget."""
    cache.clear()
    yield
    cache.clear()
