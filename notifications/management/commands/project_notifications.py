import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections

from notifications.projector import project_pending


class Command(BaseCommand):
    help = (
        "Fill the inboxes from the event outbox (once, or with --loop every "
        "GONGZHI_NOTIFY_INTERVAL seconds, default 2); run it from a service in production."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--loop", action="store_true", help="keep running")

    def handle(self, *args, loop: bool, **options) -> None:
        interval = settings.NOTIFY_INTERVAL_SECONDS or 2
        while True:
            run = project_pending()
            if run.events or not loop:
                self.stdout.write(
                    f"projected {run.events} events: {run.notifications} notifications "
                    f"for {run.users} users, {run.outbound} outside messages"
                )
            if not loop:
                return
            close_old_connections()
            time.sleep(interval)
