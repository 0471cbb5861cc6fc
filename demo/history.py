"""The demo district's case history: `manage.py demo` loads thousands of cases over the
past 90 days, in every state and category, so that queues, maps and statistics have
something to show.

Each case is told forward in time by demo.story under the services' rules, by people
who hold the right roles over its grid; then feedback.services_bulk.case_history_import
replays every timeline under those rules and writes them all with a few bulk inserts (the
live services act at `now`, one transaction and one event per step: 30,000 of them would
take minutes).
History ends at midnight before the day it is loaded: one seed and one load date always
give the same history, and open cases have deadlines that are real for today.
"""

import datetime as dt
import random
import uuid
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from accounts.models import Role
from demo import DISTRICT_CODE
from demo.history_write import write_history
from demo.people import PersonMaker
from demo.story import Clock, Fate, People, Story, Texts, Turns, merge_into, report, tell
from demo.texts import PLACE_FORMS
from demo.world import Cast, GridPlace, Leaf, grid_places, leaves, place_words
from feedback import deadlines
from feedback.models import (
    OPEN_STATES,
    Case,
    CaseEntry,
    CaseFollower,
    CasePhoto,
    CaseSource,
    Priority,
)
from grid.models import Area

DEFAULT_CASES = 5200
HISTORY_DAYS = 89  # whole days before today: every case is less than 90 days old
# the seed's Panzhihua figures: on-the-spot handling went from 4% to 25% of cases
FATE_SHARES = (
    (Fate.ON_SPOT, 0.25),
    (Fate.REJECTED, 0.035),
    (Fate.WITHDRAWN, 0.015),
    (Fate.MERGED, 0.025),
    (Fate.HOLD_REPORTED, 0.012),
    (Fate.HOLD_REGISTERED, 0.01),
    (Fate.HOLD_DISPATCHED, 0.05),
    (Fate.HOLD_HANDLED, 0.02),
)  # the rest are closed
SOURCES = ((CaseSource.RESIDENT, 55), (CaseSource.PATROL, 27), (CaseSource.WINDOW, 12),
           (CaseSource.ABOVE, 6))  # fmt: skip
REPORTER_ROLE = {
    CaseSource.RESIDENT: Role.RESIDENT,
    CaseSource.PATROL: Role.GRID_WORKER,
    CaseSource.WINDOW: Role.CLERK,
    CaseSource.ABOVE: Role.SUPERVISOR,
}
URGENT_CATEGORIES = {"0101", "0103", "0104", "1401", "1402", "1601"}
# residents report from early morning to late evening, most after work
RESIDENT_HOURS = (7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22)
RESIDENT_HOUR_WEIGHTS = (3, 6, 8, 8, 7, 5, 5, 6, 6, 6, 6, 7, 8, 8, 6, 3)


@dataclass
class Draft:
    """A case before it is written: its fixed facts and its story."""

    leaf: Leaf
    grid: GridPlace
    source: str
    story: Story
    location: tuple[float, float]
    address: str
    description: str
    client_id: uuid.UUID
    reporter_name: str = ""
    anonymous: bool = False
    priority: str = Priority.NORMAL


@transaction.atomic
def history_load(*, seed: int, cases: int, today: dt.date | None = None) -> int:
    """Tell and write `cases` cases of the demo district's past 90 days; returns how many.

    Needs the demo district and its accounts (`demo_accounts_ensure`)."""
    if cases <= 0:
        return 0
    today = today or timezone.localdate()
    until = timezone.make_aware(dt.datetime.combine(today, dt.time()))
    maker = _Maker(
        rng=random.Random(f"{seed}:history:{today.isoformat()}"),
        clock=Clock(until, deadlines.calendar_overrides()),
        district=Area.objects.get(code=DISTRICT_CODE),
    )
    drafts = maker.drafts(cases)
    write_history(drafts)
    return len(drafts)


@transaction.atomic
def history_delete() -> int:
    """Remove every case of the demo district with its timeline, photos and followers."""
    cases = Case.objects.filter(area_code__startswith=DISTRICT_CODE)
    CasePhoto.objects.filter(case__in=cases).delete()
    CaseEntry.objects.filter(case__in=cases).delete()
    CaseFollower.objects.filter(case__in=cases).delete()
    removed = 0
    while cases.exists():
        # a master is protected by its duplicates: remove them first
        count, _by_model = cases.filter(duplicates__isnull=True).delete()
        removed += count
    return removed


class _Maker:
    def __init__(self, *, rng: random.Random, clock: Clock, district: Area):
        self.rng, self.clock = rng, clock
        self.grids = grid_places(district.code)
        self.grid_weights = [len(grid.sites) + 1 for grid in self.grids]
        self.leaves = leaves(district)
        self.on_spot_leaves = [leaf for leaf in self.leaves if leaf.on_spot_notes]
        self.cast = Cast(district.code)
        self.names = PersonMaker(random.Random(f"{rng.random()}:callers"))

    def drafts(self, count: int) -> list[Draft]:
        fates = _fates(self.rng, count)
        drafts = [self._draft(fate) for fate in fates if fate != Fate.MERGED]
        told = list(drafts)
        for fate in fates:
            if fate == Fate.MERGED:
                drafts.append(self._duplicate(told))
        return sorted(drafts, key=lambda d: d.story.reported_at)

    def _draft(self, fate: str, leaf: Leaf | None = None) -> Draft:
        rng = self.rng
        leaf = leaf or self._leaf(fate)
        source = self._source(fate, leaf)
        grid = rng.choices(self.grids, self.grid_weights)[0]
        draft = self._describe(leaf, grid, source, grid.random_point(rng))
        report(draft.story, self._reported_at(fate, source, leaf))
        tell(draft.story, fate, self._turns(fate, source))
        return draft

    def _duplicate(self, told: list[Draft]) -> Draft:
        """A second report of a problem already open, merged into the first one."""
        rng = self.rng
        for _attempt in range(30):
            master = rng.choice(told)
            opened, ends = master.story.reported_at, _open_until(master.story)
            if master.story.handled_on_spot or ends - opened < dt.timedelta(hours=3):
                continue
            source = self._source(Fate.CLOSED, master.leaf)
            location = master.grid.near(rng, *master.location, metres=20)
            draft = self._describe(master.leaf, master.grid, source, location)
            at = opened + (ends - opened) * rng.uniform(0.05, 0.6)
            report(draft.story, at)
            if merge_into(draft.story, master.story):
                draft.story.finish()
                return draft
            tell(draft.story, Fate.CLOSED, Turns())
            return draft
        return self._draft(Fate.CLOSED)

    def _describe(self, leaf: Leaf, grid: GridPlace, source: str, location) -> Draft:
        rng = self.rng
        site = grid.nearest_site(*location)
        place = rng.choice(PLACE_FORMS).format(**place_words(site, grid))
        resident = source == CaseSource.RESIDENT
        return Draft(
            leaf=leaf,
            grid=grid,
            source=source,
            story=self._story(leaf, grid, source),
            location=location,
            address=f"{site.address}附近" if site else grid.name,
            description=rng.choice(leaf.descriptions).format(place=place),
            client_id=uuid.UUID(int=rng.getrandbits(128), version=4),
            reporter_name=self._caller_name() if source == CaseSource.WINDOW else "",
            anonymous=resident and rng.random() < (0.3 if leaf.sensitive else 0.08),
            priority=self._priority(leaf),
        )

    def _story(self, leaf: Leaf, grid: GridPlace, source: str) -> Story:
        cast, code = self.cast, grid.code
        role = REPORTER_ROLE[source]
        people = People(
            reporter=self.rng.choice(cast.holders(role, code)),
            reporter_role=role,
            supervisor=cast.holders(Role.SUPERVISOR, code)[0],
            worker=cast.holders(Role.GRID_WORKER, code)[0],
            handlers=lambda department: cast.handlers(department, code),
        )
        return Story(
            rng=self.rng,
            clock=self.clock,
            stage=leaf.stage,
            grid_code=code,
            people=people,
            texts=Texts(leaf.handle_notes, leaf.on_spot_notes),
            route=leaf.route,
            alternate=leaf.alternate,
        )

    def _leaf(self, fate: str) -> Leaf:
        pool = self.on_spot_leaves if fate == Fate.ON_SPOT else self.leaves
        return self.rng.choices(pool, [leaf.weight for leaf in pool])[0]

    def _source(self, fate: str, leaf: Leaf) -> str:
        if fate == Fate.ON_SPOT:
            return CaseSource.PATROL
        if fate == Fate.WITHDRAWN:
            return CaseSource.RESIDENT
        if leaf.sensitive:  # people bring their own troubles, in person or by app
            return CaseSource.RESIDENT if self.rng.random() < 0.8 else CaseSource.WINDOW
        sources, weights = zip(*SOURCES, strict=True)
        return self.rng.choices(sources, weights)[0]

    def _turns(self, fate: str, source: str) -> Turns:
        rng = self.rng
        if fate == Fate.HOLD_REGISTERED:
            return Turns(send_back=rng.random() < 0.4)
        resident = source == CaseSource.RESIDENT
        return Turns(
            send_back=rng.random() < 0.04,
            verify_fail=rng.random() < 0.06,
            hidden=rng.random() < 0.01,
            rates=resident and rng.random() < 0.88,
            reopens=resident and rng.random() < 0.05,
        )

    def _priority(self, leaf: Leaf) -> str:
        urgent = self.rng.random() < (0.35 if leaf.code in URGENT_CATEGORIES else 0.02)
        return Priority.URGENT if urgent else Priority.NORMAL

    def _caller_name(self) -> str:
        gender = self.rng.choice("MF")
        return self.names.full_name(gender, self.rng.randint(1945, 2000))

    def _reported_at(self, fate: str, source: str, leaf: Leaf) -> dt.datetime:
        """A day in the window (recent for cases meant to be open), at an hour that fits
        the channel: staff in office hours on working days, residents any day."""
        rng, clock = self.rng, self.clock
        days_back = rng.randint(*_recent_days(fate, leaf.stage.handle_days))
        day = clock.until.date() - dt.timedelta(days=days_back)
        if source != CaseSource.RESIDENT:
            while not clock.is_workday(day) and days_back < HISTORY_DAYS:
                days_back += 1
                day -= dt.timedelta(days=1)
        if source == CaseSource.RESIDENT:
            hour = rng.choices(RESIDENT_HOURS, RESIDENT_HOUR_WEIGHTS)[0] + rng.random()
        else:
            hour = rng.choice((rng.uniform(9, 12), rng.uniform(13.5, 17.5)))
        moment = timezone.make_aware(dt.datetime.combine(day, dt.time()) + dt.timedelta(hours=hour))
        if fate == Fate.HOLD_REGISTERED:
            # registered before history ends, whatever the hour and weekday the demo is
            # loaded at (late at night the deadline would fall after "now")
            while clock.after(moment, leaf.stage.register_hours) >= clock.until:
                moment -= dt.timedelta(days=1)
        return moment


def _recent_days(fate: str, handle_days: int) -> tuple[int, int]:
    """How many days back a case is reported, so it is still in its state at midnight."""
    ranges = {
        Fate.HOLD_REPORTED: (1, 1),
        Fate.HOLD_REGISTERED: (1, 3),
        Fate.HOLD_DISPATCHED: (1, round(handle_days * 1.8) + 1),
        Fate.HOLD_HANDLED: (1, round(handle_days * 1.5) + 2),
    }
    return ranges.get(fate, (1, HISTORY_DAYS))


def _fates(rng: random.Random, count: int) -> list[str]:
    """Fates by quota, so that even a small history has every state."""
    fates = []
    for fate, share in FATE_SHARES:
        fates += [fate] * max(1 if count >= 50 else 0, round(count * share))
    fates = fates[:count]
    fates += [Fate.CLOSED] * (count - len(fates))
    rng.shuffle(fates)
    return fates


def _open_until(story: Story) -> dt.datetime:
    """When the case first stopped being open (or the end of history)."""
    for entry in story.entries:
        if entry.to_state not in OPEN_STATES:
            return entry.at
    return story.clock.until
