"""What an import reports back: what it created, what it updated, what it refused."""

from dataclasses import dataclass, field

from common.errors import DomainError


class UnreadableFile(DomainError):
    """The file as a whole cannot be imported (missing, wrong format, missing columns)."""


@dataclass(frozen=True)
class Rejection:
    """One refused feature or row, told so the operator can find and fix it.

    `where` locates it in the file ("FID 7", "第 12 行"), `what` names the key or the
    column at fault, `reason` says why in the user's language. Never holds personal data
    in clear.
    """

    where: str
    what: str
    reason: str

    def __str__(self) -> str:
        return f"{self.where} [{self.what}]：{self.reason}"


@dataclass
class ImportResult:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    rejected: list[Rejection] = field(default_factory=list)
