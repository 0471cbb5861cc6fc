import unicodedata

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from common.errors import DomainError
from demo.accounts import demo_accounts_ensure


def _width(text: str) -> int:
    """Columns a string takes in a terminal: CJK characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


class Command(BaseCommand):
    help = "Create (idempotently) and print the demo accounts for every role."

    def handle(self, *args, **options) -> None:
        try:
            accounts = demo_accounts_ensure()
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        header = (_("用户名"), _("角色"), _("密码"), _("范围"))
        rows = [header] + [
            (account.username, account.role, accounts.password, account.scope)
            for account in accounts.printed
        ]
        widths = [max(_width(row[i]) for row in rows) for i in range(3)]
        self.stdout.write(_("演示账号（每个角色一个）："))
        for row in rows:
            cells = [_pad(cell, width) for cell, width in zip(row, widths, strict=False)]
            self.stdout.write("  " + "  ".join([*cells, row[3]]))
        self.stdout.write(
            _("另有 %(count)s 名网格员账号（gw-<网格编码>），每个网格一名，密码相同。")
            % {"count": accounts.grid_workers}
        )
        self.stdout.write(
            _(
                "指挥中心和管理员账号登录时还需动态口令：在手机身份验证器应用中手动添加演示密钥 "
                "%(secret)s（或运行 oathtool --totp -b %(secret)s）。"
            )
            % {"secret": accounts.totp_secret}
        )
        self.stdout.write(_("登录地址：%(url)s") % {"url": accounts.login_url})
