"""What each opinion group thinks of each statement, as Polis computes it.

Counts per group are smoothed with a Laplace prior — P(agree) = (agrees + 1) / (seen + 2) —
so a statement three people saw does not read as a certainty. A statement represents a
group when the group agrees (or disagrees) with it more than the rest of the participants
do, significantly on both counts (one-tailed z at 90 %, Polis's choice); the group-aware
consensus is the product of every group's P(agree), so one large group cannot carry a
statement that a smaller group rejects.
"""

from dataclasses import dataclass

import numpy as np

Z_90 = 1.2816  # one-tailed 90 %: Polis's significance level for representativeness


@dataclass(frozen=True)
class Tally:
    """Agrees, disagrees and votes seen (passes included), one entry per statement."""

    agree: np.ndarray
    disagree: np.ndarray
    seen: np.ndarray

    @classmethod
    def of(cls, votes: np.ndarray) -> "Tally":
        return cls(
            agree=np.sum(votes == 1, axis=0),
            disagree=np.sum(votes == -1, axis=0),
            seen=np.sum(~np.isnan(votes), axis=0),
        )

    def p_agree(self) -> np.ndarray:
        return (self.agree + 1) / (self.seen + 2)

    def p_disagree(self) -> np.ndarray:
        return (self.disagree + 1) / (self.seen + 2)


@dataclass(frozen=True)
class Representative:
    """A statement that sets a group apart: `direction` is "agree" or "disagree";
    `probability` the group's smoothed share in that direction; `ratio` how many times
    more likely the group is to vote so than everyone else."""

    statement: int
    direction: str
    probability: float
    ratio: float
    votes: int


def prop_test(successes: np.ndarray, trials: np.ndarray) -> np.ndarray:
    """z of a share against one half (Polis's smoothed one-proportion test)."""
    return 2 * np.sqrt(trials + 1) * ((successes + 1) / (trials + 1) - 0.5)


def two_prop_test(
    succ_in: np.ndarray, succ_out: np.ndarray, pop_in: np.ndarray, pop_out: np.ndarray
) -> np.ndarray:
    """z of the group's share against the rest's (smoothed by one, as Polis does)."""
    s1, s2, n1, n2 = succ_in + 1, succ_out + 1, pop_in + 1, pop_out + 1
    pooled = (s1 + s2) / (n1 + n2)
    spread = np.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    with np.errstate(divide="ignore", invalid="ignore"):
        z = (s1 / n1 - s2 / n2) / spread
    return np.where(spread > 0, z, 0.0)


def representatives(
    inside: np.ndarray, outside: np.ndarray, *, min_votes: int, limit: int
) -> list[Representative]:
    """The statements that best represent the group whose votes are `inside` (rows are
    its members) against `outside` (everyone else included in the map)."""
    t_in, t_out = Tally.of(inside), Tally.of(outside)
    found: list[tuple[float, Representative]] = []
    for direction, hits_in, hits_out, p_in, p_out in (
        ("agree", t_in.agree, t_out.agree, t_in.p_agree(), t_out.p_agree()),
        ("disagree", t_in.disagree, t_out.disagree, t_in.p_disagree(), t_out.p_disagree()),
    ):
        ratio = p_in / p_out
        z_p = prop_test(hits_in, t_in.seen)
        z_r = two_prop_test(hits_in, hits_out, t_in.seen, t_out.seen)
        keep = (t_in.seen >= min_votes) & (p_in > 0.5) & (z_p > Z_90) & (z_r > Z_90)
        for s in np.flatnonzero(keep):
            metric = float(ratio[s] * z_r[s] * p_in[s] * z_p[s])
            rep = Representative(
                int(s),
                direction,
                round(float(p_in[s]), 3),
                round(float(ratio[s]), 3),
                int(t_in.seen[s]),
            )
            found.append((metric, rep))
    # A statement is listed once, in the direction that represents the group better
    found.sort(key=lambda pair: (-pair[0], pair[1].statement))
    chosen: dict[int, Representative] = {}
    for _metric, rep in found:
        chosen.setdefault(rep.statement, rep)
    return list(chosen.values())[:limit]


def group_agreement(groups: list[np.ndarray]) -> np.ndarray:
    """P(agree) per group (rows) and statement (columns), Laplace-smoothed."""
    return np.array([Tally.of(votes).p_agree() for votes in groups])


def group_disagreement(groups: list[np.ndarray]) -> np.ndarray:
    return np.array([Tally.of(votes).p_disagree() for votes in groups])
