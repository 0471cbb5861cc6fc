"""One demo case's life, told forward in time by the rules the services enforce.

A story moves a case through the same transitions as feedback.services, with the same
deadlines (working time) and the same escalation rule as feedback.escalation (督办 when a
stage's deadline passes, again every CASE_ESCALATION_REPEAT_HOURS, one area up each time),
but in memory and in the past: feedback.services_bulk.case_history_import then replays
every story under the services' own rules as it writes them. Nothing happens at or after
`until`, so a case whose next step would fall later stays open in its current state.
"""

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Optional

from django.conf import settings

from accounts.models import Role
from demo import texts
from feedback import deadlines
from feedback.escalation import ESCALATION_CODE_LENGTHS
from feedback.models import OPEN_STATES, CaseState, Rating

SYSTEM_ROLE = "system"


@dataclass
class Entry:
    action: str
    at: dt.datetime
    actor: int | None
    role: str
    from_state: str
    to_state: str
    note: str = ""
    data: dict = field(default_factory=dict)
    # the case a merged one went into: its id and number are known only once it is written
    link: Optional["Story"] = None


@dataclass(frozen=True)
class Stage:
    """A category's deadlines: register/dispatch/verify in working hours, handle in days."""

    register_hours: float
    dispatch_hours: float
    handle_days: float
    verify_hours: float


class Clock:
    """Working time over the CalendarOverride table read once, and the end of history."""

    def __init__(self, until: dt.datetime, overrides: dict[dt.date, bool]):
        self.until = until
        self.overrides = overrides

    def after(self, start: dt.datetime, hours: float) -> dt.datetime:
        return deadlines.add_working_hours(start, hours, self.overrides)

    def after_days(self, start: dt.datetime, days: float) -> dt.datetime:
        return deadlines.add_working_days(start, days, self.overrides)

    def is_workday(self, day: dt.date) -> bool:
        return deadlines.is_workday(day, self.overrides)


@dataclass(frozen=True)
class People:
    """Who acts on one case: ids of users holding the right role over its grid."""

    reporter: int
    reporter_role: str
    supervisor: int
    worker: int
    handlers: Callable[[int], list[int]]  # department id → its handlers over the grid


@dataclass(frozen=True)
class Texts:
    handle_notes: tuple[str, ...]
    on_spot_notes: tuple[str, ...]


@dataclass
class Story:
    """A case as it is after the entries told so far."""

    rng: random.Random
    clock: Clock
    stage: Stage
    grid_code: str
    people: People
    texts: Texts
    route: int  # the department its category is routed to in the district
    alternate: int | None  # where the supervisor sends it when the route sends it back
    state: str = ""
    entries: list[Entry] = field(default_factory=list)
    stage_started_at: dt.datetime | None = None
    due_at: dt.datetime | None = None
    department: int | None = None
    assignee: int | None = None
    escalation_level: int = 0
    escalated_to: str = ""
    escalated_at: dt.datetime | None = None
    closed_at: dt.datetime | None = None
    rating: str = ""
    rating_comment: str = ""
    rated_at: dt.datetime | None = None
    reopen_count: int = 0
    handled_on_spot: bool = False
    hidden: bool = False

    @property
    def reported_at(self) -> dt.datetime:
        return self.entries[0].at

    @property
    def last_at(self) -> dt.datetime:
        return self.entries[-1].at

    def move(
        self,
        action: str,
        at: dt.datetime,
        actor: int,
        role: str,
        to_state: str,
        due: dt.datetime | None,
        note: str = "",
        data: dict | None = None,
    ) -> bool:
        """A transition at `at`, unless history ends first (then the case stays put)."""
        if at >= self.clock.until:
            return False
        self.escalate_before(at)
        self.entries.append(Entry(action, at, actor, role, self.state, to_state, note, data or {}))
        self.state, self.stage_started_at, self.due_at = to_state, at, due
        if to_state not in OPEN_STATES:
            self.closed_at = at
        return True

    def mark(
        self,
        action: str,
        at: dt.datetime,
        actor: int | None,
        role: str,
        note: str = "",
        data: dict | None = None,
    ) -> bool:
        """A timeline entry that leaves the state as it is (rate, hide)."""
        if at >= self.clock.until:
            return False
        self.escalate_before(at)
        self.entries.append(Entry(action, at, actor, role, "", self.state, note, data or {}))
        return True

    def escalate_before(self, at: dt.datetime) -> None:
        """督办 as the periodic task would have done up to `at`: a minute or two after the
        deadline passed, and again after the repeat interval while still overdue."""
        while self.state in OPEN_STATES and self.due_at is not None:
            if self.escalation_level >= len(ESCALATION_CODE_LENGTHS):
                return
            when = self.due_at
            if self.escalated_at is not None:
                repeat = settings.CASE_ESCALATION_REPEAT_HOURS
                when = max(when, self.clock.after(self.escalated_at, repeat))
            when += dt.timedelta(seconds=self.rng.randint(20, 120))
            if when >= at:
                return
            target = self.grid_code[: ESCALATION_CODE_LENGTHS[self.escalation_level]]
            self.escalation_level += 1
            self.escalated_to, self.escalated_at = target, when
            overdue = round((when - self.due_at).total_seconds() / 3600, 1)
            data = {"to": target, "level": self.escalation_level, "overdue_hours": overdue}
            self.entries.append(
                Entry("escalate", when, None, SYSTEM_ROLE, "", self.state, "", data)
            )

    def finish(self) -> None:
        """Escalations of a case still open when history ends."""
        self.escalate_before(self.clock.until)

    def state_at(self, at: dt.datetime) -> str:
        state = ""
        for entry in self.entries:
            if entry.at > at:
                break
            state = entry.to_state
        return state


def within(story: Story, start: dt.datetime, hours: float, late: float) -> dt.datetime:
    """When staff act on a stage of `hours` working hours: mostly in time, late with
    probability `late` (the case is then overdue and gets escalated)."""
    rng = story.rng
    share = rng.uniform(1.1, 2.4) if rng.random() < late else rng.uniform(0.05, 0.9)
    return story.clock.after(start, hours * share)


def minutes_later(story: Story, start: dt.datetime, low: float, high: float) -> dt.datetime:
    return start + dt.timedelta(minutes=story.rng.uniform(low, high))


def awake(story: Story, moment: dt.datetime) -> dt.datetime:
    """The same moment, or the next morning when it falls in the night (residents sleep)."""
    if 7 <= moment.hour < 23:
        return moment
    morning = moment.date() + dt.timedelta(days=1 if moment.hour >= 23 else 0)
    start = dt.datetime.combine(morning, dt.time(7), moment.tzinfo)
    return start + dt.timedelta(minutes=story.rng.uniform(0, 150))


RATING_WEIGHTS = ((Rating.SATISFIED, 78), (Rating.BASIC, 15), (Rating.UNSATISFIED, 7))


def choose_rating(rng: random.Random) -> str:
    ratings, weights = zip(*RATING_WEIGHTS, strict=True)
    return rng.choices(ratings, weights)[0]


# --- how a story unfolds ---------------------------------------------------------------------

R = CaseState


class Fate:
    """Where a case is headed. `HOLD_*` cases are meant to be open in that state when
    history ends; the others end closed (or terminal) unless history ends first."""

    CLOSED = "closed"
    ON_SPOT = "on_spot"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"
    MERGED = "merged"
    HOLD_REPORTED = "hold_reported"
    HOLD_REGISTERED = "hold_registered"
    HOLD_DISPATCHED = "hold_dispatched"
    HOLD_HANDLED = "hold_handled"


@dataclass(frozen=True)
class Turns:
    """The twists a closed case may take on its way."""

    send_back: bool = False
    verify_fail: bool = False
    hidden: bool = False
    rates: bool = False
    reopens: bool = False


LATE_REGISTER, LATE_DISPATCH, LATE_HANDLE, LATE_VERIFY = 0.05, 0.04, 0.07, 0.04


def report(story: Story, at: dt.datetime) -> None:
    """上报: the first entry, as case_report writes it."""
    due = story.clock.after(at, story.stage.register_hours)
    people = story.people
    story.entries.append(Entry("report", at, people.reporter, people.reporter_role, "", R.REPORTED))
    story.state, story.stage_started_at, story.due_at = R.REPORTED, at, due


def tell(story: Story, fate: str, turns: Turns) -> None:
    """Everything after the report, as far as history goes."""
    if fate == Fate.ON_SPOT:
        _on_spot(story)
    elif fate != Fate.HOLD_REPORTED:
        _after_report(story, fate, turns)
    story.finish()


def _after_report(story: Story, fate: str, turns: Turns) -> None:
    people, rng = story.people, story.rng
    at = within(story, story.reported_at, story.stage.register_hours, LATE_REGISTER)
    if fate == Fate.WITHDRAWN:
        _withdraw(story, at)
    elif fate == Fate.REJECTED:
        reason = rng.choice(texts.REJECT_REASONS)
        story.move("reject", at, people.supervisor, Role.SUPERVISOR, R.REJECTED, None, reason)
    elif _register(story, at):
        if turns.hidden:
            reason = rng.choice(texts.HIDE_REASONS)
            hide_at = minutes_later(story, at, 1, 10)
            if story.mark("hide", hide_at, people.supervisor, Role.SUPERVISOR, reason):
                story.hidden = True
        if fate == Fate.HOLD_REGISTERED:
            if turns.send_back and story.alternate:
                _dispatch(story, story.route) and _send_back(story)
        elif _resolve(story, fate, turns) and fate == Fate.CLOSED:
            _after_close(story, turns)


def _register(story: Story, at: dt.datetime) -> bool:
    due = story.clock.after(at, story.stage.dispatch_hours)
    return story.move("register", at, story.people.supervisor, Role.SUPERVISOR, R.REGISTERED, due)


def _on_spot(story: Story) -> None:
    """即办: case_handle_on_spot reports and closes in one transaction, so the grid worker
    who reported it is the one who handled it."""
    at = story.reported_at + dt.timedelta(seconds=story.rng.uniform(0.2, 3))
    note = story.rng.choice(story.texts.on_spot_notes)
    worker = story.people.reporter
    if story.move("on_spot", at, worker, Role.GRID_WORKER, R.CLOSED, None, note):
        story.handled_on_spot = True


def _withdraw(story: Story, register_at: dt.datetime) -> None:
    at = awake(story, minutes_later(story, story.reported_at, 5, 240))
    if at > register_at:
        if not _register(story, register_at):
            return
        at = max(at, minutes_later(story, register_at, 2, 30))
    reason = story.rng.choice(texts.WITHDRAW_REASONS)
    story.move("withdraw", at, story.people.reporter, Role.RESIDENT, R.WITHDRAWN, None, reason)


def _resolve(story: Story, fate: str, turns: Turns) -> bool:
    """派遣 → 处置 → 核查 until closed; False when held open or when history ends."""
    department = story.route
    if turns.send_back and story.alternate:
        if not (_dispatch(story, department) and _send_back(story)):
            return False
        department = story.alternate
    if not _dispatch(story, department) or fate == Fate.HOLD_DISPATCHED:
        return False
    if not _handle(story):
        return False
    if turns.verify_fail and not (_verify(story, passed=False) and _handle(story)):
        return False
    return fate != Fate.HOLD_HANDLED and _verify(story, passed=True)


def _dispatch(story: Story, department: int) -> bool:
    rng, stage = story.rng, story.stage
    if rng.random() < 0.8:  # usually right after registering, by the same supervisor
        at = minutes_later(story, story.last_at, 1, 25)
    else:
        at = within(story, story.stage_started_at, stage.dispatch_hours, LATE_DISPATCH)
    assignee = rng.choice(story.people.handlers(department)) if rng.random() < 0.5 else None
    due = story.clock.after_days(at, stage.handle_days)
    note = rng.choice(texts.DISPATCH_NOTES)
    data = {"department": department, "assignee": assignee}
    supervisor = story.people.supervisor
    if not story.move("dispatch", at, supervisor, Role.SUPERVISOR, R.DISPATCHED, due, note, data):
        return False
    story.department, story.assignee = department, assignee
    return True


def _handler(story: Story) -> int:
    return story.assignee or story.rng.choice(story.people.handlers(story.department))


def _send_back(story: Story) -> bool:
    at = story.clock.after(story.last_at, story.rng.uniform(0.2, 4))
    due = story.clock.after(at, story.stage.dispatch_hours)
    reason = story.rng.choice(texts.SEND_BACK_REASONS)
    if not story.move("send_back", at, _handler(story), Role.HANDLER, R.REGISTERED, due, reason):
        return False
    story.department = story.assignee = None
    return True


def _handle(story: Story) -> bool:
    hours = story.stage.handle_days * deadlines.hours_per_day()
    at = within(story, story.last_at, hours, LATE_HANDLE)
    due = story.clock.after(at, story.stage.verify_hours)
    note = story.rng.choice(story.texts.handle_notes)
    return story.move("handle", at, _handler(story), Role.HANDLER, R.HANDLED, due, note)


def _verify(story: Story, *, passed: bool) -> bool:
    at = within(story, story.last_at, story.stage.verify_hours, LATE_VERIFY)
    worker, rng = story.people.worker, story.rng
    if passed:
        note = rng.choice(texts.VERIFY_PASS_NOTES)
        return story.move("verify_pass", at, worker, Role.GRID_WORKER, R.CLOSED, None, note)
    due = story.clock.after_days(at, story.stage.handle_days)
    note = rng.choice(texts.VERIFY_FAIL_NOTES)
    return story.move("verify_fail", at, worker, Role.GRID_WORKER, R.DISPATCHED, due, note)


def _after_close(story: Story, turns: Turns) -> None:
    """评价 by the reporter, and perhaps 重新办理 within the reopen window."""
    rng, closed_at = story.rng, story.closed_at
    if turns.rates:
        rating = Rating.UNSATISFIED if turns.reopens else choose_rating(rng)
        _rate(story, awake(story, closed_at + dt.timedelta(hours=rng.uniform(0.3, 30))), rating)
    if not turns.reopens:
        return
    window = dt.timedelta(days=settings.CASE_REOPEN_DAYS)
    at = awake(story, max(story.last_at, closed_at) + dt.timedelta(days=rng.uniform(0.2, 4)))
    if at - closed_at >= window:
        return
    reason = rng.choice(texts.REOPEN_REASONS)
    due = story.clock.after(at, story.stage.dispatch_hours)
    if not story.move(
        "reopen", at, story.people.reporter, Role.RESIDENT, R.REGISTERED, due, reason
    ):
        return
    story.reopen_count += 1
    story.closed_at = story.department = story.assignee = None
    story.rating, story.rating_comment, story.rated_at = "", "", None
    if _resolve(story, Fate.CLOSED, Turns()):
        _after_close(story, Turns(rates=turns.rates))


def _rate(story: Story, at: dt.datetime, rating: str) -> None:
    comments = {
        Rating.SATISFIED: texts.SATISFIED_COMMENTS,
        Rating.BASIC: texts.BASIC_COMMENTS,
        Rating.UNSATISFIED: texts.UNSATISFIED_COMMENTS,
    }[rating]
    comment = story.rng.choice(comments)
    if story.mark("rate", at, story.people.reporter, Role.RESIDENT, comment, {"rating": rating}):
        story.rating, story.rating_comment, story.rated_at = rating, comment, at


def merge_into(story: Story, master: Story) -> bool:
    """合并: the supervisor meets the duplicate when registering it; the master must still
    be open then. False when it is not (the caller tells the case another way)."""
    at = within(story, story.reported_at, story.stage.register_hours, 0)
    if at >= story.clock.until or master.state_at(at) not in OPEN_STATES:
        return False
    supervisor = story.people.supervisor
    story.move("merge", at, supervisor, Role.SUPERVISOR, R.MERGED, None)
    story.entries[-1].link = master  # the import writes the master's "absorb" entry
    return True
