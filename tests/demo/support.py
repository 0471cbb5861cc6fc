"""Loading the demo district once for a test module, committed (as Django's setUpTestData
does), and removing everything it added afterwards: the district with its history, and
the users and shared categories that demo_delete deliberately keeps."""

from contextlib import contextmanager
from io import StringIO

from django.core.management import call_command
from django.db.models import Max

from accounts.models import User
from demo.load import demo_delete
from feedback.models import Category


def run_demo(*args: str, households: int, cases: int = 0) -> str:
    """The district and its history only: without the two live cases of today that fill
    the inboxes (tests/notifications/test_demo.py), which are not history."""
    out = StringIO()
    call_command(
        "demo", f"--households={households}", f"--cases={cases}", "--no-inbox", *args, stdout=out
    )
    return out.getvalue()


@contextmanager
def committed_demo(django_db_blocker, *, households: int, cases: int = 0):
    with django_db_blocker.unblock():
        users = User.objects.aggregate(m=Max("pk"))["m"] or 0
        categories = Category.objects.aggregate(m=Max("pk"))["m"] or 0
        run_demo(households=households, cases=cases)
    try:
        yield
    finally:
        with django_db_blocker.unblock():
            demo_delete()
            User.objects.filter(pk__gt=users).delete()
            added = Category.objects.filter(pk__gt=categories)
            added.filter(parent__isnull=False).delete()
            added.delete()
