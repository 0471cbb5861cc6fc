"""The words of each notification kind, rendered in the reader's language when shown.

A notification stores its kind and parameters; the domain that produces a kind also
writes its sentence (settings.NOTIFICATION_TEXTS names each domain's table of
{kind: gettext_lazy text}), so a reader who switches to English reads English, old
notifications included.
"""

import logging
from functools import cache

from django.conf import settings
from django.utils.functional import Promise
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

log = logging.getLogger(__name__)


@cache
def texts() -> dict[str, Promise]:
    table: dict[str, Promise] = {}
    for path in settings.NOTIFICATION_TEXTS:
        table.update(import_string(path))
    return table


def render(kind: str, params: dict) -> str:
    """The sentence of `kind` with `params`, in the active language."""
    text = texts().get(kind)
    if text is None:
        return _("您有一条新消息。")
    try:
        return str(text) % params
    except (KeyError, TypeError, ValueError):  # a kind's wording changed its parameters
        log.warning("notification text %s does not fit its params %s", kind, sorted(params))
        return _("您有一条新消息。")


def outside_text(kind: str, params: dict) -> str:
    """The text of an outside message (SMS): the site's name first, as every SMS of ours."""
    return _("【共治】%(message)s") % {"message": render(kind, params)}
