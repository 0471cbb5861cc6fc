"""How the import commands show their work: a progress bar and a closing report."""

import sys
from collections.abc import Callable, Iterable
from typing import TextIO, TypeVar

from django.core.management.base import OutputWrapper
from django.utils.translation import gettext as _
from tqdm import tqdm

from grid.importers.result import ImportResult

T = TypeVar("T")


def progress_bar(options: dict, *, desc: str) -> Callable[[list[T]], Iterable[T]]:
    """A tqdm bar on the command's stderr (silent at --verbosity 0).

    It writes to the raw stream: Django's OutputWrapper would end every redraw with a
    newline.
    """
    stream: TextIO = options.get("stderr") or sys.stderr

    def wrap(items: list[T]) -> Iterable[T]:
        return tqdm(items, desc=desc, file=stream, disable=options["verbosity"] == 0)

    return wrap


def write_report(result: ImportResult, out: OutputWrapper, *, dry_run: bool) -> None:
    for rejection in result.rejected:
        out.write(_("拒绝 %(rejection)s") % {"rejection": rejection})
    summary = _("导入完成：新建 %(created)d，更新 %(updated)d，拒绝 %(rejected)d。") % {
        "created": len(result.created),
        "updated": len(result.updated),
        "rejected": len(result.rejected),
    }
    if dry_run:
        summary += _("（试运行：没有写入数据库）")
    out.write(summary)
