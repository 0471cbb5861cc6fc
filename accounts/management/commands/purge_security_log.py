from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from accounts.audit import security_log_purge


class Command(BaseCommand):
    help = "Delete security-log events older than --days (at least 180: 等保 retention)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--days", type=int, default=settings.SECURITY_LOG_MIN_DAYS)

    def handle(self, *args, days: int, **options) -> None:
        if days < settings.SECURITY_LOG_MIN_DAYS:
            raise CommandError(
                _("安全日志至少保留 %(min)d 天，不能只保留 %(days)d 天。")
                % {"min": settings.SECURITY_LOG_MIN_DAYS, "days": days}
            )
        deleted = security_log_purge(days=days)
        self.stdout.write(
            _("已删除 %(count)d 条早于 %(days)d 天的安全日志。") % {"count": deleted, "days": days}
        )
