"""`manage.py demo` leaves a ballot of each kind on the printed community's topics, with
votes, so every results page shows something; a reset removes them with the district."""

from io import StringIO

from django.core.management import call_command
from django.test import Client

from accounts.models import User
from demo import DISTRICT_CODE
from demo.load import demo_delete
from voting.models import Ballot, Vote


def test_the_demo_has_a_ballot_of_each_kind_with_results(db):
    call_command("demo", "--households=120", "--cases=20", "--no-inbox", stdout=StringIO())
    ballots = Ballot.objects.filter(topic__area__code__startswith=DISTRICT_CODE)
    assert {b.kind for b in ballots} == {"yes_no", "single", "multiple", "ranked", "budget"}
    clerk = User.objects.get(username="clerk")
    page = Client()
    page.force_login(clerk)
    for ballot in ballots:
        if ballot.channel == "online":
            assert Vote.objects.filter(ballot=ballot).exists(), ballot.question
        if ballot.closed_at:
            assert ballot.outcome["cast"] > 0
            shown = page.get(f"/voting/{ballot.pk}/results/")
            assert shown.status_code == 200 and "参与表决" in shown.content.decode()
        else:
            assert page.get(f"/voting/{ballot.pk}/").status_code == 200
    assert ballots.filter(closed_at__isnull=True).count() == 2
    assert ballots.get(channel="meeting").meeting.signed_off_by.username == "supervisor"
    demo_delete()
    assert not Ballot.objects.filter(topic__area__code__startswith=DISTRICT_CODE).exists()
