"""`manage.py demo` leaves the 议事厅 of the printed community with a topic in every
phase, a proposal gathering supports and a rejected one, threaded comments (one hidden,
one waiting for review), amendments, procedure records, actions and ratings; a reset
removes them with the district."""

from io import StringIO

from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from accounts.models import User
from consultation.models import Comment, Phase, Topic, TopicStatus
from demo import DISTRICT_CODE
from demo.load import demo_delete


def test_the_demo_has_topics_in_every_phase(db):
    call_command("demo", "--households=60", "--cases=5", "--no-inbox", stdout=StringIO())
    topics = Topic.objects.filter(area__code__startswith=DISTRICT_CODE)
    phases_shown = set(topics.exclude(phase=None).values_list("phase", flat=True))
    assert set(Phase.values) <= phases_shown
    assert topics.filter(status=TopicStatus.PROPOSED).exists()
    assert topics.get(status=TopicStatus.REJECTED).decision_reason
    assert Comment.objects.filter(status="hidden").count() == 1
    assert Comment.objects.filter(status="pending").count() == 1
    assert Comment.objects.filter(depth=3).exists()
    resident = Client()
    resident.force_login(User.objects.get(username="resident"))
    listed = resident.get(reverse("consultation:list")).content.decode()
    assert "垃圾分类亭选址" in listed and "小区绿化改造" in listed
    green = topics.get(title="小区绿化改造")
    page = resident.get(reverse("consultation:detail", args=[green.pk])).content.decode()
    assert "居民代表会议决议" in page and "补种香樟" in page and "4.0" in page
    demo_delete()
    assert not Topic.objects.exists()
