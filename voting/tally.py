"""The tally engine: what a valid selection is for each kind of ballot, and how the
selections of a ballot are counted. Pure functions over plain values — no database, no
Django — so every rule is tested on its own and the services, pages, export and bench
count the same way. Quorum, threshold and the outcome are in voting.rules.

Options are named by string keys (the services use the option's id as a string) and
given in their ballot order, which is also the last tie-break wherever one is needed.
A selection is a tuple of keys: one for yes/no and single choice, min–max for multiple
choice and budget allocation, a preference order for ranked choice.
"""

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

YES, NO, ABSTAIN = "yes", "no", "abstain"
YES_NO_KEYS = (YES, NO, ABSTAIN)


class Kind(StrEnum):
    YES_NO = "yes_no"
    SINGLE = "single"
    MULTIPLE = "multiple"
    RANKED = "ranked"
    BUDGET = "budget"


class SelectionError(ValueError):
    """A selection the ballot does not accept; `code` names the rule it breaks and
    `params` what the message needs (the services word it for the voter)."""

    def __init__(self, code: str, **params: int) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


@dataclass(frozen=True)
class OptionSpec:
    key: str
    cost: int = 0  # budget allocation only, in whole yuan


@dataclass(frozen=True)
class BallotSpec:
    """What the engine needs to know of a ballot."""

    kind: Kind
    options: tuple[OptionSpec, ...]
    min_choices: int = 1
    max_choices: int = 1
    budget: int = 0

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(o.key for o in self.options)

    def cost_of(self, keys: Iterable[str]) -> int:
        costs = {o.key: o.cost for o in self.options}
        return sum(costs[k] for k in keys)


def yes_no_spec() -> BallotSpec:
    return BallotSpec(Kind.YES_NO, tuple(OptionSpec(k) for k in YES_NO_KEYS))


# --- validation --------------------------------------------------------------------------


def validate(spec: BallotSpec, selection: Sequence[str]) -> tuple[str, ...]:
    """The selection as it is stored (ranked keeps its order, the others are put in
    ballot order), or SelectionError."""
    chosen = tuple(str(k) for k in selection)
    if len(set(chosen)) != len(chosen):
        raise SelectionError("duplicate")
    unknown = set(chosen) - set(spec.keys)
    if unknown:
        raise SelectionError("unknown_option")
    if spec.kind in (Kind.YES_NO, Kind.SINGLE):
        if len(chosen) != 1:
            raise SelectionError("exactly_one")
        return chosen
    if spec.kind == Kind.RANKED:
        if not chosen:
            raise SelectionError("rank_at_least_one")
        return chosen
    if not spec.min_choices <= len(chosen) <= spec.max_choices:
        raise SelectionError("choice_count", min=spec.min_choices, max=spec.max_choices)
    if spec.kind == Kind.BUDGET and spec.cost_of(chosen) > spec.budget:
        raise SelectionError("over_budget", budget=spec.budget, cost=spec.cost_of(chosen))
    return tuple(k for k in spec.keys if k in chosen)


def validate_spec(spec: BallotSpec) -> None:
    """A ballot that can be voted on at all: options, bounds, a budget that fits."""
    keys = spec.keys
    if len(set(keys)) != len(keys):
        raise SelectionError("duplicate_option")
    if spec.kind == Kind.YES_NO:
        if keys != YES_NO_KEYS:
            raise SelectionError("yes_no_options")
        return
    if len(keys) < 2:
        raise SelectionError("two_options")
    if spec.kind in (Kind.MULTIPLE, Kind.BUDGET) and not (
        1 <= spec.min_choices <= spec.max_choices <= len(keys)
    ):
        raise SelectionError("choice_bounds", options=len(keys))
    if spec.kind == Kind.BUDGET:
        if spec.budget <= 0 or any(o.cost <= 0 for o in spec.options):
            raise SelectionError("budget_positive")
        if min(o.cost for o in spec.options) > spec.budget:
            raise SelectionError("nothing_fits", budget=spec.budget)


# --- counting ----------------------------------------------------------------------------


def count(spec: BallotSpec, selections: Iterable[Sequence[str]]) -> dict:
    """Votes per option (every option listed, in ballot order), the number of ballots,
    and for ranked choice the instant-runoff rounds. JSON-ready."""
    ballots = [tuple(s) for s in selections]
    if spec.kind == Kind.RANKED:
        result = instant_runoff(spec.keys, ballots)
        return {"ballots": len(ballots), "counts": result["rounds"][0]["counts"], **result}
    tally = Counter(k for ballot in ballots for k in ballot)
    return {"ballots": len(ballots), "counts": {k: tally[k] for k in spec.keys}}


def apply_delta(counts: dict[str, int], old: Sequence[str], new: Sequence[str]) -> dict:
    """The totals after one vote changes from `old` to `new` (either may be empty): the
    live tally of an open ballot moves by this, never by a recount."""
    moved = dict(counts)
    for key in old:
        moved[key] = moved.get(key, 0) - 1
    for key in new:
        moved[key] = moved.get(key, 0) + 1
    return moved


# --- ranked choice: instant runoff -------------------------------------------------------


def instant_runoff(keys: Sequence[str], ballots: Sequence[Sequence[str]]) -> dict:
    """Instant-runoff count with every round recorded.

    Each round gives every ballot to its highest-ranked option still in the count; a
    ballot whose ranked options are all out is exhausted and counts no more. An option
    with more than half of the ballots still counting wins. Otherwise the option with the
    fewest votes is eliminated; when several share the fewest:

    1. the one with fewer votes in the latest earlier round where they differed goes
       (backwards tie-break, as Australian and Scottish counts do);
    2. if they never differed, the one listed last on the ballot paper goes.

    When every option still in the count has the same number of votes (two left at 5–5,
    or nobody ranked anything), the count stops with no winner: a tie is not decided by
    ballot order. Returns {"rounds": [...], "winner": key | None, "tie": bool}.
    """
    continuing = list(keys)
    rounds: list[dict] = []
    while continuing:
        counts = _first_preferences(continuing, ballots)
        live = sum(counts.values())
        entry = {
            "round": len(rounds) + 1,
            "counts": counts,
            "continuing": live,
            "exhausted": len(ballots) - live,
            "eliminated": None,
            "tie_break": None,
        }
        rounds.append(entry)
        leader = max(continuing, key=lambda k: counts[k])
        if live and (2 * counts[leader] > live or len(continuing) == 1):
            return {"rounds": rounds, "winner": leader, "tie": False}
        if len(set(counts.values())) == 1:
            return {"rounds": rounds, "winner": None, "tie": True}
        loser, rule = _lowest(continuing, counts, rounds[:-1])
        entry["eliminated"], entry["tie_break"] = loser, rule
        continuing.remove(loser)
    return {"rounds": rounds, "winner": None, "tie": False}  # no options at all


def _first_preferences(continuing: Sequence[str], ballots: Sequence[Sequence[str]]) -> dict:
    counts = dict.fromkeys(continuing, 0)
    for ballot in ballots:
        top = next((k for k in ballot if k in counts), None)
        if top is not None:
            counts[top] += 1
    return counts


def _lowest(continuing: list[str], counts: dict, earlier: list[dict]) -> tuple[str, str | None]:
    """The option to eliminate and the tie rule that chose it (None: no tie)."""
    fewest = min(counts[k] for k in continuing)
    tied = [k for k in continuing if counts[k] == fewest]
    if len(tied) == 1:
        return tied[0], None
    for past in reversed(earlier):
        low = min(past["counts"][k] for k in tied)
        lower = [k for k in tied if past["counts"][k] == low]
        if len(lower) < len(tied):
            tied = lower
            if len(tied) == 1:
                return tied[0], "earlier_round"
    return tied[-1], "ballot_order"


# --- budget allocation -------------------------------------------------------------------


def fund(spec: BallotSpec, counts: dict[str, int], qualifying: Iterable[str]) -> dict:
    """Which options the budget funds: the qualifying options from most votes down (ties
    in ballot order), each funded when its cost still fits in what is left and skipped
    when it does not, so a cheaper option further down can still be funded."""
    position = {k: i for i, k in enumerate(spec.keys)}
    costs = {o.key: o.cost for o in spec.options}
    order = sorted(qualifying, key=lambda k: (-counts.get(k, 0), position[k]))
    funded, left = [], spec.budget
    for key in order:
        if counts.get(key, 0) > 0 and costs[key] <= left:
            funded.append(key)
            left -= costs[key]
    return {"funded": funded, "spent": spec.budget - left, "left": left, "budget": spec.budget}
