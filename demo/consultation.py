"""The demo's 议事厅: topics of the printed community in every phase, written through
consultation's services by the printed clerk and the demo residents, so a fresh demo
shows a proposal gathering supports, a rejected one with its public reason, a debate
with threaded comments (one hidden by a moderator, one waiting for review after
reports), amendments answered by the initiator, the 四议两公开 records of a decided
matter, and a follow-up with progress and residents' ratings.
"""

import datetime as dt
import uuid

from django.conf import settings
from django.utils import timezone

from accounts.models import User
from common.errors import DomainError, NotFound
from consultation import discussion, follow_up, phases, services
from consultation.models import Phase, ProcedureStep, Topic
from consultation.threshold import threshold
from demo.accounts import COMMUNITY, RESIDENT_PREFIX
from grid.models import Area

# (title, description, final phase or a status, comments); a comment is (speaker index,
# stance, text, replies)
TOPICS = (
    (
        "停车位划线：地面车位重新规划",
        "小区地面停车位划线已模糊，夜间乱停导致消防通道被占。拟重新规划划线，增加约 30 个"
        "车位，并在东门设临时停车区。请大家提出意见。",
        Phase.COLLECT,
        (
            (
                1,
                "for",
                "支持！晚上回来经常找不到车位，消防通道也总是被堵。",
                (
                    (
                        2,
                        "neutral",
                        "划线可以，但车位怎么分配？先到先得还是抽签？",
                        ((0, "for", "建议按户抽签，每户限一个，公平一些。", ()),),
                    ),
                ),
            ),
            (3, "against", "绿化带旁边不要再划车位了，孩子们在那里玩，不安全。", ()),
            (4, "neutral", "外来车辆能不能限制一下？很多是附近单位的车。", ()),
        ),
    ),
    (
        "垃圾分类亭选址：从3号楼旁迁到北门",
        "现有垃圾分类亭紧邻3号楼窗户，夏天异味大。居委会提出两个新址：北门停车场旁或"
        "5号楼与6号楼之间的空地，请大家讨论。",
        Phase.DELIBERATE,
        (
            (
                2,
                "for",
                "迁到北门好，离住宅远，清运车也方便进出。",
                (
                    (
                        3,
                        "against",
                        "北门离后排楼太远了，老人提着垃圾走过去很吃力。",
                        ((1, "neutral", "可以在后排加一个小的定时投放点，兼顾一下。", ()),),
                    ),
                ),
            ),
            (4, "against", "5号楼和6号楼之间不行，那里是我们晾被子的地方。", ()),
            (0, "for", "只要有人定时清洗消毒，放哪里都可以接受。", ()),
        ),
    ),
    (
        "小区快递柜增设位置",
        "快递量增多，现有快递柜不够用。拟在南门内侧增设两组快递柜，费用由快递公司承担。",
        Phase.VOTE,
        ((1, "for", "早就该加了，快递经常堆在门卫室地上。", ()),),
    ),
    (
        "楼道堆物清理与公共空间公约",
        "经居民代表会议表决通过《楼道公共空间公约》：楼道不得堆放杂物、电动车不得入楼充电，"
        "现予公示。",
        Phase.PUBLISH,
        ((3, "for", "电动车入楼太危险了，支持公约。", ()),),
    ),
    (
        "小区绿化改造",
        "中心花园树木老化、草坪裸露。改造方案：补种香樟和桂花，修复破损花坛，增设两处休息座椅。",
        Phase.FOLLOW_UP,
        (
            (0, "for", "希望多种一些开花的树，春天好看。", ()),
            (2, "neutral", "座椅别放在窗户底下，晚上聊天会吵到一楼。", ()),
        ),
    ),
    (
        "儿童游乐设施修缮",
        "滑梯和秋千存在安全隐患，已由物业更换并铺设塑胶地面。",
        Phase.CLOSED,
        ((4, "for", "修好了，孩子们玩得很开心，谢谢居委会！", ()),),
    ),
)
PROPOSED = (
    "3号楼加装电梯",
    "我们3号楼是七层老楼，住着不少行动不便的老人。申请启动加装电梯议事，请楼里的邻居联署支持。",
)
REJECTED = (
    "小区内禁止饲养大型犬",
    "大型犬吓到小孩，建议全面禁止。",
    "饲养犬只的管理属于公安部门依法登记范围，小区不能自行禁止；社区将另行开展文明养犬宣传，"
    "并在议事厅发起《文明养犬公约》议题。",
)
MODERATED = ("4楼那家天天吵，户主电话13912345678，大家去骂他。", "含有他人手机号和攻击性言辞。")


def consultation_load() -> int:
    """Write the demo's topics; returns how many. Needs the demo accounts."""
    clerk = User.objects.filter(username="clerk").first()
    resident = User.objects.filter(username="resident").first()
    community = Area.objects.filter(code=COMMUNITY).first()
    if clerk is None or resident is None or community is None:
        raise NotFound("demo accounts missing: run manage.py demo_accounts")
    neighbours = User.objects.filter(username__startswith=f"{RESIDENT_PREFIX}{COMMUNITY}-")
    people = [resident, *neighbours.order_by("username")]
    count = 0
    for title, description, final, comments in TOPICS:
        topic, _ = services.topic_open(
            actor=clerk,
            area=community,
            title=title,
            description=description,
            client_id=_id(title),
        )
        _comments(topic, people, comments)
        _advance(topic, clerk, people, final)
        count += 1
    _proposals(clerk, resident, people)
    return count + 2


def consultation_delete(under: str) -> None:
    """The demo's topics under the district (their supports, comments, amendments,
    records and actions go with them)."""
    Topic.objects.filter(area__code__startswith=under).delete()


def _id(text: str) -> uuid.UUID:
    return uuid.uuid5(uuid.NAMESPACE_URL, f"gongzhi-demo-topic:{text}")


def _comments(topic: Topic, people: list[User], comments, parent=None) -> None:
    for speaker, stance, body, replies in comments:
        comment, _ = discussion.comment_add(
            actor=people[speaker % len(people)],
            topic_id=topic.pk,
            body=body,
            stance=stance,
            parent_id=parent,
            client_id=_id(f"{topic.pk}:{body}"),
        )
        _comments(topic, people, replies, parent=comment.pk)


def _advance(topic: Topic, clerk: User, people: list[User], final: str) -> None:
    if final == Phase.COLLECT:
        _amendments(topic, clerk, people)
        phases.phase_plan(
            actor=clerk,
            topic_id=topic.pk,
            phase=Phase.COLLECT,
            opens_at=None,
            closes_at=timezone.now() + dt.timedelta(days=10),
        )
        return
    if final == Phase.DELIBERATE:
        _moderation(topic, clerk, people)
    _procedure(topic, clerk, final)
    phases.phase_move(actor=clerk, topic_id=topic.pk, phase=final)
    if final in (Phase.FOLLOW_UP, Phase.CLOSED):
        _follow_up(topic, clerk, people, done=final == Phase.CLOSED)


def _amendments(topic: Topic, clerk: User, people: list[User]) -> None:
    accepted, _ = discussion.amendment_propose(
        actor=people[2 % len(people)],
        topic_id=topic.pk,
        text=topic.description + "划线时保留消防通道和无障碍车位。",
        reason="消防通道和无障碍车位应当写进方案。",
    )
    discussion.amendment_decide(
        actor=clerk, amendment_id=accepted.pk, accept=True, answer="采纳，已写入方案。"
    )
    discussion.amendment_propose(
        actor=people[3 % len(people)],
        topic_id=topic.pk,
        text=topic.description.replace("增加约 30 个车位", "增加约 40 个车位"),
        reason="需求很大，30 个不够。",
    )


def _moderation(topic: Topic, clerk: User, people: list[User]) -> None:
    hidden, _ = discussion.comment_add(
        actor=people[1 % len(people)], topic_id=topic.pk, body=MODERATED[0], stance="against"
    )
    discussion.comment_hide(actor=clerk, comment_id=hidden.pk, reason=MODERATED[1])
    reported, _ = discussion.comment_add(
        actor=people[4 % len(people)],
        topic_id=topic.pk,
        stance="against",
        body="居委会选址就是走过场，早就内定了。",
    )
    for reporter in people[: settings.CONSULTATION_REPORTS_TO_HIDE]:
        if reporter != reported.author:
            discussion.comment_report(actor=reporter, comment_id=reported.pk, reason="不实信息")


def _procedure(topic: Topic, clerk: User, final: str) -> None:
    today = timezone.localdate()
    steps = [
        (ProcedureStep.PARTY_PROPOSAL, 20, "社区党委委员 7 人", 7, 7, 4, "同意提交两委会商议。"),
        (ProcedureStep.COMMITTEES, 18, "党委、居委会委员 11 人", 11, 10, 6, "形成初步方案。"),
    ]
    if final != Phase.DELIBERATE:
        steps += [
            (ProcedureStep.PARTY_MEMBERS, 14, "社区党员 48 人", 48, 39, 25, "审议通过方案。"),
            (
                ProcedureStep.REPRESENTATIVES,
                10,
                "居民代表 35 人",
                35,
                29,
                24,
                "表决通过：赞成 26，反对 2，弃权 1。",
            ),
        ]
    if final in (Phase.PUBLISH, Phase.FOLLOW_UP, Phase.CLOSED):
        steps.append(
            (ProcedureStep.PUBLISH_RESOLUTION, 8, "", 0, 0, 0, "决议在公告栏和议事厅公示 7 天。")
        )
    if final == Phase.CLOSED:
        steps.append((ProcedureStep.PUBLISH_RESULT, 1, "", 0, 0, 0, "实施结果已公示。"))
    for step, days_ago, expected, count, attended, quorum, decision in steps:
        follow_up.procedure_record(
            actor=clerk,
            topic_id=topic.pk,
            step=step,
            held_on=today - dt.timedelta(days=days_ago),
            expected=expected,
            expected_count=count,
            attended_count=attended,
            quorum=quorum,
            decision=decision,
            minutes=f"会议由社区党委书记主持。{decision}",
        )


def _follow_up(topic: Topic, clerk: User, people: list[User], *, done: bool) -> None:
    today = timezone.localdate()
    for title, owner, progress, note in (
        ("补种香樟 12 棵、桂花 8 棵", "物业公司绿化组", 100 if done else 60, "已完成补种"),
        ("修复中心花园破损花坛", "居委会", 100 if done else 30, "材料已进场"),
    ):
        action = follow_up.action_create(
            actor=clerk,
            topic_id=topic.pk,
            title=title,
            owner_name=owner,
            due_on=today + dt.timedelta(days=20),
        )
        follow_up.action_update(actor=clerk, action_id=action.pk, text=note, progress=progress)
    for n, (score, remark) in enumerate(((5, "改造后很漂亮"), (4, "座椅再多一些就好了"), (3, ""))):
        follow_up.rating_set(
            actor=people[n % len(people)], topic_id=topic.pk, score=score, remark=remark
        )


def _proposals(clerk: User, resident: User, people: list[User]) -> None:
    community = Area.objects.get(code=COMMUNITY)
    proposed, _ = services.topic_propose(
        actor=resident,
        area=community,
        title=PROPOSED[0],
        description=PROPOSED[1],
        client_id=_id(PROPOSED[0]),
    )
    for neighbour in people[1:]:  # short of the threshold: the page shows its progress
        still = threshold(proposed)
        if proposed.status != "proposed" or still.have + 1 >= still.needed:
            break
        try:
            services.support_add(actor=neighbour, topic_id=proposed.pk)
        except DomainError:  # a neighbour of another grid cannot support it
            continue
    rejected, _ = services.topic_propose(
        actor=people[-1],
        area=community,
        title=REJECTED[0],
        description=REJECTED[1],
        client_id=_id(REJECTED[0]),
    )
    if rejected.status == "proposed":
        services.topic_reject(actor=clerk, topic_id=rejected.pk, reason=REJECTED[2])
