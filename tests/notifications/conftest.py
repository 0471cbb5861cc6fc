import pytest

from accounts import sms
from tests.feedback import conftest as feedback_fixtures

# The feedback tests' cast (a resident, the grid's worker, the street's supervisor, the
# department's handler, the community's clerk, and a neighbour of each) and categories.
departments = feedback_fixtures.departments
categories = feedback_fixtures.categories
people = feedback_fixtures.people

PHONE = "13812345678"


@pytest.fixture
def sms_outbox(settings):
    """The SMS sent, kept in memory instead of printed."""
    settings.SMS_SENDER = "accounts.sms.MemorySender"
    sms.outbox.clear()
    yield sms.outbox
    sms.outbox.clear()


@pytest.fixture
def texted(people):
    """The resident has a phone on file: outside messages can reach them."""
    resident = people["resident"]
    resident.phone = PHONE
    resident.save(update_fields=["phone"])
    return resident
