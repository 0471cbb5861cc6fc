"""The count at close: the ballot papers through the tally engine, the electorate from
the register, the outcome with its arithmetic written to the ballot and its options."""

from voting import eligibility, tally
from voting.models import Ballot, Choice, Option
from voting.rules import Rules, decide
from voting.tally import BallotSpec


def close_outcome(ballot: Ballot, spec: BallotSpec) -> None:
    """Count an online ballot's papers and set its outcome (the caller saves it)."""
    papers = Choice.objects.filter(ballot=ballot).values_list("selection", flat=True)
    counted = tally.count(spec, list(papers))
    _record(ballot, spec, counted, eligibility.eligible_count(ballot))


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
