"""The topic events: their kinds, what their payload holds, and who receives them.

A topic is news for its area, like a notice: its events go to `area.<its area>` (everyone
who lives or works in it, its own staff included) and to the staff groups of the areas
strictly above it, who manage it too (consultation.access) — each reached once. The
payload says which topic changed, where, and its status and phase: no author, no text,
no one's name, so a screen refreshes what its user may read.
"""

from consultation.models import Topic
from realtime.groups import area_audience
from realtime.publish import emit

TOPIC_PROPOSE = "topic.propose"  # a resident proposed it, or staff opened it
TOPIC_SUPPORT = "topic.support"  # a support was added (online or on paper)
TOPIC_AGENDA = "topic.agenda"  # it is on the agenda (threshold reached or accepted)
TOPIC_REJECT = "topic.reject"  # not put on the agenda, with a public reason
TOPIC_WITHDRAW = "topic.withdraw"
TOPIC_PHASE = "topic.phase"  # a phase opened (by staff or by its date)
TOPIC_SCHEDULE = "topic.schedule"  # phase dates planned or changed
TOPIC_AMENDMENT = "topic.amendment"  # proposed, accepted or declined
TOPIC_COMMENT = "topic.comment"  # a new comment
TOPIC_MODERATION = "topic.moderation"  # a comment hidden (by reports or staff) or restored
TOPIC_PROCEDURE = "topic.procedure"  # a 四议两公开 record written
TOPIC_ACTION = "topic.action"  # a follow-up action created or updated
TOPIC_RATE = "topic.rate"  # a resident rated the implementation
TOPIC_EVENT_KINDS = (
    TOPIC_PROPOSE, TOPIC_SUPPORT, TOPIC_AGENDA, TOPIC_REJECT, TOPIC_WITHDRAW, TOPIC_PHASE,
    TOPIC_SCHEDULE, TOPIC_AMENDMENT, TOPIC_COMMENT, TOPIC_MODERATION, TOPIC_PROCEDURE,
    TOPIC_ACTION, TOPIC_RATE,
)  # fmt: skip


def topic_audience(area_code: str) -> list[str]:
    """`area.<code>` and the staff of every area strictly above it (notices' audience)."""
    return area_audience(area_code)


def topic_emit(topic: Topic, kind: str, **extra: int | str | None) -> int:
    """Write the event of `kind` for `topic` to the outbox; sent after commit. `extra`
    adds ids (a comment's, an action's) and an amendment's status, never text."""
    if kind not in TOPIC_EVENT_KINDS:
        raise ValueError(f"not a topic event: {kind}")
    return emit(
        area_code=topic.area.code,
        kind=kind,
        payload=topic_payload(topic) | extra,
        audience=topic_audience(topic.area.code),
    )


def topic_payload(topic: Topic) -> dict:
    return {
        "topic": topic.pk,
        "area": topic.area.code,
        "status": topic.status,
        "phase": topic.phase,
    }
