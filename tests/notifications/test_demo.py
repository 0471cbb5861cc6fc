"""`manage.py demo` leaves the printed accounts something in their inboxes: two cases
told live today, projected at the end of the load."""

from io import StringIO

from django.core.management import call_command
from django.utils import translation

from accounts.models import User
from demo.load import demo_delete
from notifications.models import Notification


def kinds_of(username: str) -> list[str]:
    rows = Notification.objects.filter(user__username=username).order_by("event_id")
    return list(rows.values_list("kind", flat=True))


def test_the_demo_fills_the_resident_and_grid_workers_inboxes(db):
    # when the demo is loaded (small)
    out = StringIO()
    with translation.override("zh-hans"):
        call_command("demo", "--households=60", "--cases=20", stdout=out)
    # then
    assert kinds_of("resident") == [
        "case.registered",
        "case.dispatched",
        "case.handled",
        "case.rate_request",
        "case.registered",
    ]
    assert kinds_of("gridworker") == ["case.new_in_grid", "case.to_verify", "case.new_in_grid"]
    assert kinds_of("handler") == ["case.to_handle"]
    assert "示范账号收到" in out.getvalue()
    # and a reset takes them away with the district's cases
    resident = User.objects.get(username="resident")
    demo_delete()
    assert not Notification.objects.filter(user=resident).exists()
