"""The notice events: their kinds, what their payload holds, and who receives them
(notices.access.notice_audience, fixed when the event is written).

A payload tells a screen which notice changed and where, so it can refresh what its user
may read: no author, no body, the title masked as readers see it.
"""

from common.personal_data import mask_free_text
from notices.access import notice_audience
from notices.models import Notice
from realtime.publish import emit

NOTICE_PUBLISH = "notice.publish"
NOTICE_EDIT = "notice.edit"
NOTICE_WITHDRAW = "notice.withdraw"
NOTICE_EVENT_KINDS = (NOTICE_PUBLISH, NOTICE_EDIT, NOTICE_WITHDRAW)


def notice_emit(notice: Notice, kind: str) -> int:
    """Write the event of `kind` for `notice` to the outbox; sent after commit."""
    if kind not in NOTICE_EVENT_KINDS:
        raise ValueError(f"not a notice event: {kind}")
    return emit(
        area_code=notice.area.code,
        kind=kind,
        payload=notice_payload(notice, kind),
        audience=notice_audience(notice.area.code),
    )


def notice_payload(notice: Notice, kind: str) -> dict:
    if kind == NOTICE_WITHDRAW:
        return {"notice": notice.pk, "area": notice.area.code}
    return {
        "notice": notice.pk,
        "title": mask_free_text(notice.title),
        "area": notice.area.code,
        "pinned": notice.pinned,
        "expires_at": notice.expires_at.isoformat() if notice.expires_at else None,
    }
