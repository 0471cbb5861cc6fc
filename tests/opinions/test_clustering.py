"""The opinion map's mathematics on vote matrices whose answer is known."""

import numpy as np

from opinions.clustering import Params, opinion_map
from opinions.labels import stable_labels

NAN = np.nan


def camps(sizes=(20, 20), statements=10, seed=1, noise=0.05, unseen=0.1) -> np.ndarray:
    """Two (or three) camps: camp i agrees with its own block of statements and
    disagrees with the others'; the last column is agreed by everyone."""
    rng = np.random.default_rng(seed)
    blocks = np.array_split(np.arange(statements - 1), len(sizes))
    rows = []
    for camp, size in enumerate(sizes):
        base = np.full(statements, -1.0)
        base[blocks[camp]] = 1.0
        base[-1] = 1.0
        for _ in range(size):
            row = base.copy()
            flips = rng.random(statements) < noise
            row[flips] = 0.0
            hidden = rng.random(statements) < unseen
            hidden[-1] = False
            row[hidden] = NAN
            rows.append(row)
    return np.array(rows)


def test_two_clear_camps_make_two_groups_with_the_right_members():
    votes = camps()
    result = opinion_map(votes)
    assert len(result.groups) == 2
    members = sorted(set(g.members) for g in result.groups)
    assert {frozenset(m) for m in members} == {frozenset(range(20)), frozenset(range(20, 40))}


def test_each_camp_is_represented_by_the_statements_it_agrees_with():
    votes = camps()
    result = opinion_map(votes)
    for group in result.groups:
        first_camp = 0 in group.members
        own = set(range(0, 5)) if first_camp else set(range(5, 9))
        agreed = {r.statement for r in group.representative if r.direction == "agree"}
        assert agreed, "a camp has representative statements"
        assert agreed <= own
        assert 9 not in {r.statement for r in group.representative}


def test_a_statement_everyone_agrees_with_is_the_consensus():
    result = opinion_map(camps())
    assert [c.statement for c in result.consensus] == [9]
    assert all(p > 0.9 for p in result.consensus[0].per_group)


def test_a_statement_only_the_larger_camp_agrees_with_is_no_consensus():
    votes = camps(sizes=(40, 8))
    result = opinion_map(votes)
    # statement 0 is agreed by 40 of 48 participants, but the smaller camp rejects it
    assert 0 not in {c.statement for c in result.consensus}
    assert 9 in {c.statement for c in result.consensus}


def test_three_camps_make_three_groups():
    result = opinion_map(camps(sizes=(15, 15, 15), statements=13))
    assert len(result.groups) == 3
    assert sorted(len(g.members) for g in result.groups) == [15, 15, 15]


def test_participants_with_too_few_votes_are_left_out():
    votes = camps()
    votes[3, :] = NAN
    votes[3, :2] = 1.0
    result = opinion_map(votes, params=Params(min_votes=7))
    assert 3 not in result.included
    assert len(result.included) == 39
    assert len(result.points) == 39


def test_fewer_statements_than_the_minimum_need_all_of_them():
    votes = np.array([[1, 1, -1], [1, 1, -1], [-1, -1, 1], [-1, -1, 1], [1, NAN, NAN]])
    result = opinion_map(votes, params=Params(min_votes=7))
    assert result.included == (0, 1, 2, 3)
    assert len(result.groups) == 2


def test_the_same_votes_give_the_same_map():
    votes = camps(seed=7)
    first, second = opinion_map(votes), opinion_map(votes)
    assert np.array_equal(first.points, second.points)
    assert first.row_labels == second.row_labels


def test_too_few_participants_make_no_groups():
    result = opinion_map(np.array([[1.0, -1.0, 1.0]]))
    assert result.groups == ()
    assert result.consensus == ()


def test_identical_votes_make_one_group():
    votes = np.ones((6, 4))
    result = opinion_map(votes)
    assert len(result.groups) == 1
    assert [c.statement for c in result.consensus] == [0, 1, 2, 3]


def test_labels_stay_with_their_members_after_more_votes():
    votes = camps(seed=3)
    keys = [f"u{i}" for i in range(len(votes))]
    first = opinion_map(votes, keys=keys)
    label_of_first_camp = first.row_labels[0]
    # more participants arrive, mostly in the second camp, and fill in what they had not seen
    more = camps(sizes=(5, 30), seed=4)
    votes2 = np.vstack([np.nan_to_num(votes, nan=0.0), more])
    keys2 = keys + [f"n{i}" for i in range(len(more))]
    second = opinion_map(votes2, keys=keys2, previous=first.members_by_label(keys))
    assert second.row_labels[0] == label_of_first_camp
    assert second.row_labels[25] == first.row_labels[25]
    # the second camp is now the larger one; it keeps its label all the same
    assert label_of_first_camp != second.row_labels[25]


def test_a_new_group_takes_a_letter_no_previous_group_used():
    previous = {"A": {1, 2, 3}, "B": {4, 5, 6}}
    assert stable_labels([{4, 5}, {1, 2}, {7, 8}], previous) == ["B", "A", "C"]
    # group A disappeared: the newcomers do not inherit its letter
    assert stable_labels([{4, 5, 6}, {9}], previous) == ["B", "C"]


def test_labels_match_by_most_shared_members():
    previous = {"A": {1, 2, 3, 4}, "B": {5, 6, 7, 8}}
    # the first new group holds most of B and a little of A
    assert stable_labels([{5, 6, 7, 1}, {2, 3, 4, 8}], previous) == ["B", "A"]


def test_divisive_and_uniting_statements_are_scored():
    result = opinion_map(camps())
    assert result.divisiveness[0] > 0.7
    assert result.divisiveness[9] < 0.1
    assert result.unity[9] > 0.9
    assert result.unity[0] < 0.5
