"""The count at close: the ballot papers through the tally engine, the electorate from
the register, the outcome with its arithmetic written to the ballot and its options."""

import random

from voting import eligibility, tally
from voting.models import Ballot, Choice, Option
from voting.rules import Rules, decide
from voting.tally import BallotSpec


def close_outcome(ballot: Ballot, spec: BallotSpec) -> None:
    """Count an online ballot's papers and set its outcome (the caller saves it)."""
    papers = Choice.objects.filter(ballot=ballot).values_list("selection", flat=True)
    counted = tally.count(spec, list(papers))
    _record(ballot, spec, counted, eligibility.eligible_count(ballot))
    if ballot.secret:
        shuffle_papers(ballot)


def shuffle_papers(ballot: Ballot) -> None:
    """Write a secret ballot's papers again in random order with new keys: while it was
    open they lay in the table in the order they were cast, which an operator could lay
    beside the votes' times. The receipts stay, so a voter can still check theirs."""
    papers = list(Choice.objects.filter(ballot=ballot).values_list("selection", "receipt"))
    random.SystemRandom().shuffle(papers)
    Choice.objects.filter(ballot=ballot).delete()
    Choice.objects.bulk_create(
        Choice(ballot=ballot, selection=selection, receipt=receipt) for selection, receipt in papers
    )


def meeting_outcome(ballot: Ballot, spec: BallotSpec, *, attended: int, expected: int,
                    counts: dict[str, int]) -> None:  # fmt: skip
    """The outcome of a meeting's signed-off figures: those present are the votes cast."""
    counted = {"ballots": attended, "counts": {k: counts.get(k, 0) for k in spec.keys}}
    _record(ballot, spec, counted, expected)


def _record(ballot: Ballot, spec: BallotSpec, counted: dict, eligible: int) -> None:
    ballot.outcome = decide(spec, Rules.from_json(ballot.rules), counted, eligible)
    ballot.votes_cast = counted["ballots"]
    options = list(ballot.options.all())
    for option in options:
        option.votes = counted["counts"].get(option.key, 0)
    Option.objects.bulk_update(options, ["votes"])
