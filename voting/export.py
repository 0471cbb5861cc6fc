"""导出 Excel: a closed ballot's results — the turnout, quorum and threshold arithmetic,
the counts per option, the instant-runoff rounds. An open (记名) ballot's managers also
get each voter's choice, the name masked; a secret ballot's export has no voter in it at
all, because nothing stored links a voter to a choice."""

import io

from django.utils.translation import gettext as _
from openpyxl import Workbook

from voting.models import Ballot, Choice, Option
from voting.presenters import Results

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe(value):
    """A text cell a spreadsheet would run as a formula gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def masked_name(name: str) -> str:
    return name[:1] + "*" * max(len(name) - 1, 1) if name else ""


def results_workbook(
    ballot: Ballot, options: list[Option], results: Results, *, with_voters: bool
) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = _("表决结果")
    lines = [
        [_("议题"), ballot.topic.title],
        [_("表决事项"), ballot.question],
        [_("结果"), results.result_label],
        [_("参与情况"), results.turnout],
        [_("法定参与"), results.quorum or _("不设")],
        [_("通过标准"), results.threshold],
    ]
    if results.funding:
        lines.append([_("预算"), results.funding])
    for line in lines:
        sheet.append([safe(v) for v in line])
    sheet.append([])
    sheet.append([_("选项"), _("票数"), _("占参与比例"), _("是否通过/获选")])
    for row in results.rows:
        sheet.append([safe(row.label), row.votes, row.share, _("是") if row.adopted else ""])
    if results.rounds:
        _rounds_sheet(book, results)
    if with_voters and not ballot.secret:
        _voters_sheet(book, ballot, options)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _rounds_sheet(book: Workbook, results: Results) -> None:
    sheet = book.create_sheet(_("逐轮淘汰"))
    sheet.append([_("轮次"), *[safe(x) for x in results.round_labels], _("已用尽选票"),
                  _("淘汰"), _("同票处理")])  # fmt: skip
    for r in results.rounds:
        sheet.append([r["round"], *r["cells"], r["exhausted"], safe(r["eliminated"]), r["rule"]])


def _voters_sheet(book: Workbook, ballot: Ballot, options: list[Option]) -> None:
    """记名投票明细: only ever for an open ballot (its Choice rows link to their Vote)."""
    labels = {o.key: o.label for o in options}
    sheet = book.create_sheet(_("记名投票明细"))
    sheet.append([_("投票人"), _("选择"), _("投票时间")])
    papers = (
        Choice.objects.filter(ballot=ballot, vote__isnull=False)
        .select_related("vote__resident")
        .order_by("vote__cast_at")
    )
    for paper in papers:
        chosen = "、".join(labels.get(k, k) for k in paper.selection)
        sheet.append([masked_name(paper.vote.resident.name), safe(chosen),
                      paper.vote.cast_at.replace(tzinfo=None)])  # fmt: skip
