from django.core.management.base import BaseCommand, CommandError, CommandParser

from consultation.models import Topic
from opinions.compute import compute_due, compute_topic


class Command(BaseCommand):
    help = (
        "Compute the opinion maps of topics with votes changed since their last map "
        "(or of one topic with --topic, whether or not it changed); run it from a timer "
        "in production, as the embedded scheduler does every GONGZHI_OPINION_INTERVAL s."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--topic", type=int, help="compute this topic now")

    def handle(self, *args, topic: int | None, **options) -> None:
        if topic is None:
            self.stdout.write(f"computed {compute_due()} opinion maps")
            return
        found = Topic.objects.select_related("area").filter(pk=topic).first()
        if found is None:
            raise CommandError(f"no topic {topic}")
        snapshot = compute_topic(found)
        self.stdout.write(
            f"topic {topic}: {snapshot.placed} of {snapshot.participants} participants placed "
            f"in {len(snapshot.groups)} groups ({snapshot.duration_ms} ms)"
        )
