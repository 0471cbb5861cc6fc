from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from grid.importers.areas import import_areas, read_area_features
from grid.importers.report import progress_bar, write_report
from grid.importers.result import UnreadableFile


class Command(BaseCommand):
    help = (
        "从 GeoJSON、Shapefile 或 GeoPackage 导入区、街道、社区、网格边界；"
        "坐标转换为 EPSG:4326，按编码新建或更新。"
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="矢量文件路径")
        parser.add_argument("--layer", help="图层名称（文件有多个图层时必填）")
        parser.add_argument("--code-field", default="code", help="编码字段，默认 code")
        parser.add_argument("--name-field", default="name", help="名称字段，默认 name")
        parser.add_argument(
            "--srid",
            type=int,
            help="源坐标系的 EPSG 代码（文件缺少或写错坐标系时使用，优先于文件）",
        )
        parser.add_argument("--dry-run", action="store_true", help="只检查，不写入数据库")

    def handle(self, *args, **options):
        try:
            features = read_area_features(
                options["file"],
                layer=options["layer"],
                code_field=options["code_field"],
                name_field=options["name_field"],
                srid=options["srid"],
            )
        except UnreadableFile as exc:
            raise CommandError(exc.message) from exc
        result = import_areas(
            features,
            dry_run=options["dry_run"],
            progress=progress_bar(options, desc=_("导入区域")),
        )
        write_report(result, self.stdout, dry_run=options["dry_run"])
