"""Which statement a participant sees next. Pure: the caller passes the statements they
have not voted on, scored from the last map.

A statement is worth a vote when it tells the groups apart (divisiveness) or shows what
they share (unity): either helps place the participant and sharpens the map. A statement
the map has not scored yet — added since, or with few votes — gets a middling score and a
boost that fades with its votes (after Polis's comment routing, 1 + 3·2^(−votes/5)), so
new statements are seen soon enough to be placed themselves. The choice is a weighted
draw, reproducible from its seed: a phone retrying the same request gets the same
statement.
"""

import random
from collections.abc import Sequence
from dataclasses import dataclass

UNSCORED = 0.5  # the power assumed for a statement the last map did not score
FLOOR = 0.05  # every statement keeps some chance, so none is never shown


@dataclass(frozen=True)
class Candidate:
    statement_id: int
    votes: int  # votes it has had so far, from everyone
    divisiveness: float | None = None  # from the last map; None when it was not on it
    unity: float | None = None


def priority(candidate: Candidate) -> float:
    """The weight of a candidate in the draw."""
    if candidate.divisiveness is None or candidate.unity is None:
        power = UNSCORED
    else:
        power = max(candidate.divisiveness, candidate.unity)
    novelty = 1 + 3 * 2 ** (-candidate.votes / 5)
    return (max(power, 0.0) + FLOOR) * novelty


def pick_next(candidates: Sequence[Candidate], *, seed: int | str) -> int | None:
    """The id of the statement to show next, or None when nothing is left."""
    if not candidates:
        return None
    ordered = sorted(candidates, key=lambda c: c.statement_id)
    weights = [priority(c) for c in ordered]
    return random.Random(str(seed)).choices(ordered, weights=weights, k=1)[0].statement_id
