"""Sections that apps above consultation add to the topic page (voting's ballots,
opinions' map), without consultation importing them.

An app registers its section once, in its AppConfig.ready():

    from consultation.sections import register_topic_section

    register_topic_section(
        "ballots",                          # a name, unique
        template="voting/_topic_ballots.html",
        context=lambda request, topic: {...} or None,   # None: nothing to show
        order=30,                           # lower first; the debate is at 50
    )

The topic page (consultation/templates/consultation/topic.html) renders each section
whose `context` returns a dict, as `{% include template with section=<that dict> %}`,
so the template reads `section.<key>` and also has `topic`, `access` and `request`.
A section sits after the phases and the text (order < 50: before the comments; order
≥ 50: after them). `context` decides who sees what (the app's own access policy): it
gets the request (request.user) and a topic the user may read.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.http import HttpRequest

from consultation.models import Topic

SectionContext = Callable[[HttpRequest, Topic], dict | None]


@dataclass(frozen=True)
class TopicSection:
    name: str
    template: str
    context: SectionContext
    order: int = 40


_sections: dict[str, TopicSection] = {}


def register_topic_section(
    name: str, *, template: str, context: SectionContext, order: int = 40
) -> None:
    """Add (or replace, by name: a reload registers again) a section of the topic page."""
    _sections[name] = TopicSection(name, template, context, order)


def topic_sections(request: HttpRequest, topic: Topic) -> list[dict]:
    """The sections to render for this request, in order: [{name, template, context}]."""
    shown = []
    for section in sorted(_sections.values(), key=lambda s: (s.order, s.name)):
        context = section.context(request, topic)
        if context is not None:
            shown.append({"name": section.name, "template": section.template, "context": context,
                          "order": section.order})  # fmt: skip
    return shown
