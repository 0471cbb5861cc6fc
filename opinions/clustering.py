"""Opinion groups from a vote matrix, as Polis finds them. Pure: no database, no Django.

The matrix has a row per participant and a column per statement: agree 1, disagree −1,
pass 0, not seen NaN. The steps:

1. participants with fewer than `min_votes` votes (or every statement, when there are
   fewer) are left out: a handful of clicks places nobody;
2. what a participant has not seen is imputed with the statement's mean vote;
3. PCA to two dimensions; each participant's point is scaled by
   sqrt(statements / their votes), as Polis does, so someone who voted on few statements
   is not pulled to the centre merely by the imputed means;
4. k-means for k = 2…5 (never more than the distinct points allow), keeping the k with the
   best silhouette score; fixed random state, so the same votes give the same map;
5. each group's representative statements and the group-aware consensus (repness.py),
   and labels that stay with their members across computations (labels.py).
"""

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
from sklearn.cluster import KMeans
from sklearn.decomposition import PCA
from sklearn.metrics import silhouette_score
from threadpoolctl import threadpool_limits

from opinions.labels import stable_labels
from opinions.repness import (
    Representative,
    group_agreement,
    group_disagreement,
    representatives,
)


@dataclass(frozen=True)
class Params:
    min_votes: int = 7  # a participant needs this many votes (or all statements) to count
    k_min: int = 2
    k_max: int = 5
    repness_min_votes: int = 3  # a group's votes on a statement before it can represent it
    repness_limit: int = 5  # representative statements listed per group
    consensus_threshold: float = 0.6  # every group's P(agree) must reach it
    random_state: int = 0


@dataclass(frozen=True)
class Group:
    label: str
    members: tuple[int, ...]  # row indices into the input matrix
    centroid: tuple[float, float]
    representative: tuple[Representative, ...]


@dataclass(frozen=True)
class Consensus:
    statement: int
    score: float  # the product of every group's P(agree)
    per_group: tuple[float, ...]  # P(agree) of each group, in the order of OpinionMap.groups


@dataclass(frozen=True)
class OpinionMap:
    included: tuple[int, ...]  # rows with enough votes, in input order
    points: np.ndarray  # (len(included), 2) coordinates of the included rows
    row_labels: tuple[str, ...]  # the group label of each included row
    groups: tuple[Group, ...]
    consensus: tuple[Consensus, ...]
    # per statement (column): how much the groups differ on it and how much they share
    # it, each in [0, 1]; what picks the next statement to show a participant
    divisiveness: np.ndarray = field(default_factory=lambda: np.zeros(0))
    unity: np.ndarray = field(default_factory=lambda: np.zeros(0))

    def members_by_label(self, keys: Sequence[Hashable]) -> dict[str, set[Hashable]]:
        """The participants' keys per label: what the next computation keeps labels by."""
        return {g.label: {keys[row] for row in g.members} for g in self.groups}


def opinion_map(
    votes: np.ndarray,
    *,
    keys: Sequence[Hashable] | None = None,
    previous: Mapping[str, set[Hashable]] | None = None,
    params: Params = Params(),
) -> OpinionMap:
    """Groups, points, representative statements and consensus of a vote matrix.

    `keys` name the rows (e.g. user ids) and `previous` is the last map's
    `members_by_label(keys)`, so its labels carry over to the groups that keep its members.
    """
    votes = np.asarray(votes, dtype=float)
    n_rows, n_statements = votes.shape
    keys = list(range(n_rows)) if keys is None else list(keys)
    included = _included_rows(votes, params.min_votes)
    if len(included) < 2 or n_statements == 0:
        return _empty(included, n_statements)
    # One thread for BLAS and OpenMP: the map is computed beside a web server, and on a
    # busy 2-core host their thread pools made it 5–20× slower (bench/opinion_map.py).
    with threadpool_limits(limits=1):
        points = _project(votes[included])
        assignment = _cluster(points, params)
        return _describe(votes, included, points, assignment, keys, previous, params)


def _included_rows(votes: np.ndarray, min_votes: int) -> np.ndarray:
    needed = min(min_votes, votes.shape[1])
    counts = np.sum(~np.isnan(votes), axis=1)
    return np.flatnonzero(counts >= max(needed, 1))


def _project(kept: np.ndarray) -> np.ndarray:
    """Impute, reduce to two dimensions, scale by how much each row voted."""
    seen = ~np.isnan(kept)
    means = np.nanmean(np.where(seen.any(axis=0), kept, 0.0), axis=0)
    filled = np.where(seen, kept, means)
    components = min(2, *filled.shape)
    if np.allclose(filled, filled[0]):
        coords = np.zeros((len(filled), components))
    else:
        coords = PCA(n_components=components, svd_solver="full").fit_transform(filled)
    if components < 2:
        coords = np.hstack([coords, np.zeros((len(coords), 2 - components))])
    scale = np.sqrt(kept.shape[1] / np.maximum(seen.sum(axis=1), 1))
    return coords * scale[:, None]


def _cluster(points: np.ndarray, params: Params) -> np.ndarray:
    """Cluster indices per point: the k in k_min…k_max with the best silhouette."""
    distinct = len(np.unique(np.round(points, 9), axis=0))
    # silhouette needs k < points; more clusters than distinct points would be empty
    k_high = min(params.k_max, distinct, len(points) - 1)
    best: tuple[float, np.ndarray] | None = None
    for k in range(params.k_min, k_high + 1):
        fitted = KMeans(n_clusters=k, n_init=10, random_state=params.random_state).fit(points)
        score = float(silhouette_score(points, fitted.labels_))
        # strictly better only: on a tie the smaller k (fewer groups) stays
        if best is None or score > best[0] + 1e-9:
            best = (score, fitted.labels_)
    if best is not None:
        return best[1]
    # two participants with different views are two groups; identical views are one
    return _two_points(points) if distinct == 2 else np.zeros(len(points), dtype=int)


def _two_points(points: np.ndarray) -> np.ndarray:
    first = np.round(points[0], 9)
    return np.array([0 if np.array_equal(np.round(p, 9), first) else 1 for p in points])


def _describe(
    votes: np.ndarray,
    included: np.ndarray,
    points: np.ndarray,
    assignment: np.ndarray,
    keys: list[Hashable],
    previous: Mapping[str, set[Hashable]] | None,
    params: Params,
) -> OpinionMap:
    clusters = _ordered_clusters(points, assignment)
    member_rows = [included[assignment == c] for c in clusters]
    labels = stable_labels([{keys[r] for r in rows} for rows in member_rows], previous)
    kept = votes[included]
    group_votes = [votes[rows] for rows in member_rows]
    groups = []
    for cluster, rows, label in zip(clusters, member_rows, labels, strict=True):
        inside = assignment == cluster
        reps = (
            representatives(
                kept[inside],
                kept[~inside],
                min_votes=params.repness_min_votes,
                limit=params.repness_limit,
            )
            if (~inside).any()
            else []
        )
        centroid = points[inside].mean(axis=0)
        groups.append(
            Group(
                label,
                tuple(int(r) for r in rows),
                (float(centroid[0]), float(centroid[1])),
                tuple(reps),
            )
        )
    label_of = {c: label for c, label in zip(clusters, labels, strict=True)}
    order = np.argsort([g.label for g in groups], kind="stable")
    groups = [groups[i] for i in order]
    group_votes = [group_votes[i] for i in order]
    agree, disagree = group_agreement(group_votes), group_disagreement(group_votes)
    return OpinionMap(
        included=tuple(int(r) for r in included),
        points=points,
        row_labels=tuple(label_of[c] for c in assignment),
        groups=tuple(groups),
        consensus=_consensus(agree, params.consensus_threshold),
        divisiveness=_divisiveness(agree, disagree),
        unity=np.prod(agree, axis=0) ** (1 / len(groups)),
    )


def _ordered_clusters(points: np.ndarray, assignment: np.ndarray) -> list[int]:
    """Clusters largest first (then by centroid), so a first map labels the largest A."""
    clusters = np.unique(assignment)

    def order(c: int) -> tuple:
        centroid = points[assignment == c].mean(axis=0)
        return (-int(np.sum(assignment == c)), round(float(centroid[0]), 9))

    return sorted((int(c) for c in clusters), key=order)


def _consensus(agree: np.ndarray, threshold: float) -> tuple[Consensus, ...]:
    """Statements every group agrees with (each P(agree) ≥ threshold), best first."""
    score = np.prod(agree, axis=0)
    chosen = np.flatnonzero(np.all(agree >= threshold, axis=0))
    chosen = sorted(chosen, key=lambda s: (-score[s], s))
    return tuple(
        Consensus(int(s), round(float(score[s]), 4), tuple(round(float(p), 3) for p in agree[:, s]))
        for s in chosen
    )


def _divisiveness(agree: np.ndarray, disagree: np.ndarray) -> np.ndarray:
    """Half the spread of the groups' net agreement: 1 when one group all agrees and
    another all disagrees, 0 when every group leans the same way by the same amount."""
    net = agree - disagree
    return (net.max(axis=0) - net.min(axis=0)) / 2


def _empty(included: np.ndarray, n_statements: int) -> OpinionMap:
    return OpinionMap(
        included=tuple(int(r) for r in included),
        points=np.zeros((len(included), 2)),
        row_labels=(),
        groups=(),
        consensus=(),
        divisiveness=np.zeros(n_statements),
        unity=np.zeros(n_statements),
    )
