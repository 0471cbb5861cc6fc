"""The representatives' roster page: a clerk adds a resident of their community by ID
number and ends a term; a neighbouring clerk cannot add them; residents have no page."""

import datetime as dt

import pytest

from accounts.models import Role
from tests.factories import make_resident, user_with_role
from tests.voting.conftest import GRID, NEXT_COMMUNITY, cast, make_ballot, user_for
from voting.models import Representative

pytestmark = pytest.mark.django_db


def test_a_clerk_adds_a_representative_who_then_votes_and_ends_the_term(
    client, areas, topic, clerk
):
    resident = make_resident(GRID, name="代表甲")
    client.force_login(clerk)
    since = (dt.date.today() - dt.timedelta(days=30)).isoformat()
    added = client.post("/voting/representatives/add/",
                        {"id_number": resident.id_number, "since": since})  # fmt: skip
    assert added.status_code == 302
    again = client.post("/voting/representatives/add/",
                        {"id_number": resident.id_number, "since": since})  # fmt: skip
    assert again.status_code == 409
    assert "代表甲" in client.get("/voting/representatives/").content.decode()
    ballot = make_ballot(topic, clerk, eligibility_rule="representatives")
    assert cast(user_for(resident, areas), ballot, "yes").created
    entry = Representative.objects.get()
    assert client.post(f"/voting/representatives/{entry.pk}/end/").status_code == 302
    entry.refresh_from_db()
    assert entry.until == dt.date.today()


def test_a_neighbouring_clerk_cannot_add_and_a_resident_has_no_roster(client, areas):
    resident = make_resident(GRID, name="代表乙")
    client.force_login(user_with_role(Role.CLERK, areas[NEXT_COMMUNITY]))
    refused = client.post("/voting/representatives/add/",
                          {"id_number": resident.id_number, "since": "2026-01-01"})  # fmt: skip
    assert refused.status_code == 404 and not Representative.objects.exists()
    client.force_login(user_for(resident, areas))
    assert client.get("/voting/representatives/").status_code == 404
