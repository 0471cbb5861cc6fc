import pytest
from django.core.cache import cache

from accounts import sms


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    """Per-IP registration limits count in the cache, and every test client has the same
    address: one test's requests must not use up the next one's budget."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def sms_outbox(settings):
    """The SMS each test sends, kept in memory instead of printed."""
    settings.SMS_SENDER = "accounts.sms.MemorySender"
    sms.outbox.clear()
    yield sms.outbox
    sms.outbox.clear()
