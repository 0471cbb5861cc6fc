import datetime as dt

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from realtime.prune import prune_events


class Command(BaseCommand):
    help = (
        "Delete outbox events older than the retention; run it daily. --new-epoch makes "
        "every page that reconnects reload its data (e.g. after a database restore)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--days",
            type=float,
            default=settings.REALTIME_EVENT_RETENTION_DAYS,
            help="days of events to keep (default %(default)s)",
        )
        parser.add_argument("--new-epoch", action="store_true", help="start a new epoch")

    def handle(self, *args, days: float, new_epoch: bool, **options) -> None:
        if days < 0:
            raise CommandError("--days cannot be negative")
        deleted, changed = prune_events(older_than=dt.timedelta(days=days), new_epoch=new_epoch)
        self.stdout.write(f"deleted {deleted} events" + ("; new epoch" if changed else ""))
