"""The demo's ballots, one of each kind, on the printed community's topics, written through
voting's services by the printed clerk and cast by the opinion map's voters (heads of
household with accounts): two ballots still open on the parcel-locker topic — the
households' secret yes/no and an open (记名) single choice with its live count — and, closed
with their results, the greening topic's budget allocation, the sorting kiosk's multiple
choice and a ranked choice on parking, and the corridor convention voted at a residents'
representatives meeting, entered by the clerk and signed off by the supervisor.
"""

import datetime as dt
import random
import uuid

from django.utils import timezone

from accounts.models import User
from common.errors import DomainError
from consultation.models import Topic
from demo.accounts import COMMUNITY
from demo.opinions import VOTER_PREFIX
from voting import services
from voting.models import Ballot, BallotLog, Choice, MeetingResult, Option, Representative, Vote
from voting.rules import Base, Rules, share_named
from voting.services_meeting import meeting_enter, meeting_sign_off

HALF, TWO_THIRDS = share_named("more_than_half"), share_named("two_thirds")
LOCKERS, CORRIDORS = "小区快递柜增设位置", "楼道堆物清理与公共空间公约"
GREENING, SORTING = "小区绿化改造", "垃圾分类亭选址：从3号楼旁迁到北门"
PARKING = "停车位划线：地面车位重新规划"


def ballots_load(seed: int = 1) -> int:
    """Write the demo ballots and their votes; returns how many ballots. Needs the demo
    accounts, the topics (demo.consultation) and the voters (demo.opinions)."""
    clerk = User.objects.get(username="clerk")
    voters = list(User.objects.filter(username__startswith=VOTER_PREFIX).order_by("pk"))
    rng = random.Random(f"demo-ballots-{seed}")
    made = 0
    for title, build in (
        (LOCKERS, _lockers),
        (GREENING, _greening),
        (SORTING, _sorting),
        (PARKING, _parking),
        (CORRIDORS, _corridors),
    ):
        topic = Topic.objects.filter(area__code=COMMUNITY, title=title).first()
        if topic is not None:
            made += build(topic, clerk, voters, rng)
    return made


def ballots_delete(under: str) -> None:
    """The demo's ballots under the district with their votes, papers, results and logs,
    and the representatives' roster of its residents (before the topics and people go)."""
    ballots = Ballot.objects.filter(topic__area__code__startswith=under)
    for model in (Choice, Vote, BallotLog, MeetingResult, Option):
        model.objects.filter(ballot__in=ballots).delete()
    ballots.delete()
    Representative.objects.filter(
        resident__household__building__grid__code__startswith=under
    ).delete()


def _ballot(topic, clerk, key: str, *, days: int = 7, **values) -> Ballot:
    now = timezone.now()
    return services.ballot_create(
        actor=clerk, topic=topic, opens_at=now - dt.timedelta(days=days),
        closes_at=now + dt.timedelta(days=3), client_id=uuid.uuid5(uuid.NAMESPACE_URL, key),
        **values,
    )  # fmt: skip


def _cast(ballot: Ballot, voters, pick) -> None:
    """Each voter casts what `pick(option keys)` gives (None: abstains from voting)."""
    keys = [o.key for o in ballot.options.all()]
    for voter in voters:
        selection = pick(keys)
        if selection is None:
            continue
        try:
            services.ballot_cast(actor=voter, ballot=ballot, selection=selection,
                                 client_id=uuid.uuid4())  # fmt: skip
        except DomainError:
            continue  # a voter the register does not admit (moved out, under age)


def _lockers(topic, clerk, voters, rng) -> int:
    secret = services.ballot_open(ballot=_ballot(
        topic, clerk, "demo-lockers-households", kind="yes_no", eligibility_rule="household",
        question="是否同意在南门内侧增设两组快递柜", secret=True,
        rules=Rules(quorum=HALF, threshold=HALF),
    ), actor=clerk)  # fmt: skip
    _cast(secret, voters[:34], lambda k: [rng.choice(["yes", "yes", "yes", "no", "abstain"])])
    spot = services.ballot_open(ballot=_ballot(
        topic, clerk, "demo-lockers-spot", kind="single", eligibility_rule="person",
        question="新快递柜放在哪里", secret=False, rules=Rules(quorum=None, threshold=None),
        options=[services.OptionIn(x) for x in ("南门内侧", "北门停车场旁", "3号楼架空层")],
    ), actor=clerk)  # fmt: skip
    _cast(spot, voters[:27], lambda k: [rng.choices(k, weights=(6, 3, 2))[0]])
    return 2


def _greening(topic, clerk, voters, rng) -> int:
    options = (("补种香樟", 40_000), ("补种桂花", 25_000), ("修复破损花坛", 30_000),
               ("增设休息座椅", 15_000), ("铺设透水步道", 60_000))  # fmt: skip
    ballot = services.ballot_open(ballot=_ballot(
        topic, clerk, "demo-greening-budget", kind="budget", eligibility_rule="person",
        question="绿化改造预算怎么花（10 万元）", budget=100_000, min_choices=1, max_choices=3,
        secret=True, rules=Rules(quorum=share_named("percent:20"), threshold=None),
        options=[services.OptionIn(label, cost) for label, cost in options],
    ), actor=clerk)  # fmt: skip

    def pick(keys):
        costs = dict(zip(keys, (c for _l, c in options), strict=True))
        chosen, left = [], 100_000
        for key in rng.sample(keys, k=len(keys)):
            if costs[key] <= left and len(chosen) < 3 and rng.random() < 0.7:
                chosen.append(key)
                left -= costs[key]
        return chosen or [keys[3]]

    _cast(ballot, voters[:45], pick)
    services.ballot_close(ballot=ballot, actor=clerk,
                          minutes="按得票从高到低在预算内安排，超出部分明年再议。")  # fmt: skip
    return 1


def _sorting(topic, clerk, voters, rng) -> int:
    ballot = services.ballot_open(ballot=_ballot(
        topic, clerk, "demo-sorting-multiple", kind="multiple", eligibility_rule="person",
        question="新分类亭希望配套哪些设施（选 1–2 项）", min_choices=1, max_choices=2,
        secret=True, rules=Rules(quorum=None, threshold=HALF),
        options=[services.OptionIn(x) for x in ("洗手池", "除臭设备", "定时投放提醒", "雨棚")],
    ), actor=clerk)  # fmt: skip
    _cast(ballot, voters[:30],
          lambda k: rng.sample([*k[:2], k[3]], k=rng.choice((1, 2))))  # fmt: skip
    services.ballot_close(ballot=ballot, actor=clerk)
    return 1


def _parking(topic, clerk, voters, rng) -> int:
    ballot = services.ballot_open(ballot=_ballot(
        topic, clerk, "demo-parking-ranked", kind="ranked", eligibility_rule="person",
        question="新划车位的分配方式（按偏好排序）", secret=True,
        rules=Rules(quorum=None, threshold=HALF, base=Base.CAST),
        options=[services.OptionIn(x)
                 for x in ("按户抽签", "先到先得", "按户轮换", "优先老人和残障")],
    ), actor=clerk)  # fmt: skip

    def ranking(keys):
        first = rng.choices(keys, weights=(10, 4, 7, 9))[0]
        rest = rng.sample([k for k in keys if k != first], k=rng.choice((0, 1, 2, 3)))
        return [first, *rest]

    _cast(ballot, voters[:40], ranking)
    services.ballot_close(ballot=ballot, actor=clerk)
    return 1


def _corridors(topic, clerk, voters, rng) -> int:
    ballot = _ballot(
        topic, clerk, "demo-corridors-meeting", kind="yes_no",
        eligibility_rule="representatives", channel="meeting", secret=False, days=20,
        question="是否通过《楼道公共空间公约》", rules=Rules(quorum=TWO_THIRDS, threshold=HALF),
    )  # fmt: skip
    held = timezone.localdate() - dt.timedelta(days=12)
    meeting_enter(actor=clerk, ballot=ballot, method="hands", held_on=held, place="社区活动室",
                  expected=31, attended=26, counts={"yes": 22, "no": 2, "abstain": 2},
                  minutes="居民代表会议举手表决。楼道不得堆放杂物、电动车不得入楼充电，"
                          "由物业和楼组长共同督促。")  # fmt: skip
    meeting_sign_off(actor=User.objects.get(username="supervisor"), ballot=ballot)
    return 1
