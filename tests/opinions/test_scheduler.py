"""The embedded scheduler computes opinion maps when GONGZHI_OPINION_INTERVAL is set, and
`manage.py compute_opinions` does the same from a timer."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from config import scheduler
from opinions import services
from opinions.models import OpinionSnapshot


def test_the_job_runs_only_when_its_interval_is_set(settings):
    settings.OPINION_INTERVAL_SECONDS = 0
    assert "compute_opinions" not in [job_id for job_id, _f, _s in scheduler._jobs()]
    settings.OPINION_INTERVAL_SECONDS = 10
    assert ("compute_opinions", 10) in [(job_id, s) for job_id, _f, s in scheduler._jobs()]


@pytest.mark.django_db
def test_the_command_computes_topics_with_new_votes_once(seeded, cast, topic):
    services.statement_vote(actor=cast["resident"], statement_id=seeded["accepted"][0].pk, choice=1)
    out = StringIO()
    call_command("compute_opinions", stdout=out)
    call_command("compute_opinions", stdout=out)
    assert out.getvalue().splitlines() == ["computed 1 opinion maps", "computed 0 opinion maps"]
    assert OpinionSnapshot.objects.filter(topic=topic).count() == 1
    call_command("compute_opinions", f"--topic={topic.pk}", stdout=out)
    assert OpinionSnapshot.objects.filter(topic=topic).count() == 2
    with pytest.raises(CommandError):
        call_command("compute_opinions", "--topic=999999", stdout=out)
