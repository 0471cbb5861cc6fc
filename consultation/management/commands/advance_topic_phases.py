from django.core.management.base import BaseCommand

from consultation.phases import advance_due


class Command(BaseCommand):
    help = "Open and close topic phases whose dates have come; run it from a timer in production."

    def handle(self, *args, **options) -> None:
        moved = advance_due()
        self.stdout.write(f"moved {moved} topics")
