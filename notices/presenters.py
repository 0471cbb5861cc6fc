"""Notices as the pages show them: the text masked for readers who do not manage the
notice (notices.access), the state spelled out. Used by the notice pages and the home."""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils import timezone

from accounts.models import User
from common.personal_data import mask_free_text
from notices import selectors
from notices.access import NoticeAccess, notice_access
from notices.models import Notice, NoticeState

HOME_COUNT = 5


@dataclass(frozen=True)
class NoticeView:
    notice: Notice
    title: str
    body: str
    state: str
    state_label: str
    manages: bool

    @classmethod
    def of(cls, notice: Notice, access: NoticeAccess, now: dt.datetime) -> "NoticeView":
        manages = access.manages(notice)
        shown = (lambda text: text) if manages else mask_free_text
        state = notice.state_at(now)
        return cls(
            notice=notice,
            title=shown(notice.title),
            body=shown(notice.body),
            state=state,
            state_label=NoticeState(state).label,
            manages=manages,
        )


def notice_views(notices: Iterable[Notice], user: User) -> list[NoticeView]:
    access, now = notice_access(user), timezone.now()
    return [NoticeView.of(notice, access, now) for notice in notices]


def home_notices(user: User) -> dict:
    """The home page's notices section: the newest live ones the user reads, pinned
    first, and whether there are more."""
    found = list(selectors.notices_current(user=user)[: HOME_COUNT + 1])
    return {
        "items": notice_views(found[:HOME_COUNT], user),
        "more": len(found) > HOME_COUNT,
        "may_publish": notice_access(user).may_publish,
    }
