from django.core.management.base import BaseCommand

from feedback.escalation import escalate_overdue


class Command(BaseCommand):
    help = "Escalate (督办) every case past its deadline; run it from a timer in production."

    def handle(self, *args, **options) -> None:
        count = escalate_overdue()
        self.stdout.write(f"escalated {count} cases")
