"""The tally engine: valid selections and counts for every kind of ballot, instant-runoff
rounds with ties and exhausted ballots, budget funding at its edges."""

import pytest

from voting.tally import (
    BallotSpec,
    Kind,
    OptionSpec,
    SelectionError,
    apply_delta,
    count,
    fund,
    instant_runoff,
    validate,
    validate_spec,
    yes_no_spec,
)


def spec(kind: Kind, keys: str = "abcd", **kw) -> BallotSpec:
    return BallotSpec(kind, tuple(OptionSpec(k) for k in keys), **kw)


def budget_spec(costs: dict[str, int], budget: int, max_choices: int = 4) -> BallotSpec:
    options = tuple(OptionSpec(k, c) for k, c in costs.items())
    return BallotSpec(Kind.BUDGET, options, min_choices=1, max_choices=max_choices, budget=budget)


def refused(spec_: BallotSpec, selection) -> str:
    with pytest.raises(SelectionError) as caught:
        validate(spec_, selection)
    return caught.value.code


# --- yes / no / abstain ------------------------------------------------------------------


def test_yes_no_counts_each_answer_and_lists_all_three():
    result = count(yes_no_spec(), [("yes",), ("yes",), ("no",), ("abstain",), ("yes",)])
    assert result == {"ballots": 5, "counts": {"yes": 3, "no": 1, "abstain": 1}}


def test_yes_no_with_no_votes_counts_zero_for_each():
    assert count(yes_no_spec(), []) == {"ballots": 0, "counts": {"yes": 0, "no": 0, "abstain": 0}}


def test_yes_no_takes_exactly_one_known_answer():
    assert validate(yes_no_spec(), ["no"]) == ("no",)
    assert refused(yes_no_spec(), ["yes", "no"]) == "exactly_one"
    assert refused(yes_no_spec(), []) == "exactly_one"
    assert refused(yes_no_spec(), ["maybe"]) == "unknown_option"


def test_a_yes_no_ballot_must_have_exactly_its_three_answers():
    with pytest.raises(SelectionError) as caught:
        validate_spec(spec(Kind.YES_NO, "ab"))
    assert caught.value.code == "yes_no_options"
    validate_spec(yes_no_spec())


# --- single choice -----------------------------------------------------------------------


def test_single_choice_counts_per_option_in_ballot_order():
    result = count(spec(Kind.SINGLE, "abc"), [("b",), ("c",), ("b",)])
    assert list(result["counts"].items()) == [("a", 0), ("b", 2), ("c", 1)]


def test_single_choice_refuses_two_or_none():
    assert refused(spec(Kind.SINGLE, "abc"), ["a", "b"]) == "exactly_one"
    assert refused(spec(Kind.SINGLE, "abc"), []) == "exactly_one"


def test_a_choice_ballot_needs_two_options():
    with pytest.raises(SelectionError) as caught:
        validate_spec(spec(Kind.SINGLE, "a"))
    assert caught.value.code == "two_options"


# --- multiple choice ---------------------------------------------------------------------


def test_multiple_choice_accepts_between_min_and_max_and_stores_ballot_order():
    s = spec(Kind.MULTIPLE, "abcd", min_choices=2, max_choices=3)
    assert validate(s, ["c", "a"]) == ("a", "c")
    assert validate(s, ["d", "c", "a"]) == ("a", "c", "d")


def test_multiple_choice_refuses_too_few_too_many_and_repeats():
    s = spec(Kind.MULTIPLE, "abcd", min_choices=2, max_choices=3)
    with pytest.raises(SelectionError) as caught:
        validate(s, ["a"])
    assert (caught.value.code, caught.value.params) == ("choice_count", {"min": 2, "max": 3})
    assert refused(s, ["a", "b", "c", "d"]) == "choice_count"
    assert refused(s, ["a", "a"]) == "duplicate"


def test_multiple_choice_counts_every_option_a_ballot_approves():
    s = spec(Kind.MULTIPLE, "abc", min_choices=1, max_choices=3)
    result = count(s, [("a", "b"), ("b", "c"), ("b",)])
    assert result == {"ballots": 3, "counts": {"a": 1, "b": 3, "c": 1}}


def test_multiple_choice_bounds_must_fit_the_options():
    with pytest.raises(SelectionError):
        validate_spec(spec(Kind.MULTIPLE, "abc", min_choices=2, max_choices=4))
    with pytest.raises(SelectionError):
        validate_spec(spec(Kind.MULTIPLE, "abc", min_choices=3, max_choices=2))
    validate_spec(spec(Kind.MULTIPLE, "abc", min_choices=1, max_choices=3))


# --- ranked choice -----------------------------------------------------------------------


def test_a_first_round_majority_wins_at_once():
    result = instant_runoff("abc", [("a",), ("a", "b"), ("a",), ("b",), ("c",)])
    assert result["winner"] == "a"
    assert len(result["rounds"]) == 1
    assert result["rounds"][0]["counts"] == {"a": 3, "b": 1, "c": 1}


def test_eliminations_transfer_votes_to_the_next_preference():
    ballots = [("a", "b")] * 4 + [("b", "a")] * 3 + [("c", "b")] * 2
    result = instant_runoff("abc", ballots)
    first, second = result["rounds"]
    assert first["counts"] == {"a": 4, "b": 3, "c": 2}
    assert (first["eliminated"], first["tie_break"]) == ("c", None)
    assert second["counts"] == {"a": 4, "b": 5}
    assert result["winner"] == "b"


def test_exhausted_ballots_leave_the_count_and_the_majority_is_of_continuing_ballots():
    # c's two voters ranked nobody else: after c goes they are exhausted, and a's 4 of
    # the 7 continuing ballots is a majority though it is not one of all 9.
    ballots = [("a",)] * 4 + [("b",)] * 3 + [("c",)] * 2
    result = instant_runoff("abc", ballots)
    final = result["rounds"][-1]
    assert (final["continuing"], final["exhausted"]) == (7, 2)
    assert result["winner"] == "a"


def test_a_tie_for_last_goes_to_the_option_with_fewer_votes_in_an_earlier_round():
    ballots = [("a",)] * 5 + [("b",)] * 3 + [("c",)] * 4 + [("d", "b")] * 1 + [("e",)] * 1
    result = instant_runoff("abcde", ballots)
    r1, r2 = result["rounds"][:2]
    # d and e tie at 1 in round 1 with no earlier round: the one listed last (e) goes.
    assert (r1["eliminated"], r1["tie_break"]) == ("e", "ballot_order")
    # Round 2: a 5, b 3, c 4, d 1 → d goes alone, its vote passes to b.
    assert r2["eliminated"] == "d"
    # round 3: a5 b4 c4: b and c tie for last; in round 1 b had 3 and c had 4 → b goes.
    r3 = result["rounds"][2]
    assert r3["counts"] == {"a": 5, "b": 4, "c": 4}
    assert (r3["eliminated"], r3["tie_break"]) == ("b", "earlier_round")


def test_a_tie_that_no_earlier_round_breaks_eliminates_the_last_listed():
    ballots = [("a",)] * 3 + [("b", "a")] * 2 + [("c", "a")] * 2
    result = instant_runoff("abc", ballots)
    first = result["rounds"][0]
    assert (first["eliminated"], first["tie_break"]) == ("c", "ballot_order")
    assert result["winner"] == "a"


def test_an_even_split_of_all_continuing_options_is_a_tie_with_no_winner():
    result = instant_runoff("ab", [("a",)] * 5 + [("b",)] * 5)
    assert result == {"rounds": result["rounds"], "winner": None, "tie": True}
    assert result["rounds"][-1]["eliminated"] is None


def test_a_final_pair_tied_after_eliminations_is_a_tie():
    ballots = [("a",)] * 3 + [("b",)] * 2 + [("c", "b")] * 1
    result = instant_runoff("abc", ballots)
    assert result["rounds"][-1]["counts"] == {"a": 3, "b": 3}
    assert (result["winner"], result["tie"]) == (None, True)


def test_a_ranked_count_with_no_ballots_has_no_winner():
    result = instant_runoff("abc", [])
    assert result["winner"] is None
    assert result["rounds"][0]["continuing"] == 0


def test_a_ballot_exhausted_by_an_elimination_no_longer_counts():
    ballots = [("a",), ("b",), ("c",), ("c",)]
    result = instant_runoff("abc", ballots)
    # a and b tie at 1 → b (listed last) goes; then a 1, c 2 of 3 continuing → c wins.
    assert result["winner"] == "c"
    assert result["rounds"][-1]["exhausted"] == 1


def test_the_count_of_a_ranked_ballot_holds_its_rounds_and_first_preferences():
    s = spec(Kind.RANKED, "abc")
    result = count(s, [("a", "b"), ("b",), ("c", "b")])
    assert result["counts"] == {"a": 1, "b": 1, "c": 1}
    assert result["ballots"] == 3
    assert result["rounds"][0]["counts"] == result["counts"]


def test_a_ranking_may_be_partial_but_not_empty_or_repeated():
    s = spec(Kind.RANKED, "abcd")
    assert validate(s, ["c", "a"]) == ("c", "a")
    assert refused(s, []) == "rank_at_least_one"
    assert refused(s, ["a", "c", "a"]) == "duplicate"
    assert refused(s, ["z"]) == "unknown_option"


# --- budget allocation -------------------------------------------------------------------


def test_a_selection_costing_exactly_the_budget_is_accepted():
    s = budget_spec({"a": 60_000, "b": 40_000, "c": 30_000}, budget=100_000)
    assert validate(s, ["b", "a"]) == ("a", "b")


def test_a_selection_over_the_budget_is_refused_with_its_cost():
    s = budget_spec({"a": 60_000, "b": 40_000, "c": 30_000}, budget=100_000)
    with pytest.raises(SelectionError) as caught:
        validate(s, ["a", "b", "c"])
    assert caught.value.code == "over_budget"
    assert caught.value.params == {"budget": 100_000, "cost": 130_000}


def test_funding_goes_down_the_votes_and_skips_what_no_longer_fits():
    s = budget_spec({"a": 60_000, "b": 50_000, "c": 30_000, "d": 10_000}, budget=100_000)
    funding = fund(s, {"a": 9, "b": 8, "c": 5, "d": 1}, s.keys)
    # a (60k) fits; b (50k) does not fit the 40k left and is skipped; c (30k) and d fit.
    assert funding == {"funded": ["a", "c", "d"], "spent": 100_000, "left": 0, "budget": 100_000}


def test_funding_exactly_the_budget_funds_both():
    s = budget_spec({"a": 70_000, "b": 30_000}, budget=100_000)
    assert fund(s, {"a": 3, "b": 2}, s.keys)["funded"] == ["a", "b"]


def test_equal_votes_are_funded_in_ballot_order_and_unvoted_options_never():
    s = budget_spec({"a": 60_000, "b": 60_000, "c": 10_000}, budget=100_000)
    funding = fund(s, {"a": 4, "b": 4, "c": 0}, s.keys)
    assert funding["funded"] == ["a"]
    assert funding["left"] == 40_000


def test_only_qualifying_options_are_funded():
    s = budget_spec({"a": 10, "b": 10}, budget=100)
    assert fund(s, {"a": 5, "b": 5}, ["b"])["funded"] == ["b"]


def test_a_budget_ballot_needs_positive_costs_and_an_option_that_fits():
    with pytest.raises(SelectionError) as caught:
        validate_spec(budget_spec({"a": 0, "b": 10}, budget=100, max_choices=2))
    assert caught.value.code == "budget_positive"
    with pytest.raises(SelectionError) as caught:
        validate_spec(budget_spec({"a": 200, "b": 300}, budget=100, max_choices=2))
    assert caught.value.code == "nothing_fits"


# --- the live tally ----------------------------------------------------------------------


def test_a_changed_vote_moves_one_from_the_old_choice_to_the_new():
    counts = {"a": 3, "b": 1, "c": 0}
    assert apply_delta(counts, ("a",), ("c",)) == {"a": 2, "b": 1, "c": 1}
    assert apply_delta(counts, (), ("b", "c")) == {"a": 3, "b": 2, "c": 1}
    assert counts == {"a": 3, "b": 1, "c": 0}
