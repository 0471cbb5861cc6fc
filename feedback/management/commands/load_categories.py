from django.core.management.base import BaseCommand, CommandError, CommandParser

from feedback.catalog import categories_load
from grid.models import Area, AreaLevel


class Command(BaseCommand):
    help = "Load or update the standard case categories (and, with --district, departments)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--district", default="", help="district code for the departments")

    def handle(self, *args, district: str, **options) -> None:
        area = None
        if district:
            area = Area.objects.filter(code=district, level=AreaLevel.DISTRICT).first()
            if area is None:
                raise CommandError(f"no district with code {district}")
        count = categories_load(district=area)
        self.stdout.write(f"{count} categories loaded")
