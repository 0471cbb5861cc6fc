"""Writing a told case history through feedback.services_bulk.case_history_import, which
replays every case under the workflow's rules before it writes a row: the demo's stories
are checked as an import from another system would be.

A story speaks of people by user id and of merges by the other story; the import speaks
of the other case by its index in the batch, and writes the master's half of a merge
itself.
"""

from demo.story import Entry, Story
from feedback.models import Case
from feedback.services_bulk import CaseIn, EntryIn, case_history_import


def write_history(drafts: list) -> list[Case]:
    """Import the drafts' cases (in the order given: the order they were reported)."""
    index = {id(draft.story): n for n, draft in enumerate(drafts)}
    return case_history_import(cases=[_case(draft, index) for draft in drafts])


def _case(draft, index: dict[int, int]) -> CaseIn:
    story: Story = draft.story
    return CaseIn(
        client_id=draft.client_id,
        category=draft.leaf.pk,
        lon=draft.location[0],
        lat=draft.location[1],
        description=draft.description,
        source=draft.source,
        entries=[_entry(entry, index) for entry in story.entries],
        address=draft.address,
        reporter_name=draft.reporter_name,
        anonymous=draft.anonymous,
        priority=draft.priority,
    )


def _entry(entry: Entry, index: dict[int, int]) -> EntryIn:
    data = entry.data
    return EntryIn(
        action=entry.action,
        at=entry.at,
        actor=entry.actor,
        note=entry.note,
        department=data.get("department"),
        assignee=data.get("assignee"),
        rating=data.get("rating", ""),
        master=index[id(entry.link)] if entry.link is not None else None,
    )
