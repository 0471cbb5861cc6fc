"""Reading inboxes in the tests."""

from accounts.models import User
from notifications.models import Notification
from notifications.projector import project_pending


def project() -> None:
    """What the scheduler does every 2 s: read the outbox into the inboxes."""
    project_pending()


def kinds(user: User) -> list[str]:
    """The kinds in the user's inbox, oldest first."""
    rows = Notification.objects.filter(user=user).order_by("event_id", "pk")
    return list(rows.values_list("kind", flat=True))


def inbox_of(user: User) -> list[Notification]:
    return list(Notification.objects.filter(user=user).order_by("event_id", "pk"))
