from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from grid.importers.households import household_rows, import_households
from grid.importers.report import progress_bar, write_report
from grid.importers.result import UnreadableFile
from grid.importers.tables import read_table


class Command(BaseCommand):
    help = (
        "从 Excel（.xlsx）或 CSV（UTF-8 或 GBK）导入户籍登记：每行一位居民；"
        "有错误的行列出并跳过，其余保存。"
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help=".xlsx 或 .csv 文件路径")
        parser.add_argument("--sheet", help="工作表名称，默认第一个")
        parser.add_argument("--dry-run", action="store_true", help="只检查，不写入数据库")

    def handle(self, *args, **options):
        try:
            rows = household_rows(read_table(options["file"], sheet=options["sheet"]))
        except UnreadableFile as exc:
            raise CommandError(exc.message) from exc
        result = import_households(
            rows,
            dry_run=options["dry_run"],
            progress=progress_bar(options, desc=_("导入居民")),
        )
        write_report(result, self.stdout, dry_run=options["dry_run"])
