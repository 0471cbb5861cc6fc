"""A ballot's outcome in words and tables for the pages, the 公示 and the export: the
turnout, the quorum and threshold arithmetic, per-option counts, the instant-runoff
rounds and the funding. Works on the stored outcome JSON only (no voter in it)."""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from voting.models import Ballot, Option

SHARE_LABELS = {
    "more_than_half": lambda: _("过半数"),
    "two_thirds": lambda: _("三分之二以上（含）"),
    "three_quarters": lambda: _("四分之三以上（含）"),
}
RESULT_LABELS = {
    "passed": lambda: _("通过"),
    "failed": lambda: _("未通过"),
    "quorum_not_met": lambda: _("参与人数未达法定要求，表决无效"),
}


def share_label(share: dict | None) -> str:
    if share is None:
        return _("不设比例（得票最多者）")
    if share["name"] in SHARE_LABELS:
        return SHARE_LABELS[share["name"]]()
    return _("不少于%(pct)d%%") % {"pct": share["num"]}


def unit_label(ballot: Ballot) -> str:
    return _("户") if ballot.eligibility == "household" else _("人")


@dataclass
class Row:
    label: str
    votes: int
    share: str  # of the ballots cast, "40.0%"
    adopted: bool


@dataclass
class Results:
    result: str
    result_label: str
    turnout: str
    quorum: str | None
    threshold: str
    rows: list[Row]
    rounds: list[dict]  # {"round", "cells": [votes per option], "exhausted", "eliminated", "rule"}
    round_labels: list[str]
    funding: str | None
    tie: bool


def percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "—"


def results_of(ballot: Ballot, options: list[Option]) -> Results | None:
    outcome = ballot.outcome
    if not outcome:
        return None
    labels = {o.key: o.label for o in options}
    unit, cast, eligible = unit_label(ballot), outcome["cast"], outcome["eligible"]
    adopted = set(outcome["adopted"])
    rows = [
        Row(o.label, outcome["counts"].get(o.key, 0),
            percent(outcome["counts"].get(o.key, 0), cast), o.key in adopted)
        for o in options
    ]  # fmt: skip
    return Results(
        result=outcome["result"],
        result_label=RESULT_LABELS[outcome["result"]](),
        turnout=_("参与表决 %(cast)d %(unit)s，应参与 %(eligible)d %(unit)s，参与率 %(pct)s")
        % {"cast": cast, "eligible": eligible, "unit": unit, "pct": percent(cast, eligible)},
        quorum=_quorum_text(outcome.get("quorum"), unit),
        threshold=_threshold_text(outcome["threshold"], unit),
        rows=rows,
        rounds=_rounds(outcome.get("rounds") or [], options, labels),
        round_labels=[o.label for o in options],
        funding=_funding_text(outcome.get("funding"), labels),
        tie=bool(outcome.get("tie")),
    )


def _quorum_text(quorum: dict | None, unit: str) -> str | None:
    if quorum is None:
        return None
    met = _("已达到") if quorum["met"] else _("未达到")
    return _(
        "法定参与：应参与 %(eligible)d %(unit)s 的%(share)s，即至少 %(needed)d %(unit)s；"
        "实际 %(cast)d %(unit)s，%(met)s"
    ) % {"eligible": quorum["eligible"], "share": share_label(quorum["share"]),
         "needed": quorum["needed"], "cast": quorum["cast"], "unit": unit, "met": met}  # fmt: skip


def _threshold_text(threshold: dict, unit: str) -> str:
    if threshold["share"] is None:
        return _("通过标准：得票最多的选项（不设比例）")
    base = _("参与表决") if threshold["base"] == "cast" else _("全体有投票资格")
    return _(
        "通过标准：%(base)s的 %(count)d %(unit)s 的%(share)s，即至少 %(needed)d 票"
    ) % {"base": base, "count": threshold["base_count"], "unit": unit,
         "share": share_label(threshold["share"]), "needed": threshold["needed"]}  # fmt: skip


def _rounds(rounds: list[dict], options: list[Option], labels: dict) -> list[dict]:
    rules = {"earlier_round": _("同票，按上一轮得票较少者淘汰"),
             "ballot_order": _("同票，按选项顺序淘汰排在后面的")}  # fmt: skip
    return [
        {
            "round": r["round"],
            "cells": [r["counts"].get(o.key, "") for o in options],
            "exhausted": r["exhausted"],
            "eliminated": labels.get(r["eliminated"], ""),
            "rule": rules.get(r["tie_break"] or "", ""),
        }
        for r in rounds
    ]


def _funding_text(funding: dict | None, labels: dict) -> str | None:
    if funding is None:
        return None
    funded = "、".join(labels[k] for k in funding["funded"]) or _("无")
    return _("获得资助：%(funded)s；合计 %(spent)d 元，预算 %(budget)d 元，余 %(left)d 元") % {
        "funded": funded, "spent": funding["spent"], "budget": funding["budget"],
        "left": funding["left"],
    }  # fmt: skip


def rules_labels(rules) -> tuple[str, str]:
    """The quorum and the threshold of a rule set (voting.rules.Rules), in words."""
    quorum = (
        _("有投票资格者的%(share)s参与") % {"share": share_label(rules.quorum.as_json())}
        if rules.quorum
        else _("不设")
    )
    if rules.threshold is None:
        return quorum, _("得票最多的选项")
    base = _("参与表决者") if rules.base == "cast" else _("全体有投票资格者")
    return quorum, _("%(base)s的%(share)s") % {
        "base": base, "share": share_label(rules.threshold.as_json()),
    }  # fmt: skip
