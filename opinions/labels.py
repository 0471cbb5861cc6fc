"""Stable group labels: group A stays group A when the map is computed again.

k-means numbers its clusters arbitrarily, and PCA may flip an axis between two runs, so
neither a cluster's index nor its centroid identifies it. Its members do: each new group
takes the label of the previous group it shares the most members with (a one-to-one
Hungarian assignment on the member overlap); a group that shares none gets a letter no
previous group used, so a reader never sees a label move to a different camp.
"""

from collections.abc import Hashable, Mapping, Sequence

import numpy as np
from scipy.optimize import linear_sum_assignment

LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def stable_labels(
    new_groups: Sequence[set[Hashable]],
    previous: Mapping[str, set[Hashable]] | None = None,
) -> list[str]:
    """A label per new group (in the order given), keeping the previous groups' labels."""
    labels: list[str | None] = [None] * len(new_groups)
    old_labels = sorted(previous or {})
    if old_labels and new_groups:
        overlap = np.array(
            [[len(group & previous[label]) for label in old_labels] for group in new_groups]
        )
        rows, cols = linear_sum_assignment(overlap, maximize=True)
        for row, col in zip(rows, cols, strict=True):
            if overlap[row, col] > 0:
                labels[row] = old_labels[col]
    taken = set(old_labels) | {label for label in labels if label}
    for index in range(len(new_groups)):
        if labels[index] is None:
            labels[index] = _fresh_letter(taken)
            taken.add(labels[index])
    return [label for label in labels if label is not None]


def _fresh_letter(taken: set[str]) -> str:
    for letter in LETTERS:
        if letter not in taken:
            return letter
    # More than 26 labels ever seen: fall back to numbered ones (beyond the 2–5 groups
    # of one map, only a long-lived topic whose camps keep changing gets here).
    n = 1
    while f"Z{n}" in taken:
        n += 1
    return f"Z{n}"
