"""Which statement a participant is shown next."""

from collections import Counter

from opinions.routing import Candidate, pick_next, priority


def draws(candidates, n=2000) -> Counter:
    return Counter(pick_next(candidates, seed=f"s{i}") for i in range(n))


def test_nothing_left_to_vote_on_gives_none():
    assert pick_next([], seed=1) is None


def test_the_same_seed_gives_the_same_statement():
    candidates = [Candidate(i, votes=30, divisiveness=i / 10, unity=0.2) for i in range(10)]
    assert len({pick_next(candidates, seed="u7:3") for _ in range(20)}) == 1
    # the order the candidates arrive in does not matter
    assert pick_next(candidates, seed="u7:3") == pick_next(candidates[::-1], seed="u7:3")


def test_dividing_and_uniting_statements_are_shown_more_often():
    dull = [Candidate(i, votes=40, divisiveness=0.05, unity=0.3) for i in range(1, 9)]
    dividing = Candidate(100, votes=40, divisiveness=0.9, unity=0.1)
    uniting = Candidate(200, votes=40, divisiveness=0.0, unity=0.95)
    counts = draws([*dull, dividing, uniting])
    average_dull = sum(counts[c.statement_id] for c in dull) / len(dull)
    assert counts[100] > 2 * average_dull
    assert counts[200] > 2 * average_dull


def test_a_new_statement_with_few_votes_gets_its_turn():
    scored = [Candidate(i, votes=50, divisiveness=0.8, unity=0.2) for i in range(1, 6)]
    new = Candidate(99, votes=0)
    counts = draws([*scored, new])
    assert counts[99] > counts[1]
    assert priority(new) > priority(Candidate(98, votes=30))


def test_every_statement_keeps_a_chance():
    candidates = [Candidate(1, votes=100, divisiveness=0.0, unity=0.0)]
    assert priority(candidates[0]) > 0
    assert pick_next(candidates, seed=0) == 1
