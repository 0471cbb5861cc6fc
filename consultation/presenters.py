"""Topics as the pages and the API show them: comments as a tree with the hidden ones
in their place ("已被管理员隐藏"), personal data typed into any text masked, people shown
by a masked name and their part ("李*（居民）"), never by their full name or account."""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from accounts.models import User
from common.personal_data import mask_free_text
from consultation.access import TopicAccess
from consultation.models import Comment, CommentStatus, Topic


def public_name(user: User | None) -> str:
    """A person as a public page names them: the first character of their display name
    and a star ("李*"), so a debate is between neighbours, not between ID cards."""
    if user is None:
        return _("工作人员")
    name = (user.display_name or "").strip()
    return f"{name[0]}*" if name else _("居民")


@dataclass
class CommentView:
    comment: Comment
    body: str  # masked; "" when hidden
    hidden_label: str  # why it is not shown, or ""
    author: str
    replies: list["CommentView"] = field(default_factory=list)

    @property
    def may_reply(self) -> bool:
        return self.comment.depth < 3


def comment_tree(comments: list[Comment]) -> list[CommentView]:
    """The comments as a tree: top-level comments in order, replies under them."""
    views: dict[int, CommentView] = {}
    roots: list[CommentView] = []
    for comment in comments:
        view = CommentView(
            comment=comment,
            body="" if not comment.shown else mask_free_text(comment.body),
            hidden_label=_hidden_label(comment),
            author=public_name(comment.author),
        )
        views[comment.pk] = view
        parent = views.get(comment.parent_id) if comment.parent_id else None
        (parent.replies if parent else roots).append(view)
    return roots


def _hidden_label(comment: Comment) -> str:
    if comment.status == CommentStatus.HIDDEN:
        return _("已被管理员隐藏")
    if comment.status == CommentStatus.PENDING:
        return _("该评论被多人举报，待管理员审核")
    return ""


def stance_counts(comments: list[Comment]) -> dict[str, int]:
    counts = {"for": 0, "against": 0, "neutral": 0}
    for comment in comments:
        if comment.shown:
            counts[comment.stance] += 1
    return counts


def topic_text(topic: Topic, access: TopicAccess) -> tuple[str, str]:
    """Title and description as this reader sees them (masked unless they manage it)."""
    if access.may_manage(topic):
        return topic.title, topic.description
    return mask_free_text(topic.title), mask_free_text(topic.description)
