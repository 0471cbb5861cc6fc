"""Writing a told case history in a few bulk statements.

`created_at`, `updated_at` and `CaseEntry.at` are set by Django on insert (auto_now_add),
so the real moments are written right after by one UPDATE … FROM (VALUES …) per batch
(the same SQL on SQLite and PostgreSQL; Django's bulk_update builds a CASE expression per
row and takes ten times as long). A merged case is inserted as reported and becomes merged
once its master's id exists: the database requires a merged case to name its master.
"""

from collections.abc import Sequence

from django.contrib.gis.geos import Point
from django.db import connection
from django.db.models import Model

from feedback.demo_story import Entry, Story
from feedback.models import Case, CaseEntry, CaseFollower, CaseState
from feedback.services import case_number

BATCH = 500


def write_history(drafts: list) -> None:
    """Insert the drafts' cases (in the order given), their timelines and followers."""
    cases = Case.objects.bulk_create([_case(draft) for draft in drafts], batch_size=BATCH)
    by_story = {id(draft.story): case for draft, case in zip(drafts, cases, strict=True)}
    merged = []
    for draft, case in zip(drafts, cases, strict=True):
        story = draft.story
        case.number = case_number(case.pk, story.reported_at)
        case.created_at, case.updated_at = story.reported_at, story.last_at
        if story.state == CaseState.MERGED:
            case.state = CaseState.MERGED
            case.master = by_story[id(story.entries[-1].link)]
            merged.append(case)
    _set(Case, ["number", "created_at", "updated_at"], cases)
    Case.objects.bulk_update(merged, ["state", "master"], batch_size=BATCH)
    _write_timelines(drafts, by_story)
    _write_followers(drafts, by_story)


def _case(draft) -> Case:
    story: Story = draft.story
    merged = story.state == CaseState.MERGED
    return Case(
        number=f"T{draft.client_id.hex[:18]}",  # replaced once the id is known
        client_id=draft.client_id,
        category_id=draft.leaf.pk,
        description=draft.description,
        location=Point(*draft.location, srid=4326),
        address=draft.address,
        grid_id=draft.grid.pk,
        area_code=draft.grid.code,
        source=draft.source,
        reporter_id=story.people.reporter,
        reporter_name=draft.reporter_name,
        anonymous=draft.anonymous,
        priority=draft.priority,
        state=CaseState.REPORTED if merged else story.state,
        department_id=story.department,
        assignee_id=story.assignee,
        stage_started_at=story.stage_started_at,
        due_at=story.due_at,
        escalation_level=story.escalation_level,
        escalated_to=story.escalated_to,
        escalated_at=story.escalated_at,
        handled_on_spot=story.handled_on_spot,
        reopen_count=story.reopen_count,
        closed_at=story.closed_at,
        rating=story.rating,
        rating_comment=story.rating_comment,
        rated_at=story.rated_at,
        hidden=story.hidden,
    )


def _write_timelines(drafts: list, by_story: dict[int, Case]) -> None:
    rows, moments = [], []
    for draft in drafts:
        case = by_story[id(draft.story)]
        for seq, entry in enumerate(draft.story.entries, start=1):
            rows.append(
                CaseEntry(
                    case=case,
                    seq=seq,
                    action=entry.action,
                    actor_id=entry.actor,
                    actor_role=entry.role,
                    from_state=entry.from_state,
                    to_state=entry.to_state,
                    note=entry.note,
                    data=_data(entry, by_story),
                )
            )
            moments.append(entry.at)
    rows = CaseEntry.objects.bulk_create(rows, batch_size=BATCH)
    for row, moment in zip(rows, moments, strict=True):
        row.at = moment
    _set(CaseEntry, ["at"], rows)


def _set(model: type[Model], names: list[str], objects: Sequence[Model]) -> None:
    """Write `names` of saved `objects` as they are in memory, by primary key."""
    fields = [model._meta.get_field(name) for name in names]
    quote, table = connection.ops.quote_name, connection.ops.quote_name(model._meta.db_table)
    assignments = ", ".join(
        f"{quote(field.column)} = v.column{n}" for n, field in enumerate(fields, start=2)
    )
    row = "(" + ", ".join(["%s"] * (len(fields) + 1)) + ")"
    with connection.cursor() as cursor:
        for start in range(0, len(objects), BATCH):
            chunk = objects[start : start + BATCH]
            params = [
                value
                for obj in chunk
                for value in [obj.pk]
                + [f.get_db_prep_value(getattr(obj, f.attname), connection) for f in fields]
            ]
            cursor.execute(
                f"UPDATE {table} SET {assignments} FROM (VALUES {', '.join([row] * len(chunk))})"
                f" AS v WHERE {table}.id = v.column1",
                params,
            )


def _data(entry: Entry, by_story: dict[int, Case]) -> dict:
    """Entry data as the services write it; a merge names the other case."""
    if entry.link is None:
        return entry.data
    other = by_story[id(entry.link)]
    if entry.action == "merge":
        return {"master": other.pk, "master_number": other.number}
    return {"duplicate": other.pk, "duplicate_number": other.number}


def _write_followers(drafts: list, by_story: dict[int, Case]) -> None:
    """The reporter follows their case; a duplicate's reporter also follows the master."""
    pairs = set()
    for draft in drafts:
        case = by_story[id(draft.story)]
        pairs.add((case.pk, case.reporter_id))
        if case.master_id is not None:
            pairs.add((case.master_id, case.reporter_id))
    CaseFollower.objects.bulk_create(
        [CaseFollower(case_id=case, user_id=user) for case, user in sorted(pairs)],
        batch_size=BATCH,
    )
