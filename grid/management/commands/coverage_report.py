from django.core.management.base import BaseCommand, CommandError, CommandParser

from grid.coverage import community_coverage
from grid.models import Area, AreaLevel


class Command(BaseCommand):
    help = "Report how completely each community is covered by its grids (全覆盖)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("code", nargs="?", default="", help="area code prefix to report on")

    def handle(self, *args, code: str, **options) -> None:
        communities = Area.objects.filter(level=AreaLevel.COMMUNITY, code__startswith=code)
        if not communities.exists():
            raise CommandError(f"no community under '{code}'")
        incomplete = 0
        for community in communities.order_by("code"):
            report = community_coverage(community)
            incomplete += not report.complete
            self.stdout.write(
                f"{report.community} {community.name}: {report.grid_count} grids, "
                f"uncovered {report.uncovered_share:.2%} ({report.uncovered_square_metres:,.0f} m²)"
                f", overlaps {len(report.overlaps)}"
            )
            for overlap in report.overlaps:
                self.stdout.write(
                    f"  overlap {overlap.first} × {overlap.second}: {overlap.square_metres:,.0f} m²"
                )
        self.stdout.write(f"{communities.count()} communities, {incomplete} not fully covered")
