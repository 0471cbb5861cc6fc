"""`manage.py demo` leaves notices on the printed resident's home: the street's pinned one
with its duty roster, the community's and the resident's own grid's; the clerk also finds
a withdrawn one. A reset removes them with the district."""

from io import StringIO

from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from accounts.models import User
from demo import DISTRICT_CODE
from demo.load import demo_delete
from notices import selectors
from notices.models import Notice


def test_the_demo_publishes_notices_the_resident_sees_on_their_home(db):
    call_command("demo", "--households=60", "--cases=20", "--no-inbox", stdout=StringIO())
    resident = User.objects.get(username="resident")
    current = list(selectors.notices_current(user=resident))
    assert [n.area.level for n in current[:1]] == [2] and current[0].pinned  # the street's
    assert current[0].attachments.get().original_name == "街道防汛值班表.xlsx"
    assert {n.area.code for n in current} == {
        f"{DISTRICT_CODE}001",
        f"{DISTRICT_CODE}001001",
        resident.resident.household.building.grid.code,
    }
    assert len(current) == 4
    home = Client()
    home.force_login(resident)
    assert "关于做好汛期防汛防台工作的通知" in home.get(reverse("accounts:home")).content.decode()
    clerk = User.objects.get(username="clerk")
    states = {n.title: n.state for n in selectors.notice_list(user=clerk)}
    assert len(states) == 5 and states["社区活动室暂停开放（已改期）"] == "withdrawn"
    demo_delete()
    assert not Notice.objects.filter(area__code__startswith=DISTRICT_CODE).exists()
