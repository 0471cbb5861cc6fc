"""The embedded scheduler runs ballots_due when GONGZHI_BALLOT_INTERVAL is set, and
`manage.py ballots_due` does the same from a timer."""

from io import StringIO

import pytest
from django.core.management import call_command

from config import scheduler
from tests.voting.conftest import make_ballot


def test_the_job_runs_only_when_its_interval_is_set(settings):
    settings.BALLOT_INTERVAL_SECONDS = 0
    assert "ballots_due" not in [job_id for job_id, _f, _s in scheduler._jobs()]
    settings.BALLOT_INTERVAL_SECONDS = 5
    assert ("ballots_due", 5) in [(job_id, s) for job_id, _f, s in scheduler._jobs()]


@pytest.mark.django_db
def test_the_command_opens_a_due_ballot(areas, topic, clerk):
    ballot = make_ballot(topic, clerk, open_now=False)
    out = StringIO()
    call_command("ballots_due", stdout=out)
    ballot.refresh_from_db()
    assert ballot.state == "open" and "opened 1" in out.getvalue()
