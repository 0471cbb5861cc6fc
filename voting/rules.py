"""Quorum, pass threshold and the outcome of a ballot, with the arithmetic kept so a page
can show how the result was reached. Pure, like voting.tally.

Shares follow the Civil Code's reading of Chinese quantities (art. 1259: 以上, 以下, 以内
include the number itself; 过半数 "more than half" does not): more than half is strict
(40 of 80 fails, 41 passes), two thirds and three quarters — 三分之二以上, 四分之三以上 —
include the exact share (60 of 90 passes). A quorum given as a percentage is "at least".

The rule set is stored on the ballot as JSON with a `version` and a `strategy`. Version 1
knows one strategy, `headcount`: every eligible voter (or household) counts once. The
owners' dual rule of Civil Code art. 278 (a share of owners *and* of their floor area)
would be a new strategy name read by from_json; ballots stored before it keep reading
as `headcount`, so adding it needs no migration of their rows.
"""

from dataclasses import dataclass
from enum import StrEnum

from voting.tally import YES, BallotSpec, Kind, fund

RULES_VERSION = 1
HEADCOUNT = "headcount"


class Base(StrEnum):
    CAST = "cast"  # the ballots cast (abstentions and blank rankings included)
    ELIGIBLE = "eligible"  # everyone eligible, whether they voted or not


@dataclass(frozen=True)
class Share:
    """A share of a base that a count must reach."""

    name: str  # more_than_half, two_thirds, three_quarters, percent:<n>
    num: int
    den: int
    strict: bool  # True: more than num/den; False: at least num/den

    def needed(self, base: int) -> int:
        """The smallest whole count that reaches the share of `base` (at least 1: nothing
        is carried or quorate with no one)."""
        if self.strict:
            return max(1, base * self.num // self.den + 1)
        return max(1, -(-base * self.num // self.den))

    def as_json(self) -> dict:
        return {"name": self.name, "num": self.num, "den": self.den, "strict": self.strict}


PRESETS = {
    "more_than_half": Share("more_than_half", 1, 2, strict=True),
    "two_thirds": Share("two_thirds", 2, 3, strict=False),
    "three_quarters": Share("three_quarters", 3, 4, strict=False),
}


def share_named(name: str) -> Share:
    """A preset, or `percent:<1–100>` (at least that many per cent)."""
    if name in PRESETS:
        return PRESETS[name]
    prefix, _, digits = name.partition(":")
    if prefix == "percent" and digits.isdigit() and 1 <= int(digits) <= 100:
        return Share(name, int(digits), 100, strict=False)
    raise ValueError(f"unknown share: {name}")


@dataclass(frozen=True)
class Rules:
    quorum: Share | None  # of the eligible who take part; None: no quorum
    threshold: Share | None  # None: the most votes decide (single, ranked, budget)
    base: Base = Base.CAST
    strategy: str = HEADCOUNT

    def to_json(self) -> dict:
        return {
            "version": RULES_VERSION,
            "strategy": self.strategy,
            "quorum": self.quorum.name if self.quorum else None,
            "threshold": self.threshold.name if self.threshold else None,
            "base": self.base.value,
        }

    @classmethod
    def from_json(cls, data: dict) -> "Rules":
        """Read a stored rule set; a version or strategy this code does not know is an
        error, never a silent head count."""
        if data.get("version") != RULES_VERSION or data.get("strategy") != HEADCOUNT:
            raise ValueError(f"unknown rules: {data.get('version')}/{data.get('strategy')}")
        quorum, threshold = data.get("quorum"), data.get("threshold")
        return cls(
            quorum=share_named(quorum) if quorum else None,
            threshold=share_named(threshold) if threshold else None,
            base=Base(data.get("base", Base.CAST)),
        )


NEEDS_THRESHOLD = (Kind.YES_NO, Kind.MULTIPLE)


def validate_rules(kind: Kind, rules: Rules) -> None:
    """Yes/no and multiple choice need a threshold: "the most votes" decides nothing
    there (yes beats no 3–2 with 95 abstaining; every approved option "wins")."""
    if kind in NEEDS_THRESHOLD and rules.threshold is None:
        raise ValueError("threshold_required")


# --- the outcome -------------------------------------------------------------------------

PASSED, FAILED, QUORUM_NOT_MET = "passed", "failed", "quorum_not_met"


def decide(spec: BallotSpec, rules: Rules, counted: dict, eligible: int) -> dict:
    """The outcome of a closed ballot from its count (voting.tally.count, or an offline
    meeting's figures in the same shape) and the number eligible. JSON-ready: the
    result, the quorum and threshold arithmetic, what was adopted, and the count."""
    cast = counted["ballots"]
    quorum = _quorum(rules, cast, eligible)
    base_count = cast if rules.base == Base.CAST else eligible
    needed = rules.threshold.needed(base_count) if rules.threshold else None
    adopted, extra = _adopted(spec, rules, counted, needed)
    quorate = quorum is None or quorum["met"]
    result = (PASSED if adopted else FAILED) if quorate else QUORUM_NOT_MET
    return {
        "version": RULES_VERSION,
        "kind": spec.kind.value,
        "rules": rules.to_json(),
        "eligible": eligible,
        "cast": cast,
        "quorum": quorum,
        "threshold": {
            "share": rules.threshold.as_json() if rules.threshold else None,
            "base": rules.base.value,
            "base_count": base_count,
            "needed": needed,
        },
        **counted,
        **extra,
        "adopted": adopted,
        "result": result,
    }


def _quorum(rules: Rules, cast: int, eligible: int) -> dict | None:
    if rules.quorum is None:
        return None
    needed = rules.quorum.needed(eligible)
    return {"share": rules.quorum.as_json(), "eligible": eligible, "needed": needed,
            "cast": cast, "met": cast >= needed}  # fmt: skip


def _adopted(spec: BallotSpec, rules: Rules, counted: dict, needed: int | None) -> tuple:
    """The keys adopted, and what the kind adds to the outcome."""
    counts = counted["counts"]

    def carries(votes: int) -> bool:
        return votes > 0 and (needed is None or votes >= needed)

    if spec.kind == Kind.YES_NO:
        return ([YES] if carries(counts[YES]) else []), {}
    if spec.kind == Kind.MULTIPLE:
        return [k for k in spec.keys if carries(counts[k])], {}
    if spec.kind == Kind.BUDGET:
        funding = fund(spec, counts, [k for k in spec.keys if carries(counts[k])])
        return funding["funded"], {"funding": funding}
    if spec.kind == Kind.RANKED:
        winner = counted.get("winner")
        final = counted["rounds"][-1]["counts"][winner] if winner else 0
        return ([winner] if winner and carries(final) else []), {"final_votes": final}
    top = max(counts.values(), default=0)
    leaders = [k for k in spec.keys if counts[k] == top]
    if len(leaders) != 1:
        return [], {"tie": top > 0}
    return ([leaders[0]] if carries(top) else []), {"tie": False}
