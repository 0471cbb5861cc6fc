"""Input types shared by the API schemas."""

from typing import Annotated

from ninja import Field, Schema
from pydantic import AfterValidator
from pydantic_core import PydanticCustomError


def _refuse_control_characters(value: str) -> str:
    # PostgreSQL refuses NUL in text (a 500 if it reaches a query); other control
    # characters have no business in a name, a reason or a password either.
    if any(ord(ch) < 32 and ch not in "\t\n\r" for ch in value):
        raise PydanticCustomError("control_characters", "contains control characters")
    return value


Text = Annotated[str, AfterValidator(_refuse_control_characters)]


class FieldErrorOut(Schema):
    loc: list[str]
    field: str
    message: str


class ProblemOut(Schema):
    """application/problem+json (RFC 9457), as config.api answers every refusal."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str = Field(description="给用户看的中文说明")
    field: str | None = None
    errors: list[FieldErrorOut] | None = None


def problems(*statuses: int) -> dict[int, type[ProblemOut]]:
    """Response declarations for the OpenAPI document: `{**problems(404, 422), 200: X}`."""
    return dict.fromkeys(statuses, ProblemOut)
