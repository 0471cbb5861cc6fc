"""`manage.py demo` leaves an opinion map on a topic of the printed community: groups
that split by floor, statements every group agrees on, a resident's statement waiting for
the clerk and one turned down; a reset removes them with the district."""

from django.test import Client
from django.urls import reverse

from accounts.models import User
from consultation.models import Topic
from demo import DISTRICT_CODE
from demo.load import demo_delete
from demo.opinions import TITLE
from opinions import selectors
from opinions.models import Moderation, OpinionSnapshot, Statement
from tests.demo.support import run_demo


def test_the_demo_topic_shows_groups_and_consensus(db):
    run_demo(households=400, cases=5)
    topic = Topic.objects.get(title=TITLE)
    snapshot = OpinionSnapshot.objects.get(topic=topic)
    assert 2 <= len(snapshot.groups) <= 5 and snapshot.placed >= 20
    assert all(group["representative"] for group in snapshot.groups)
    consensus = {Statement.objects.get(pk=c["statement"]).text for c in snapshot.consensus}
    assert "加装前应请专业机构做房屋结构安全评估。" in consensus
    clerk = User.objects.get(username="clerk")
    assert [s.state for s in selectors.moderation_queue(clerk)] == [Moderation.PENDING]
    page = Client()
    page.force_login(User.objects.get(username="resident"))
    text = page.get(reverse("opinions:topic", args=[topic.pk])).content.decode()
    assert "第 A 组" in text and "各组共识" in text and "未通过" in text
    demo_delete()
    assert not Topic.objects.filter(area__code__startswith=DISTRICT_CODE).exists()
    assert not Statement.objects.exists()
