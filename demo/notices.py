"""The demo's notices (通知公告): a few, published today through notices.services by the
printed staff accounts, so the resident's home shows a street's pinned notice with an
attachment, the community's and their own grid's; the clerk also finds one withdrawn.
"""

import datetime as dt
import io
import uuid

import openpyxl
from django.utils import timezone

from accounts.models import User
from common.errors import NotFound
from demo.accounts import COMMUNITY, GRID_WORKER_PREFIX, STREET
from notices.attachments import PreparedAttachment, prepare
from notices.models import Notice
from notices.services import notice_publish, notice_withdraw

# (author, area, title, body, pinned, days shown or None)
NOTICES = (
    (
        "supervisor",
        STREET,
        "关于做好汛期防汛防台工作的通知",
        "各社区、各位居民：\n汛期将至，请各社区落实防汛值班，排查地下车库、低洼地段和"
        "老旧房屋；居民请关好门窗，收起阳台花盆等高空物品。遇积水、险情请拨打街道防汛值班"
        "电话或通过平台上报。\n附：街道防汛值班表。",
        True,
        30,
    ),
    (
        "clerk",
        COMMUNITY,
        "关于开展 65 岁以上老年人免费健康体检的通知",
        "社区卫生服务站将于本周六、周日 8:00-11:00 在社区活动室为 65 岁以上常住老人免费"
        "体检，请携带身份证和医保卡，空腹前往。行动不便的老人可由家属联系居委会预约上门。",
        False,
        14,
    ),
    (
        "clerk",
        COMMUNITY,
        "垃圾分类定时定点投放时间调整公告",
        "自下月起，湿垃圾定时投放时间调整为每天 7:00-9:00、18:00-20:00，其余时间请投放至"
        "小区东门误时投放点。感谢大家的配合。",
        False,
        None,
    ),
)
GRID_NOTICE = (
    "本网格二次供水水箱清洗停水通知",
    "因水箱年度清洗，后天 9:00-15:00 本网格各楼栋停水，请提前储水。恢复供水后如水质"
    "浑浊，请放水片刻再使用。",
)
WITHDRAWN = ("社区活动室暂停开放（已改期）", "原定本周暂停开放，因施工改期，此通知撤回。")


def notices_load() -> int:
    """Publish the demo's notices; returns how many. Needs the demo accounts."""
    people = {u.username: u for u in User.objects.filter(username__in=["supervisor", "clerk"])}
    resident = (
        User.objects.filter(username="resident")
        .select_related("resident__household__building__grid")
        .first()
    )
    if len(people) < 2 or resident is None or resident.resident is None:
        raise NotFound("demo accounts missing: run manage.py demo_accounts")
    published = [
        _publish(people[author], area, title, body, pinned, days)
        for author, area, title, body, pinned, days in NOTICES
    ]
    grid = resident.resident.household.building.grid
    worker = User.objects.get(username=f"{GRID_WORKER_PREFIX}{grid.code}")
    published.append(_publish(worker, grid.code, *GRID_NOTICE, False, 3))
    gone = _publish(people["clerk"], COMMUNITY, *WITHDRAWN, False, None)
    notice_withdraw(actor=people["clerk"], notice_id=gone.pk)
    return len(published) + 1


def notices_delete(under: str) -> None:
    """Remove the notices of the district with their files (the demo's own teardown)."""
    notices = Notice.objects.filter(area__code__startswith=under)
    for notice in notices.prefetch_related("attachments"):
        for attachment in notice.attachments.all():
            attachment.file.delete(save=False)
    notices.delete()


def _publish(author, area, title, body, pinned, days) -> Notice:
    expires_at = timezone.now() + dt.timedelta(days=days) if days else None
    files = [_duty_roster()] if pinned else []
    notice, _created = notice_publish(
        actor=author, client_id=uuid.uuid4(), area_code=area, title=title, body=body,
        pinned=pinned, expires_at=expires_at, attachments=files,
    )  # fmt: skip
    return notice


def _duty_roster() -> PreparedAttachment:
    """A small Excel duty roster, made here rather than shipped as a file."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "防汛值班表"
    sheet.append(["日期", "带班领导", "值班人员", "值班电话"])
    for day in range(1, 8):
        sheet.append([f"第 {day} 天", "街道带班领导", "街道值班员", "021-5555 0100"])
    out = io.BytesIO()
    book.save(out)
    return prepare(out.getvalue(), name="街道防汛值班表.xlsx")
