"""Open and close the online ballots whose dates have come (from a timer in production;
the embedded scheduler runs the same every GONGZHI_BALLOT_INTERVAL seconds)."""

from django.core.management.base import BaseCommand

from voting.services import ballots_due


class Command(BaseCommand):
    help = "开始和结束到期的线上表决"

    def handle(self, *args, **options) -> None:
        opened, closed = ballots_due()
        self.stdout.write(f"opened {opened}, closed {closed}")
