"""GeoReport responses in JSON or XML from the same plain data.

XML is built with ElementTree (escaping is the library's job). Each list has the
element names the spec gives: `<services><service>`, `<service_requests><request>`,
`<errors><error>`; nested lists name their items below.
"""

import datetime as dt
import json
import re
import xml.etree.ElementTree as ET

from django.http import HttpResponse
from django.utils import timezone

# Element name of each item inside a nested list.
ITEM_NAMES = {
    "attributes": "attribute",
    "values": "value",
    "endpoints": "endpoint",
    "formats": "format",
}
# Characters XML 1.0 cannot carry at all, even escaped.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
CONTENT_TYPES = {"json": "application/json; charset=utf-8", "xml": "text/xml; charset=utf-8"}


class Open311Error(Exception):
    """A refusal answered with the spec's error list."""

    def __init__(self, status: int, description: str) -> None:
        super().__init__(description)
        self.status = status
        self.description = str(description)


def iso(moment: dt.datetime | None) -> str | None:
    """W3C/ISO 8601 with the local offset, e.g. 2026-03-01T09:30:00+08:00."""
    return timezone.localtime(moment).isoformat(timespec="seconds") if moment else None


def respond(fmt: str, data, *, root: str, item: str = "", status: int = 200) -> HttpResponse:
    """`data` is a list of dicts (rendered as `<root><item>…`) or one dict (`<root>…`)."""
    if fmt == "json":
        body = json.dumps(data, ensure_ascii=False)
    else:
        element = ET.Element(root)
        if isinstance(data, list):
            for row in data:
                _fill(ET.SubElement(element, item), row)
        else:
            _fill(element, data)
        body = '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(element, "unicode")
    return HttpResponse(body, status=status, content_type=CONTENT_TYPES[fmt])


def error_response(fmt: str, error: Open311Error) -> HttpResponse:
    errors = [{"code": error.status, "description": error.description}]
    return respond(fmt, errors, root="errors", item="error", status=error.status)


def _fill(element: ET.Element, row: dict) -> None:
    for key, value in row.items():
        child = ET.SubElement(element, key)
        if isinstance(value, list):
            for entry in value:
                grandchild = ET.SubElement(child, ITEM_NAMES[key])
                if isinstance(entry, dict):
                    _fill(grandchild, entry)
                else:
                    grandchild.text = _text(entry)
        else:
            child.text = _text(value)


def _text(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return _NOT_XML.sub("", str(value))
