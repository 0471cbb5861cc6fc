"""Quorum, threshold and outcome: the shares at their exact edges, each kind's adoption
rule, and the stored rule set's version."""

import pytest

from voting.rules import (
    FAILED,
    PASSED,
    QUORUM_NOT_MET,
    Base,
    Rules,
    decide,
    share_named,
    validate_rules,
)
from voting.tally import BallotSpec, Kind, OptionSpec, count, yes_no_spec

HALF = share_named("more_than_half")
TWO_THIRDS = share_named("two_thirds")
THREE_QUARTERS = share_named("three_quarters")


def yes_no(yes: int, no: int = 0, abstain: int = 0) -> dict:
    return {"ballots": yes + no + abstain, "counts": {"yes": yes, "no": no, "abstain": abstain}}


def decide_yes_no(rules: Rules, counted: dict, eligible: int) -> dict:
    return decide(yes_no_spec(), rules, counted, eligible)


# --- the shares --------------------------------------------------------------------------


def test_exactly_half_is_not_more_than_half():
    assert HALF.needed(80) == 41
    assert HALF.needed(81) == 41


def test_exactly_two_thirds_reaches_two_thirds():
    assert TWO_THIRDS.needed(90) == 60
    assert TWO_THIRDS.needed(91) == 61


def test_exactly_three_quarters_reaches_three_quarters():
    assert THREE_QUARTERS.needed(80) == 60
    assert THREE_QUARTERS.needed(81) == 61


def test_a_percentage_is_at_least_that_share():
    assert share_named("percent:30").needed(100) == 30
    assert share_named("percent:30").needed(101) == 31


def test_nothing_is_reached_with_no_one():
    assert HALF.needed(0) == 1
    assert TWO_THIRDS.needed(0) == 1


@pytest.mark.parametrize("name", ["half", "percent:0", "percent:101", "percent:x", ""])
def test_an_unknown_share_is_refused(name):
    with pytest.raises(ValueError):
        share_named(name)


# --- yes / no ----------------------------------------------------------------------------


def test_a_yes_vote_of_exactly_half_the_votes_cast_fails():
    outcome = decide_yes_no(Rules(quorum=None, threshold=HALF), yes_no(40, 40), eligible=100)
    assert outcome["result"] == FAILED
    assert outcome["threshold"]["needed"] == 41
    assert outcome["threshold"]["base_count"] == 80


def test_one_more_than_half_passes():
    outcome = decide_yes_no(Rules(quorum=None, threshold=HALF), yes_no(41, 39), eligible=100)
    assert (outcome["result"], outcome["adopted"]) == (PASSED, ["yes"])


def test_exactly_two_thirds_of_votes_cast_passes_and_one_less_fails():
    rules = Rules(quorum=None, threshold=TWO_THIRDS)
    assert decide_yes_no(rules, yes_no(60, 30), eligible=90)["result"] == PASSED
    assert decide_yes_no(rules, yes_no(59, 31), eligible=90)["result"] == FAILED


def test_abstentions_count_in_the_votes_cast():
    outcome = decide_yes_no(Rules(None, HALF), yes_no(30, 20, abstain=10), eligible=60)
    assert outcome["threshold"]["base_count"] == 60
    assert outcome["result"] == FAILED  # 30 of 60 is not more than half


def test_a_threshold_of_the_eligible_counts_those_who_did_not_vote():
    rules = Rules(quorum=None, threshold=HALF, base=Base.ELIGIBLE)
    outcome = decide_yes_no(rules, yes_no(45, 5), eligible=100)
    assert outcome["threshold"] == {
        "share": HALF.as_json(),
        "base": "eligible",
        "base_count": 100,
        "needed": 51,
    }
    assert outcome["result"] == FAILED


def test_a_quorum_of_exactly_half_the_eligible_is_not_met():
    rules = Rules(quorum=HALF, threshold=HALF)
    outcome = decide_yes_no(rules, yes_no(50), eligible=100)
    assert outcome["quorum"] == {
        "share": HALF.as_json(),
        "eligible": 100,
        "needed": 51,
        "cast": 50,
        "met": False,
    }
    assert outcome["result"] == QUORUM_NOT_MET


def test_a_quorum_of_exactly_two_thirds_is_met():
    rules = Rules(quorum=TWO_THIRDS, threshold=HALF)
    outcome = decide_yes_no(rules, yes_no(40, 20), eligible=90)
    assert outcome["quorum"]["met"] is True
    assert outcome["result"] == PASSED


def test_quorum_not_met_wins_over_a_passing_vote_and_the_count_is_kept():
    outcome = decide_yes_no(Rules(quorum=HALF, threshold=HALF), yes_no(10), eligible=100)
    assert outcome["result"] == QUORUM_NOT_MET
    assert outcome["counts"]["yes"] == 10
    assert (outcome["eligible"], outcome["cast"]) == (100, 10)


def test_no_votes_at_all_fails():
    outcome = decide_yes_no(Rules(None, HALF), yes_no(0), eligible=10)
    assert outcome["result"] == FAILED


# --- the other kinds ---------------------------------------------------------------------


def options(keys: str, costs: dict | None = None) -> tuple[OptionSpec, ...]:
    return tuple(OptionSpec(k, (costs or {}).get(k, 0)) for k in keys)


def test_single_choice_without_threshold_adopts_the_sole_leader():
    s = BallotSpec(Kind.SINGLE, options("abc"))
    outcome = decide(s, Rules(None, None), count(s, [("a",), ("b",), ("b",)]), eligible=10)
    assert (outcome["result"], outcome["adopted"], outcome["tie"]) == (PASSED, ["b"], False)


def test_single_choice_tied_at_the_top_adopts_nothing():
    s = BallotSpec(Kind.SINGLE, options("abc"))
    outcome = decide(s, Rules(None, None), count(s, [("a",), ("b",)]), eligible=10)
    assert (outcome["result"], outcome["adopted"], outcome["tie"]) == (FAILED, [], True)


def test_single_choice_leader_below_the_threshold_fails():
    s = BallotSpec(Kind.SINGLE, options("abc"))
    counted = count(s, [("a",), ("a",), ("b",), ("c",)])
    outcome = decide(s, Rules(None, HALF), counted, eligible=10)
    assert outcome["result"] == FAILED  # 2 of 4 is not more than half


def test_multiple_choice_adopts_each_option_reaching_the_threshold():
    s = BallotSpec(Kind.MULTIPLE, options("abc"), min_choices=1, max_choices=3)
    counted = count(s, [("a", "b"), ("a", "c"), ("a",), ("b",)])
    outcome = decide(s, Rules(None, HALF), counted, eligible=10)
    assert outcome["adopted"] == ["a"]  # a 3 of 4; b 2 of 4 is exactly half


def test_ranked_choice_records_the_rounds_and_the_winners_final_votes():
    s = BallotSpec(Kind.RANKED, options("abc"))
    ballots = [("a", "b")] * 4 + [("b", "a")] * 3 + [("c", "b")] * 2
    outcome = decide(s, Rules(None, HALF), count(s, ballots), eligible=20)
    assert outcome["adopted"] == ["b"]
    assert outcome["final_votes"] == 5
    assert len(outcome["rounds"]) == 2


def test_a_ranked_winner_carried_only_by_continuing_ballots_fails_a_threshold_of_votes_cast():
    s = BallotSpec(Kind.RANKED, options("abc"))
    ballots = [("a",)] * 4 + [("b",)] * 3 + [("c",)] * 2
    counted = count(s, ballots)
    assert counted["winner"] == "a"
    assert decide(s, Rules(None, HALF), counted, eligible=9)["result"] == FAILED
    assert decide(s, Rules(None, None), counted, eligible=9)["result"] == PASSED


def test_budget_allocation_funds_within_the_budget_and_keeps_the_arithmetic():
    s = BallotSpec(
        Kind.BUDGET,
        options("abc", {"a": 60, "b": 50, "c": 40}),
        min_choices=1,
        max_choices=3,
        budget=100,
    )
    counted = count(s, [("a", "c"), ("a",), ("b", "c"), ("b",), ("b",)])
    outcome = decide(s, Rules(None, None), counted, eligible=10)
    assert counted["counts"] == {"a": 2, "b": 3, "c": 2}
    assert outcome["funding"] == {"funded": ["b", "c"], "spent": 90, "left": 10, "budget": 100}
    assert outcome["result"] == PASSED


# --- the stored rule set -----------------------------------------------------------------


def test_a_rule_set_reads_back_as_it_was_stored():
    rules = Rules(quorum=share_named("percent:30"), threshold=TWO_THIRDS, base=Base.ELIGIBLE)
    stored = rules.to_json()
    assert stored == {
        "version": 1,
        "strategy": "headcount",
        "quorum": "percent:30",
        "threshold": "two_thirds",
        "base": "eligible",
    }
    assert Rules.from_json(stored) == rules


@pytest.mark.parametrize(
    "stored",
    [
        {"version": 2, "strategy": "headcount"},
        {"version": 1, "strategy": "owners_dual"},
        {},
    ],
)
def test_an_unknown_version_or_strategy_is_never_read_as_a_head_count(stored):
    with pytest.raises(ValueError):
        Rules.from_json(stored)


def test_yes_no_and_multiple_choice_need_a_threshold():
    with pytest.raises(ValueError):
        validate_rules(Kind.YES_NO, Rules(None, None))
    with pytest.raises(ValueError):
        validate_rules(Kind.MULTIPLE, Rules(None, None))
    validate_rules(Kind.SINGLE, Rules(None, None))
