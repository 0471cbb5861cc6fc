import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections

from notifications.outbound import send_due


class Command(BaseCommand):
    help = (
        "Send the outside messages (SMS) that are due (once, or with --loop every "
        "GONGZHI_NOTIFY_SEND_INTERVAL seconds, default 10); run it from a service in production."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--loop", action="store_true", help="keep running")

    def handle(self, *args, loop: bool, **options) -> None:
        interval = settings.NOTIFY_SEND_INTERVAL_SECONDS or 10
        while True:
            run = send_due()
            if run.sent or run.failed or run.gave_up or not loop:
                self.stdout.write(
                    f"sent {run.sent}, failed {run.failed} (to retry), gave up {run.gave_up}, "
                    f"postponed {run.postponed}"
                )
            if not loop:
                return
            close_old_connections()
            time.sleep(interval)
