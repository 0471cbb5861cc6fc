import time

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils.translation import gettext as _

from common.errors import DomainError
from demo import DEFAULT_HOUSEHOLDS, DEFAULT_SEED, DISTRICT_CODE, DISTRICT_NAME
from demo.accounts import demo_accounts_ensure
from demo.consultation import consultation_load
from demo.history import DEFAULT_CASES, history_load
from demo.inbox import inbox_fill
from demo.load import demo_delete, demo_exists, demo_load
from demo.notices import notices_load
from demo.opinions import opinion_voters_ensure, opinions_load
from demo.voting import ballots_load


class Command(BaseCommand):
    help = (
        "Load the fictional demo district 滨浦区 (310199): areas, base data, departments, "
        "the accounts of every role and a case history of the past 90 days."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="random seed")
        parser.add_argument(
            "--households", type=int, default=DEFAULT_HOUSEHOLDS, help="number of households"
        )
        parser.add_argument(
            "--cases", type=int, default=DEFAULT_CASES, help="cases in the history (0: none)"
        )
        parser.add_argument(
            "--reset", action="store_true", help="delete the demo district first, then reload"
        )
        parser.add_argument(
            "--accounts", action="store_true", help="then run demo_accounts (prints the logins)"
        )
        parser.add_argument(
            "--no-inbox",
            action="store_true",
            help="do not tell the two live cases of today that fill the demo accounts' inboxes",
        )

    def handle(
        self,
        *args,
        seed: int,
        households: int,
        cases: int,
        reset: bool,
        accounts: bool,
        no_inbox: bool,
        **options,
    ):
        if households < 1:
            raise CommandError(_("户数至少为 1。"))
        if cases < 0:
            raise CommandError(_("事件数不能为负。"))
        try:
            self._load(
                seed=seed, households=households, cases=cases, reset=reset, inbox=not no_inbox
            )
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        if accounts:
            call_command("demo_accounts", stdout=self.stdout)

    @transaction.atomic
    def _load(self, *, seed: int, households: int, cases: int, reset: bool, inbox: bool) -> None:
        district = f"{DISTRICT_NAME}（{DISTRICT_CODE}）"
        if demo_exists() and not reset:
            self.stdout.write(
                _("示范区 %(district)s 已存在，未做任何更改；要重新生成请加 --reset。")
                % {"district": district}
            )
            return
        started = time.perf_counter()
        if reset:
            demo_delete()
        summary = demo_load(seed=seed, households=households)
        told = notified = 0
        if cases:
            demo_accounts_ensure()  # the history's reporters and handlers
            opinion_voters_ensure()  # residents who vote on the opinion map
            told = history_load(seed=seed, cases=cases)
            if inbox:  # two cases told live today, for the printed accounts' inboxes
                notified = inbox_fill()
            notices_load()  # published today by the printed staff, for the resident's home
            opinions_load(seed=seed)  # a topic's opinion map, split by floor
            consultation_load()  # the 议事厅: a topic in every phase
            ballots_load(seed=seed)  # a ballot of each kind on those topics
        self.stdout.write(
            _(
                "已生成示范区 %(district)s（种子 %(seed)s）：%(streets)s 个街道、"
                "%(communities)s 个社区、%(grids)s 个网格、%(departments)s 个职能部门、"
                "%(buildings)s 栋楼、%(households)s 户、%(residents)s 名居民、"
                "%(special)s 条特殊人群记录、近 90 天的 %(cases)s 件事件，用时 %(seconds).1f 秒。"
            )
            % {
                "district": district,
                "seed": seed,
                "streets": summary.streets,
                "communities": summary.communities,
                "grids": summary.grids,
                "departments": summary.departments,
                "buildings": summary.buildings,
                "households": summary.households,
                "residents": summary.residents,
                "special": summary.special_group_memberships,
                "cases": told,
                "seconds": time.perf_counter() - started,
            }
        )
        if notified:
            self.stdout.write(
                _("示范账号收到 %(n)d 条消息（今天新上报的 2 件事件）。") % {"n": notified}
            )
