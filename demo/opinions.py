"""The demo's opinion map: a topic on adding lifts to the printed community's old
buildings, in its deliberate phase, with statements seeded by the clerk, two residents'
statements (one waiting for moderation, one turned down with a reason) and the votes of
sixty residents whose floor shapes their view — upper floors want the lift and will pay,
the ground floors fear for their light and quiet and want compensation, the middle floors
care most about the cost and the old pipes — so a fresh demo shows three groups, what
sets each apart, and what all of them agree on. Written through consultation's and
opinions' services; the map is computed once at the end.
"""

import random
import re

from django.contrib.auth.hashers import make_password
from django.db.models import Q

from accounts.models import Role, User
from accounts.services_provision import role_assignments_set, user_provision
from common.errors import NotFound
from consultation.models import Phase, Topic
from consultation.phases import phase_move
from consultation.services import topic_open
from demo.accounts import COMMUNITY, DEMO_PASSWORD, PROVISIONED_BY
from grid.models import Area, Relation, Resident, ResidentStatus
from opinions.compute import compute_topic
from opinions.models import Choice
from opinions.services import statement_add, statement_moderate, statement_vote
from registration.services import user_resident_link

TITLE = "老旧楼栋加装电梯：听听每一层的想法"
DESCRIPTION = (
    "社区有多栋六至八层的老楼没有电梯。区里对加装电梯有补贴，但需要本栋住户协商一致。"
    "请对下面的观点逐条表态，也可以写下您自己的看法，居委会将据此起草加装方案。"
)
VOTER_PREFIX = "op-"
VOTERS = 60

# (statement, P(agree) for the upper floors, the middle, the ground floors); P(disagree)
# is most of the rest, a little is passed
STATEMENTS = (
    ("加装电梯能让高层的老人和行动不便的居民方便出门。", 0.95, 0.7, 0.35),
    ("电梯井会挡住一楼、二楼的采光和通风。", 0.15, 0.45, 0.95),
    ("电梯运行的噪音会影响低层住户休息。", 0.1, 0.35, 0.9),
    ("政府补贴之外的费用，我家愿意按楼层承担一部分。", 0.9, 0.4, 0.1),
    ("低层住户因采光受影响，应得到一定补偿。", 0.25, 0.55, 0.95),
    ("老楼应该先整修水管和电线，再谈加装电梯。", 0.15, 0.85, 0.7),
    ("只要本栋三分之二以上住户同意就应该动工。", 0.9, 0.45, 0.1),
    ("施工期间要保证居民出行安全，并提前公示施工时间。", 0.95, 0.95, 0.9),
    ("加装前应请专业机构做房屋结构安全评估。", 0.9, 0.95, 0.95),
    ("电梯建成后的维护保养费用应提前约定清楚。", 0.85, 0.95, 0.9),
)
RESIDENT_STATEMENTS = (
    ("电梯口能不能留出放轮椅和婴儿车的位置？", None),
    ("一楼的人就是自私，不用管他们怎么想。", "含有针对他人的言辞，请就事论事地表达观点。"),
)
FLOOR = re.compile(r"单元(\d+)\d\d室")


def opinion_voters_ensure() -> list[tuple[User, int]]:
    """The voters' accounts, made before the case history is told: they hold resident
    roles, so the history draws its reporters from them too, and a history told again
    later draws from the same people."""
    community = Area.objects.filter(code=COMMUNITY).first()
    if community is None:
        raise NotFound("demo district missing: run manage.py demo")
    return _voters(community)


def opinions_load(seed: int = 1) -> int:
    """Open the topic, seed its statements, have the voters vote, compute the map; returns
    the number of votes cast. Needs the demo accounts (the clerk and the resident)."""
    clerk = User.objects.filter(username="clerk").first()
    resident = User.objects.filter(username="resident").first()
    community = Area.objects.filter(code=COMMUNITY).first()
    if clerk is None or resident is None or community is None:
        raise NotFound("demo accounts missing: run manage.py demo_accounts")
    topic, _created = topic_open(actor=clerk, area=community, title=TITLE, description=DESCRIPTION)
    phase_move(actor=clerk, topic_id=topic.pk, phase=Phase.DELIBERATE)
    seeded = [
        (statement_add(actor=clerk, topic_id=topic.pk, text=text)[0], odds)
        for text, *odds in STATEMENTS
    ]
    _resident_statements(topic, clerk, resident)
    rng = random.Random(f"demo-opinions-{seed}")
    cast = 0
    for voter, level in opinion_voters_ensure():
        for statement, odds in seeded:
            if rng.random() < 0.15:  # not everyone reaches every statement
                continue
            statement_vote(actor=voter, statement_id=statement.pk, choice=_choice(rng, odds[level]))
            cast += 1
    compute_topic(topic)
    return cast


def opinions_delete(under: str) -> None:
    """The demo's opinion topic under the district (its statements, votes and maps go
    with it); the voters' roles go with the district's, their accounts stay."""
    Topic.objects.filter(area__code__startswith=under, title=TITLE).delete()


def _resident_statements(topic: Topic, clerk: User, resident: User) -> None:
    for text, rejection in RESIDENT_STATEMENTS:
        statement, _created = statement_add(actor=resident, topic_id=topic.pk, text=text)
        if rejection:
            statement_moderate(
                actor=clerk, statement_id=statement.pk, accept=False, reason=rejection
            )


def _voters(community: Area) -> list[tuple[User, int]]:
    """Heads of household in the community with no account of their own, each given a
    voter account (op-<n>, the demo password); level 0 upper floors (4+), 1 the third
    floor, 2 the ground and second floors."""
    heads = Resident.objects.filter(
        Q(user__isnull=True) | Q(user__username__startswith=VOTER_PREFIX),
        household__building__grid__code__startswith=community.code,
        relation=Relation.SELF,
        status=ResidentStatus.PRESENT,
    ).order_by("household__building__address", "household__room")
    password = make_password(DEMO_PASSWORD)
    voters = []
    for n, head in enumerate(heads[:VOTERS], start=1):
        user = user_provision(
            username=f"{VOTER_PREFIX}{n}", display_name=head.name, password_hash=password
        )
        user_resident_link(user=user, resident=head)
        role_assignments_set(
            user=user, role=Role.RESIDENT, areas=[community], department=None, by=PROVISIONED_BY
        )
        voters.append((user, _level(head.household.room)))
    return voters


def _level(room: str) -> int:
    match = FLOOR.search(room)
    floor = int(match.group(1)) if match else 3
    return 0 if floor >= 4 else 1 if floor == 3 else 2


def _choice(rng: random.Random, p_agree: float) -> int:
    draw = rng.random()
    if draw < p_agree:
        return Choice.AGREE
    return Choice.PASS if draw < p_agree + 0.05 else Choice.DISAGREE
